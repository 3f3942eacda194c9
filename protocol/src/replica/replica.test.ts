import { describe, expect, it } from 'vitest';
import { Replica, ReplicaError } from './replica.js';
import { viewChecksum } from './checksum.js';
import type { EntityRecord, EntityUpdate, Snapshot } from '../messages/snapshot.js';
import { updateFromFields } from '../messages/update-fields.js';
import type { CompiledSchema } from '../schema/schema.js';
import { pelletRecord, playerRecord, projectileRecord } from '../testing/records.js';
import { testArenaSchema, testMixedSchema } from '../testing/test-schemas.js';

const ann = playerRecord(7, { x: 400, y: 800, vx: 27, score: 3, name: 'ann' });
const pellet = pelletRecord(200, 10, 20);

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

function replica(
  options: { worldWidth?: number; historyTicks?: number; schema?: CompiledSchema } = {},
): Replica {
  return new Replica({
    schema: options.schema ?? testArenaSchema,
    worldWidth: options.worldWidth ?? 1000,
    worldHeight: 1000,
    historyTicks: options.historyTicks,
  });
}

const playerUpdate = (id: number, fields: Record<string, number | string>): EntityUpdate =>
  updateFromFields(testArenaSchema, 'player', id, fields);

function errorOf(fn: () => unknown): ReplicaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ReplicaError) return error;
    throw error;
  }
  throw new Error('expected a ReplicaError');
}

/**
 * PROTOCOL.md's checksum, written out from the wire schema alone: per entity, FNV-1a-style mix
 * of id, kind id, every numeric field in record order and (with a lifetime) the expiry tick,
 * then murmur3's finalizer; the sum mod 2^32.
 */
function bruteForceChecksum(
  schema: CompiledSchema,
  tick: number,
  records: Iterable<EntityRecord>,
): number {
  let sum = 0;
  for (const r of records) {
    const kindId = schema.wire.kinds.findIndex((k) => k.name === r.kind);
    const kind = schema.wire.kinds[kindId];
    if (!kind) throw new Error(`unknown kind ${r.kind}`);
    let h = 0x811c9dc5;
    const mix = (v: number): void => {
      h = Math.imul(h ^ v, 0x01000193);
    };
    mix(r.id);
    mix(kindId);
    for (const f of kind.fields) if (f.type !== 'string') mix(r[f.name] as number);
    if (kind.lifetimeTicks > 0) mix(tick + (r.ticksLeft as number));
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    sum = (sum + (h >>> 0)) % 2 ** 32;
  }
  return sum;
}

