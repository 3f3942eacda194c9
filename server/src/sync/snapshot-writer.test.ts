import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { encodeSnapshot } from '@tickwire/protocol';
import { DROP, FIRE, testGame, type TestShip } from '../game/test-game.js';
import { createTestGame } from '../room/test-support.js';
import type { ViewRect } from '../interest/view.js';
import { ClientSync, SyncScratch, toSnapshot } from './client-sync.js';
import { SnapshotWriter } from './snapshot-writer.js';

const NAMES = ['añ', 'bob', '😀x', 'long-name-sixteen'.slice(0, 16)];

/** A game of four ships in a small world; returns the ships and a tick function. */
function setUp(seed: number) {
  const game = createTestGame(testGame, {
    worldWidth: 800,
    worldHeight: 600,
    pelletCount: 40,
    seed,
  });
  const ships = NAMES.map((name) => game.logic.join(name, 0)).filter(
    (s): s is TestShip => s !== null,
  );
  game.state.commit(0);
  return { game, ships };
}

function rectAround(e: { x: number; y: number }): ViewRect {
  return { minX: e.x - 1200, minY: e.y - 800, maxX: e.x + 1200, maxY: e.y + 800 };
}

describe('SnapshotWriter', () => {
  it('writes the same bytes as encodeSnapshot for every composed delta, for every kind of field', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.array(
          fc.record({
            moveDir: fc.integer({ min: -1, max: 255 }),
            ack: fc.nat(3),
            buttons: fc.nat(3),
            label: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
          }),
          { minLength: 5, maxLength: 60 },
        ),
        (seed, steps) => {
          const { game, ships } = setUp(seed);
          const sync = new ClientSync();
          const scratch = new SyncScratch();
          const writer = new SnapshotWriter();
          steps.forEach((step, i) => {
            const tick = i + 1;
            for (const ship of ships) {
              const controls = {
                moveDir: (step.moveDir + ship.id * 37) % 256,
                heading: (step.moveDir + 3) & 255,
                buttons: ship.id % 2 === 0 ? step.buttons : 0,
              };
              game.logic.applyInput(ship, controls, tick);
              if (step.label !== null) ship.label = step.label;
              ship.score += ship.id * 0x4000_0000;
              ship.score %= 2 ** 32;
            }
            game.step(tick);
            if (step.ack > 0) sync.acknowledge(tick - step.ack);
            const me = ships[0];
            if (!me) return;
            const delta = sync.compose(
              game.world,
              game.state,
              tick,
              rectAround(me),
              i,
              tick % 2 === 0,
              scratch,
            );
            const bytes = writer.write(delta, game.world, game.state);
            const expected = encodeSnapshot(game.schema, toSnapshot(delta, game.world));
            expect(Array.from(bytes)).toEqual(Array.from(expected));
          });
          expect(game.problems).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('covers records with a lifetime: ticksLeft counts down from the kind lifetime', () => {
    const { game, ships } = setUp(7);
    const [me] = ships;
    if (!me) throw new Error('no ship');
    game.logic.applyInput(me, { moveDir: -1, heading: 0, buttons: FIRE | DROP }, 1);
    game.step(1);
    const sync = new ClientSync();
    const delta = sync.compose(
      game.world,
      game.state,
      1,
      rectAround(me),
      0,
      true,
      new SyncScratch(),
    );
    const snapshot = toSnapshot(delta, game.world);
    const bolt = snapshot.entered.find((e) => e.kind === 'bolt');
    const beacon = snapshot.entered.find((e) => e.kind === 'beacon');
    expect(bolt).toMatchObject({ owner: me.id, ticksLeft: 12 });
    expect(beacon).toMatchObject({ level: 0, ticksLeft: 20 });
  });
});

describe('the per-client hot path', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('composes a moving view with no typed-array views made per call', () => {
    const { game, ships } = setUp(3);
    const [me] = ships;
    if (!me) throw new Error('no ship');
    // Moving diagonally: the view's edge bands sweep over rocks every tick.
    game.logic.applyInput(me, { moveDir: 32, heading: 0, buttons: 0 }, 1);
    const sync = new ClientSync();
    const scratch = new SyncScratch();
    const warmUp = (tick: number): void => {
      game.step(tick);
      sync.compose(game.world, game.state, tick, rectAround(me), 0, true, scratch);
      sync.acknowledge(tick);
    };
    for (let tick = 1; tick <= 5; tick++) warmUp(tick);
    const views = vi.spyOn(Uint16Array.prototype, 'subarray');
    let entered = 0;
    for (let tick = 6; tick <= 60; tick++) {
      game.step(tick);
      const d = sync.compose(game.world, game.state, tick, rectAround(me), 0, true, scratch);
      entered += d.enteredCount + d.removedCount;
      sync.acknowledge(tick);
    }
    expect(entered).toBeGreaterThan(0);
    expect(views).not.toHaveBeenCalled();
  });
});
