// Writes the golden test vectors: schemas/*.json, messages/*.json, reject/*.json from the values
// in schemas.ts, message-vectors.ts, snapshot-vectors.ts, reject-vectors.ts and
// replica-vectors.ts, encoded and decoded by the real codec and applied by the real replica.
// With --docs it also rewrites the generated examples of PROTOCOL.md (doc-examples.ts); with
// --session it records sessions/two-players.json from the real server (record-session.ts).
//
//   npm run vectors -w @tickwire/protocol                          (schemas, messages, rejects)
//   npm run vectors -w @tickwire/protocol -- --docs                (and PROTOCOL.md's examples)
//   npm run vectors -w @tickwire/protocol -- --session             (and the recorded session)
//
// Regenerating changes committed bytes: a diff in these files is a wire change and needs a
// protocol version review (README.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  MessageId,
  PROTOCOL_VERSION,
  ProtocolError,
  Replica,
  ReplicaError,
  encodeSnapshot,
  readWireSchema,
  unpackFrame,
  type CompiledSchema,
} from '@tickwire/protocol';
import {
  helloSpecs,
  inputSpecs,
  kickSpecs,
  pingSpecs,
  pongSpecs,
  resyncSpecs,
  summarySpecs,
  watchSpecs,
  welcomeSpecs,
  type MessageSpecs,
} from './message-vectors.js';
import { WORLD, snapshotSpecs } from './snapshot-vectors.js';
import { clientRejects, rejectHex, serverRejects, type RejectSpec } from './reject-vectors.js';
import { replicaRejectFrames, replicaRejectSpecs } from './replica-vectors.js';
import {
  fingerprintOf,
  packValueBytes,
  schemaDescriptions,
  schemas,
  type SchemaName,
} from './schemas.js';
import { decodeFrame, encodeMessage, toDecodedJson, type AnyMessage } from './vector-codec.js';
import {
  formatJson,
  fromHex,
  toHex,
  type DecodedJson,
  type Direction,
  type MessageVectorFile,
  type RejectVectorFile,
  type ReplicaRejectFile,
  type SchemaFile,
} from './vector-files.js';

const here = new URL('./', import.meta.url);

function schemaOf(name: SchemaName | null | undefined): CompiledSchema | null {
  return name === null || name === undefined ? null : schemas[name];
}

/** The decoded value as it will be read back from JSON; fails if JSON would change it. */
function asJson(decoded: AnyMessage, what: string): DecodedJson {
  const value = toDecodedJson(decoded);
  const json = JSON.parse(formatJson(value)) as DecodedJson;
  if (!isDeepStrictEqual(json, value)) throw new Error(`${what}: JSON changes the value`);
  return json;
}

function schemaFile(name: SchemaName): SchemaFile {
  const schema = schemas[name];
  const bytes = packValueBytes(schema.wire);
  const compiled = readWireSchema(unpackFrame(bytes));
  if (!isDeepStrictEqual(compiled.wire, schema.wire)) throw new Error(`${name}: read back differs`);
  if (
    compiled.fingerprint !== schema.fingerprint ||
    fingerprintOf(schema.wire) !== schema.fingerprint
  ) {
    throw new Error(`${name}: fingerprint`);
  }
  const json = JSON.parse(formatJson(schema.wire)) as Record<string, unknown>;
  if (!isDeepStrictEqual(json, schema.wire)) throw new Error(`${name}: JSON changes the schema`);
  return {
    protocolVersion: PROTOCOL_VERSION,
    name,
    description: schemaDescriptions[name],
    fingerprint: schema.fingerprint,
    hex: toHex(bytes),
    schema: json,
  };
}

function messageFile<T extends object>(
  message: string,
  id: MessageId,
  direction: Direction,
  specs: MessageSpecs<T>,
  encode: (m: T, schema: CompiledSchema | null) => Uint8Array,
): MessageVectorFile {
  const vectors = specs.vectors.map((spec) => {
    const schema = schemaOf(spec.schema);
    const bytes = encode(spec.value, schema);
    const decoded = decodeFrame(direction, bytes, schema);
    if (!isDeepStrictEqual(decoded, { id, message: spec.value })) {
      throw new Error(`${spec.name}: decoding gives ${JSON.stringify(toDecodedJson(decoded))}`);
    }
    return {
      name: spec.name,
      description: spec.description,
      schema: spec.schema ?? null,
      hex: toHex(bytes),
      decoded: asJson(decoded, spec.name),
    };
  });
  const nonCanonical = specs.nonCanonical.map((spec) => {
    const schema = schemaOf(spec.schema);
    const decoded = decodeFrame(direction, fromHex(spec.hex), schema);
    if (decoded.id !== id) throw new Error(`${spec.name}: decodes as message ${decoded.id}`);
    const canonicalHex = toHex(encodeMessage(decoded, schema));
    if (canonicalHex === spec.hex) throw new Error(`${spec.name}: these bytes are canonical`);
    return {
      name: spec.name,
      description: spec.description,
      schema: spec.schema ?? null,
      hex: spec.hex,
      decoded: asJson(decoded, spec.name),
      canonicalHex,
    };
  });
  return { protocolVersion: PROTOCOL_VERSION, message, id, direction, vectors, nonCanonical };
}

function rejectFile(direction: Direction, specs: RejectSpec[]): RejectVectorFile {
  const vectors = specs.map((spec) => {
    const hex = rejectHex(spec);
    try {
      decodeFrame(direction, fromHex(hex), schemaOf(spec.schema));
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      if (error.closeCode !== spec.closeCode) {
        throw new Error(`${spec.name}: close code ${error.closeCode}, not ${spec.closeCode}`, {
          cause: error,
        });
      }
      return {
        name: spec.name,
        description: spec.description,
        target: spec.target,
        schema: spec.schema,
        hex,
        closeCode: spec.closeCode,
      };
    }
    throw new Error(`${spec.name}: the decoder accepts ${hex}`);
  });
  return {
    protocolVersion: PROTOCOL_VERSION,
    direction,
    decoder: direction === 'client-to-server' ? 'decodeClientMessage' : 'decodeServerMessage',
    vectors,
  };
}

