import { describe, expect, it } from 'vitest';
import { velocityFor } from '@tickwire/protocol';
import { createRandomWalk, seededRandom, stepRandomWalk } from './random-walk.js';

const bounds = { maxX: 16000, maxY: 16000, margin: 200 };

describe('random walk', () => {
  it('keeps its heading between turns and turns every 1-2 s', () => {
    const random = seededRandom(7);
    const walk = createRandomWalk(random, 0);
    const turns: number[] = [];
    const headings = new Set<number>();
    let scheduled = walk.nextTurnAtMs;
    for (let t = 0; t <= 20_000; t += 50) {
      const heading = stepRandomWalk(walk, random, t, 8000, 8000, bounds);
      headings.add(heading);
      if (walk.nextTurnAtMs !== scheduled) {
        turns.push(t);
        scheduled = walk.nextTurnAtMs;
      } else if (t > 0) {
        // Between turns, away from the edges, the heading does not change.
        expect(heading).toBe(walk.heading);
      }
    }
    const gaps = turns.slice(1).map((t, i) => t - (turns[i] as number));
    expect(gaps.every((g) => g >= 1000 && g <= 2050)).toBe(true);
    expect(turns.length).toBeGreaterThanOrEqual(9);
    expect(headings.size).toBeGreaterThanOrEqual(8);
  });

  it('turns back at every edge: the new velocity points away from the wall', () => {
    const random = seededRandom(3);
    for (let h = 0; h < 256; h += 5) {
      for (const [x, y] of [
        [0, 8000],
        [16000, 8000],
        [8000, 0],
        [8000, 16000],
      ] as const) {
        const walk = { heading: h, nextTurnAtMs: Infinity };
        const { vx, vy } = velocityFor(stepRandomWalk(walk, random, 0, x, y, bounds), 27);
        if (x === 0) expect(vx).toBeGreaterThanOrEqual(0);
        if (x === 16000) expect(vx).toBeLessThanOrEqual(0);
        if (y === 0) expect(vy).toBeGreaterThanOrEqual(0);
        if (y === 16000) expect(vy).toBeLessThanOrEqual(0);
      }
    }
  });
});
