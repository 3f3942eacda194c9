import { MessageId, CloseCode, Button } from '../wire/ids.js';
import { ProtocolError } from '../wire/errors.js';
import { packFrame } from '../wire/codec.js';
import { splitFrame } from '../wire/frame.js';
import {
  readArray,
  readFiniteNumber,
  readInt,
  readOptionalString,
  readString,
  UINT32_MAX,
} from '../wire/read.js';
import { ANGLE_STEPS, NO_DIRECTION } from '../sim/quantize.js';

/** Longest player name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 16;
/** Longest resume token. */
export const MAX_TOKEN_LENGTH = 64;
const ALL_BUTTONS = Object.values(Button).reduce((bits, bit) => bits | bit, 0);

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

/** `[1, protocolVersion, name, resumeToken | nil]` */
export interface Hello {
  protocolVersion: number;
  name: string;
  /** Token from an earlier Welcome, to take back a player kept after a disconnect; else null. */
  resumeToken: string | null;
}

/** `[2, seq, ackTick, moveDir, aim, buttons]` */
export interface Input {
  /** Increases by 1 with every Input on a connection, starting at 1. */
  seq: number;
  /** Newest snapshot tick the client has applied; 0 before the first. */
  ackTick: number;
  /** Wire angle 0..255 to move towards, or NO_DIRECTION (-1) to stand still. */
  moveDir: number;
  /** Wire angle 0..255 the player faces. */
  aim: number;
  /** Bit set of Button; unused bits are 0. */
  buttons: number;
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

export type ClientMessage =
  | { id: typeof MessageId.Hello; message: Hello }
  | { id: typeof MessageId.Input; message: Input }
  | { id: typeof MessageId.Ping; message: Ping }
  | { id: typeof MessageId.Resync; message: Resync };

export function encodeHello(m: Hello): Uint8Array {
  return packFrame([MessageId.Hello, m.protocolVersion, m.name, m.resumeToken]);
}

export function encodeInput(m: Input): Uint8Array {
  return packFrame([MessageId.Input, m.seq, m.ackTick, m.moveDir, m.aim, m.buttons]);
}

export function encodePing(m: Ping): Uint8Array {
  return packFrame([MessageId.Ping, m.clientTimeMs]);
}

export function encodeResync(m: Resync): Uint8Array {
  return packFrame([MessageId.Resync, m.tick]);
}

function readHello(f: unknown[]): Hello {
  readArray(f, 'Hello', 4, 4);
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
  };
}

function readInput(f: unknown[]): Input {
  readArray(f, 'Input', 6, 6);
  const buttons = readInt(f[5], 'Input.buttons', 0, 0xff);
  if ((buttons & ~ALL_BUTTONS) !== 0) {
    throw new ProtocolError(CloseCode.MalformedFrame, 'Input.buttons: unknown bits set');
  }
  return {
    seq: readInt(f[1], 'Input.seq', 1, UINT32_MAX),
    ackTick: readInt(f[2], 'Input.ackTick', 0, UINT32_MAX),
    moveDir: readInt(f[3], 'Input.moveDir', NO_DIRECTION, ANGLE_STEPS - 1),
    aim: readInt(f[4], 'Input.aim', 0, ANGLE_STEPS - 1),
    buttons,
  };
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
export function decodeInput(bytes: Uint8Array): Input {
  return readInput(splitFrame(bytes, MessageId.Input).fields);
}
export function decodePing(bytes: Uint8Array): Ping {
  return readPing(splitFrame(bytes, MessageId.Ping).fields);
}
export function decodeResync(bytes: Uint8Array): Resync {
  return readResync(splitFrame(bytes, MessageId.Resync).fields);
}

/** Decodes any client -> server frame. Unknown ids throw ProtocolError(UnknownMessage). */
export function decodeClientMessage(bytes: Uint8Array): ClientMessage {
  const { id, fields } = splitFrame(bytes);
  switch (id) {
    case MessageId.Hello:
      return { id, message: readHello(fields) };
    case MessageId.Input:
      return { id, message: readInput(fields) };
    case MessageId.Ping:
      return { id, message: readPing(fields) };
    case MessageId.Resync:
      return { id, message: readResync(fields) };
    default:
      throw new ProtocolError(CloseCode.UnknownMessage, `unknown client message id ${id}`);
  }
}
