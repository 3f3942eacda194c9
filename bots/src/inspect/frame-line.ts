// Frame -> JSON line: pure functions, shared by the live inspector and the capture replay.
import {
  MessageId,
  ProtocolError,
  decodeClientMessage,
  decodeServerMessage,
  type ClientMessage,
  type ServerMessage,
} from '@tickwire/protocol';

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
  | { ok: false; error: string; closeCode: number | null };

/** `{"t","dir","bytes","id","type","message"[,"hex"]}`; the session adds `replica` to snapshots. */
export interface MessageLine {
  t: number;
  dir: Direction;
  bytes: number;
  id: number;
  type: string;
  message: ServerMessage['message'] | ClientMessage['message'];
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

/** Decodes a frame with the decoder of its direction. Never throws. */
export function decodeFrame(frame: WireFrame): FrameDecoding {
  // The server answers a text frame with Kick 4000 (PROTOCOL.md section 1).
  if (!frame.isBinary) return { ok: false, error: TEXT_FRAME_ERROR, closeCode: 4000 };
  try {
    const decoded =
      frame.dir === 'in' ? decodeServerMessage(frame.bytes) : decodeClientMessage(frame.bytes);
    return { ok: true, decoded };
  } catch (error) {
    if (error instanceof ProtocolError) {
      return { ok: false, error: error.message, closeCode: error.closeCode };
    }
    return { ok: false, error: String(error), closeCode: null };
  }
}

export interface FrameLineOptions {
  /** Add the raw bytes to frames that decoded (frames that did not always carry them). */
  hex: boolean;
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
  const { id, message } = decoding.decoded;
  const line: MessageLine = { ...head, id, type: messageName(id), message };
  if (options.replica) line.replica = options.replica;
  if (options.hex) line.hex = toHex(frame.bytes);
  return line;
}

/** Decodes a frame and returns both the decoding (for the session) and its line. */
export function describeFrame(
  tMs: number,
  frame: WireFrame,
  options: { hex: boolean },
): { decoding: FrameDecoding; line: FrameLine } {
  const decoding = decodeFrame(frame);
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
