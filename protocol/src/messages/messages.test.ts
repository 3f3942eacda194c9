import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CloseCode,
  ProtocolError,
  decodeClientMessage,
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
  peekSnapshotTick,
  type Snapshot,
} from '../index.js';

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
    { kind: 0, id: 7, x: 400, y: 800, vx: 27, vy: 0, aim: 0, hp: 100, score: 3, name: 'ann' },
    { kind: 1, id: 200, x: 10, y: 20 },
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
  updated: [{ id: 7, motion: { x: 481, y: 800, vx: -27, vy: 0 }, aim: 128 }],
  checksum: 0xdeadbeef,
};

/** Every message: its value, its exact bytes, and its codec pair. Changing a byte fails here. */
const golden = [
  {
    name: 'Hello',
    value: { protocolVersion: 1, name: 'ann', resumeToken: null },
    hex: '940101a3616e6ec0',
    encode: encodeHello,
    decode: decodeHello,
  },
  {
    name: 'Input',
    value: { seq: 300, ackTick: 70000, moveDir: -1, aim: 200, buttons: 0 },
    hex: '9602cd012cce00011170ffccc800',
    encode: encodeInput,
    decode: decodeInput,
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
    value: {
      protocolVersion: 1,
      playerId: 7,
      tickHz: 30,
      serverTick: 10,
      serverTimeMs: 333,
      worldWidth: 4000,
      worldHeight: 4000,
      viewWidth: 1600,
      viewHeight: 1000,
      playerSpeed: 27,
      resumeToken: 'tok',
    },
    hex: '9c4001071e0acd014dcd0fa0cd0fa0cd0640cd03e81ba3746f6b',
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
    encode: encodeSnapshot,
    decode: decodeSnapshot,
  },
  {
    name: 'Snapshot (delta)',
    value: deltaSnapshot,
    hex: '984167030691ccc89091970703cd01e1cd0320e500cc80cedeadbeef',
    encode: encodeSnapshot,
    decode: decodeSnapshot,
  },
] as const;

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

  it('dispatches client and server frames by id', () => {
    expect(decodeClientMessage(fromHex('920463'))).toEqual({ id: 4, message: { tick: 99 } });
    expect(decodeServerMessage(encodeKick({ closeCode: 4000, reason: 'x' }))).toEqual({
      id: 67,
      message: { closeCode: 4000, reason: 'x' },
    });
  });

  it('peeks the tick of a snapshot frame without decoding it', () => {
    for (const tick of [1, 127, 128, 255, 256, 65535, 65536, 0xffff_ffff]) {
      const bytes = encodeSnapshot({ ...deltaSnapshot, tick, baselineTick: 0 });
      expect(peekSnapshotTick(bytes)).toBe(tick);
      expect(peekSnapshotTick(bytes.subarray(0, 2))).toBe(-1);
    }
    expect(peekSnapshotTick(encodeKick({ closeCode: 4000, reason: 'x' }))).toBe(-1);
  });

  it('round-trips random inputs', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: 0xffff_ffff }),
          ackTick: fc.integer({ min: 0, max: 0xffff_ffff }),
          moveDir: fc.integer({ min: -1, max: 255 }),
          aim: fc.integer({ min: 0, max: 255 }),
          buttons: fc.constantFrom(0, 1),
        }),
        (input) => {
          expect(decodeInput(encodeInput(input))).toEqual(input);
        },
      ),
    );
  });
});

function rejects(
  decode: (b: Uint8Array) => unknown,
  bytes: Uint8Array,
  code: number,
  pattern: RegExp,
): void {
  let caught: unknown = null;
  try {
    decode(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).closeCode).toBe(code);
  expect((caught as ProtocolError).message).toMatch(pattern);
}

describe('decoders distrust their input', () => {
  const M = CloseCode.MalformedFrame;
  it('rejects bad msgpack, truncation, trailing bytes and empty frames', () => {
    rejects(decodeClientMessage, new Uint8Array([]), M, /empty/);
    rejects(decodeClientMessage, fromHex('9401'), M, /msgpack/);
    rejects(decodeClientMessage, fromHex('92046300'), M, /msgpack/);
    rejects(decodeClientMessage, fromHex('c1'), M, /array/);
  });

  it('rejects wrong shapes, types and ranges, naming the field', () => {
    rejects(decodeClientMessage, packFrame([]), M, /frame/);
    rejects(decodeClientMessage, packFrame(['x']), M, /message id/);
    rejects(decodeClientMessage, packFrame([2, 1, 0, 0, 0]), M, /Input: expected 6/);
    rejects(decodeClientMessage, packFrame([2, 0, 0, 0, 0, 0]), M, /Input.seq/);
    rejects(decodeClientMessage, packFrame([2, 1, 0, 256, 0, 0]), M, /Input.moveDir/);
    rejects(decodeClientMessage, packFrame([2, 1, 0, 0, 1.5, 0]), M, /Input.aim/);
    rejects(decodeClientMessage, packFrame([2, 1, 0, 0, 0, 4]), M, /Input.buttons/);
    rejects(decodeClientMessage, packFrame([1, 1, '', null]), M, /Hello.name/);
    rejects(decodeClientMessage, packFrame([1, 1, 'a\u0007b', null]), M, /control/);
    // Invalid UTF-8 (here a lone surrogate's bytes, ED A0 80) decodes to U+FFFD per byte.
    expect(decodeHello(fromHex('940101a561eda08062c0')).name).toBe('a\ufffd\ufffd\ufffdb');
    expect(decodeHello(packFrame([1, 1, 'a\ud83d\ude00', null])).name).toBe('a\ud83d\ude00');
    rejects(decodeClientMessage, packFrame([1, 1, 'x'.repeat(17), null]), M, /Hello.name/);
    rejects(decodeClientMessage, packFrame([1, 1, 'ok', 5]), M, /resumeToken/);
    rejects(decodeClientMessage, packFrame([3, -1]), M, /Ping.clientTimeMs/);
    rejects(decodeServerMessage, packFrame([65, 5, 9, 0, [], [], []]), M, /baselineAge/);
    rejects(decodeServerMessage, packFrame([65, 5, 0, 0, [], [[1, 9, 0, 0]], []]), M, /kind/);
    rejects(decodeServerMessage, packFrame([65, 5, 0, 0, [], [], [[1, 2]]]), M, /expected 3/);
    rejects(decodeServerMessage, packFrame([65, 5, 0, 0, [], [], [[1, 0]]]), M, /mask/);
  });

  it('rejects unknown message ids with UnknownMessage', () => {
    rejects(decodeClientMessage, packFrame([42]), CloseCode.UnknownMessage, /42/);
    rejects(
      decodeClientMessage,
      packFrame([65, 1, 0, 0, [], [], []]),
      CloseCode.UnknownMessage,
      /65/,
    );
    rejects(decodeServerMessage, packFrame([1, 1, 'a', null]), CloseCode.UnknownMessage, /1/);
  });

  it('throws nothing but ProtocolError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const decode of [decodeClientMessage, decodeServerMessage]) {
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
});
