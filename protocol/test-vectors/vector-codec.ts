// The reference codec as the vector files use it: decode by direction and schema, encode any
// decoded message back with its own encoder, and the JSON form of a decoded message. Shared by
// the generator, the recorder and the tests.
import {
  MessageId,
  decodeClientMessage,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  encodeKick,
  encodePing,
  encodePong,
  encodeResync,
  encodeSnapshot,
  encodeSummary,
  encodeWatch,
  encodeWelcome,
  type ClientMessage,
  type CompiledSchema,
  type ServerMessage,
} from '@tickwire/protocol';
import { tinySchema } from './schemas.js';
import type { DecodedJson, Direction } from './vector-files.js';

export type AnyMessage = ClientMessage | ServerMessage;

/**
 * Decodes a frame of `direction`. A client-to-server frame is decoded with the server's game
 * schema (null: a message that does not depend on one, decoded with any); a server-to-client
 * one with the schema of the Welcome the client holds (null: none yet).
 */
export function decodeFrame(
  direction: Direction,
  bytes: Uint8Array,
  schema: CompiledSchema | null,
): AnyMessage {
  if (direction === 'server-to-client') return decodeServerMessage(bytes, schema);
  return decodeClientMessage(schema ?? tinySchema, bytes);
}

/** Encodes a decoded message again with its own encoder (Inputs and Snapshots by `schema`). */
export function encodeMessage(m: AnyMessage, schema: CompiledSchema | null): Uint8Array {
  const need = (): CompiledSchema => {
    if (!schema) throw new Error(`message ${m.id} is encoded with a schema`);
    return schema;
  };
  switch (m.id) {
    case MessageId.Hello:
      return encodeHello(m.message);
    case MessageId.Input:
      return encodeInput(need(), m.message);
    case MessageId.Ping:
      return encodePing(m.message);
    case MessageId.Resync:
      return encodeResync(m.message);
    case MessageId.Watch:
      return encodeWatch(m.message);
    case MessageId.Welcome:
      return encodeWelcome(m.message);
    case MessageId.Snapshot:
      return encodeSnapshot(need(), m.message);
    case MessageId.Pong:
      return encodePong(m.message);
    case MessageId.Kick:
      return encodeKick(m.message);
    case MessageId.Summary:
      return encodeSummary(m.message);
  }
}

/**
 * A decoded message as plain JSON: a Welcome's compiled schema becomes the wire value it was
 * read from, next to its `schemaFingerprint`; everything else is as decoded.
 */
export function toDecodedJson(m: AnyMessage): DecodedJson {
  if (m.id !== MessageId.Welcome) {
    return { id: m.id, message: { ...m.message } as Record<string, unknown> };
  }
  const { schema, ...rest } = m.message;
  return {
    id: m.id,
    message: { ...rest, schemaFingerprint: schema.fingerprint, schema: schema.wire },
  };
}

/** One step of an entity's hash: what was mixed in (or which finalizer step), and h after it. */
export interface HashStep {
  what: string;
  h: number;
}

/**
 * An entity's hash (PROTOCOL.md section 8) step by step, written from the wire schema alone (as
 * a client in another language would), so the vectors check the package's checksum instead of
 * repeating it. `tick` is the view's tick: a lifetime kind's expiry tick is tick + ticksLeft.
 */
export function entityHashSteps(
  schema: CompiledSchema,
  tick: number,
  r: Readonly<Record<string, unknown>>,
): HashStep[] {
  const kindId = schema.wire.kinds.findIndex((k) => k.name === r.kind);
  const kind = schema.wire.kinds[kindId];
  if (!kind) throw new Error(`no kind ${String(r.kind)} in ${schema.game}`);
  const steps: HashStep[] = [];
  let h = 0x811c9dc5;
  const mix = (what: string, v: number): void => {
    h = Math.imul(h ^ v, 0x01000193) >>> 0;
    steps.push({ what: `mix ${what}=${v}`, h });
  };
  mix('id', r.id as number);
  mix('kind', kindId);
  for (const f of kind.fields) if (f.type !== 'string') mix(f.name, r[f.name] as number);
  if (kind.lifetimeTicks > 0) mix('expiresTick', tick + (r.ticksLeft as number));
  const step = (what: string, next: number): void => {
    h = next >>> 0;
    steps.push({ what, h });
  };
  step('h ^= h >>> 16', h ^ (h >>> 16));
  step('h *= 0x85ebca6b', Math.imul(h, 0x85ebca6b));
  step('h ^= h >>> 13', h ^ (h >>> 13));
  step('h *= 0xc2b2ae35', Math.imul(h, 0xc2b2ae35));
  step('h ^= h >>> 16', h ^ (h >>> 16));
  return steps;
}

export function entityHashOf(
  schema: CompiledSchema,
  tick: number,
  r: Readonly<Record<string, unknown>>,
): number {
  const steps = entityHashSteps(schema, tick, r);
  return (steps[steps.length - 1] as HashStep).h;
}

/** The view checksum of PROTOCOL.md section 8: the sum of the entity hashes mod 2^32. */
export function viewChecksumOf(
  schema: CompiledSchema,
  tick: number,
  records: Iterable<Readonly<Record<string, unknown>>>,
): number {
  let sum = 0;
  for (const r of records) sum = (sum + entityHashOf(schema, tick, r)) % 2 ** 32;
  return sum;
}
