import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PackedGrid, type Positioned } from './packed-grid.js';
import { StaticIndex } from './static-index.js';

describe('PackedGrid', () => {
  it('returns exactly the entities inside a rectangle, after any rebuild', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 800 })), {
          maxLength: 120,
        }),
        fc.array(
          fc.tuple(
            fc.integer({ min: -100, max: 1100 }),
            fc.integer({ min: -100, max: 900 }),
            fc.nat(700),
            fc.nat(700),
          ),
          {
            minLength: 1,
            maxLength: 10,
          },
        ),
        (points, queries) => {
          const grid = new PackedGrid(1000, 800, 64);
          const entities: Positioned[] = points.map(([x, y], i) => ({ id: i + 1, x, y }));
          grid.rebuild(entities, entities.length);
          const out = new Uint16Array(Math.max(1, entities.length));
          for (const [qx, qy, qw, qh] of queries) {
            const n = grid.queryInto(qx, qy, qx + qw, qy + qh, out);
            const found = Array.from(out.subarray(0, n)).sort((a, b) => a - b);
            const expected = entities
              .filter((e) => e.x >= qx && e.x <= qx + qw && e.y >= qy && e.y <= qy + qh)
              .map((e) => e.id)
              .sort((a, b) => a - b);
            expect(found).toEqual(expected);
          }
        },
      ),
    );
  });

  it('grows with the entity count and forgets entities left out of a rebuild', () => {
    const grid = new PackedGrid(100, 100, 10);
    const many = Array.from({ length: 1000 }, (_, i) => ({
      id: i + 1,
      x: i % 100,
      y: Math.floor(i / 10),
    }));
    grid.rebuild(many, many.length);
    expect(grid.count).toBe(1000);
    grid.rebuild(many.slice(0, 3), 3);
    const out = new Uint16Array(1000);
    expect(grid.queryInto(0, 0, 100, 100, out)).toBe(3);
  });
});

describe('StaticIndex', () => {
  const inside = (
    r: { minX: number; minY: number; maxX: number; maxY: number },
    e: Positioned,
  ): boolean => e.x >= r.minX && e.x <= r.maxX && e.y >= r.minY && e.y <= r.maxY;
  const sorted = (ids: Iterable<number>): number[] => Array.from(ids).sort((a, b) => a - b);
  const rect = fc
    .tuple(
      fc.integer({ min: -100, max: 1100 }),
      fc.integer({ min: -100, max: 900 }),
      fc.nat(700),
      fc.nat(700),
    )
    .map(([x, y, w, h]) => ({ minX: x, minY: y, maxX: x + w, maxY: y + h }));

  it('finds exactly the entities in any rectangle and any difference of two, thin or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 800 })), {
          maxLength: 150,
        }),
        rect,
        // A second rectangle near the first (a moving view's baseline: thin bands) or anywhere.
        fc.oneof(
          fc.tuple(fc.integer({ min: -30, max: 30 }), fc.integer({ min: -30, max: 30 })),
          fc.tuple(fc.integer({ min: -900, max: 900 }), fc.integer({ min: -900, max: 900 })),
        ),
        (points, a, [dx, dy]) => {
          const index = new StaticIndex(1000, 800, 64);
          const entities: Positioned[] = points.map(([x, y], i) => ({ id: i + 1, x, y }));
          index.rebuild(entities, entities.length);
          const b = { minX: a.minX + dx, minY: a.minY + dy, maxX: a.maxX + dx, maxY: a.maxY + dy };
          const out = new Uint16Array(Math.max(1, entities.length));
          const n = index.queryInto(a.minX, a.minY, a.maxX, a.maxY, out);
          expect(sorted(out.subarray(0, n))).toEqual(
            sorted(entities.filter((e) => inside(a, e)).map((e) => e.id)),
          );
          for (const [p, q] of [
            [a, b],
            [b, a],
          ] as const) {
            const m = index.queryDifferenceInto(p, q, out);
            expect(sorted(out.subarray(0, m))).toEqual(
              sorted(entities.filter((e) => inside(p, e) && !inside(q, e)).map((e) => e.id)),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('queries the entities in one rectangle but not another', () => {
    const grid = new StaticIndex(1000, 1000, 64);
    const entities = Array.from({ length: 400 }, (_, i) => ({
      id: i + 1,
      x: (i * 37) % 1000,
      y: (i * 91) % 1000,
    }));
    grid.rebuild(entities, entities.length);
    const a = { minX: 100, minY: 100, maxX: 600, maxY: 500 };
    const b = { minX: 300, minY: 50, maxX: 900, maxY: 450 };
    const out = new Uint16Array(400);
    const n = grid.queryDifferenceInto(a, b, out);
    const inside = (r: typeof a, e: Positioned): boolean =>
      e.x >= r.minX && e.x <= r.maxX && e.y >= r.minY && e.y <= r.maxY;
    const expected = entities.filter((e) => inside(a, e) && !inside(b, e)).map((e) => e.id);
    expect(Array.from(out.subarray(0, n)).sort((x, y) => x - y)).toEqual(
      expected.sort((x, y) => x - y),
    );
    expect(n).toBeGreaterThan(10);
  });
});
