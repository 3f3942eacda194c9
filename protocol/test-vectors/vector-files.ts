// The shapes of the golden test-vector files, with strict readers for the tests and a stable
// JSON writer for the generators. README.md in this folder describes the same format in prose.

/** Which decoder a frame goes to: the server's (`decodeClientMessage`) or a client's. */
export type Direction = 'client-to-server' | 'server-to-client';

/**
 * What `decodeClientMessage` / `decodeServerMessage` returned, as plain JSON. A Welcome's
 * `schema` (a CompiledSchema in TypeScript) is written as its wire form, the value that was on
 * the wire (`schemas/*.json` explains it).
 */
export interface DecodedJson {
  id: number;
  message: Record<string, unknown>;
}

/** `schemas/<name>.json`: a game schema as the Welcome carries it. */
export interface SchemaFile {
  protocolVersion: number;
  name: string;
  description: string;
  /** Welcome.schemaFingerprint for this schema. */
  fingerprint: number;
  /** The msgpack bytes of the schema value (the Welcome's last element). */
  hex: string;
  /** The same value as JSON: maps as objects, in wire key order. */
  schema: Record<string, unknown>;
}

/** A frame the reference encoder writes byte for byte, and what decoding it gives. */
export interface MessageVector {
  name: string;
  description: string;
  /** The schema (`schemas/<name>.json`) Inputs and Snapshots are decoded with; null for other messages. */
  schema: string | null;
  hex: string;
  decoded: DecodedJson;
}

/** A frame a decoder MUST accept although the reference encoder writes `decoded` differently. */
export interface NonCanonicalVector extends MessageVector {
  canonicalHex: string;
}

/** `messages/<name>.json`: every vector of one message. */
export interface MessageVectorFile {
  protocolVersion: number;
  message: string;
  id: number;
  direction: Direction;
  vectors: MessageVector[];
  nonCanonical: NonCanonicalVector[];
}

/** A frame a decoder MUST reject, with the close code the ProtocolError carries. */
export interface RejectVector {
  name: string;
  description: string;
  /** The message the frame claims to be, or "frame" when it fails before the id is known. */
  target: string;
  /**
   * The schema in force: the server's game (client-to-server), or the one of the Welcome the
   * client holds (server-to-client; null: no Welcome yet).
   */
  schema: string | null;
  hex: string;
  closeCode: number;
}

/** `reject/<direction>.json` */
export interface RejectVectorFile {
  protocolVersion: number;
  direction: Direction;
  decoder: 'decodeClientMessage' | 'decodeServerMessage';
  vectors: RejectVector[];
}

/** Snapshots that all decode, applied in order to a fresh replica: the last one MUST fail. */
export interface ReplicaRejectVector {
  name: string;
  description: string;
  schema: string;
  worldWidth: number;
  worldHeight: number;
  /** Snapshot frames; every one but the last applies. */
  frames: string[];
  /** The ReplicaError code applying the last frame gives. */
  error: 'MissingBaseline' | 'InvalidDelta' | 'ChecksumMismatch';
}

/** `reject/replica.json` */
export interface ReplicaRejectFile {
  protocolVersion: number;
  vectors: ReplicaRejectVector[];
}

/** An Input the recording client sent, after applying the snapshot of `afterTick`. */
export interface SessionInput {
  afterTick: number;
  hex: string;
  decoded: DecodedJson;
}

export interface SessionSnapshot {
  index: number;
  tick: number;
  baselineAge: number;
  inputAck: number;
  checksum: number;
  /** Ids in the frame's removed and entered lists, and the updated ids with their group masks. */
  removed: number[];
  entered: number[];
  updated: { id: number; mask: number }[];
  hex: string;
  /** Every entity record in the replica's view after applying this frame, sorted by id. */
  state: Record<string, unknown>[];
}

/** `sessions/<name>.json`: the frames one client received from a real server, in order. */
export interface SessionFile {
  protocolVersion: number;
  name: string;
  description: string;
  server: { args: string[] };
  welcome: { hex: string; decoded: DecodedJson };
  replica: { worldWidth: number; worldHeight: number; historyTicks: number };
  inputs: SessionInput[];
  snapshots: SessionSnapshot[];
}

// ---- hex ----

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Lowercase hex, two digits per byte, nothing else ("" is the empty frame). */
export function fromHex(text: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(text)) throw new Error(`not lowercase hex: "${text}"`);
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

// ---- writing ----

const LINE_WIDTH = 100;

