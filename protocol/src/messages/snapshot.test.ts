import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloseCode } from '../wire/ids.js';
import { ProtocolError } from '../wire/errors.js';
import { MsgpackWriter } from '../wire/msgpack-writer.js';
import { packFrame } from '../wire/codec.js';
import type { CompiledKind, CompiledSchema } from '../schema/schema.js';
import { decodeSnapshot } from './server.js';
import {
  encodeSnapshot,
  writeEntityRecord,
  writeEntityUpdate,
  writeSnapshotHead,
  type EntityRecord,
  type Snapshot,
} from './snapshot.js';
import { fieldsOfUpdate, updateFromFields } from './update-fields.js';
import { fullSnapshot } from '../testing/records.js';
import { testArenaSchema, testMixedSchema } from '../testing/test-schemas.js';

const schema = testMixedSchema;

function kindOf(s: CompiledSchema, name: string): CompiledKind {
  const kind = s.kindByName.get(name);
  if (!kind) throw new Error(`no kind ${name}`);
  return kind;
}

const cursor = {
  id: 1,
  kind: 'cursor',
  x: 100,
  y: 200,
  label: 'añn',
  color: 3,
  pressed: 2,
  owner: 4,
};
const rock = { id: 2, kind: 'rock', x: 0, y: 16_777_215, size: 9, title: '' };
const beacon = {
  id: 3,
  kind: 'beacon',
  x: 50,
  y: 60,
  color: 255,
  label: 'here',
  energy: 0xffff_ffff,
  ticksLeft: 5,
};
const spark = {
  id: 65535,
  kind: 'spark',
  x: 5,
  y: 5,
  vx: -32767,
  vy: 32767,
  heat: -50,
  ticksLeft: 1,
};

