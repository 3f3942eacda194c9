// The golden test vectors in protocol/test-vectors/ against the codec and the replica. These
// tests only READ the committed files: a change to the bytes on the wire fails here until the
// vectors are regenerated, which is a protocol version review (test-vectors/README.md).
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  MessageId,
  PROTOCOL_VERSION,
  ProtocolError,
  Replica,
  UpdateField,
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
  peekSnapshotTick,
  updateMask,
  viewChecksum,
  type ClientMessage,
  type ServerMessage,
} from '@tickwire/protocol';
import {
  fromHex,
  readMessageVectorFile,
  readRejectVectorFile,
  readSessionFile,
  toHex,
  type Direction,
} from '../test-vectors/vector-files.js';
import { checkCoverage } from '../test-vectors/session-coverage.js';

const root = new URL('../test-vectors/', import.meta.url);

function readFolder<T>(folder: string, read: (json: unknown, what: string) => T): [string, T][] {
  const dir = new URL(`${folder}/`, root);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file): [string, T] => {
      const path = `${folder}/${file}`;
      return [path, read(JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as unknown, path)];
    });
}

const messageFiles = readFolder('messages', readMessageVectorFile);
const rejectFiles = readFolder('reject', readRejectVectorFile);
const sessionFiles = readFolder('sessions', readSessionFile);

function decodeAny(direction: Direction, bytes: Uint8Array): ClientMessage | ServerMessage {
  return direction === 'client-to-server' ? decodeClientMessage(bytes) : decodeServerMessage(bytes);
}

/** Encodes with the message's own encoder, and decodes with its own decoder for comparison. */
function encode(m: ClientMessage | ServerMessage): Uint8Array {
  switch (m.id) {
    case MessageId.Hello:
      return encodeHello(m.message);
    case MessageId.Input:
      return encodeInput(m.message);
    case MessageId.Ping:
      return encodePing(m.message);
    case MessageId.Resync:
      return encodeResync(m.message);
    case MessageId.Welcome:
      return encodeWelcome(m.message);
    case MessageId.Snapshot:
      return encodeSnapshot(m.message);
    case MessageId.Pong:
      return encodePong(m.message);
    case MessageId.Kick:
      return encodeKick(m.message);
  }
}

function decodeOwn(id: number, bytes: Uint8Array): object {
  switch (id) {
    case MessageId.Hello:
      return decodeHello(bytes);
    case MessageId.Input:
      return decodeInput(bytes);
    case MessageId.Ping:
      return decodePing(bytes);
    case MessageId.Resync:
      return decodeResync(bytes);
    case MessageId.Welcome:
      return decodeWelcome(bytes);
    case MessageId.Snapshot:
      return decodeSnapshot(bytes);
    case MessageId.Pong:
      return decodePong(bytes);
    case MessageId.Kick:
      return decodeKick(bytes);
    default:
      throw new Error(`no decoder for message ${id}`);
  }
}

/** The ProtocolError's close code, failing on success or on any other error. */
function closeCodeOf(decode: () => unknown): number {
  try {
    decode();
  } catch (error) {
    if (error instanceof ProtocolError) return error.closeCode;
    throw error;
  }
  throw new Error('the decoder accepted the frame');
}

const messageNames = Object.keys(MessageId) as (keyof typeof MessageId)[];