/**
 * JSON for a vector file: ASCII only (every other character as a \u escape, so no editor or
 * normalization can change a name), two-space indent, any array or object that fits on one line
 * written on one line, and so is every list item that holds no nested list or object (an entity
 * record: one per line). Refuses values JSON cannot carry exactly.
 */
export function formatJson(value: unknown): string {
  return `${write(value, '', 0, false)}\n`;
}

function isLeaf(value: object): boolean {
  return Object.values(value).every((item: unknown) => typeof item !== 'object' || item === null);
}

function write(value: unknown, indent: string, prefixLength: number, isItem: boolean): string {
  const flat = inline(value);
  if (typeof value !== 'object' || value === null) return flat;
  if (indent.length + prefixLength + flat.length <= LINE_WIDTH) return flat;
  if (isItem && isLeaf(value)) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => `${inner}${write(item, inner, 1, true)}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).map(([key, item]) => {
    const head = `${inner}${quote(key)}: `;
    return `${head}${write(item, inner, head.length - inner.length + 1, false)}`;
  });
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function inline(value: unknown): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) {
      throw new Error(`${value} has no exact JSON form`);
    }
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[${value.map((item: unknown) => inline(item)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.some(([, item]) => item === undefined)) throw new Error('undefined in JSON');
    return entries.length === 0
      ? '{}'
      : `{ ${entries.map(([key, item]) => `${quote(key)}: ${inline(item)}`).join(', ')} }`;
  }
  throw new Error(`${typeof value} has no JSON form`);
}

function quote(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// ---- reading (the tests trust nothing they parse) ----

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what}: expected an object`);
  }
  return value as Json;
}

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what}: expected an array`);
  return value;
}

function string(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what}: expected a string`);
  return value;
}

function integer(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new Error(`${what}: expected an integer`);
  }
  return value;
}

function nullableString(value: unknown, what: string): string | null {
  return value === null ? null : string(value, what);
}

function hexString(value: unknown, what: string): string {
  const text = string(value, what);
  fromHex(text);
  return text;
}

function direction(value: unknown, what: string): Direction {
  if (value === 'client-to-server' || value === 'server-to-client') return value;
  throw new Error(`${what}: expected a direction`);
}

function decodedJson(value: unknown, what: string): DecodedJson {
  const o = object(value, what);
  return { id: integer(o.id, `${what}.id`), message: object(o.message, `${what}.message`) };
}

function messageVector(value: unknown, what: string): MessageVector {
  const o = object(value, what);
  return {
    name: string(o.name, `${what}.name`),
    description: string(o.description, `${what}.description`),
    schema: nullableString(o.schema, `${what}.schema`),
    hex: hexString(o.hex, `${what}.hex`),
    decoded: decodedJson(o.decoded, `${what}.decoded`),
  };
}

export function readSchemaFile(value: unknown, what: string): SchemaFile {
  const o = object(value, what);
  return {
    protocolVersion: integer(o.protocolVersion, `${what}.protocolVersion`),
    name: string(o.name, `${what}.name`),
    description: string(o.description, `${what}.description`),
    fingerprint: integer(o.fingerprint, `${what}.fingerprint`),
    hex: hexString(o.hex, `${what}.hex`),
    schema: object(o.schema, `${what}.schema`),
  };
}

export function readMessageVectorFile(value: unknown, what: string): MessageVectorFile {
  const o = object(value, what);
  return {
    protocolVersion: integer(o.protocolVersion, `${what}.protocolVersion`),
    message: string(o.message, `${what}.message`),
    id: integer(o.id, `${what}.id`),
    direction: direction(o.direction, `${what}.direction`),
    vectors: array(o.vectors, `${what}.vectors`).map((v, i) =>
      messageVector(v, `${what}.vectors[${i}]`),
    ),
    nonCanonical: array(o.nonCanonical, `${what}.nonCanonical`).map((v, i) => {
      const where = `${what}.nonCanonical[${i}]`;
      return {
        ...messageVector(v, where),
        canonicalHex: hexString(object(v, where).canonicalHex, `${where}.canonicalHex`),
      };
    }),
  };
}

