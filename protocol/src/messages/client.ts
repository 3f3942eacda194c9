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
import { MAX_ENTITY_ID, MAX_WIRE_POSITION } from '../wire/limits.js';
import { PROTOCOL_VERSION } from '../wire/version.js';

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

/** Bits of a version-4 Hello's `flags`. Every other bit MUST be 0. */
export const HelloFlag = {
  /** Join as a spectator: no entity; the view follows the camera set by Watch. */
  Spectate: 1,
  /** Send me the room's Summary once a second. */
  Summary: 2,
} as const;
export type HelloFlag = (typeof HelloFlag)[keyof typeof HelloFlag];

/** What a Hello asks to be, from its flags: the one place that reads them. */
export interface HelloRole {
  /** HelloFlag.Spectate: no entity, a camera set by Watch. */
  isSpectator: boolean;
  /** HelloFlag.Summary: the room's Summary once a second. */
  wantsSummary: boolean;
}

/** The role a Hello asks for; a Hello before version 4 has no flags: a player, no summaries. */
export function helloRole(hello: Readonly<Hello>): HelloRole {
  const flags = hello.flags ?? 0;
  return {
    isSpectator: (flags & HelloFlag.Spectate) !== 0,
    wantsSummary: (flags & HelloFlag.Summary) !== 0,
  };
}

/** Every flag bit version 4 names. */
const HELLO_FLAGS_MASK = HelloFlag.Spectate | HelloFlag.Summary;

/**
 * Version 4: `[1, 4, name, resumeToken | nil, seat | nil, flags]`; version 3 (still served):
 * `[1, 3, name, resumeToken | nil, seat | nil]`; version 2: `[1, 2, name, resumeToken | nil]`.
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
  /** HelloFlag bits (version 4); 0 or absent before it. */
  flags?: number;
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

/**
 * `[5, ackTick, followId, x, y]` (version 4, spectators only): where a spectator's camera looks.
 * Sent instead of Input, at most at the Input rate.
 */
export interface Watch {
  /** Newest snapshot tick the client has applied; 0 before the first (as in Input). */
  ackTick: number;
  /** Entity to keep in the middle of the view (1..65535); 0: a free camera at x, y. */
  followId: number;
  /** Free camera centre in wire units, clamped to the world by the server; ignored when following. */
  x: number;
  y: number;
}

export type ClientMessage<C extends Controls = Controls> =
  | { id: typeof MessageId.Hello; message: Hello }
  | { id: typeof MessageId.Input; message: Input<C> }
  | { id: typeof MessageId.Ping; message: Ping }
  | { id: typeof MessageId.Resync; message: Resync }
  | { id: typeof MessageId.Watch; message: Watch };

/**
 * The Hello of `m.protocolVersion`: 6 elements in version 4 (flags), 5 in version 3 (seat), 4
 * before. A version this package does not speak is written with 5 (the server answers it with
 * 4002 whatever its length).
 */
