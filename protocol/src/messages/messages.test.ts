import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CloseCode,
  MAX_SEAT_LENGTH,
  PLAYER_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  ProtocolError,
  Replica,
  SUPPORTED_PROTOCOL_VERSIONS,
  decodeClientMessage,
  decodeHandshakeMessage,
  decodeHello,
  decodeInput,
  decodeKick,
  decodePing,
  decodePong,
  decodeResync,
  decodeServerMessage,
  decodeSnapshot,
  decodeWelcome,
  encodeHello,
  encodeInput,
  encodeKick,
  encodePing,
  encodePong,
  encodeResync,
  encodeSnapshot,
  encodeWelcome,
  packFrame,
  peekSnapshotHead,
  peekSnapshotTick,
  type Snapshot,
  type Welcome,
} from '../index.js';
import { packValue } from '../wire/codec.js';
import { fieldsOfUpdate, updateFromFields } from './update-fields.js';
import { testArenaSchema, testMixedSchema } from '../testing/test-schemas.js';
import { pelletRecord, playerRecord, welcomeRecord } from '../testing/records.js';
import { rejects } from '../testing/rejects.js';

const schema = testArenaSchema;
const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string): Uint8Array =>
  new Uint8Array(text.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);

const fullSnapshot: Snapshot = {
  tick: 100,
  baselineTick: 0,
  inputAck: 5,
  removed: [],
  entered: [
    playerRecord(7, { x: 400, y: 800, vx: 27, vy: 0, aim: 0, hp: 100, score: 3, name: 'ann' }),
    pelletRecord(200, 10, 20),
  ],
  updated: [],
  checksum: null,
};
const deltaSnapshot: Snapshot = {
  tick: 103,
  baselineTick: 100,
  inputAck: 6,
  removed: [200],
  entered: [],
  updated: [{ id: 7, mask: 3, values: [481, 800, -27, 0, 128] }],
  checksum: 0xdeadbeef,
};
const welcome: Welcome = welcomeRecord({
  playerId: 7,
  tickHz: 30,
  serverTick: 10,
  serverTimeMs: 333,
  worldWidth: 4000,
  worldHeight: 4000,
  viewWidth: 1600,
  viewHeight: 1000,
  resumeToken: 'tok',
});
/** testArenaSchema's fingerprint: any change to its wire bytes changes it. */
const ARENA_FINGERPRINT = 0xa9784e20;

/**
 * Every message: its value, its exact bytes, and its codec pair. Changing a byte fails here.
 * Input and Snapshot bytes are protocol v1's: the arena-like schema lays them out the same way.
 */
const golden = [
  {
    name: 'Hello (version 3, with a seat)',
    value: { protocolVersion: 3, name: 'ann', resumeToken: null, seat: 's42' },
    hex: '950103a3616e6ec0a3733432',
    encode: encodeHello,
    decode: decodeHello,
  },
  {
    // Version 2 is still served: its Hello has no seat element (decoded, its seat is null).
    name: 'Hello (version 2)',
    value: { protocolVersion: 2, name: 'ann', resumeToken: null, seat: null },
    hex: '940102a3616e6ec0',
    encode: encodeHello,
    decode: decodeHello,
  },
  {
    name: 'Input',
    value: { seq: 300, ackTick: 70000, controls: { moveDir: -1, aim: 200, buttons: 0 } },
    hex: '9602cd012cce00011170ffccc800',
    encode: (v: Parameters<typeof encodeInput>[1]) => encodeInput(schema, v),
    decode: (b: Uint8Array) => decodeInput(schema, b),
  },
  {
    name: 'Ping',
    value: { clientTimeMs: 1234.5 },
    hex: '9203cb40934a0000000000',
    encode: encodePing,
    decode: decodePing,
  },
  {
    name: 'Resync',
    value: { tick: 99 },
    hex: '920463',
    encode: encodeResync,
    decode: decodeResync,
  },
  {
    name: 'Welcome',
    value: welcome,
    // v1's fields without playerSpeed (protocolVersion 3), then the fingerprint (uint32) and the
    // schema map.
    hex:
      '9d4003071e0acd014dcd0fa0cd0fa0cd0640cd03e8a3746f6b' +
      'ce' +
      ARENA_FINGERPRINT.toString(16).padStart(8, '0') +
      hex(packValue(schema.wire)),
    encode: encodeWelcome,
    decode: decodeWelcome,
  },
  {
    name: 'Pong',
    value: { clientTimeMs: 1234.5, serverTimeMs: 100, serverTick: 3 },
    hex: '9442cb40934a00000000006403',
    encode: encodePong,
    decode: decodePong,
  },
  {
    name: 'Kick',
    value: { closeCode: 4005, reason: 'slow down' },
    hex: '9343cd0fa5a9736c6f7720646f776e',
    encode: encodeKick,
    decode: decodeKick,
  },
  {
    name: 'Snapshot (full)',
    value: fullSnapshot,
    hex: '974164000590929a0700cd0190cd03201b00006403a3616e6e94ccc8010a1490',
    encode: (s: Snapshot) => encodeSnapshot(schema, s),
    decode: (b: Uint8Array) => decodeSnapshot(schema, b),
  },
  {
    name: 'Snapshot (delta)',
    value: deltaSnapshot,
    hex: '984167030691ccc89091970703cd01e1cd0320e500cc80cedeadbeef',
    encode: (s: Snapshot) => encodeSnapshot(schema, s),
    decode: (b: Uint8Array) => decodeSnapshot(schema, b),
  },
] as const;

