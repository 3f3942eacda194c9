// The golden test vectors in protocol/test-vectors/ against the codec and the replica. These
// tests only READ the committed files: a change to the bytes on the wire fails here until the
// vectors are regenerated, which is a protocol version review (test-vectors/README.md).
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  MAX_SEAT_LENGTH,
  MessageId,
  PLAYER_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  ProtocolError,
  Replica,
  ReplicaError,
  decodeHello,
  decodeInput,
  decodeKick,
  decodePing,
  decodePong,
  decodeResync,
  decodeSummary,
  decodeWatch,
  decodeSnapshot,
  decodeWelcome,
  packFrame,
  peekSnapshotHead,
  peekSnapshotTick,
  readWireSchema,
  unpackFrame,
  type CompiledSchema,
  type Snapshot,
} from '@tickwire/protocol';
import {
  fromHex,
  readMessageVectorFile,
  readRejectVectorFile,
  readReplicaRejectFile,
  readSchemaFile,
  readSessionFile,
  toHex,
} from '../test-vectors/vector-files.js';
import { checkCoverage } from '../test-vectors/session-coverage.js';
import { fnv1a32, schemas as declaredSchemas } from '../test-vectors/schemas.js';
import {
  decodeFrame,
  encodeMessage,
  toDecodedJson,
  viewChecksumOf,
  type AnyMessage,
} from '../test-vectors/vector-codec.js';

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

const schemaFiles = readFolder('schemas', readSchemaFile);
const messageFiles = readFolder('messages', readMessageVectorFile);
const rejectFiles = readFolder('reject', (json, what) =>
  what.endsWith('/replica.json') ? null : readRejectVectorFile(json, what),
).flatMap(([path, f]) => (f ? [[path, f] as const] : []));
const [replicaRejects] = readFolder('reject', (json, what) =>
  what.endsWith('/replica.json') ? readReplicaRejectFile(json, what) : null,
).flatMap(([, f]) => (f ? [f] : []));
const sessionFiles = readFolder('sessions', readSessionFile);

/** The schemas of schemas/*.json, compiled from their bytes (not from any declaration). */
const schemas = new Map<string, CompiledSchema>(
  schemaFiles.map(([, f]) => [f.name, readWireSchema(unpackFrame(fromHex(f.hex)))]),
);

function schemaNamed(name: string | null): CompiledSchema | null {
  if (name === null) return null;
  const schema = schemas.get(name);
  if (!schema) throw new Error(`no schemas/${name}.json`);
  return schema;
}