export function readRejectVectorFile(value: unknown, what: string): RejectVectorFile {
  const o = object(value, what);
  const decoder = o.decoder;
  if (decoder !== 'decodeClientMessage' && decoder !== 'decodeServerMessage') {
    throw new Error(`${what}.decoder: unknown decoder`);
  }
  return {
    protocolVersion: integer(o.protocolVersion, `${what}.protocolVersion`),
    direction: direction(o.direction, `${what}.direction`),
    decoder,
    vectors: array(o.vectors, `${what}.vectors`).map((v, i) => {
      const where = `${what}.vectors[${i}]`;
      const r = object(v, where);
      return {
        name: string(r.name, `${where}.name`),
        description: string(r.description, `${where}.description`),
        target: string(r.target, `${where}.target`),
        schema: nullableString(r.schema, `${where}.schema`),
        hex: hexString(r.hex, `${where}.hex`),
        closeCode: integer(r.closeCode, `${where}.closeCode`),
      };
    }),
  };
}

function replicaError(value: unknown, what: string): ReplicaRejectVector['error'] {
  if (value === 'MissingBaseline' || value === 'InvalidDelta' || value === 'ChecksumMismatch') {
    return value;
  }
  throw new Error(`${what}: expected a replica error code`);
}

export function readReplicaRejectFile(value: unknown, what: string): ReplicaRejectFile {
  const o = object(value, what);
  return {
    protocolVersion: integer(o.protocolVersion, `${what}.protocolVersion`),
    vectors: array(o.vectors, `${what}.vectors`).map((v, i) => {
      const where = `${what}.vectors[${i}]`;
      const r = object(v, where);
      return {
        name: string(r.name, `${where}.name`),
        description: string(r.description, `${where}.description`),
        schema: string(r.schema, `${where}.schema`),
        worldWidth: integer(r.worldWidth, `${where}.worldWidth`),
        worldHeight: integer(r.worldHeight, `${where}.worldHeight`),
        frames: array(r.frames, `${where}.frames`).map((f, k) =>
          hexString(f, `${where}.frames[${k}]`),
        ),
        error: replicaError(r.error, `${where}.error`),
      };
    }),
  };
}

export function readSessionFile(value: unknown, what: string): SessionFile {
  const o = object(value, what);
  const server = object(o.server, `${what}.server`);
  const welcome = object(o.welcome, `${what}.welcome`);
  const replica = object(o.replica, `${what}.replica`);
  return {
    protocolVersion: integer(o.protocolVersion, `${what}.protocolVersion`),
    name: string(o.name, `${what}.name`),
    description: string(o.description, `${what}.description`),
    server: {
      args: array(server.args, `${what}.server.args`).map((a, i) =>
        string(a, `${what}.server.args[${i}]`),
      ),
    },
    welcome: {
      hex: hexString(welcome.hex, `${what}.welcome.hex`),
      decoded: decodedJson(welcome.decoded, `${what}.welcome.decoded`),
    },
    replica: {
      worldWidth: integer(replica.worldWidth, `${what}.replica.worldWidth`),
      worldHeight: integer(replica.worldHeight, `${what}.replica.worldHeight`),
      historyTicks: integer(replica.historyTicks, `${what}.replica.historyTicks`),
    },
    inputs: array(o.inputs, `${what}.inputs`).map((v, i) => {
      const where = `${what}.inputs[${i}]`;
      const r = object(v, where);
      return {
        afterTick: integer(r.afterTick, `${where}.afterTick`),
        hex: hexString(r.hex, `${where}.hex`),
        decoded: decodedJson(r.decoded, `${where}.decoded`),
      };
    }),
    snapshots: array(o.snapshots, `${what}.snapshots`).map((v, i) => {
      const where = `${what}.snapshots[${i}]`;
      const r = object(v, where);
      return {
        index: integer(r.index, `${where}.index`),
        tick: integer(r.tick, `${where}.tick`),
        baselineAge: integer(r.baselineAge, `${where}.baselineAge`),
        inputAck: integer(r.inputAck, `${where}.inputAck`),
        checksum: integer(r.checksum, `${where}.checksum`),
        removed: array(r.removed, `${where}.removed`).map((id, k) =>
          integer(id, `${where}.removed[${k}]`),
        ),
        entered: array(r.entered, `${where}.entered`).map((id, k) =>
          integer(id, `${where}.entered[${k}]`),
        ),
        updated: array(r.updated, `${where}.updated`).map((u, k) => {
          const update = object(u, `${where}.updated[${k}]`);
          return {
            id: integer(update.id, `${where}.updated[${k}].id`),
            mask: integer(update.mask, `${where}.updated[${k}].mask`),
          };
        }),
        hex: hexString(r.hex, `${where}.hex`),
        state: array(r.state, `${where}.state`).map((e, k) => object(e, `${where}.state[${k}]`)),
      };
    }),
  };
}