/** The golden bytes of the message named `name`. */
function goldenHex(name: (typeof golden)[number]['name']): string {
  const g = golden.find((x) => x.name === name);
  if (!g) throw new Error(`no golden ${name}`);
  return g.hex;
}

describe('message codec', () => {
  for (const g of golden) {
    it(`${g.name}: encodes to its golden bytes and decodes back`, () => {
      const encode = g.encode as (v: unknown) => Uint8Array;
      const decode = g.decode as (b: Uint8Array) => unknown;
      const bytes = encode(g.value);
      expect(hex(bytes)).toBe(g.hex);
      expect(decode(fromHex(g.hex))).toEqual(g.value);
    });
  }

  it('pins the fingerprint of the test arena: FNV-1a of exactly the schema bytes in the Welcome', () => {
    expect(schema.fingerprint).toBe(ARENA_FINGERPRINT);
    const frame = encodeWelcome(welcome);
    const schemaBytes = packValue(schema.wire);
    expect(hex(frame.subarray(frame.length - schemaBytes.length))).toBe(hex(schemaBytes));
    let h = 0x811c9dc5;
    for (const b of schemaBytes) h = Math.imul(h ^ b, 0x01000193);
    expect(h >>> 0).toBe(ARENA_FINGERPRINT);
  });

  it('round-trips a Welcome of another game, with its schema', () => {
    const other = welcomeRecord({ schema: testMixedSchema, playerId: 3 });
    const decoded = decodeWelcome(encodeWelcome(other));
    expect(decoded).toEqual(other);
    expect(decoded.schema.fingerprint).toBe(testMixedSchema.fingerprint);
    expect(decoded.schema.kindByName.get('beacon')?.lifetimeTicks).toBe(5);
  });

  it('encodes an Input with the schema defaults for controls not set', () => {
    const bytes = encodeInput(schema, { seq: 1, ackTick: 0, controls: { aim: 5 } });
    expect(hex(bytes)).toBe('96020100ff0500');
    expect(decodeInput(schema, bytes).controls).toEqual({ moveDir: -1, aim: 5, buttons: 0 });
    // Derived defaults (0, or min when 0 is out of range) and explicit ones.
    expect(
      decodeInput(
        testMixedSchema,
        encodeInput(testMixedSchema, { seq: 1, ackTick: 0, controls: {} }),
      ).controls,
    ).toEqual({
      dx: 0,
      mode: 3,
      target: -1,
      keys: 0,
    });
  });

  it('dispatches client and server frames by id', () => {
    expect(decodeClientMessage(schema, fromHex('920463'))).toEqual({
      id: 4,
      message: { tick: 99 },
    });
    expect(decodeServerMessage(encodeKick({ closeCode: 4000, reason: 'x' }), null)).toEqual({
      id: 67,
      message: { closeCode: 4000, reason: 'x' },
    });
    expect(decodeServerMessage(encodeWelcome(welcome), null)).toEqual({ id: 64, message: welcome });
    expect(decodeServerMessage(fromHex(goldenHex('Snapshot (full)')), schema)).toEqual({
      id: 65,
      message: fullSnapshot,
    });
  });

  it('refuses a Snapshot before the Welcome gave its schema: HandshakeViolation', () => {
    const bytes = encodeSnapshot(schema, fullSnapshot);
    rejects(
      (b) => decodeServerMessage(b, null),
      bytes,
      CloseCode.HandshakeViolation,
      /before the Welcome/,
    );
  });

  it('peeks the tick of a snapshot frame without decoding it', () => {
    for (const tick of [1, 127, 128, 255, 256, 65535, 65536, 0xffff_ffff]) {
      const bytes = encodeSnapshot(schema, { ...deltaSnapshot, tick, baselineTick: 0 });
      expect(peekSnapshotTick(bytes)).toBe(tick);
      expect(peekSnapshotTick(bytes.subarray(0, 2))).toBe(-1);
    }
    expect(peekSnapshotTick(encodeKick({ closeCode: 4000, reason: 'x' }))).toBe(-1);
  });

  it('peeks the tick and the baseline tick, telling a full snapshot from a delta', () => {
    for (const [tick, baselineTick] of [
      [5, 0],
      [300, 299],
      [70_000, 69_990],
      [0xffff_ffff, 0xffff_fff0],
    ] as const) {
      const bytes = encodeSnapshot(schema, { ...deltaSnapshot, tick, baselineTick });
      expect(peekSnapshotHead(bytes)).toEqual({ tick, baselineTick });
    }
    const bytes = encodeSnapshot(schema, { ...deltaSnapshot, tick: 300, baselineTick: 299 });
    // Cut inside the baseline tick: not readable, not a guess.
    expect(peekSnapshotHead(bytes.subarray(0, 4))).toBeNull();
    expect(
      peekSnapshotHead(encodePong({ clientTimeMs: 1, serverTimeMs: 2, serverTick: 3 })),
    ).toBeNull();
  });

  it('round-trips random inputs', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: 0xffff_ffff }),
          ackTick: fc.integer({ min: 0, max: 0xffff_ffff }),
          controls: fc.record({
            moveDir: fc.integer({ min: -1, max: 255 }),
            aim: fc.integer({ min: 0, max: 255 }),
            buttons: fc.constantFrom(0, 1),
          }),
        }),
        (input) => {
          expect(decodeInput(schema, encodeInput(schema, input))).toEqual(input);
        },
      ),
    );
  });
});