/** Decodes with the message's own decoder, as JSON, for comparison. */
function decodeOwn(id: number, bytes: Uint8Array, schema: CompiledSchema | null): unknown {
  const json = (m: AnyMessage): unknown => toDecodedJson(m).message;
  const need = (): CompiledSchema => {
    if (!schema) throw new Error(`message ${id} needs a schema`);
    return schema;
  };
  switch (id) {
    case MessageId.Hello:
      return json({ id, message: decodeHello(bytes) });
    case MessageId.Input:
      return json({ id, message: decodeInput(need(), bytes) });
    case MessageId.Ping:
      return json({ id, message: decodePing(bytes) });
    case MessageId.Resync:
      return json({ id, message: decodeResync(bytes) });
    case MessageId.Watch:
      return json({ id, message: decodeWatch(bytes) });
    case MessageId.Summary:
      return json({ id, message: decodeSummary(bytes) });
    case MessageId.Welcome:
      return json({ id, message: decodeWelcome(bytes) });
    case MessageId.Snapshot:
      return json({ id, message: decodeSnapshot(need(), bytes) });
    case MessageId.Pong:
      return json({ id, message: decodePong(bytes) });
    case MessageId.Kick:
      return json({ id, message: decodeKick(bytes) });
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
const directionOf = (id: number): 'client-to-server' | 'server-to-client' =>
  id < 64 ? 'client-to-server' : 'server-to-client';

describe('schema vectors', () => {
  it('hold the arena, the sketch and the tiny schema, each as its declaration compiles it', () => {
    expect(schemaFiles.map(([, f]) => f.name).sort()).toEqual(['arena', 'sketch', 'tiny']);
    for (const [path, f] of schemaFiles) {
      expect(f.protocolVersion, path).toBe(PROTOCOL_VERSION);
      // The arena's is its real declaration (games/arena/shared.ts) with a default server's
      // constants: a change to the declaration fails here until the vectors are regenerated.
      const declared = declaredSchemas[f.name as keyof typeof declaredSchemas];
      expect(declared.wire, path).toStrictEqual(f.schema);
      expect(declared.fingerprint, path).toBe(f.fingerprint);
    }
  });

  for (const [path, f] of schemaFiles) {
    it(`${path}: the bytes read back to the JSON, re-encode to themselves, and FNV-1a 32 of them is the fingerprint`, () => {
      const bytes = fromHex(f.hex);
      const schema = readWireSchema(unpackFrame(bytes));
      expect(schema.wire).toStrictEqual(f.schema);
      expect(toHex(packFrame([schema.wire]).subarray(1))).toBe(f.hex);
      expect(fnv1a32(bytes)).toBe(f.fingerprint);
      expect(schema.fingerprint).toBe(f.fingerprint);
    });
  }
});

describe('message vectors', () => {
  it('cover every MessageId, each in one file with the right direction', () => {
    for (const name of messageNames) {
      const id = MessageId[name];
      const files = messageFiles.filter(([, f]) => f.id === id);
      expect(files, `vectors for ${name} (${id})`).toHaveLength(1);
      const file = files[0]?.[1];
      expect(file?.message).toBe(name);
      expect(file?.direction).toBe(directionOf(id));
      expect(file?.vectors.length, `vectors of ${name}`).toBeGreaterThan(0);
    }
    expect(messageFiles.map(([, f]) => f.id).sort((a, b) => a - b)).toEqual(
      messageNames.map((name) => MessageId[name]).sort((a, b) => a - b),
    );
  });

  it('are all of this protocol version, with unique names, and name a schema exactly when they need one', () => {
    for (const [path, file] of messageFiles) {
      expect(file.protocolVersion, path).toBe(PROTOCOL_VERSION);
      const needsSchema = file.id === MessageId.Input || file.id === MessageId.Snapshot;
      for (const v of [...file.vectors, ...file.nonCanonical]) {
        expect(v.schema !== null, `${path} ${v.name}`).toBe(needsSchema);
      }
    }
    const names = messageFiles.flatMap(([, f]) =>
      [...f.vectors, ...f.nonCanonical].map((v) => v.name),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it("carry a Welcome of every schema, with that schema's exact bytes", () => {
    const welcomes = messageFiles.flatMap(([, f]) => (f.id === MessageId.Welcome ? f.vectors : []));
    for (const [, s] of schemaFiles) {
      const carrying = welcomes.filter(
        (v) => v.decoded.message.schemaFingerprint === s.fingerprint,
      );
      expect(carrying.length, `a Welcome with ${s.name}`).toBeGreaterThan(0);
      // The schema is the frame's last element: the frame ends with its bytes.
      for (const v of carrying) expect(v.hex.endsWith(s.hex), v.name).toBe(true);
    }
  });

  it('pin the Hello of every version served (6 elements in 4, with each flag; 5 in 3, with and without a seat; 4 in 2), and those answered with 4002', () => {
    const hellos = messageFiles.flatMap(([, f]) => (f.id === MessageId.Hello ? f.vectors : []));
    const of = (version: number): typeof hellos =>
      hellos.filter((v) => v.decoded.message.protocolVersion === version);
    for (const version of SUPPORTED_PROTOCOL_VERSIONS) {
      expect(of(version).length, `Hellos of version ${version}`).toBeGreaterThan(0);
    }
    for (const v of hellos) {
      const elements = (unpackFrame(fromHex(v.hex)) as unknown[]).length;
      const version = v.decoded.message.protocolVersion as number;
      if (version === 4) expect(elements, v.name).toBe(6);
      if (version === 3) expect(elements, v.name).toBe(5);
      if (version === 2 || version === 1) expect(elements, v.name).toBe(4);
      // A Hello without a seat element decodes with seat null.
      if (elements === 4) expect(v.decoded.message.seat, v.name).toBeNull();
    }
    const flags = of(4).map((v) => v.decoded.message.flags);
    for (const flag of [0, 1, 2, 3]) expect(flags).toContain(flag);
    const seats = of(3).map((v) => v.decoded.message.seat);
    expect(seats).toContain(null);
    expect(seats.some((seat) => typeof seat === 'string' && seat.length > 0)).toBe(true);
    expect(seats.some((seat) => typeof seat === 'string' && seat.length === MAX_SEAT_LENGTH)).toBe(
      true,
    );
    // Versions the server answers with 4002 still decode.
    const unsupported = hellos.filter(
      (v) => !SUPPORTED_PROTOCOL_VERSIONS.includes(v.decoded.message.protocolVersion as number),
    );
    expect(unsupported.map((v) => v.decoded.message.protocolVersion)).toContain(1);
    // Welcome names the version the Hello spoke: a Welcome of each.
    const welcomeVersions = messageFiles.flatMap(([, f]) =>
      f.id === MessageId.Welcome ? f.vectors.map((v) => v.decoded.message.protocolVersion) : [],
    );
    for (const version of SUPPORTED_PROTOCOL_VERSIONS) expect(welcomeVersions).toContain(version);
  });

  it('pin Inputs of every schema, including one without input fields', () => {
    const inputs = messageFiles.flatMap(([, f]) => (f.id === MessageId.Input ? f.vectors : []));
    for (const [, s] of schemaFiles) {
      expect(
        inputs.some((v) => v.schema === s.name),
        `an Input of ${s.name}`,
      ).toBe(true);
    }
    expect(inputs.some((v) => Object.keys(v.decoded.message.controls as object).length === 0)).toBe(
      true,
    );
  });

  it('pin full and delta snapshots, every motion kind, lifetimes, every arena mask and multi-group string masks', () => {
    const snapshots = messageFiles
      .flatMap(([, f]) => (f.id === MessageId.Snapshot ? f.vectors : []))
      .map((v) => ({
        schema: v.schema,
        s: decodeSnapshot(schemaNamed(v.schema) as CompiledSchema, fromHex(v.hex)),
      }));
    const has = (full: boolean, checksum: boolean): boolean =>
      snapshots.some(
        ({ s }) =>
          (s.baselineTick === 0) === full &&
          (s.checksum !== null) === checksum &&
          s.entered.length > 0 &&
          (full || (s.removed.length > 0 && s.updated.length > 0)),
      );
    expect(has(true, true) && has(true, false) && has(false, true) && has(false, false)).toBe(true);
    const masksOf = (schema: string, kind: string): Set<number> => {
      const compiled = schemaNamed(schema) as CompiledSchema;
      const ids = new Set(
        snapshots.flatMap((x) =>
          (x.schema === schema ? x.s.entered : []).filter((e) => e.kind === kind).map((e) => e.id),
        ),
      );
      const masks = snapshots.flatMap((x) =>
        x.schema === schema ? x.s.updated.filter((u) => ids.has(u.id)).map((u) => u.mask) : [],
      );
      expect(compiled.kindByName.has(kind)).toBe(true);
      return new Set(masks);
    };
    const players = masksOf('arena', 'player');
    for (let mask = 1; mask <= 15; mask++)
      expect(players.has(mask), `player mask ${mask}`).toBe(true);
    const cursors = masksOf('sketch', 'cursor');
    for (let mask = 1; mask <= 7; mask++)
      expect(cursors.has(mask), `cursor mask ${mask}`).toBe(true);
    expect([...masksOf('sketch', 'spark')].sort((a, b) => a - b)).toEqual([8, 16, 24]);
    expect(masksOf('arena', 'projectile').has(1)).toBe(true);
    const entered = snapshots.flatMap(({ s }) => s.entered);
    for (const kind of ['player', 'pellet', 'projectile', 'cursor', 'beacon', 'spark', 'marker']) {
      expect(
        entered.some((e) => e.kind === kind),
        `a ${kind} record`,
      ).toBe(true);
    }
    expect(entered.some((e) => e.kind === 'projectile' && e.ticksLeft === 36)).toBe(true);
    expect(entered.some((e) => e.kind === 'projectile' && e.ticksLeft === 1)).toBe(true);
    expect(
      snapshots.some(({ s }) => s.updated.some((u) => u.values.some((v) => typeof v === 'string'))),
      'a string in an update',
    ).toBe(true);
  });

  for (const [path, file] of messageFiles) {
    describe(path, () => {
      for (const v of file.vectors) {
        it(`${v.name}: decodes to the JSON and encodes back to exactly the bytes`, () => {
          const schema = schemaNamed(v.schema);
          const bytes = fromHex(v.hex);
          const decoded = decodeFrame(file.direction, bytes, schema);
          expect(toDecodedJson(decoded)).toStrictEqual(v.decoded);
          expect(decoded.id).toBe(file.id);
          expect(decodeOwn(file.id, bytes, schema)).toStrictEqual(v.decoded.message);
          expect(toHex(encodeMessage(decoded, schema))).toBe(v.hex);
          if (decoded.id === MessageId.Snapshot) {
            expect(peekSnapshotTick(bytes)).toBe(decoded.message.tick);
            expect(peekSnapshotHead(bytes)).toEqual({
              tick: decoded.message.tick,
              baselineTick: decoded.message.baselineTick,
            });
          }
          if (decoded.id === MessageId.Welcome) {
            // The fingerprint is FNV-1a 32 of the schema's bytes, computed here independently.
            const schemaBytes = packFrame([decoded.message.schema.wire]).subarray(1);
            expect(fnv1a32(schemaBytes)).toBe(v.decoded.message.schemaFingerprint);
          }
        });
      }
      for (const v of file.nonCanonical) {
        it(`${v.name}: non-canonical bytes decode to the JSON; the encoder writes canonicalHex`, () => {
          const schema = schemaNamed(v.schema);
          expect(v.canonicalHex).not.toBe(v.hex);
          const decoded = decodeFrame(file.direction, fromHex(v.hex), schema);
          expect(toDecodedJson(decoded)).toStrictEqual(v.decoded);
          expect(decoded.id).toBe(file.id);
          expect(toHex(encodeMessage(decoded, schema))).toBe(v.canonicalHex);
          expect(
            toDecodedJson(decodeFrame(file.direction, fromHex(v.canonicalHex), schema)),
          ).toStrictEqual(v.decoded);
        });
      }
    });
  }
});

/** The named snapshot vectors, decoded, in order. */
function snapshotsNamed(names: string[]): { schema: CompiledSchema; snapshots: Snapshot[] } {
  const vectors = messageFiles.flatMap(([, f]) => (f.id === MessageId.Snapshot ? f.vectors : []));
  const picked = names.map((name) => {
    const v = vectors.find((x) => x.name === name);
    if (!v) throw new Error(`no snapshot vector ${name}`);
    return v;
  });
  const schema = schemaNamed(picked[0]?.schema ?? null) as CompiledSchema;
  return { schema, snapshots: picked.map((v) => decodeSnapshot(schema, fromHex(v.hex))) };
}

describe('snapshot chains', () => {
  const chains = [
    [
      'snapshot-arena-full-documented',
      'snapshot-arena-delta-documented',
      'snapshot-arena-delta-expiry-documented',
    ],
    ['snapshot-arena-full-with-checksum', 'snapshot-arena-delta-every-mask'],
    ['snapshot-sketch-full', 'snapshot-sketch-delta-every-mask'],
  ];
  for (const chain of chains) {
    it(`${chain.join(' -> ')}: apply in order, matching every checksum; only expired entities leave unlisted`, () => {
      const { schema, snapshots } = snapshotsNamed(chain);
      const replica = new Replica({ schema, worldWidth: 4000, worldHeight: 4000 });
      const views = new Map<number, Map<number, Record<string, unknown>>>();
      let silentExpiries = 0;
      for (const s of snapshots) {
        const view = replica.apply(s); // throws ChecksumMismatch on a difference
        const records = [...view.entities.values()];
        expect(viewChecksumOf(schema, s.tick, records)).toBe(s.checksum);
        const base = views.get(s.baselineTick) ?? new Map<number, Record<string, unknown>>();
        for (const [id, e] of base) {
          if (s.removed.includes(id) || view.entities.has(id)) continue;
          // Gone without being listed: its lifetime ended by this tick.
          expect(e.ticksLeft as number, `${id} at ${s.tick}`).toBeLessThanOrEqual(
            s.tick - s.baselineTick,
          );
          silentExpiries++;
        }
        views.set(s.tick, new Map(records.map((e) => [e.id, { ...e }])));
      }
      expect(silentExpiries).toBeGreaterThan(0);
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
      const targets = rejectFiles
        .filter(([, f]) => f.direction === directionOf(id))
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

  it('include bad schemas, out-of-range Inputs of two schemas, unknown kinds and unknown mask bits', () => {
    const names = rejectFiles.flatMap(([, f]) => f.vectors.map((v) => v.name));
    for (const name of [
      'welcome-schema-fingerprint-mismatch',
      'welcome-schema-unknown-field-type',
      'welcome-schema-group-mismatched-types',
      'welcome-schema-static-with-changes',
      'input-arena-buttons-2',
      'input-sketch-tool-0',
      'snapshot-arena-kind-3',
      'snapshot-arena-update-mask-16',
      'snapshot-sketch-update-mask-32',
      'snapshot-before-welcome',
      'hello-v3-4-elements',
      'hello-v2-5-elements',
      'hello-seat-65',
    ]) {
      expect(names, name).toContain(name);
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
          const schema = schemaNamed(v.schema);
          expect(closeCodeOf(() => decodeFrame(file.direction, fromHex(v.hex), schema))).toBe(
            v.closeCode,
          );
        });
      }
    });
  }
});

describe('replica reject vectors', () => {
  it('exist for every replica error', () => {
    expect(replicaRejects?.protocolVersion).toBe(PROTOCOL_VERSION);
    const errors = new Set(replicaRejects?.vectors.map((v) => v.error));
    expect([...errors].sort()).toEqual(['ChecksumMismatch', 'InvalidDelta', 'MissingBaseline']);
  });

  for (const v of replicaRejects?.vectors ?? []) {
    it(`${v.name}: every frame decodes, all but the last apply, the last throws ${v.error}`, () => {
      const schema = schemaNamed(v.schema) as CompiledSchema;
      const replica = new Replica({ schema, worldWidth: v.worldWidth, worldHeight: v.worldHeight });
      const frames = v.frames.map((hex) => decodeSnapshot(schema, fromHex(hex)));
      const last = frames.pop();
      for (const s of frames) replica.apply(s);
      const before = replica.tick;
      let code: string | null = null;
      try {
        replica.apply(last as Snapshot);
      } catch (error) {
        if (!(error instanceof ReplicaError)) throw error;
        code = error.code;
      }
      expect(code).toBe(v.error);
      expect(replica.tick, 'a failed apply changes nothing').toBe(before);
    });
  }
});

describe('recorded sessions', () => {
  it('exist', () => {
    expect(sessionFiles.length).toBeGreaterThan(0);
  });

  for (const [path, session] of sessionFiles) {
    describe(path, () => {
      const welcome = decodeFrame('server-to-client', fromHex(session.welcome.hex), null);
      if (welcome.id !== MessageId.Welcome) throw new Error(`${path}: not a Welcome`);
      const { schema } = welcome.message;

      it("starts with a Welcome that decodes to the JSON, encodes back to its bytes, and carries the arena's schema", () => {
        // Recorded by a client speaking version 3, as the reference client does by default; the
        // Welcome says so too.
        expect(session.protocolVersion).toBe(PLAYER_PROTOCOL_VERSION);
        expect(welcome.message.protocolVersion).toBe(PLAYER_PROTOCOL_VERSION);
        expect(toDecodedJson(welcome)).toStrictEqual(session.welcome.decoded);
        expect(toHex(encodeMessage(welcome, null))).toBe(session.welcome.hex);
        expect(schema.fingerprint).toBe(schemas.get('arena')?.fingerprint);
        expect(session.replica.worldWidth).toBe(welcome.message.worldWidth);
        expect(session.replica.worldHeight).toBe(welcome.message.worldHeight);
        // The first snapshot is of the Welcome's tick (PROTOCOL.md section 2).
        expect(session.snapshots[0]?.tick).toBe(welcome.message.serverTick);
      });

      it('keeps its promises: old baselines, entering and leaving, projectiles that expire and hit', () => {
        expect(checkCoverage(session, welcome.message.playerId)).toEqual([]);
      });

      it("has the client's Inputs, each decoding to the JSON and encoding back to its bytes", () => {
        expect(session.inputs.length).toBeGreaterThan(0);
        for (const input of session.inputs) {
          const decoded = decodeFrame('client-to-server', fromHex(input.hex), schema);
          expect(toDecodedJson(decoded)).toStrictEqual(input.decoded);
          expect(toHex(encodeMessage(decoded, schema))).toBe(input.hex);
        }
      });

      it('re-applied frame by frame through a fresh Replica gives exactly the recorded states', () => {
        const replica = new Replica({ schema, ...session.replica });
        let previousTick = 0;
        session.snapshots.forEach((shot, index) => {
          const what = `${path} snapshot ${index} (tick ${shot.tick})`;
          expect(shot.index, what).toBe(index);
          const bytes = fromHex(shot.hex);
          const decoded = decodeFrame('server-to-client', bytes, schema);
          if (decoded.id !== MessageId.Snapshot) throw new Error(`${what}: not a Snapshot`);
          const s = decoded.message;
          expect(toHex(encodeMessage(decoded, schema)), what).toBe(shot.hex);
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
            s.updated.map((u) => ({ id: u.id, mask: u.mask })),
            what,
          ).toEqual(shot.updated);
          // apply() verifies the checksum itself and throws ChecksumMismatch on a difference.
          const state = [...replica.apply(s).entities.values()];
          expect(state, what).toStrictEqual(shot.state);
          expect(viewChecksumOf(schema, s.tick, state), what).toBe(shot.checksum);
          const ids = state.map((e) => e.id);
          expect(ids, what).toEqual([...ids].sort((a, b) => a - b));
          previousTick = s.tick;
        });
      });
    });
  }
});