describe('Replica', () => {
  it('applies a full snapshot, then extrapolates moving players across a delta', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [ann, pellet] }));
    const view = r.apply(snapshot({ tick: 13, baselineTick: 10 }));
    expect(view.entities.get(7)).toMatchObject({ x: 400 + 3 * 27, y: 800 });
    expect(view.entities.get(200)).toEqual(pellet);
    expect(r.tick).toBe(13);
  });

  it('clamps extrapolation at the world edge exactly as the server does', () => {
    const r = replica({ worldWidth: 110 });
    r.apply(snapshot({ tick: 1, entered: [ann] }));
    expect(r.apply(snapshot({ tick: 100, baselineTick: 1 })).entities.get(7)).toMatchObject({
      x: 440,
    });
  });

  it('applies removals, entries and field updates', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [ann, pellet] }));
    const view = r.apply(
      snapshot({
        tick: 12,
        baselineTick: 10,
        removed: [200],
        entered: [pelletRecord(201, 5, 5)],
        updated: [playerUpdate(7, { x: 1, y: 2, vx: 0, vy: -27, score: 9 })],
      }),
    );
    expect([...view.entities.keys()].sort()).toEqual([201, 7]);
    expect(view.entities.get(7)).toEqual({
      id: 7,
      kind: 'player',
      x: 1,
      y: 2,
      vx: 0,
      vy: -27,
      score: 9,
      aim: 0,
      hp: 100,
      name: 'ann',
    });
  });

  it('deltas from any held baseline, not only the newest', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [ann] }));
    r.apply(snapshot({ tick: 11, baselineTick: 10, entered: [pellet] }));
    // The server had not seen the ack for 11: it deltas from 10 again, re-sending the pellet.
    const view = r.apply(snapshot({ tick: 12, baselineTick: 10, entered: [pellet] }));
    expect(view.entities.size).toBe(2);
  });

  it('rejects a delta whose baseline it does not hold, changing nothing', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [ann] }));
    const e = errorOf(() => r.apply(snapshot({ tick: 12, baselineTick: 11 })));
    expect(e.code).toBe('MissingBaseline');
    expect(r.tick).toBe(10);
  });

  it('rejects deltas that contradict their baseline', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [ann] }));
    expect(
      errorOf(() => r.apply(snapshot({ tick: 11, baselineTick: 10, removed: [5] }))).code,
    ).toBe('InvalidDelta');
    expect(
      errorOf(() => r.apply(snapshot({ tick: 11, baselineTick: 10, entered: [ann] }))).code,
    ).toBe('InvalidDelta');
    expect(
      errorOf(() =>
        r.apply(snapshot({ tick: 11, baselineTick: 10, updated: [playerUpdate(5, { aim: 1 })] })),
      ).code,
    ).toBe('InvalidDelta');
    expect(errorOf(() => r.apply(snapshot({ tick: 9, entered: [] }))).code).toBe('InvalidDelta');
    const twice = errorOf(() =>
      r.apply(
        snapshot({
          tick: 11,
          baselineTick: 10,
          removed: [7],
          updated: [playerUpdate(7, { aim: 1 })],
        }),
      ),
    );
    expect(twice.message).toMatch(/updated id 7 is named twice in this delta/);
    expect(r.tick).toBe(10);
  });

  it('verifies the checksum: a match applies, a mismatch is an error', () => {
    const r = replica();
    const good = viewChecksum(testArenaSchema, 10, [ann, pellet]);
    r.apply(snapshot({ tick: 10, entered: [ann, pellet], checksum: good }));
    const moved = { ...ann, x: ann.x + 27 };
    r.apply(
      snapshot({
        tick: 11,
        baselineTick: 10,
        checksum: viewChecksum(testArenaSchema, 11, [moved, pellet]),
      }),
    );
    const e = errorOf(() => r.apply(snapshot({ tick: 12, baselineTick: 11, checksum: good })));
    expect(e.code).toBe('ChecksumMismatch');
    expect(r.tick).toBe(11);
  });

  it('forgets views older than its history', () => {
    const r = replica({ historyTicks: 4 });
    r.apply(snapshot({ tick: 1, entered: [ann] }));
    for (let t = 2; t <= 6; t++) r.apply(snapshot({ tick: t, baselineTick: t - 1 }));
    expect(r.hasBaseline(2)).toBe(false);
    expect(r.hasBaseline(3)).toBe(true);
    expect(errorOf(() => r.apply(snapshot({ tick: 7, baselineTick: 1 }))).code).toBe(
      'MissingBaseline',
    );
  });

  it('takes an id both removed and entered as a replacement: one entity, the new record', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [ann, pellet, pelletRecord(300, 1, 1)] }));
    const other = playerRecord(200, { name: 'bob' });
    const view = r.apply(
      snapshot({
        tick: 11,
        baselineTick: 10,
        removed: [200],
        entered: [other],
        checksum: viewChecksum(testArenaSchema, 11, [
          { ...ann, x: 427 },
          other,
          pelletRecord(300, 1, 1),
        ]),
      }),
    );
    expect([...view.entities.keys()]).toEqual([7, 200, 300]);
    expect(view.entities.get(200)).toEqual(other);
    expect(view.entities.get(300)).toEqual(pelletRecord(300, 1, 1));
  });
});