describe('Input: the usual shape is read without msgpackr, with the same result', () => {
  /** What the general decoder makes of `bytes`: the Input, or the error's close code and text. */
  const general = (bytes: Uint8Array): unknown => {
    try {
      return { id: 2, message: decodeInput(schema, bytes) };
    } catch (error) {
      return error instanceof ProtocolError ? [error.closeCode, error.message] : String(error);
    }
  };
  const decoded = (bytes: Uint8Array): unknown => {
    try {
      return decodeClientMessage(schema, bytes);
    } catch (error) {
      return error instanceof ProtocolError ? [error.closeCode, error.message] : String(error);
    }
  };
  // Every msgpack integer width, both signs, at the edges of each field's range and past them.
  const anyInt = fc.oneof(
    fc.integer({ min: -40, max: 300 }),
    fc.integer({ min: -0x8000_0000, max: 0xffff_ffff }),
    fc.constantFrom(-129, -128, -33, -32, -1, 0, 127, 128, 255, 256, 65535, 65536, 0xffff_ffff),
  );

  it('reads any integers where an Input has them exactly as the general decoder does', () => {
    fc.assert(
      fc.property(fc.array(anyInt, { minLength: 3, maxLength: 7 }), (values) => {
        const bytes = packFrame([2, ...values]);
        expect(decoded(bytes)).toEqual(general(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the general decoder on a valid Input cut short, extended or with a byte changed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: -1, max: 255 }),
        fc.nat(40),
        fc.nat(255),
        fc.constantFrom('cut', 'extend', 'change'),
        (seq, ackTick, moveDir, at, byte, how) => {
          const valid = encodeInput(schema, { seq, ackTick, controls: { moveDir, aim: 3 } });
          const i = at % valid.length;
          const bytes =
            how === 'cut'
              ? valid.slice(0, i)
              : how === 'extend'
                ? Uint8Array.from([...valid, byte])
                : Uint8Array.from(valid, (b, k) => (k === i ? byte : b));
          // The general path refuses what splitFrame refuses before knowing the message: compare
          // with decodeClientMessage's own general answer when the id is not an Input's.
          const expected = bytes[1] === 2 ? general(bytes) : decoded(bytes);
          expect(decoded(bytes)).toEqual(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('Hello: version 3 carries a seat, version 2 (still served) does not', () => {
  const M = CloseCode.MalformedFrame;
  const client = (b: Uint8Array): unknown => decodeClientMessage(schema, b);

  it('speaks version 4 (a plain player 3) and serves 3 and 2', () => {
    expect(PROTOCOL_VERSION).toBe(4);
    expect(PLAYER_PROTOCOL_VERSION).toBe(3);
    expect(SUPPORTED_PROTOCOL_VERSIONS).toEqual([2, 3, 4]);
  });

  it('takes its length from its version: exactly 5 in version 3, exactly 4 in version 2', () => {
    expect(decodeHello(packFrame([1, 3, 'ann', null, null]))).toEqual({
      protocolVersion: 3,
      name: 'ann',
      resumeToken: null,
      seat: null,
    });
    expect(decodeHello(packFrame([1, 2, 'ann', 'tok'])).seat).toBeNull();
    rejects(client, packFrame([1, 3, 'ann', null]), M, /expected 5 elements in version 3, got 4/);
    rejects(client, packFrame([1, 2, 'ann', null, null]), M, /4 elements in version 2, got 5/);
    rejects(client, packFrame([1, 2, 'ann', null, 's42']), M, /4 elements in version 2/);
    rejects(
      client,
      packFrame([1, 3, 'ann', null, null, null]),
      M,
      /expected 5 elements in version 3, got 6/,
    );
    rejects(client, packFrame([1, 3, 'ann']), M, /Hello/);
  });

  it('reads another version with 4 to 6 elements, so that the server can answer it with 4002', () => {
    for (const version of [0, 1, 5, 7, 0xffff]) {
      expect(decodeHello(packFrame([1, version, 'old', null])).protocolVersion).toBe(version);
      expect(decodeHello(packFrame([1, version, 'new', null, 'seat'])).seat).toBe('seat');
      // A later version's 6th element means nothing here: no flags are read from it.
      expect(decodeHello(packFrame([1, version, 'new', null, null, 'x'])).flags).toBeUndefined();
      rejects(client, packFrame([1, version, 'x', null, null, null, null]), M, /Hello/);
    }
  });

  it('reads the seat as nil or a string of at most MAX_SEAT_LENGTH code units, "" included', () => {
    expect(MAX_SEAT_LENGTH).toBe(64);
    const longest = 's'.repeat(MAX_SEAT_LENGTH);
    expect(decodeHello(packFrame([1, 3, 'a', null, longest])).seat).toBe(longest);
    expect(decodeHello(packFrame([1, 3, 'a', null, ''])).seat).toBe('');
    rejects(client, packFrame([1, 3, 'a', null, `${longest}s`]), M, /Hello.seat/);
    rejects(client, packFrame([1, 3, 'a', null, 7]), M, /Hello.seat/);
    rejects(client, packFrame([1, 3, 'a', null, false]), M, /Hello.seat/);
    // The other fields keep their rules in version 3.
    rejects(client, packFrame([1, 3, 'a', 't'.repeat(65), null]), M, /Hello.resumeToken/);
    rejects(client, packFrame([1, 3, ' ', null, 's42']), M, /Hello.name/);
  });

  it('encodes the seat from version 3 on, and refuses a seat in an earlier Hello', () => {
    // An absent seat is nil in version 3 and no element at all in version 2.
    expect(hex(encodeHello({ protocolVersion: 3, name: 'ann', resumeToken: null }))).toBe(
      '950103a3616e6ec0c0',
    );
    expect(hex(encodeHello({ protocolVersion: 2, name: 'ann', resumeToken: null }))).toBe(
      '940102a3616e6ec0',
    );
    expect(() =>
      encodeHello({ protocolVersion: 2, name: 'ann', resumeToken: null, seat: 's42' }),
    ).toThrow(/version 2 Hello carries no seat/);
    fc.assert(
      fc.property(
        fc.record({
          protocolVersion: fc.constantFrom(...SUPPORTED_PROTOCOL_VERSIONS),
          name: fc.string({ minLength: 1, maxLength: 16 }).filter((n) => /^[!-~]+$/.test(n)),
          resumeToken: fc.option(fc.string({ maxLength: 64 }), { nil: null }),
          seat: fc.option(fc.string({ maxLength: MAX_SEAT_LENGTH }), { nil: null }),
          flags: fc.integer({ min: 0, max: 3 }),
        }),
        ({ flags, ...hello }) => {
          const value =
            hello.protocolVersion === 4
              ? { ...hello, flags }
              : hello.protocolVersion === 3
                ? hello
                : { ...hello, seat: null };
          expect(decodeHello(encodeHello(value))).toEqual(value);
        },
      ),
    );
  });
});

describe('decodeHandshakeMessage: what the server reads before Hello, without a room', () => {
  const handshake = (b: Uint8Array): unknown => decodeHandshakeMessage(b);

  it('decodes Hello and Ping whole, in either version', () => {
    expect(decodeHandshakeMessage(packFrame([1, 3, 'ann', null, 's42']))).toEqual({
      id: 1,
      message: { protocolVersion: 3, name: 'ann', resumeToken: null, seat: 's42' },
    });
    expect(decodeHandshakeMessage(packFrame([1, 2, 'ann', 'tok']))).toEqual({
      id: 1,
      message: { protocolVersion: 2, name: 'ann', resumeToken: 'tok', seat: null },
    });
    expect(decodeHandshakeMessage(encodePing({ clientTimeMs: 12.5 }))).toEqual({
      id: 3,
      message: { clientTimeMs: 12.5 },
    });
  });

  it('names Input and Resync by their id alone, whatever they hold (the schema is not known yet)', () => {
    expect(decodeHandshakeMessage(packFrame([2, 1, 0]))).toEqual({ id: 2, message: null });
    expect(decodeHandshakeMessage(packFrame([2, 'not', 'an', 'input']))).toEqual({
      id: 2,
      message: null,
    });
    expect(decodeHandshakeMessage(packFrame([4, 0]))).toEqual({ id: 4, message: null });
  });

  it('refuses what the room would refuse: bad Hellos and Pings, unknown and server ids, bad frames', () => {
    const M = CloseCode.MalformedFrame;
    rejects(handshake, packFrame([1, 3, 'ann', null]), M, /version 3/);
    rejects(handshake, packFrame([1, 2, 'ann', null, null]), M, /version 2/);
    rejects(handshake, packFrame([1, 3, 'ann', null, 's'.repeat(65)]), M, /Hello.seat/);
    rejects(handshake, packFrame([3, -1]), M, /Ping.clientTimeMs/);
    rejects(handshake, packFrame([64, 3]), CloseCode.UnknownMessage, /64/);
    rejects(handshake, packFrame([42]), CloseCode.UnknownMessage, /42/);
    rejects(handshake, new Uint8Array([]), M, /empty/);
    rejects(handshake, fromHex('c1'), M, /array/);
  });

  it('throws nothing but ProtocolError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeHandshakeMessage(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('byte identity with protocol v1 (PROTOCOL.md v1, section 10)', () => {
  // The worked example's full snapshot at tick 100 and its delta at tick 101, with their
  // checksums: the same bytes decode, re-encode identically, and apply with the same checksums.
  const full =
    '984164000090949acd03ea00cd1f40cd17700000006400a3626f749acd03e900cd20d0cd17d4e500cc806405a3616e6e940c01cd20bccd17d494cd012c01cd1b58cd15e090ce3d83efcc';
  const delta =
    '9841650101910c9194cd03eb01cd238ccd14509297cd03ea03cd1f40cd178b001b4093cd03e90806ce30cbdb75';

  it('decodes the v1 frames to generic records and encodes exactly the same bytes', () => {
    const s100 = decodeSnapshot(schema, fromHex(full));
    expect(s100.entered[1]).toEqual(
      playerRecord(1001, { x: 8400, y: 6100, vx: -27, aim: 128, hp: 100, score: 5, name: 'ann' }),
    );
    expect(s100.entered[3]).toEqual(pelletRecord(300, 7000, 5600));
    expect(hex(encodeSnapshot(schema, s100))).toBe(full);
    const s101 = decodeSnapshot(schema, fromHex(delta));
    expect(s101.updated.map((u) => fieldsOfUpdate(schema, u))).toEqual([
      { x: 8000, y: 6027, vx: 0, vy: 27, aim: 64 },
      { score: 6 },
    ]);
    expect(hex(encodeSnapshot(schema, s101))).toBe(delta);
    // Built from named fields, the updates are the same bytes too.
    const rebuilt = {
      ...s101,
      updated: [
        updateFromFields(schema, 'player', 1002, { x: 8000, y: 6027, vx: 0, vy: 27, aim: 64 }),
        updateFromFields(schema, 'player', 1001, { score: 6 }),
      ],
    };
    expect(hex(encodeSnapshot(schema, rebuilt))).toBe(delta);
  });

  it("applies them with v1's checksums (1032056780, then 818666357)", () => {
    const r = new Replica({ schema, worldWidth: 4000, worldHeight: 4000 });
    r.apply(decodeSnapshot(schema, fromHex(full)));
    const view = r.apply(decodeSnapshot(schema, fromHex(delta)));
    expect(view.entities.get(1001)).toMatchObject({ x: 8373, score: 6 });
    expect([...view.entities.keys()]).toEqual([300, 1001, 1002, 1003]);
  });
});

/** A copy of `list` with `value` at `index`. */
function replaced(list: readonly unknown[], index: number, value: unknown): unknown[] {
  const copy = [...list];
  copy[index] = value;
  return copy;
}

describe('decoders distrust their input', () => {
  const M = CloseCode.MalformedFrame;
  const client = (b: Uint8Array): unknown => decodeClientMessage(schema, b);
  const server = (b: Uint8Array): unknown => decodeServerMessage(b, schema);
  const snapshotOf = (...lists: unknown[]): Uint8Array => packFrame([65, 5, 0, 0, ...lists]);

  it('rejects bad msgpack, truncation, trailing bytes and empty frames', () => {
    rejects(client, new Uint8Array([]), M, /empty/);
    rejects(client, fromHex('9401'), M, /msgpack/);
    rejects(client, fromHex('92046300'), M, /msgpack/);
    rejects(client, fromHex('c1'), M, /array/);
  });

  it('rejects wrong shapes, types and ranges, naming the field', () => {
    rejects(client, packFrame([]), M, /frame/);
    rejects(client, packFrame(['x']), M, /message id/);
    rejects(client, packFrame([2, 1, 0, 0, 0]), M, /Input: expected 6/);
    rejects(client, packFrame([2, 0, 0, 0, 0, 0]), M, /Input.seq/);
    rejects(client, packFrame([2, 1, 0, 256, 0, 0]), M, /Input.moveDir/);
    rejects(client, packFrame([2, 1, 0, 0, 1.5, 0]), M, /Input.aim/);
    rejects(client, packFrame([2, 1, 0, 0, 0, 4]), M, /Input.buttons/);
    rejects(client, packFrame([1, 1, '', null]), M, /Hello.name/);
    rejects(client, packFrame([1, 1, 'a\u0007b', null]), M, /control/);
    // Invalid UTF-8 (here a lone surrogate's bytes, ED A0 80) decodes to U+FFFD per byte.
    expect(decodeHello(fromHex('940101a561eda08062c0')).name).toBe('a\ufffd\ufffd\ufffdb');
    expect(decodeHello(packFrame([1, 1, 'a\ud83d\ude00', null])).name).toBe('a\ud83d\ude00');
    rejects(client, packFrame([1, 1, 'x'.repeat(17), null]), M, /Hello.name/);
    rejects(client, packFrame([1, 1, 'ok', 5]), M, /resumeToken/);
    rejects(client, packFrame([3, -1]), M, /Ping.clientTimeMs/);
    rejects(server, packFrame([65, 5, 9, 0, [], [], []]), M, /baselineAge/);
    rejects(server, snapshotOf([], [[1, 9, 0, 0]], []), M, /kind/);
    rejects(server, snapshotOf([], [], [[1, 2]]), M, /expected 3/);
    rejects(server, snapshotOf([], [], [[1, 0]]), M, /mask/);
  });

  it('rejects records of an unknown kind, of the wrong length, or with a field out of range', () => {
    rejects(server, snapshotOf([], [[1, 3, 0, 0]], []), M, /unknown entity kind 3/);
    rejects(server, snapshotOf([], [[1, 1, 0]], []), M, /entered\[0\] \(pellet\): expected 4/);
    rejects(server, snapshotOf([], [[1, 1, 0, 0, 0]], []), M, /\(pellet\): expected 4/);
    // A projectile without its ticksLeft, and with one beyond its lifetime.
    rejects(server, snapshotOf([], [[1, 2, 0, 0, 0, 0, 7]], []), M, /\(projectile\): expected 8/);
    rejects(
      server,
      snapshotOf([], [[1, 2, 0, 0, 0, 0, 7, 37]], []),
      M,
      /ticksLeft: 37 is outside 1..36/,
    );
    rejects(server, snapshotOf([], [[1, 2, 0, 0, 0, 0, 7, 0]], []), M, /ticksLeft: 0/);
    const player = [1, 0, 0, 0, 0, 0, 0, 100, 0, 'ann'];
    rejects(
      server,
      snapshotOf([], [replaced(player, 6, 256)], []),
      M,
      /\.aim: 256 is outside 0..255/,
    );
    rejects(server, snapshotOf([], [replaced(player, 4, -32768)], []), M, /\.vx: -32768/);
    rejects(server, snapshotOf([], [replaced(player, 8, -1)], []), M, /\.score: -1/);
    rejects(
      server,
      snapshotOf([], [replaced(player, 9, 'x'.repeat(17))], []),
      M,
      /\.name: longer than 16/,
    );
    rejects(server, snapshotOf([], [replaced(player, 9, 5)], []), M, /\.name: expected a string/);
    rejects(server, snapshotOf([], [replaced(player, 0, 65536)], []), M, /\.id/);
  });

  it('rejects updates whose mask has bits no group has, or whose values do not match it', () => {
    rejects(server, snapshotOf([], [], [[1, 16, 5]]), M, /mask: 16 is outside 1..15/);
    rejects(server, snapshotOf([], [], [[1, 6, 5]]), M, /expected 4 elements for mask 6, got 3/);
    rejects(server, snapshotOf([], [], [[1, 2, 5, 6]]), M, /expected 3 elements for mask 2, got 4/);
    rejects(server, snapshotOf([], [], [[1, 4, 70000]]), M, /\.hp: 70000/);
    rejects(server, snapshotOf([], [], [[1, 2, 'x']]), M, /\.aim: expected an integer/);
    // Strings in groups are read as strings, with their length.
    const mixed = (b: Uint8Array): unknown => decodeServerMessage(b, testMixedSchema);
    const look = testMixedSchema.groups.find((g) => g.name === 'look');
    expect(look?.fields).toEqual(['label', 'color']);
    const lookMask = 1 << (look?.bit ?? 0);
    rejects(mixed, snapshotOf([], [], [[1, lookMask, 5, 5]]), M, /\.label: expected a string/);
    rejects(
      mixed,
      snapshotOf([], [], [[1, lookMask, 'x'.repeat(9), 5]]),
      M,
      /\.label: longer than 8/,
    );
  });

  it('rejects unknown message ids with UnknownMessage', () => {
    rejects(client, packFrame([42]), CloseCode.UnknownMessage, /42/);
    rejects(client, packFrame([65, 1, 0, 0, [], [], []]), CloseCode.UnknownMessage, /65/);
    rejects(server, packFrame([1, 1, 'a', null]), CloseCode.UnknownMessage, /1/);
  });

  it('rejects a Welcome whose fingerprint does not match its schema', () => {
    const fields = [
      64,
      PLAYER_PROTOCOL_VERSION,
      7,
      30,
      10,
      333,
      4000,
      4000,
      1600,
      1000,
      'tok',
      schema.fingerprint ^ 1,
      schema.wire,
    ];
    rejects(decodeWelcome, packFrame(fields), M, /schemaFingerprint/);
    rejects(
      decodeWelcome,
      packFrame(replaced(replaced(fields, 11, schema.fingerprint), 12, 5)),
      M,
      /schema: expected a map/,
    );
  });

  it('throws nothing but ProtocolError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const decode of [client, server, (b: Uint8Array) => decodeServerMessage(b, null)]) {
          try {
            decode(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but ProtocolError on damaged Welcomes and Snapshots', () => {
    const frames = [
      encodeWelcome(welcome),
      encodeWelcome(welcomeRecord({ schema: testMixedSchema })),
      fromHex(goldenHex('Snapshot (full)')),
      fromHex(goldenHex('Snapshot (delta)')),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...frames),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        (frame, damage) => {
          const bytes = frame.slice();
          for (const { at, byte } of damage) bytes[at % bytes.length] = byte;
          try {
            decodeServerMessage(bytes, schema);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