describe('message vectors', () => {
  it('cover every MessageId, each in one file with the right direction', () => {
    for (const name of messageNames) {
      const id = MessageId[name];
      const files = messageFiles.filter(([, f]) => f.id === id);
      expect(files, `vectors for ${name} (${id})`).toHaveLength(1);
      const file = files[0]?.[1];
      expect(file?.message).toBe(name);
      expect(file?.direction).toBe(id < 64 ? 'client-to-server' : 'server-to-client');
      expect(file?.vectors.length, `vectors of ${name}`).toBeGreaterThan(0);
    }
    expect(messageFiles.map(([, f]) => f.id).sort((a, b) => a - b)).toEqual(
      messageNames.map((name) => MessageId[name]).sort((a, b) => a - b),
    );
  });

  it('are all of this protocol version, with unique names', () => {
    for (const [, file] of messageFiles) expect(file.protocolVersion).toBe(PROTOCOL_VERSION);
    const names = messageFiles.flatMap(([, f]) =>
      [...f.vectors, ...f.nonCanonical].map((v) => v.name),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it('pin full and delta snapshots, with and without checksum, and every update mask', () => {
    const snapshots = messageFiles
      .flatMap(([, f]) => (f.id === MessageId.Snapshot ? f.vectors : []))
      .map((v) => decodeSnapshot(fromHex(v.hex)));
    const has = (full: boolean, checksum: boolean): boolean =>
      snapshots.some(
        (s) =>
          (s.baselineTick === 0) === full &&
          (s.checksum !== null) === checksum &&
          s.entered.length > 0 &&
          (full || (s.removed.length > 0 && s.updated.length > 0)),
      );
    expect(has(true, true) && has(true, false) && has(false, true) && has(false, false)).toBe(true);
    const masks = new Set(snapshots.flatMap((s) => s.updated.map(updateMask)));
    const all = UpdateField.Motion | UpdateField.Aim | UpdateField.Hp | UpdateField.Score;
    for (let mask = 1; mask <= all; mask++) expect(masks.has(mask), `mask ${mask}`).toBe(true);
  });

  for (const [path, file] of messageFiles) {
    describe(path, () => {
      for (const v of file.vectors) {
        it(`${v.name}: decodes to the JSON and encodes back to exactly the bytes`, () => {
          const bytes = fromHex(v.hex);
          const decoded = decodeAny(file.direction, bytes);
          expect(decoded).toStrictEqual(v.decoded);
          expect(decoded.id).toBe(file.id);
          expect(decodeOwn(file.id, bytes)).toStrictEqual(v.decoded.message);
          expect(toHex(encode(decoded))).toBe(v.hex);
          if (decoded.id === MessageId.Snapshot) {
            expect(peekSnapshotTick(bytes)).toBe(decoded.message.tick);
          }
        });
      }
      for (const v of file.nonCanonical) {
        it(`${v.name}: non-canonical bytes decode to the JSON; the encoder writes canonicalHex`, () => {
          expect(v.canonicalHex).not.toBe(v.hex);
          const decoded = decodeAny(file.direction, fromHex(v.hex));
          expect(decoded).toStrictEqual(v.decoded);
          expect(decoded.id).toBe(file.id);
          expect(toHex(encode(decoded))).toBe(v.canonicalHex);
          expect(decodeAny(file.direction, fromHex(v.canonicalHex))).toStrictEqual(v.decoded);
        });
      }
    });
  }
});

describe('reject vectors', () => {
  const closeCodes = new Set<number>(Object.values(CloseCode));

  it('exist for both decoders, for every message, and for unknown ids', () => {
    expect(rejectFiles.map(([, f]) => f.direction).sort()).toEqual([
      'client-to-server',
      'server-to-client',
    ]);
    for (const name of messageNames) {
      const id = MessageId[name];
      const direction = id < 64 ? 'client-to-server' : 'server-to-client';
      const targets = rejectFiles
        .filter(([, f]) => f.direction === direction)
        .flatMap(([, f]) => f.vectors.map((v) => v.target));
      expect(targets, `reject vectors for ${name}`).toContain(name);
    }
    for (const [path, file] of rejectFiles) {
      expect(file.protocolVersion).toBe(PROTOCOL_VERSION);
      expect(
        file.vectors.some((v) => v.closeCode === CloseCode.UnknownMessage),
        `${path}: an unknown id`,
      ).toBe(true);
      const names = file.vectors.map((v) => v.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  for (const [path, file] of rejectFiles) {
    describe(path, () => {
      for (const v of file.vectors) {
        it(`${v.name}: ${file.decoder} throws ProtocolError ${v.closeCode}`, () => {
          expect(closeCodes.has(v.closeCode)).toBe(true);
          expect(file.decoder).toBe(
            file.direction === 'client-to-server' ? 'decodeClientMessage' : 'decodeServerMessage',
          );
          expect(closeCodeOf(() => decodeAny(file.direction, fromHex(v.hex)))).toBe(v.closeCode);
        });
      }
    });
  }
});

describe('recorded sessions', () => {
  it('exist', () => {
    expect(sessionFiles.length).toBeGreaterThan(0);
  });

  for (const [path, session] of sessionFiles) {
    describe(path, () => {
      const welcome = decodeServerMessage(fromHex(session.welcome.hex));

      it('starts with a Welcome that decodes to the JSON and encodes back to its bytes', () => {
        expect(session.protocolVersion).toBe(PROTOCOL_VERSION);
        expect(welcome).toStrictEqual(session.welcome.decoded);
        expect(toHex(encode(welcome))).toBe(session.welcome.hex);
        if (welcome.id !== MessageId.Welcome) throw new Error('not a Welcome');
        expect(session.replica.worldWidth).toBe(welcome.message.worldWidth);
        expect(session.replica.worldHeight).toBe(welcome.message.worldHeight);
        // The first snapshot is of the Welcome's tick (PROTOCOL.md section 2).
        expect(session.snapshots[0]?.tick).toBe(welcome.message.serverTick);
      });

      it('keeps its promises: full first, old baselines, players and pellets entering and leaving', () => {
        if (welcome.id !== MessageId.Welcome) throw new Error('not a Welcome');
        expect(checkCoverage(session, welcome.message.playerId)).toEqual([]);
      });

      it("has the client's Inputs, each decoding to the JSON and encoding back to its bytes", () => {
        expect(session.inputs.length).toBeGreaterThan(0);
        for (const input of session.inputs) {
          const decoded = decodeClientMessage(fromHex(input.hex));
          expect(decoded).toStrictEqual(input.decoded);
          expect(toHex(encode(decoded))).toBe(input.hex);
        }
      });

      it('re-applied frame by frame through a fresh Replica gives exactly the recorded states', () => {
        const replica = new Replica(session.replica);
        let previousTick = 0;
        session.snapshots.forEach((shot, index) => {
          const what = `${path} snapshot ${index} (tick ${shot.tick})`;
          expect(shot.index, what).toBe(index);
          const bytes = fromHex(shot.hex);
          const decoded = decodeServerMessage(bytes);
          if (decoded.id !== MessageId.Snapshot) throw new Error(`${what}: not a Snapshot`);
          const s = decoded.message;
          expect(toHex(encodeSnapshot(s)), what).toBe(shot.hex);
          expect(s.tick, what).toBe(shot.tick);
          expect(s.tick, what).toBeGreaterThan(previousTick);
          expect(s.baselineTick === 0 ? 0 : s.tick - s.baselineTick, what).toBe(shot.baselineAge);
          expect(s.inputAck, what).toBe(shot.inputAck);
          expect(s.checksum, what).toBe(shot.checksum);
          expect(s.removed, what).toEqual(shot.removed);
          expect(
            s.entered.map((e) => e.id),
            what,
          ).toEqual(shot.entered);
          expect(
            s.updated.map((u) => ({ id: u.id, mask: updateMask(u) })),
            what,
          ).toEqual(shot.updated);
          // apply() verifies the checksum itself and throws ChecksumMismatch on a difference.
          const state = [...replica.apply(s).entities.values()];
          expect(state, what).toStrictEqual(shot.state);
          expect(viewChecksum(state), what).toBe(shot.checksum);
          const ids = state.map((e) => e.id);
          expect(ids, what).toEqual([...ids].sort((a, b) => a - b));
          previousTick = s.tick;
        });
      });
    });
  }
});
