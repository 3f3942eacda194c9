import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  RECT_DIFFERENCE_SIZE,
  containsPoint,
  rectDifference,
  type IntRect,
} from './rect-difference.js';

const rectArb = fc
  .tuple(
    fc.integer({ min: -20, max: 20 }),
    fc.integer({ min: -20, max: 20 }),
    fc.nat(25),
    fc.nat(25),
  )
  .map(([x, y, w, h]): IntRect => ({ minX: x, minY: y, maxX: x + w, maxY: y + h }));

describe('rectDifference', () => {
  it('covers every point of a \\ b exactly once and nothing else', () => {
    fc.assert(
      fc.property(rectArb, rectArb, (a, b) => {
        const out = new Int32Array(RECT_DIFFERENCE_SIZE);
        const n = rectDifference(a, b, out);
        const bands: IntRect[] = [];
        for (let k = 0; k < n; k++) {
          bands.push({
            minX: out[k * 4] as number,
            minY: out[k * 4 + 1] as number,
            maxX: out[k * 4 + 2] as number,
            maxY: out[k * 4 + 3] as number,
          });
        }
        const wrong: string[] = [];
        for (let x = -25; x <= 50; x++) {
          for (let y = -25; y <= 50; y++) {
            const expected = containsPoint(a, x, y) && !containsPoint(b, x, y) ? 1 : 0;
            let covered = 0;
            for (const r of bands) if (containsPoint(r, x, y)) covered++;
            if (covered !== expected)
              wrong.push(`(${x},${y}) covered ${covered} times, expected ${expected}`);
          }
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
