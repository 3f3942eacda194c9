import { MessageId, CloseCode } from '../wire/ids.js';
import { ProtocolError } from '../wire/errors.js';
import { packFrame } from '../wire/codec.js';
import { splitFrame } from '../wire/frame.js';
import { IntReader } from '../wire/int-reader.js';
import {
  readArray,
  readFiniteNumber,
  readInt,
  readOptionalString,
  readString,
  UINT32_MAX,
} from '../wire/read.js';
import type { CompiledSchema } from '../schema/schema.js';

/** Longest player name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 16;
/** Longest resume token. */
export const MAX_TOKEN_LENGTH = 64;
/** Longest seat reservation token (matchmaking's `seat`). */
export const MAX_SEAT_LENGTH = 64;

/**
 * Names refuse control characters (C0, DEL, C1): they break every UI that shows them. Invalid
 * UTF-8 never reaches here: the msgpack decoder turns each bad byte into U+FFFD.
 */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * Version 3: `[1, 3, name, resumeToken | nil, seat | nil]`; version 2 (still served):
 * `[1, 2, name, resumeToken | nil]`.
 */
export interface Hello {
  protocolVersion: number;
  name: string;
  /** Token from an earlier Welcome, to take back a player kept after a disconnect; else null. */
  resumeToken: string | null;
  /**
   * Seat reservation from matchmaking (version 3): names the room, single use, expires in
   * seconds. null: join the process's default room, where the server allows direct joins.
   */
  seat?: string | null;
}

/** The game's input fields by name (Welcome.schema.input), e.g. the arena's moveDir, aim, buttons. */
export type Controls = Record<string, number>;

/** `[2, seq, ackTick, ...the schema's input fields in order]` */
export interface Input<C extends Controls = Controls> {
  /** Increases by 1 with every Input on a connection, starting at 1. */
  seq: number;
  /** Newest snapshot tick the client has applied; 0 before the first. */
  ackTick: number;
  /** The game's input fields. */
  controls: C;
}

/** `[3, clientTimeMs]` */
export interface Ping {
  /** Any finite, non-negative client clock reading; echoed back in Pong. */
  clientTimeMs: number;
}

/** `[4, tick]` */
export interface Resync {
  /** The snapshot tick the client could not apply for want of its baseline. */
  tick: number;
}

export type ClientMessage<C extends Controls = Controls> =
  | { id: typeof MessageId.Hello; message: Hello }
  | { id: typeof MessageId.Input; message: Input<C> }
  | { id: typeof MessageId.Ping; message: Ping }
  | { id: typeof MessageId.Resync; message: Resync };

/** The Hello of `m.protocolVersion`: 5 elements from version 3 on, 4 before (no seat). */
export function encodeHello(m: Hello): Uint8Array {
  const seat = m.seat ?? null;
  if (m.protocolVersion >= 3) {
    return packFrame([MessageId.Hello, m.protocolVersion, m.name, m.resumeToken, seat]);
  }
  if (seat !== null) throw new Error(`a version ${m.protocolVersion} Hello carries no seat`);
  return packFrame([MessageId.Hello, m.protocolVersion, m.name, m.resumeToken]);
}

/** Encodes an Input; the controls in the schema's input order (unset ones at their default). */
export function encodeInput(schema: CompiledSchema, m: Input): Uint8Array {
  const frame: number[] = [MessageId.Input, m.seq, m.ackTick];
  for (const f of schema.input) frame.push(m.controls[f.name] ?? f.default);
  return packFrame(frame);
}

export function encodePing(m: Ping): Uint8Array {
  return packFrame([MessageId.Ping, m.clientTimeMs]);
}

export function encodeResync(m: Resync): Uint8Array {
  return packFrame([MessageId.Resync, m.tick]);
}

/**
 * A version 3 Hello has exactly 5 elements, an earlier one exactly 4; another version is read
 * with either, so that the server can answer it with UnsupportedVersion naming those it speaks.
 */
function readHello(f: unknown[]): Hello {
  readArray(f, 'Hello', 4, 5);
  const version = f[1];
  if (version === 3 && f.length !== 5) {
    throw new ProtocolError(
      CloseCode.MalformedFrame,
      'Hello: expected 5 elements in version 3, got 4',
    );
  }
  if (version === 2 && f.length !== 4) {
    throw new ProtocolError(
      CloseCode.MalformedFrame,
      'Hello: expected 4 elements in version 2, got 5',
    );
  }
  const name = readString(f[2], 'Hello.name', MAX_NAME_LENGTH);
  if (name.trim().length === 0)
    throw new ProtocolError(CloseCode.MalformedFrame, 'Hello.name: empty');
  if (hasControlCharacter(name)) {
    throw new ProtocolError(CloseCode.MalformedFrame, 'Hello.name: control characters');
  }
  return {
    protocolVersion: readInt(f[1], 'Hello.protocolVersion', 0, 0xffff),
    name,
    resumeToken: readOptionalString(f[3], 'Hello.resumeToken', MAX_TOKEN_LENGTH),
    seat: f.length === 5 ? readOptionalString(f[4], 'Hello.seat', MAX_SEAT_LENGTH) : null,
  };
}

