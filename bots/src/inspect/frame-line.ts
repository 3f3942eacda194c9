// Frame -> JSON line: pure functions, shared by the live inspector and the capture replay.
import {
  CloseCode,
  MessageId,
  ProtocolError,
  decodeClientMessage,
  decodeHello,
  decodePing,
  decodeResync,
  decodeWatch,
  decodeServerMessage,
  unpackFrame,
  type ClientMessage,
  type CompiledSchema,
  type ServerMessage,
} from '@tickwire/protocol';
import { messageJson } from './message-json.js';

/** "in": server -> inspector. "out": inspector -> server. */
export type Direction = 'in' | 'out';

/** One WebSocket frame as it crossed the wire. A text frame carries its UTF-8 bytes. */
export interface WireFrame {
  dir: Direction;
  bytes: Uint8Array;
  isBinary: boolean;
}

export type FrameDecoding =
  | { ok: true; decoded: ServerMessage | ClientMessage }
  | {
      ok: false;
      error: string;
      closeCode: number | null;
      /** A Snapshot or an Input before any Welcome: only the Welcome's schema decodes them. */
      needsWelcome: boolean;
    };

/** `{"t","dir","bytes","id","type","message"[,"hex"]}`; the session adds `replica` to snapshots. */
export interface MessageLine {
  t: number;
  dir: Direction;
  bytes: number;
  id: number;
  type: string;
  /** The decoded message as JSON: see message-json.ts (updates by group, the schema apart). */
  message: object;
  replica?: ReplicaResult;
  hex?: string;
}

/** `{"t","dir","bytes","error","closeCode","hex"[,"text"]}`: the raw bytes are always included. */
export interface FrameErrorLine {
  t: number;
  dir: Direction;
  bytes: number;
  error: string;
  /** The close code the receiving side answers this frame with, or null for a non-protocol error. */
  closeCode: number | null;
  hex: string;
  /** A text frame's text. */
  text?: string;
}

export type FrameLine = MessageLine | FrameErrorLine;

/** What the replica made of a snapshot. `checksum` is "absent" when the server sends none. */
export type ReplicaResult =
  | { applied: true; tick: number; entities: number; checksum: 'ok' | 'absent' }
  | { applied: false; error: string; detail: string };

export const TEXT_FRAME_ERROR = 'text frame: tickwire frames are binary msgpack';

const MESSAGE_NAMES = new Map<number, string>(
  Object.entries(MessageId).map(([name, id]) => [id, name]),
);

/** The name of a message id (`Snapshot`), or `unknown(N)`. */
export function messageName(id: number): string {
  return MESSAGE_NAMES.get(id) ?? `unknown(${id})`;
}

/** Lowercase hex, two digits per byte, no separators (the test vectors' convention). */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The message id of a frame read from its array header (any of fixarray, array16, array32), or
 * null when the bytes do not start like a tickwire frame. Only a hint for choosing a decoder:
 * the decoder checks the whole frame.
 */
export function peekMessageId(bytes: Uint8Array): number | null {
  const head = bytes[0];
  let idAt: number;
  if (head === undefined) return null;
  if (head >= 0x91 && head <= 0x9f) idAt = 1;
  else if (head === 0xdc) idAt = 3;
  else if (head === 0xdd) idAt = 5;
  else return null;
  const id = bytes[idAt];
  return id === undefined || id > 127 ? null : id;
}

/**
 * A client frame before any Welcome: Hello, Ping and Resync decode without a schema; an Input
 * cannot (its fields are the schema's input).
 */
function decodeClientFrame(bytes: Uint8Array, schema: CompiledSchema | null): ClientMessage {
  if (schema) return decodeClientMessage(schema, bytes);
  const id = peekMessageId(bytes);
  switch (id) {
    case MessageId.Hello:
      return { id, message: decodeHello(bytes) };
    case MessageId.Ping:
      return { id, message: decodePing(bytes) };
    case MessageId.Resync:
      return { id, message: decodeResync(bytes) };
    case MessageId.Watch:
      return { id, message: decodeWatch(bytes) };
    case MessageId.Input:
      throw new ProtocolError(
        CloseCode.HandshakeViolation,
        "an Input before any Welcome: the Welcome's schema says what its fields are",
      );
    default:
      unpackFrame(bytes); // throws the MalformedFrame error for bytes that are not msgpack
      throw new ProtocolError(CloseCode.UnknownMessage, `unknown client message id ${id}`);
  }
}

/**
 * Decodes a frame with the decoder of its direction and the session's schema (null before the
 * Welcome: Snapshots and Inputs then do not decode). Never throws.
 */
export function decodeFrame(frame: WireFrame, schema: CompiledSchema | null): FrameDecoding {
  // The server answers a text frame with Kick 4000 (PROTOCOL.md, "Transport").
  if (!frame.isBinary) {
    return { ok: false, error: TEXT_FRAME_ERROR, closeCode: 4000, needsWelcome: false };
  }
  try {
    const decoded =
      frame.dir === 'in'
        ? decodeServerMessage(frame.bytes, schema)
        : decodeClientFrame(frame.bytes, schema);
    return { ok: true, decoded };
  } catch (error) {
    const id = peekMessageId(frame.bytes);
    const needsWelcome =
      schema === null && (frame.dir === 'in' ? id === MessageId.Snapshot : id === MessageId.Input);
    if (error instanceof ProtocolError) {
      // Before the Welcome the server accepts Inputs (after Hello): it answers nothing.
      const closeCode = needsWelcome && frame.dir === 'out' ? null : error.closeCode;
      return { ok: false, error: error.message, closeCode, needsWelcome };
    }
    return { ok: false, error: String(error), closeCode: null, needsWelcome };
  }
}

export interface FrameLineOptions {
  /** Add the raw bytes to frames that decoded (frames that did not always carry them). */
  hex: boolean;
  /** The session's schema, which names the groups of a snapshot's updates. */
  schema: CompiledSchema | null;
  /** What the replica made of this frame, for a snapshot. */
  replica?: ReplicaResult;
}

/** The JSON line object of a frame, given its decoding. Keys run from small facts to bulky ones. */
export function frameLine(
  tMs: number,
  frame: WireFrame,
  decoding: FrameDecoding,
  options: FrameLineOptions,
): FrameLine {
  const head = { t: tMs, dir: frame.dir, bytes: frame.bytes.byteLength };
  if (!decoding.ok) {
    const line: FrameErrorLine = {
      ...head,
      error: decoding.error,
      closeCode: decoding.closeCode,
      hex: toHex(frame.bytes),
    };
    if (!frame.isBinary) line.text = new TextDecoder().decode(frame.bytes);
    return line;
  }
  const { id } = decoding.decoded;
  const message = messageJson(decoding.decoded, options.schema);
  const line: MessageLine = { ...head, id, type: messageName(id), message };
  if (options.replica) line.replica = options.replica;
  if (options.hex) line.hex = toHex(frame.bytes);
  return line;
}

/** Decodes a frame and returns both the decoding (for the session) and its line. */
export function describeFrame(
  tMs: number,
  frame: WireFrame,
  options: { hex: boolean; schema: CompiledSchema | null },
): { decoding: FrameDecoding; line: FrameLine } {
  const decoding = decodeFrame(frame, options.schema);
  return { decoding, line: frameLine(tMs, frame, decoding, options) };
}

/** Milliseconds rounded to 0.1 ms: enough to order frames, short on the line. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** One output line (without its newline). */
export function formatLine(line: object): string {
  return JSON.stringify(line);
}