describe('Replica: lifetimes', () => {
  const shot = projectileRecord(50, { x: 1000, y: 500, vx: 80, vy: 0, ticksLeft: 3 });

  it('drops a lifetime entity at its expiry tick without it being listed as removed', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [ann, shot] }));
    const before = r.apply(snapshot({ tick: 12, baselineTick: 10 }));
    expect(before.entities.get(50)).toEqual({ ...shot, x: 1160, ticksLeft: 1 });
    const after = r.apply(
      snapshot({
        tick: 13,
        baselineTick: 12,
        checksum: viewChecksum(testArenaSchema, 13, [{ ...ann, x: 400 + 3 * 27 }]),
      }),
    );
    expect(after.entities.has(50)).toBe(false);
    expect([...after.entities.keys()]).toEqual([7]);
    // From an older baseline too: what expired in between is gone.
    expect(r.apply(snapshot({ tick: 20, baselineTick: 10 })).entities.has(50)).toBe(false);
  });

  it('counts the expiry tick in the checksum, as the server does', () => {
    const r = replica();
    const checksum = viewChecksum(testArenaSchema, 10, [shot]);
    expect(checksum).toBe(bruteForceChecksum(testArenaSchema, 10, [shot]));
    expect(checksum).not.toBe(viewChecksum(testArenaSchema, 10, [{ ...shot, ticksLeft: 4 }]));
    r.apply(snapshot({ tick: 10, entered: [shot], checksum }));
    const view = r.apply(
      snapshot({
        tick: 11,
        baselineTick: 10,
        checksum: viewChecksum(testArenaSchema, 11, [{ ...shot, x: 1080, ticksLeft: 2 }]),
      }),
    );
    expect(view.entities.get(50)).toMatchObject({ x: 1080, ticksLeft: 2 });
  });

  it('refuses to remove or update an entity that has expired', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [shot] }));
    const removed = errorOf(() => r.apply(snapshot({ tick: 13, baselineTick: 10, removed: [50] })));
    expect(removed.code).toBe('InvalidDelta');
    expect(removed.message).toMatch(/removed id 50 has reached the end of its lifetime/);
    const motion = updateFromFields(testArenaSchema, 'projectile', 50, {
      x: 1,
      y: 1,
      vx: 0,
      vy: 0,
    });
    const updated = errorOf(() =>
      r.apply(snapshot({ tick: 14, baselineTick: 10, updated: [motion] })),
    );
    expect(updated.code).toBe('InvalidDelta');
    expect(updated.message).toMatch(/updated id 50 has reached the end of its lifetime/);
    // One tick earlier it was still there: the same update applies.
    expect(
      r.apply(snapshot({ tick: 12, baselineTick: 10, updated: [motion] })).entities.get(50),
    ).toMatchObject({ x: 1, vx: 0, ticksLeft: 1 });
  });

  it('takes an id that expired and entered again as the new entity', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [shot, pellet] }));
    const again = projectileRecord(50, { x: 7, y: 7, vx: 0, ticksLeft: 36, owner: 9 });
    const view = r.apply(snapshot({ tick: 13, baselineTick: 10, entered: [again] }));
    expect([...view.entities.values()]).toEqual([again, pellet]);
  });

  it('refuses an update with a group the entity kind does not have', () => {
    const r = replica();
    r.apply(snapshot({ tick: 10, entered: [ann, pellet, shot] }));
    const hp = playerUpdate(0, { hp: 5 });
    for (const id of [200, 50]) {
      const e = errorOf(() =>
        r.apply(snapshot({ tick: 11, baselineTick: 10, updated: [{ ...hp, id }] })),
      );
      expect(e.code).toBe('InvalidDelta');
      expect(e.message).toMatch(/groups a (pellet|projectile) does not have/);
    }
    expect(r.tick).toBe(10);
  });
});