function readInput(schema: CompiledSchema, f: unknown[]): Input {
  const length = 3 + schema.input.length;
  readArray(f, 'Input', length, length);
  const controls: Controls = {};
  schema.input.forEach((field, i) => {
    // Flags' max is 2^n - 1, so the range check also refuses unnamed bits.
    controls[field.name] = readInt(f[3 + i], `Input.${field.name}`, field.min, field.max);
  });
  return {
    seq: readInt(f[1], 'Input.seq', 1, UINT32_MAX),
    ackTick: readInt(f[2], 'Input.ackTick', 0, UINT32_MAX),
    controls,
  };
}

const ints = new IntReader();

/**
 * An Input as clients write it (a fixarray of msgpack integers, every value in range), read
 * without msgpackr: it arrives 20 times a second from every client, and unpacking it into an
 * array cost the server more than the rest of its handling. null for anything else, valid or
 * not: readInput then reads it, or says what is wrong. Same result as readInput (tested).
 */
function readUsualInput(schema: CompiledSchema, bytes: Uint8Array): Input | null {
  const fields = schema.input;
  const length = 3 + fields.length;
  if (length > 15 || bytes[0] !== (0x90 | length) || bytes[1] !== MessageId.Input) return null;
  ints.reset(bytes, 2);
  const seq = ints.next();
  const ackTick = ints.next();
  // NaN (not an integer) fails every comparison: null.
  if (!(seq >= 1 && seq <= UINT32_MAX && ackTick >= 0 && ackTick <= UINT32_MAX)) return null;
  const controls: Controls = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as (typeof fields)[number];
    const value = ints.next();
    if (!(value >= field.min && value <= field.max)) return null;
    controls[field.name] = value;
  }
  return ints.isAtEnd ? { seq, ackTick, controls } : null;
}

function readPing(f: unknown[]): Ping {
  readArray(f, 'Ping', 2, 2);
  return { clientTimeMs: readFiniteNumber(f[1], 'Ping.clientTimeMs', 0, Number.MAX_SAFE_INTEGER) };
}

function readResync(f: unknown[]): Resync {
  readArray(f, 'Resync', 2, 2);
  return { tick: readInt(f[1], 'Resync.tick', 1, UINT32_MAX) };
}

export function decodeHello(bytes: Uint8Array): Hello {
  return readHello(splitFrame(bytes, MessageId.Hello).fields);
}
export function decodeInput(schema: CompiledSchema, bytes: Uint8Array): Input {
  return readInput(schema, splitFrame(bytes, MessageId.Input).fields);
}
export function decodePing(bytes: Uint8Array): Ping {
  return readPing(splitFrame(bytes, MessageId.Ping).fields);
}
export function decodeResync(bytes: Uint8Array): Resync {
  return readResync(splitFrame(bytes, MessageId.Resync).fields);
}

/** A frame before Hello, as the server reads it without knowing the room (and so the schema). */
export type HandshakeMessage =
  | { id: typeof MessageId.Hello; message: Hello }
  | { id: typeof MessageId.Ping; message: Ping }
  | { id: typeof MessageId.Input | typeof MessageId.Resync; message: null };

/**
 * Decodes a frame sent before Hello: Hello and Ping whole; Input and Resync by their id only
 * (they are not allowed before Hello, whatever they hold). Unknown ids throw UnknownMessage.
 */
export function decodeHandshakeMessage(bytes: Uint8Array): HandshakeMessage {
  const { id, fields } = splitFrame(bytes);
  switch (id) {
    case MessageId.Hello:
      return { id, message: readHello(fields) };
    case MessageId.Ping:
      return { id, message: readPing(fields) };
    case MessageId.Input:
    case MessageId.Resync:
      return { id, message: null };
    default:
      throw new ProtocolError(CloseCode.UnknownMessage, `unknown client message id ${id}`);
  }
}

/**
 * Decodes any client -> server frame, Inputs by the game's schema. Unknown ids throw
 * ProtocolError(UnknownMessage).
 */
export function decodeClientMessage(schema: CompiledSchema, bytes: Uint8Array): ClientMessage {
  const input = readUsualInput(schema, bytes);
  if (input !== null) return { id: MessageId.Input, message: input };
  const { id, fields } = splitFrame(bytes);
  switch (id) {
    case MessageId.Hello:
      return { id, message: readHello(fields) };
    case MessageId.Input:
      return { id, message: readInput(schema, fields) };
    case MessageId.Ping:
      return { id, message: readPing(fields) };
    case MessageId.Resync:
      return { id, message: readResync(fields) };
    default:
      throw new ProtocolError(CloseCode.UnknownMessage, `unknown client message id ${id}`);
  }
}
