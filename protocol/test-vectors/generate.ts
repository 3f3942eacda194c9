// Writes the golden test vectors: messages/*.json and reject/*.json from the values in
// message-vectors.ts and reject-vectors.ts, encoded and decoded by the real codec. With
// --session it also records sessions/two-players.json from the real server (record-session.ts).
//
//   npm run vectors -w @tickwire/protocol               (messages and rejects)
//   npm run vectors -w @tickwire/protocol -- --session  (and the recorded session)
//
// Regenerating changes committed bytes: a diff in these files is a wire change and needs a
// protocol version review (README.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  MessageId,
  PROTOCOL_VERSION,
  ProtocolError,
  decodeClientMessage,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  encodeKick,
  encodePing,
  encodePong,
  encodeResync,
  encodeSnapshot,
  encodeWelcome,
} from '@tickwire/protocol';
import {
  helloSpecs,
  inputSpecs,
  kickSpecs,
  pingSpecs,
  pongSpecs,
  resyncSpecs,
  welcomeSpecs,
  type MessageSpecs,
} from './message-vectors.js';
import { snapshotSpecs } from './snapshot-vectors.js';
import { clientRejects, rejectHex, serverRejects, type RejectSpec } from './reject-vectors.js';
import {
  formatJson,
  fromHex,
  toHex,
  type DecodedJson,
  type Direction,
  type MessageVectorFile,
  type RejectVectorFile,
} from './vector-files.js';

const here = new URL('./', import.meta.url);

function decoderFor(direction: Direction): (bytes: Uint8Array) => { id: number; message: object } {
  return direction === 'client-to-server' ? decodeClientMessage : decodeServerMessage;
}

/** The decoded value as it will be read back from JSON; fails if JSON would change it. */
function asJson(decoded: { id: number; message: object }, what: string): DecodedJson {
  const json = JSON.parse(formatJson(decoded)) as DecodedJson;
  if (!isDeepStrictEqual(json, decoded)) throw new Error(`${what}: JSON changes the value`);
  return json;
}

function messageFile<T extends object>(
  message: string,
  id: MessageId,
  direction: Direction,
  specs: MessageSpecs<T>,
  encode: (m: T) => Uint8Array,
): MessageVectorFile {
  const decode = decoderFor(direction);
  const vectors = specs.vectors.map((spec) => {
    const bytes = encode(spec.value);
    const hex = toHex(bytes);
    if (spec.documentedHex !== undefined && spec.documentedHex !== hex) {
      throw new Error(
        `${spec.name}: PROTOCOL.md has ${spec.documentedHex}, the codec writes ${hex}`,
      );
    }
    const decoded = decode(bytes);
    if (!isDeepStrictEqual(decoded, { id, message: spec.value })) {
      throw new Error(`${spec.name}: decoding gives ${JSON.stringify(decoded)}`);
    }
    return {
      name: spec.name,
      description: spec.description,
      hex,
      decoded: asJson(decoded, spec.name),
    };
  });
  const nonCanonical = specs.nonCanonical.map((spec) => {
    const decoded = decode(fromHex(spec.hex));
    if (decoded.id !== id) throw new Error(`${spec.name}: decodes as message ${decoded.id}`);
    const canonicalHex = toHex(encode(decoded.message as T));
    if (canonicalHex === spec.hex) throw new Error(`${spec.name}: these bytes are canonical`);
    return {
      name: spec.name,
      description: spec.description,
      hex: spec.hex,
      decoded: asJson(decoded, spec.name),
      canonicalHex,
    };
  });
  return { protocolVersion: PROTOCOL_VERSION, message, id, direction, vectors, nonCanonical };
}

function rejectFile(direction: Direction, specs: RejectSpec[]): RejectVectorFile {
  const decode = decoderFor(direction);
  const vectors = specs.map((spec) => {
    const hex = rejectHex(spec);
    try {
      decode(fromHex(hex));
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

function write(path: string, value: unknown): void {
  const url = new URL(path, here);
  mkdirSync(new URL('./', url), { recursive: true });
  writeFileSync(url, formatJson(value));
}

const C2S = 'client-to-server';
const S2C = 'server-to-client';
const files: [string, MessageVectorFile][] = [
  ['hello', messageFile('Hello', MessageId.Hello, C2S, helloSpecs, encodeHello)],
  ['input', messageFile('Input', MessageId.Input, C2S, inputSpecs, encodeInput)],
  ['ping', messageFile('Ping', MessageId.Ping, C2S, pingSpecs, encodePing)],
  ['resync', messageFile('Resync', MessageId.Resync, C2S, resyncSpecs, encodeResync)],
  ['welcome', messageFile('Welcome', MessageId.Welcome, S2C, welcomeSpecs, encodeWelcome)],
  ['snapshot', messageFile('Snapshot', MessageId.Snapshot, S2C, snapshotSpecs, encodeSnapshot)],
  ['pong', messageFile('Pong', MessageId.Pong, S2C, pongSpecs, encodePong)],
  ['kick', messageFile('Kick', MessageId.Kick, S2C, kickSpecs, encodeKick)],
];
const rejects: [string, RejectVectorFile][] = [
  [C2S, rejectFile(C2S, clientRejects)],
  [S2C, rejectFile(S2C, serverRejects)],
];

const names = [
  ...files.flatMap(([, f]) => [...f.vectors, ...f.nonCanonical].map((v) => v.name)),
  ...rejects.flatMap(([file, f]) => f.vectors.map((v) => `${file}/${v.name}`)),
];
const duplicate = names.find((name, i) => names.indexOf(name) !== i);
if (duplicate !== undefined) throw new Error(`two vectors are named ${duplicate}`);

for (const [name, file] of files) write(`messages/${name}.json`, file);
for (const [name, file] of rejects) write(`reject/${name}.json`, file);
for (const [name, file] of files) {
  console.log(
    `messages/${name}.json: ${file.vectors.length} + ${file.nonCanonical.length} non-canonical`,
  );
}
for (const [name, file] of rejects) console.log(`reject/${name}.json: ${file.vectors.length}`);

if (process.argv.includes('--session')) {
  const { recordSession } = await import('./record-session.js');
  const session = await recordSession();
  console.log(`sessions/two-players.json: ${session.snapshots.length} snapshots`);
}