describe('Replica: any schema', () => {
  const cursor = {
    id: 1,
    kind: 'cursor',
    x: 100,
    y: 200,
    label: 'ann',
    color: 3,
    pressed: 0,
    owner: 4,
  };
  const rock = { id: 2, kind: 'rock', x: 10, y: 10, size: 3, title: 'big rock' };
  const beacon = {
    id: 3,
    kind: 'beacon',
    x: 50,
    y: 60,
    color: 9,
    label: 'here',
    energy: 0xffff_fff0,
    ticksLeft: 5,
  };
  const spark = { id: 4, kind: 'spark', x: 500, y: 500, vx: -3, vy: 2, heat: -20, ticksLeft: 10 };

  function mixed(): Replica {
    return replica({ schema: testMixedSchema });
  }

  it('keeps every field of every kind, uint32 above int32 and strings included', () => {
    const r = mixed();
    const records = [cursor, rock, beacon, spark];
    const view = r.apply(
      snapshot({
        tick: 10,
        entered: records,
        checksum: bruteForceChecksum(testMixedSchema, 10, records),
      }),
    );
    expect([...view.entities.values()]).toEqual(records);
  });

  it('extrapolates linear kinds only: a position kind stays where it was', () => {
    const r = mixed();
    r.apply(snapshot({ tick: 10, entered: [cursor, spark] }));
    const view = r.apply(snapshot({ tick: 14, baselineTick: 10 }));
    expect(view.entities.get(1)).toEqual(cursor);
    expect(view.entities.get(4)).toMatchObject({ x: 488, y: 508, ticksLeft: 6 });
  });

  it('updates string fields, leaving the baseline view as it was', () => {
    const r = mixed();
    const first = r.apply(snapshot({ tick: 10, entered: [cursor, beacon] }));
    const look = (kind: string, id: number, label: string, color: number): EntityUpdate =>
      updateFromFields(testMixedSchema, kind, id, { label, color });
    const after = { ...cursor, label: 'bob', color: 4, x: 101, y: 201 };
    const view = r.apply(
      snapshot({
        tick: 11,
        baselineTick: 10,
        updated: [
          updateFromFields(testMixedSchema, 'cursor', 1, {
            x: 101,
            y: 201,
            label: 'bob',
            color: 4,
          }),
          look('beacon', 3, 'there', 1),
        ],
        checksum: bruteForceChecksum(testMixedSchema, 11, [
          after,
          { ...beacon, color: 1, label: 'there', ticksLeft: 4 },
        ]),
      }),
    );
    expect(view.entities.get(1)).toEqual(after);
    // The beacon has the group's fields in another record order: the update still names them.
    expect(view.entities.get(3)).toMatchObject({ label: 'there', color: 1, energy: 0xffff_fff0 });
    expect(first.entities.get(1)).toEqual(cursor);
    expect(first.entities.get(3)).toMatchObject({ label: 'here', color: 9 });
  });

  it('computes the checksum PROTOCOL.md describes, over every kind', () => {
    const r = mixed();
    const records = [cursor, rock, beacon, spark];
    const full = r.apply(snapshot({ tick: 10, entered: records }));
    expect(full.entities.size).toBe(4);
    const at13 = [
      cursor,
      rock,
      { ...beacon, ticksLeft: 2 },
      { ...spark, x: 491, y: 506, ticksLeft: 7 },
    ];
    const expected = bruteForceChecksum(testMixedSchema, 13, at13);
    expect(viewChecksum(testMixedSchema, 13, at13)).toBe(expected);
    expect(() =>
      r.apply(snapshot({ tick: 13, baselineTick: 10, checksum: expected })),
    ).not.toThrow();
    expect(
      errorOf(() => r.apply(snapshot({ tick: 14, baselineTick: 10, checksum: expected }))).code,
    ).toBe('ChecksumMismatch');
  });
});
