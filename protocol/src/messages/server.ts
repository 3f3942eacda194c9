import { CloseCode, MessageId } from '../wire/ids.js';
import { ProtocolError } from '../wire/errors.js';
import { packFrame } from '../wire/codec.js';
import { splitFrame } from '../wire/frame.js';
import { readArray, readFiniteNumber, readInt, readString, UINT32_MAX } from '../wire/read.js';
import { MAX_TOKEN_LENGTH } from './client.js';
import { readSnapshot, type Snapshot } from './snapshot.js';
import type { CompiledSchema } from '../schema/schema.js';
import { readWireSchema } from '../schema/read-schema.js';
import { readSummary, type RoomSummary } from './summary.js';

/** Longest reason in a Kick. */
export const MAX_REASON_LENGTH = 200;

/** `[64, protocolVersion, playerId, tickHz, serverTick, serverTimeMs, worldWidth, worldHeight, viewWidth, viewHeight, resumeToken, schemaFingerprint, schema]` */
export interface Welcome {
  protocolVersion: number;
  /** Entity id of this client's own player. */
  playerId: number;
  /** Simulation and snapshot rate. */
  tickHz: number;
  /** The server's current tick. */
  serverTick: number;
  /** Server clock reading at serverTick, in milliseconds (only differences are meaningful). */
  serverTimeMs: number;
  /** World size in world units; wire positions run 0..size * POSITION_SCALE. */
  worldWidth: number;
  worldHeight: number;
  /** Area of interest in world units, centred on the player. */
  viewWidth: number;
  viewHeight: number;
  /** Opaque token to resume this player after a disconnect. */
  resumeToken: string;
  /** The game: its kinds, fields, update groups, input and constants (PROTOCOL.md, "The schema"). */
  schema: CompiledSchema;
}

/** `[66, clientTimeMs, serverTimeMs, serverTick]` */
export interface Pong {
  clientTimeMs: number;
  serverTimeMs: number;
  serverTick: number;
}

/** `[67, closeCode, reason]`, sent just before the server closes with the same code. */
export interface Kick {
  closeCode: number;
  reason: string;
}

export type ServerMessage =
  | { id: typeof MessageId.Welcome; message: Welcome }
  | { id: typeof MessageId.Snapshot; message: Snapshot }
  | { id: typeof MessageId.Pong; message: Pong }
  | { id: typeof MessageId.Kick; message: Kick }
  | { id: typeof MessageId.Summary; message: RoomSummary };

export function encodeWelcome(m: Welcome): Uint8Array {
  return packFrame([
    MessageId.Welcome,
    m.protocolVersion,
    m.playerId,
    m.tickHz,
    m.serverTick,
    m.serverTimeMs,
    m.worldWidth,
    m.worldHeight,
    m.viewWidth,
    m.viewHeight,
    m.resumeToken,
    m.schema.fingerprint,
    m.schema.wire,
  ]);
}

export function encodePong(m: Pong): Uint8Array {
  return packFrame([MessageId.Pong, m.clientTimeMs, m.serverTimeMs, m.serverTick]);
}

export function encodeKick(m: Kick): Uint8Array {
  return packFrame([MessageId.Kick, m.closeCode, m.reason]);
}

const WORLD_LIMIT = 1_000_000;

function readWelcome(f: unknown[]): Welcome {
  readArray(f, 'Welcome', 13, 13);
  const fingerprint = readInt(f[11], 'Welcome.schemaFingerprint', 0, UINT32_MAX);
  const schema = readWireSchema(f[12]);
  if (schema.fingerprint !== fingerprint) {
    throw new ProtocolError(
      CloseCode.MalformedFrame,
      `Welcome.schemaFingerprint: ${fingerprint} does not match the schema sent (${schema.fingerprint})`,
    );
  }
  return {
    protocolVersion: readInt(f[1], 'Welcome.protocolVersion', 0, 0xffff),
    playerId: readInt(f[2], 'Welcome.playerId', 0, 0xffff),
    tickHz: readInt(f[3], 'Welcome.tickHz', 1, 1000),
    serverTick: readInt(f[4], 'Welcome.serverTick', 0, UINT32_MAX),
    serverTimeMs: readFiniteNumber(f[5], 'Welcome.serverTimeMs', 0, Number.MAX_SAFE_INTEGER),
    worldWidth: readInt(f[6], 'Welcome.worldWidth', 1, WORLD_LIMIT),
    worldHeight: readInt(f[7], 'Welcome.worldHeight', 1, WORLD_LIMIT),
    viewWidth: readInt(f[8], 'Welcome.viewWidth', 1, WORLD_LIMIT),
    viewHeight: readInt(f[9], 'Welcome.viewHeight', 1, WORLD_LIMIT),
    resumeToken: readString(f[10], 'Welcome.resumeToken', MAX_TOKEN_LENGTH),
    schema,
  };
}

function readPong(f: unknown[]): Pong {
  readArray(f, 'Pong', 4, 4);
  return {
    clientTimeMs: readFiniteNumber(f[1], 'Pong.clientTimeMs', 0, Number.MAX_SAFE_INTEGER),
    serverTimeMs: readFiniteNumber(f[2], 'Pong.serverTimeMs', 0, Number.MAX_SAFE_INTEGER),
    serverTick: readInt(f[3], 'Pong.serverTick', 0, UINT32_MAX),
  };
}

function readKick(f: unknown[]): Kick {
  readArray(f, 'Kick', 3, 3);
  return {
    closeCode: readInt(f[1], 'Kick.closeCode', 1000, 4999),
    reason: readString(f[2], 'Kick.reason', MAX_REASON_LENGTH),
  };
}

export function decodeWelcome(bytes: Uint8Array): Welcome {
  return readWelcome(splitFrame(bytes, MessageId.Welcome).fields);
}
export function decodeSnapshot(schema: CompiledSchema, bytes: Uint8Array): Snapshot {
  return readSnapshot(schema, splitFrame(bytes, MessageId.Snapshot).fields);
}
export function decodePong(bytes: Uint8Array): Pong {
  return readPong(splitFrame(bytes, MessageId.Pong).fields);
}
export function decodeKick(bytes: Uint8Array): Kick {
  return readKick(splitFrame(bytes, MessageId.Kick).fields);
}

/**
 * Decodes any server -> client frame. Snapshots need the schema of the Welcome before them
 * (null until then: a Snapshot before Welcome is a HandshakeViolation). Unknown ids throw
 * ProtocolError(UnknownMessage).
 */
export function decodeServerMessage(
  bytes: Uint8Array,
  schema: CompiledSchema | null,
): ServerMessage {
  const { id, fields } = splitFrame(bytes);
  switch (id) {
    case MessageId.Welcome:
      return { id, message: readWelcome(fields) };
    case MessageId.Snapshot:
      if (!schema) {
        throw new ProtocolError(CloseCode.HandshakeViolation, 'a Snapshot before the Welcome');
      }
      return { id, message: readSnapshot(schema, fields) };
    case MessageId.Pong:
      return { id, message: readPong(fields) };
    case MessageId.Kick:
      return { id, message: readKick(fields) };
    case MessageId.Summary:
      return { id, message: readSummary(fields) };
    default:
      throw new ProtocolError(CloseCode.UnknownMessage, `unknown server message id ${id}`);
  }
}
