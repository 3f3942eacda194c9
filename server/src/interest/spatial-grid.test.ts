import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SpatialGrid, type GridItem } from './spatial-grid.js';

interface Item extends GridItem {
  id: number;
}

describe('SpatialGrid', () => {
  it('returns exactly the items inside a rectangle, through inserts, moves and removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 800 })), {
          minLength: 1,
          maxLength: 80,
        }),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.integer({ min: 0, max: 1000 }),
            fc.integer({ min: 0, max: 800 }),
            fc.boolean(),
          ),
        ),
        fc.tuple(
          fc.integer({ min: -100, max: 1100 }),
          fc.integer({ min: -100, max: 900 }),
          fc.nat(600),
          fc.nat(600),
        ),
        (points, moves, [qx, qy, qw, qh]) => {
          const grid = new SpatialGrid<Item>(1000, 800, 64);
          const live = new Set<Item>();
          points.forEach(([x, y], id) => {
            const item: Item = { id, x, y, gridCell: -1, gridSlot: 0 };
            grid.insert(item);
            live.add(item);
          });
          const all = [...live];
          for (const [i, x, y, remove] of moves) {
            const item = all[i % all.length] as Item;
            if (!live.has(item)) continue;
            if (remove) {
              grid.remove(item);
              live.delete(item);
            } else {
              item.x = x;
              item.y = y;
              grid.update(item);
            }
          }
          const out: Item[] = [];
          const count = grid.queryInto(qx, qy, qx + qw, qy + qh, out);
          const found = out.slice(0, count).map((item) => item.id);
          const expected = [...live]
            .filter((it) => it.x >= qx && it.x <= qx + qw && it.y >= qy && it.y <= qy + qh)
            .map((it) => it.id);
          expect(found.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
        },
      ),
    );
  });
});