export function encodeHello(m: Hello): Uint8Array {
  const seat = m.seat ?? null;
  const flags = m.flags ?? 0;
  if (m.protocolVersion === 4) {
    return packFrame([MessageId.Hello, m.protocolVersion, m.name, m.resumeToken, seat, flags]);
  }
  if (flags !== 0) throw new Error(`a version ${m.protocolVersion} Hello carries no flags`);
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

export function encodeWatch(m: Watch): Uint8Array {
  return packFrame([MessageId.Watch, m.ackTick, m.followId, m.x, m.y]);
}

/** Elements of a Hello by version; another version is read with any of these lengths. */
const HELLO_LENGTHS: Readonly<Record<number, number>> = { 2: 4, 3: 5, 4: 6 };

/**
 * A version 4 Hello has exactly 6 elements, a version 3 one 5, a version 2 one 4; another version
 * is read with 4 to 6, so that the server can answer it with UnsupportedVersion naming those it
 * speaks.
 */
function readHello(f: unknown[]): Hello {
  readArray(f, 'Hello', 4, 6);
  const version = f[1];
  const expected = typeof version === 'number' ? HELLO_LENGTHS[version] : undefined;
  if (expected !== undefined && f.length !== expected) {
    throw new ProtocolError(
      CloseCode.MalformedFrame,
      `Hello: expected ${expected} elements in version ${version as number}, got ${f.length}`,
    );
  }
  const name = readString(f[2], 'Hello.name', MAX_NAME_LENGTH);
  if (name.trim().length === 0)
    throw new ProtocolError(CloseCode.MalformedFrame, 'Hello.name: empty');
  if (hasControlCharacter(name)) {
    throw new ProtocolError(CloseCode.MalformedFrame, 'Hello.name: control characters');
  }
  const hello: Hello = {
    protocolVersion: readInt(f[1], 'Hello.protocolVersion', 0, 0xffff),
    name,
    resumeToken: readOptionalString(f[3], 'Hello.resumeToken', MAX_TOKEN_LENGTH),
    seat: f.length >= 5 ? readOptionalString(f[4], 'Hello.seat', MAX_SEAT_LENGTH) : null,
  };
  // Only version 4 has flags (an unknown version's 6th element means nothing yet: it is
  // answered with 4002, not 4000). Earlier versions decode without the key, as they always did.
  if (version === 4) hello.flags = readHelloFlags(f[5]);
  return hello;
}

function readHelloFlags(value: unknown): number {
  const flags = readInt(value, 'Hello.flags', 0, UINT32_MAX);
  if ((flags & ~HELLO_FLAGS_MASK) !== 0) {
    throw new ProtocolError(
      CloseCode.MalformedFrame,
      `Hello.flags: ${flags} sets bits version 4 does not name (only ${HELLO_FLAGS_MASK} may be set)`,
    );
  }
  return flags;
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

function readWatch(f: unknown[]): Watch {
  readArray(f, 'Watch', 5, 5);
  return {
    ackTick: readInt(f[1], 'Watch.ackTick', 0, UINT32_MAX),
    followId: readInt(f[2], 'Watch.followId', 0, MAX_ENTITY_ID),
    x: readInt(f[3], 'Watch.x', 0, MAX_WIRE_POSITION),
    y: readInt(f[4], 'Watch.y', 0, MAX_WIRE_POSITION),
  };
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
export function decodeWatch(bytes: Uint8Array): Watch {
  return readWatch(splitFrame(bytes, MessageId.Watch).fields);
}

/** A frame before Hello, as the server reads it without knowing the room (and so the schema). */
export type HandshakeMessage =
  | { id: typeof MessageId.Hello; message: Hello }
  | { id: typeof MessageId.Ping; message: Ping }
  | {
      id: typeof MessageId.Input | typeof MessageId.Resync | typeof MessageId.Watch;
      message: null;
    };

/**
 * Decodes a frame sent before Hello: Hello and Ping whole; Input, Resync and Watch by their id
 * only (they are not allowed before Hello, whatever they hold). Unknown ids throw UnknownMessage.
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
    case MessageId.Watch:
      return { id, message: null };
    default:
      throw new ProtocolError(CloseCode.UnknownMessage, `unknown client message id ${id}`);
  }
}

/** The first version that has Watch (message 5). */
const WATCH_SINCE_VERSION = 4;

/**
 * Decodes any client -> server frame of `protocolVersion` (the one the connection's Hello named;
 * the newest by default), Inputs by the game's schema. Ids unknown in that version throw
 * ProtocolError(UnknownMessage) whatever the frame holds: a Watch below version 4 is 4001, as a
 * server of that version answers it, never 4000 for its body.
 */
export function decodeClientMessage(
  schema: CompiledSchema,
  bytes: Uint8Array,
  protocolVersion: number = PROTOCOL_VERSION,
): ClientMessage {
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
    case MessageId.Watch:
      if (protocolVersion < WATCH_SINCE_VERSION) {
        throw new ProtocolError(
          CloseCode.UnknownMessage,
          `unknown client message id ${id} in version ${protocolVersion}`,
        );
      }
      return { id, message: readWatch(fields) };
    default:
      throw new ProtocolError(CloseCode.UnknownMessage, `unknown client message id ${id}`);
  }
}
