import { describe, expect, it } from 'vitest';
import { Replica, ReplicaError } from './replica.js';
import { viewChecksum } from './checksum.js';
import type { PlayerRecord, Snapshot } from '../messages/snapshot.js';

const ann: PlayerRecord = {
  kind: 0,
  id: 7,
  x: 400,
  y: 800,
  vx: 27,
  vy: 0,
  aim: 0,
  hp: 100,
  score: 3,
  name: 'ann',
};
const pellet = { kind: 1 as const, id: 200, x: 10, y: 20 };

function snapshot(partial: Partial<Snapshot> & { tick: number }): Snapshot {
  return {
    baselineTick: 0,
    inputAck: 0,
    removed: [],
    entered: [],
    updated: [],
    checksum: null,
    ...partial,
  };
}

function errorOf(fn: () => unknown): ReplicaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ReplicaError) return error;
    throw error;
  }
  throw new Error('expected a ReplicaError');
}

describe('Replica', () => {
  it('applies a full snapshot, then extrapolates moving players across a delta', () => {
    const r = new Replica({ worldWidth: 1000, worldHeight: 1000 });
    r.apply(snapshot({ tick: 10, entered: [ann, pellet] }));
    const view = r.apply(snapshot({ tick: 13, baselineTick: 10 }));
    expect(view.entities.get(7)).toMatchObject({ x: 400 + 3 * 27, y: 800 });
    expect(view.entities.get(200)).toEqual(pellet);
    expect(r.tick).toBe(13);
  });

  it('clamps extrapolation at the world edge exactly as the server does', () => {
    const r = new Replica({ worldWidth: 110, worldHeight: 1000 });
    r.apply(snapshot({ tick: 1, entered: [ann] }));
    expect(r.apply(snapshot({ tick: 100, baselineTick: 1 })).entities.get(7)).toMatchObject({
      x: 440,
    });
  });

  it('applies removals, entries and field updates', () => {
    const r = new Replica({ worldWidth: 1000, worldHeight: 1000 });
    r.apply(snapshot({ tick: 10, entered: [ann, pellet] }));
    const view = r.apply(
      snapshot({
        tick: 12,
        baselineTick: 10,
        removed: [200],
        entered: [{ kind: 1, id: 201, x: 5, y: 5 }],
        updated: [{ id: 7, motion: { x: 1, y: 2, vx: 0, vy: -27 }, score: 9 }],
      }),
    );
    expect([...view.entities.keys()].sort()).toEqual([201, 7]);
    expect(view.entities.get(7)).toMatchObject({
      x: 1,
      y: 2,
      vx: 0,
      vy: -27,
      score: 9,
      aim: 0,
      name: 'ann',
    });
  });

  it('deltas from any held baseline, not only the newest', () => {
    const r = new Replica({ worldWidth: 1000, worldHeight: 1000 });
    r.apply(snapshot({ tick: 10, entered: [ann] }));
    r.apply(snapshot({ tick: 11, baselineTick: 10, entered: [pellet] }));
    // The server had not seen the ack for 11: it deltas from 10 again, re-sending the pellet.
    const view = r.apply(snapshot({ tick: 12, baselineTick: 10, entered: [pellet] }));
    expect(view.entities.size).toBe(2);
  });

  it('rejects a delta whose baseline it does not hold, changing nothing', () => {
    const r = new Replica({ worldWidth: 1000, worldHeight: 1000 });
    r.apply(snapshot({ tick: 10, entered: [ann] }));
    const e = errorOf(() => r.apply(snapshot({ tick: 12, baselineTick: 11 })));
    expect(e.code).toBe('MissingBaseline');
    expect(r.tick).toBe(10);
  });

  it('rejects deltas that contradict their baseline', () => {
    const r = new Replica({ worldWidth: 1000, worldHeight: 1000 });
    r.apply(snapshot({ tick: 10, entered: [ann] }));
    expect(
      errorOf(() => r.apply(snapshot({ tick: 11, baselineTick: 10, removed: [5] }))).code,
    ).toBe('InvalidDelta');
    expect(
      errorOf(() => r.apply(snapshot({ tick: 11, baselineTick: 10, entered: [ann] }))).code,
    ).toBe('InvalidDelta');
    expect(
      errorOf(() => r.apply(snapshot({ tick: 11, baselineTick: 10, updated: [{ id: 5, aim: 1 }] })))
        .code,
    ).toBe('InvalidDelta');
    expect(errorOf(() => r.apply(snapshot({ tick: 9, entered: [] }))).code).toBe('InvalidDelta');
  });

  it('verifies the checksum: a match applies, a mismatch is an error', () => {
    const r = new Replica({ worldWidth: 1000, worldHeight: 1000 });
    const good = viewChecksum([ann, pellet]);
    r.apply(snapshot({ tick: 10, entered: [ann, pellet], checksum: good }));
    const moved = { ...ann, x: ann.x + 27 };
    r.apply(snapshot({ tick: 11, baselineTick: 10, checksum: viewChecksum([moved, pellet]) }));
    const e = errorOf(() => r.apply(snapshot({ tick: 12, baselineTick: 11, checksum: good })));
    expect(e.code).toBe('ChecksumMismatch');
    expect(r.tick).toBe(11);
  });

  it('forgets views older than its history', () => {
    const r = new Replica({ worldWidth: 1000, worldHeight: 1000, historyTicks: 4 });
    r.apply(snapshot({ tick: 1, entered: [ann] }));
    for (let t = 2; t <= 6; t++) r.apply(snapshot({ tick: t, baselineTick: t - 1 }));
    expect(r.hasBaseline(2)).toBe(false);
    expect(r.hasBaseline(3)).toBe(true);
    expect(errorOf(() => r.apply(snapshot({ tick: 7, baselineTick: 1 }))).code).toBe(
      'MissingBaseline',
    );
  });
});