function replicaRejectFile(): ReplicaRejectFile {
  const vectors = replicaRejectSpecs.map((spec) => {
    const schema = schemas[spec.schema];
    const frames = replicaRejectFrames(spec).map((s) => encodeSnapshot(schema, s));
    const replica = new Replica({ schema, ...WORLD });
    frames.forEach((bytes, i) => {
      const decoded = decodeFrame('server-to-client', bytes, schema);
      if (decoded.id !== MessageId.Snapshot) throw new Error(`${spec.name}: not a Snapshot`);
      if (i < frames.length - 1) {
        replica.apply(decoded.message);
        return;
      }
      try {
        replica.apply(decoded.message);
      } catch (error) {
        if (error instanceof ReplicaError && error.code === spec.error) return;
        throw new Error(`${spec.name}: ${String(error)}`, { cause: error });
      }
      throw new Error(`${spec.name}: the replica applies the last frame`);
    });
    return {
      name: spec.name,
      description: spec.description,
      schema: spec.schema,
      ...WORLD,
      frames: frames.map(toHex),
      error: spec.error,
    };
  });
  return { protocolVersion: PROTOCOL_VERSION, vectors };
}

function write(path: string, value: unknown): void {
  const url = new URL(path, here);
  mkdirSync(new URL('./', url), { recursive: true });
  writeFileSync(url, formatJson(value));
}

const C2S = 'client-to-server';
const S2C = 'server-to-client';
const e = encodeMessage;
const schemaFiles = (Object.keys(schemas) as SchemaName[]).map((n): [string, SchemaFile] => [
  n,
  schemaFile(n),
]);
const files: [string, MessageVectorFile][] = [
  [
    'hello',
    messageFile('Hello', MessageId.Hello, C2S, helloSpecs, (m) => e({ id: 1, message: m }, null)),
  ],
  [
    'input',
    messageFile('Input', MessageId.Input, C2S, inputSpecs, (m, s) => e({ id: 2, message: m }, s)),
  ],
  [
    'ping',
    messageFile('Ping', MessageId.Ping, C2S, pingSpecs, (m) => e({ id: 3, message: m }, null)),
  ],
  [
    'resync',
    messageFile('Resync', MessageId.Resync, C2S, resyncSpecs, (m) =>
      e({ id: 4, message: m }, null),
    ),
  ],
  [
    'watch',
    messageFile('Watch', MessageId.Watch, C2S, watchSpecs, (m) => e({ id: 5, message: m }, null)),
  ],
  [
    'welcome',
    messageFile('Welcome', MessageId.Welcome, S2C, welcomeSpecs, (m) =>
      e({ id: 64, message: m }, null),
    ),
  ],
  [
    'snapshot',
    messageFile('Snapshot', MessageId.Snapshot, S2C, snapshotSpecs, (m, s) =>
      e({ id: 65, message: m }, s),
    ),
  ],
  [
    'pong',
    messageFile('Pong', MessageId.Pong, S2C, pongSpecs, (m) => e({ id: 66, message: m }, null)),
  ],
  [
    'kick',
    messageFile('Kick', MessageId.Kick, S2C, kickSpecs, (m) => e({ id: 67, message: m }, null)),
  ],
  [
    'summary',
    messageFile('Summary', MessageId.Summary, S2C, summarySpecs, (m) =>
      e({ id: 68, message: m }, null),
    ),
  ],
];
const rejects: [string, RejectVectorFile][] = [
  [C2S, rejectFile(C2S, clientRejects)],
  [S2C, rejectFile(S2C, serverRejects)],
];
const replicaRejects = replicaRejectFile();

const names = [
  ...files.flatMap(([, f]) => [...f.vectors, ...f.nonCanonical].map((v) => v.name)),
  ...rejects.flatMap(([file, f]) => f.vectors.map((v) => `${file}/${v.name}`)),
  ...replicaRejects.vectors.map((v) => `replica/${v.name}`),
];
const duplicate = names.find((name, i) => names.indexOf(name) !== i);
if (duplicate !== undefined) throw new Error(`two vectors are named ${duplicate}`);

for (const [name, file] of schemaFiles) write(`schemas/${name}.json`, file);
for (const [name, file] of files) write(`messages/${name}.json`, file);
for (const [name, file] of rejects) write(`reject/${name}.json`, file);
write('reject/replica.json', replicaRejects);
for (const [name, file] of schemaFiles) {
  console.log(
    `schemas/${name}.json: fingerprint ${file.fingerprint}, ${file.hex.length / 2} bytes`,
  );
}
for (const [name, file] of files) {
  console.log(
    `messages/${name}.json: ${file.vectors.length} + ${file.nonCanonical.length} non-canonical`,
  );
}
for (const [name, file] of rejects) console.log(`reject/${name}.json: ${file.vectors.length}`);
console.log(`reject/replica.json: ${replicaRejects.vectors.length}`);

if (process.argv.includes('--docs')) {
  const { updateProtocolDoc } = await import('./doc-examples.js');
  console.log(`PROTOCOL.md: ${updateProtocolDoc()} generated blocks`);
}

if (process.argv.includes('--session')) {
  const { recordSession } = await import('./record-session.js');
  const session = await recordSession();
  console.log(`sessions/two-players.json: ${session.snapshots.length} snapshots`);
}