describe('snapshot codec, any schema', () => {
  it('round-trips records of every motion, with strings, uint32 and ticksLeft', () => {
    const s = fullSnapshot(9, [cursor, rock, beacon, spark], { checksum: 0 });
    const bytes = encodeSnapshot(schema, s);
    expect(decodeSnapshot(schema, bytes)).toEqual(s);
  });

  it('writes records as [id, kind id, ...fields in record order, ticksLeft?]', () => {
    const bytes = encodeSnapshot(schema, fullSnapshot(9, [beacon, rock]));
    const records = [
      [3, 2, 50, 60, 255, 'here', 0xffff_ffff, 5],
      [2, 1, 0, 16_777_215, 9, ''],
    ];
    expect(Array.from(bytes)).toEqual(Array.from(packFrame([65, 9, 0, 0, [], records, []])));
  });

  it('round-trips updates of several groups, strings in groups, lowest bit first', () => {
    const update = updateFromFields(schema, 'cursor', 1, {
      pressed: 3,
      x: 7,
      y: 8,
      color: 5,
      label: 'bob',
    });
    const bit = (name: string): number => schema.groups.find((g) => g.name === name)?.bit ?? -1;
    expect(update.mask).toBe((1 << bit('position')) | (1 << bit('look')) | (1 << bit('pressed')));
    // position (bit 0) x, y; look (bit 1) label, color; pressed (bit 2).
    expect(update.values).toEqual([7, 8, 'bob', 5, 3]);
    const beaconLook = updateFromFields(schema, 'beacon', 3, { color: 1, label: 'x', energy: 2 });
    expect(beaconLook.values).toEqual(['x', 1, 2]);
    const s: Snapshot = {
      tick: 12,
      baselineTick: 10,
      inputAck: 0,
      removed: [2],
      entered: [],
      updated: [update, beaconLook],
      checksum: null,
    };
    const decoded = decodeSnapshot(schema, encodeSnapshot(schema, s));
    expect(decoded).toEqual(s);
    expect(decoded.updated.map((u) => fieldsOfUpdate(schema, u))).toEqual([
      { x: 7, y: 8, label: 'bob', color: 5, pressed: 3 },
      { label: 'x', color: 1, energy: 2 },
    ]);
  });

  it('round-trips random arena snapshots', () => {
    const position = fc.integer({ min: 0, max: 16_777_215 });
    const velocity = fc.integer({ min: -32767, max: 32767 });
    const id = fc.integer({ min: 0, max: 65535 });
    const record: fc.Arbitrary<EntityRecord> = fc.oneof(
      fc.record({
        id,
        kind: fc.constant('player'),
        x: position,
        y: position,
        vx: velocity,
        vy: velocity,
        aim: fc.integer({ min: 0, max: 255 }),
        hp: fc.integer({ min: 0, max: 65535 }),
        score: fc.integer({ min: 0, max: 0xffff_ffff }),
        name: fc.string({ maxLength: 16 }),
      }),
      fc.record({ id, kind: fc.constant('pellet'), x: position, y: position }),
      fc.record({
        id,
        kind: fc.constant('projectile'),
        x: position,
        y: position,
        vx: velocity,
        vy: velocity,
        owner: fc.integer({ min: 0, max: 65535 }),
        ticksLeft: fc.integer({ min: 1, max: 36 }),
      }),
    );
    const update = fc
      .record({ id, motion: fc.boolean(), aim: fc.boolean(), score: fc.boolean() })
      .map(({ id: u, motion, aim, score }) =>
        updateFromFields(testArenaSchema, 'player', u, {
          ...(motion ? { x: 1, y: 2, vx: -3, vy: 4 } : {}),
          ...(aim || (!motion && !score) ? { aim: 200 } : {}),
          ...(score ? { score: 0xffff_fff0 } : {}),
        }),
      );
    fc.assert(
      fc.property(
        fc.record({
          tick: fc.integer({ min: 256, max: 0xffff_ffff }),
          baselineAge: fc.integer({ min: 0, max: 255 }),
          inputAck: fc.integer({ min: 0, max: 0xffff_ffff }),
          removed: fc.array(id, { maxLength: 5 }),
          entered: fc.array(record, { maxLength: 8 }),
          updated: fc.array(update, { maxLength: 5 }),
          checksum: fc.option(fc.integer({ min: 0, max: 0xffff_ffff })),
        }),
        ({ baselineAge, ...rest }) => {
          const s: Snapshot = {
            ...rest,
            baselineTick: baselineAge === 0 ? 0 : rest.tick - baselineAge,
          };
          expect(decodeSnapshot(testArenaSchema, encodeSnapshot(testArenaSchema, s))).toEqual(s);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("writes the server's fast path byte for byte as encodeSnapshot", () => {
    const w = new MsgpackWriter(16);
    const update = updateFromFields(schema, 'beacon', 3, { label: 'z', color: 2, energy: 7 });
    writeSnapshotHead(w, 12, 11, 4, false);
    w.arrayHeader(0);
    w.arrayHeader(2);
    writeEntityRecord(w, kindOf(schema, 'spark'), spark, spark.ticksLeft);
    // The server's entity objects hold more than the record (a kind name, its own state).
    writeEntityRecord(w, kindOf(schema, 'cursor'), { ...cursor, extra: 'ignored' }, 0);
    w.arrayHeader(1);
    writeEntityUpdate(w, kindOf(schema, 'beacon'), update.mask, {
      ...beacon,
      label: 'z',
      color: 2,
      energy: 7,
    });
    const expected: Snapshot = {
      tick: 12,
      baselineTick: 11,
      inputAck: 4,
      removed: [],
      entered: [spark, cursor],
      updated: [update],
      checksum: null,
    };
    expect(Array.from(w.view())).toEqual(Array.from(encodeSnapshot(schema, expected)));
  });
});

describe('update helpers', () => {
  it('refuse fields a kind does not update, and groups given in part', () => {
    expect(() => updateFromFields(schema, 'cursor', 1, { owner: 3 })).toThrow(
      /a cursor has no field owner that updates/,
    );
    expect(() => updateFromFields(schema, 'cursor', 1, { x: 3 })).toThrow(
      /an update of group position carries y too/,
    );
    expect(() => updateFromFields(schema, 'rock', 1, { x: 3, y: 3 })).toThrow(
      /a rock has no field x that updates/,
    );
    expect(() => updateFromFields(schema, 'ghost', 1, {})).toThrow(
      /no entity kind ghost in game mixed/,
    );
  });

  it('name the values of an update, refusing masks and counts that do not match', () => {
    expect(fieldsOfUpdate(testArenaSchema, { id: 1, mask: 9, values: [1, 2, 3, 4, 5] })).toEqual({
      x: 1,
      y: 2,
      vx: 3,
      vy: 4,
      score: 5,
    });
    expect(() => fieldsOfUpdate(testArenaSchema, { id: 1, mask: 16, values: [1] })).toThrow(
      /bits no group has/,
    );
    expect(() => fieldsOfUpdate(testArenaSchema, { id: 1, mask: 3, values: [1, 2, 3, 4] })).toThrow(
      /needs more than 4 values/,
    );
    expect(() => fieldsOfUpdate(testArenaSchema, { id: 1, mask: 2, values: [1, 2] })).toThrow(
      /takes 1 values, not 2/,
    );
  });
});

describe('snapshot decoder, any schema', () => {
  function rejects(frame: unknown[], pattern: RegExp): void {
    let caught: unknown = null;
    try {
      decodeSnapshot(schema, packFrame(frame));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).closeCode).toBe(CloseCode.MalformedFrame);
    expect((caught as ProtocolError).message).toMatch(pattern);
  }
  const entering = (...records: unknown[]): unknown[] => [65, 5, 0, 0, [], records, []];
  const updating = (...updates: unknown[]): unknown[] => [65, 5, 0, 0, [], [], updates];

  it('rejects unknown kind ids, wrong lengths and fields out of range', () => {
    rejects(entering([1, 4, 0, 0]), /entered\[0\].kind: unknown entity kind 4 \(mixed has 0..3\)/);
    rejects(entering([1, -1, 0, 0]), /entered\[0\].kind: -1 is outside/);
    rejects(entering([1, 0, 1, 2, 'a', 3, 0]), /\(cursor\): expected 8 elements, got 7/);
    rejects(entering([1, 2, 1, 2, 3, 'a', 4]), /\(beacon\): expected 8 elements, got 7/);
    rejects(entering([1, 2, 1, 2, 3, 'a', 4, 6]), /ticksLeft: 6 is outside 1..5/);
    rejects(entering([1, 1, 1, 2, 0, '']), /\.size: 0 is outside 1..9/);
    rejects(entering([1, 0, 1, 2, 'a', 3, 4, 0]), /\.pressed: 4 is outside 0..3/);
    rejects(entering([1, 3, 1, 2, 0, 0, 51, 3]), /\.heat: 51 is outside -50..50/);
    rejects(
      entering([1, 2, 1, 2, 3, 'a', 2 ** 32, 1]),
      /\.energy: 4294967296 is outside 0..4294967295/,
    );
    rejects(entering([1, 1, 1, 2, 3, 'x'.repeat(13)]), /\.title: longer than 12/);
  });

  it('rejects masks with bits no group has, and values that do not match the mask', () => {
    const all = schema.allGroupsMask;
    rejects(updating([1, all + 1, 0]), new RegExp(`mask: ${all + 1} is outside 1..${all}`));
    rejects(updating([1, 0]), /mask: 0 is outside/);
    rejects(updating([1, 3, 1, 2, 'a']), /expected 6 elements for mask 3, got 5/);
    rejects(updating([1, 1, 1, 2, 3]), /expected 4 elements for mask 1, got 5/);
    rejects(updating([1, 2, 3, 'a']), /\.label: expected a string/);
  });
});
