import { describe, expect, it } from 'vitest';
import { Replica, type Snapshot } from '@tickwire/protocol';
import { testArenaSchema as schema } from '../../../protocol/src/testing/test-schemas.js';
import {
  fullSnapshot,
  pelletRecord,
  playerRecord,
  projectileRecord,
} from '../../../protocol/src/testing/records.js';
import { countChangedEntities } from './changed-entities.js';

// The arena's kinds as the bench sees them (players, pellets), plus short-lived projectiles: the
// count is the schema's, with no game in it (the test arena of protocol/src/testing).
const player = (id: number, x: number, vx = 0) => playerRecord(id, { x, y: 0, vx, name: 'p' });
const pellet = (id: number, x: number) => pelletRecord(id, x, 0);
/** A projectile at rest with 2 ticks left. */
const shot = (id: number) => projectileRecord(id, { x: 0, y: 0, vx: 0, ticksLeft: 2 });

/** A delta from the tick before, or from `delta.baselineTick`. */
const snapshot = (tick: number, delta: Partial<Snapshot>): Snapshot =>
  fullSnapshot(tick, [], { baselineTick: tick - 1, ...delta });

/** The update mask of the group that carries `field` (each 'changes' field is its own group). */
function maskOf(field: string): number {
  const group = schema.groups.find((g) => g.fields.includes(field));
  if (!group) throw new Error(`no group carries ${field}`);
  return 1 << group.bit;
}

describe('countChangedEntities', () => {
  it('counts entered, left and changed entities of every kind, and extrapolated movers as changed', () => {
    const r = new Replica({ schema, worldWidth: 1000, worldHeight: 1000 });
    const first = r.apply(
      snapshot(1, {
        baselineTick: 0,
        entered: [player(1, 10, 5), player(2, 10), player(3, 10), pellet(7, 40), pellet(8, 50)],
      }),
    );
    expect(countChangedEntities(null, first.entities)).toBe(5);
    // 1 moves by extrapolation (no bytes), 2 leaves, 3 stays still, 4 enters; pellet 7 leaves,
    // 8 stays, 9 enters.
    const second = r.apply(
      snapshot(2, { removed: [2, 7], entered: [player(4, 0), pellet(9, 60)] }),
    );
    expect(countChangedEntities(first.entities, second.entities)).toBe(5);
    // 1 still moves, 3's score changes; 4 and the pellets hold still.
    const third = r.apply(
      snapshot(3, { updated: [{ id: 3, mask: maskOf('score'), values: [1] }] }),
    );
    expect(countChangedEntities(second.entities, third.entities)).toBe(2);
    // A player that stops where it got to (motion update: x, y, vx, vy) changed that tick only.
    const fourth = r.apply(
      snapshot(4, { updated: [{ id: 1, mask: maskOf('vx'), values: [25, 0, 0, 0] }] }),
    );
    expect(fourth.entities.get(1)?.x).toBe(25);
    expect(countChangedEntities(third.entities, fourth.entities)).toBe(1);
    const fifth = r.apply(snapshot(5, {}));
    expect(countChangedEntities(fourth.entities, fifth.entities)).toBe(0);
  });

  it('counts an entity whose lifetime ends as leaving, with no message for it', () => {
    const r = new Replica({ schema, worldWidth: 1000, worldHeight: 1000 });
    const first = r.apply(snapshot(1, { baselineTick: 0, entered: [shot(20), pellet(21, 5)] }));
    const second = r.apply(snapshot(2, {}));
    expect(countChangedEntities(first.entities, second.entities)).toBe(0);
    const third = r.apply(snapshot(3, {}));
    expect(third.entities.has(20)).toBe(false);
    expect(countChangedEntities(second.entities, third.entities)).toBe(1);
  });

  it('compares counts across a baseline that skips ticks, as the client saw them', () => {
    const r = new Replica({ schema, worldWidth: 1000, worldHeight: 1000 });
    const first = r.apply(
      snapshot(1, { baselineTick: 0, entered: [player(1, 10, 5), pellet(2, 5)] }),
    );
    // Tick 4 is a delta from tick 1 (ticks 2 and 3 never arrived): the mover changed, once.
    const later = r.apply(snapshot(4, { baselineTick: 1 }));
    expect(later.entities.get(1)?.x).toBe(25);
    expect(countChangedEntities(first.entities, later.entities)).toBe(1);
  });
});
