import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EntityOf } from '@tickwire/protocol';
import { testGame, type TestShip, type TestSpec } from '../game/test-game.js';
import { createTestGame } from '../room/test-support.js';
import type { Entity, World } from './world.js';

function idsIn(world: World, x: number, y: number, r: number): number[] {
  const out = new Uint16Array(1024);
  const n = world.dynamicGrid().queryInto(x - r, y - r, x + r, y + r, out);
  return Array.from(out.subarray(0, n)).sort((a, b) => a - b);
}

describe('World', () => {
  it('after the step, the interest grid has every position the game wrote, even after a query in the step', () => {
    const game = createTestGame(testGame, { worldWidth: 1000, worldHeight: 1000, pelletCount: 0 });
    const ship = game.logic.join('a', 1) as TestShip;
    game.step(1);
    // The game's step queries the grid (packing it), then moves the ship by writing x and y,
    // without telling the engine.
    expect(game.world.near('ship', ship.x, ship.y, 10).map((s) => s.id)).toEqual([ship.id]);
    const from = { x: ship.x, y: ship.y };
    ship.x = from.x < 2000 ? 3500 : 500;
    ship.y = from.y < 2000 ? 3500 : 500;
    game.world.endStep(2);
    expect(idsIn(game.world as World, ship.x, ship.y, 10)).toEqual([ship.id]);
    expect(idsIn(game.world as World, from.x, from.y, 10)).toEqual([]);
  });

  it('nearAsPackedInto answers from the grid as last packed, and says when it was packed again', () => {
    const { world } = createTestGame(testGame, { pelletCount: 0 });
    const at = (x: number, y: number) =>
      world.spawn('beacon', { x, y, level: 0 }, 1) ?? expect.fail('no entity id free');
    const a = at(1000, 1000);
    world.spawn('bolt', { x: 1010, y: 1000, vx: 0, vy: 0, owner: 1 }, 1);
    world.dynamicGrid();
    const packs = world.dynamicGridPackCount;
    const found: EntityOf<TestSpec, 'beacon'>[] = [];
    const idsNear = (x: number, y: number) => {
      world.nearAsPackedInto('beacon', x, y, 50, 20, found);
      return found.map((e) => e.id);
    };
    // Only the kind asked for, in the box (wider than high).
    expect(idsNear(1040, 1000)).toEqual([a.id]);
    expect(idsNear(1000, 1030)).toEqual([]);
    // A spawn and a move are not packed (no re-pack): the new one is missing, the moved one is
    // found where it was, with its fields as they are; a removed one is left out.
    const b = at(1000, 1005);
    a.x = 3000;
    world.markMoved();
    expect(idsNear(1000, 1000)).toEqual([a.id]);
    expect(found[0]?.x).toBe(3000);
    expect(world.dynamicGridPackCount).toBe(packs);
    world.remove(a, 1);
    expect(idsNear(1000, 1000)).toEqual([]);
    // Packed again: everything where it is.
    world.dynamicGrid();
    expect(world.dynamicGridPackCount).toBe(packs + 1);
    expect(idsNear(1000, 1000)).toEqual([b.id]);
    world.dynamicGrid();
    expect(world.dynamicGridPackCount).toBe(packs + 1);
    expect(() => world.nearAsPackedInto('rock', 0, 0, 1, 1, [])).toThrow(RangeError);
  });

  it('removing linear entities in any order leaves the others moving by their velocity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -40, max: 40 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (velocities, removals) => {
          const game = createTestGame(testGame, { pelletCount: 0 });
          const { world } = game;
          const bolts = velocities.map(([vx, vy]) =>
            world.spawn('bolt', { x: 8000, y: 8000, vx, vy, owner: 1 }, 1),
          );
          const gone = new Set<number>();
          for (const r of removals) {
            const bolt = bolts[r % bolts.length];
            if (!bolt) continue;
            world.remove(bolt, 1);
            gone.add(bolt.id);
          }
          world.moveAll();
          for (const bolt of bolts) {
            if (!bolt) throw new Error('no id free');
            const moved = gone.has(bolt.id) ? [8000, 8000] : [8000 + bolt.vx, 8000 + bolt.vy];
            expect([bolt.x, bolt.y]).toEqual(moved);
          }
        },
      ),
    );
  });

  it('entities with a lifetime leave at exactly their expiry tick, whatever was removed early', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            spawnTick: fc.integer({ min: 1, max: 40 }),
            removedAfter: fc.option(fc.nat(15)),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (plan) => {
          const game = createTestGame(testGame, { pelletCount: 0 });
          const { world } = game;
          const lifetime = game.schema.kindByName.get('bolt')?.lifetimeTicks ?? 0;
          // Spawned in tick order, as a game does (a few at the same tick).
          const sorted = [...plan].sort((a, b) => a.spawnTick - b.spawnTick);
          const live: { e: Entity; leavesAt: number; isRemovedEarly: boolean }[] = [];
          let next = 0;
          for (let tick = 1; tick <= 40 + lifetime + 1; tick++) {
            world.expire(tick);
            for (const l of live) {
              if (l.isRemovedEarly && l.leavesAt === tick) world.remove(l.e, tick);
            }
            for (const l of live) {
              expect(world.has(l.e), `entity ${l.e.id} at tick ${tick}`).toBe(tick < l.leavesAt);
            }
            while (next < sorted.length && sorted[next]?.spawnTick === tick) {
              const p = sorted[next++];
              const e = world.spawn('bolt', { x: 10, y: 10, vx: 0, vy: 0, owner: 1 }, tick);
              if (!p || !e) throw new Error('spawn failed');
              const removeAt = p.removedAfter === null ? Infinity : tick + 1 + p.removedAfter;
              const isRemovedEarly = removeAt < tick + lifetime;
              live.push({
                e: e as Entity,
                leavesAt: isRemovedEarly ? removeAt : tick + lifetime,
                isRemovedEarly,
              });
            }
          }
          expect(world.count('bolt')).toBe(0);
        },
      ),
    );
  });
});
