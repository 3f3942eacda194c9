// The capture file (.twcap): one JSON object per line, written by --record and read by --file.
// The format is documented in README.md next to this file.
import { closeSync, openSync, writeSync } from 'node:fs';
import { peekMessageId, toHex, type Direction, type WireFrame } from './frame-line.js';

export type CaptureEntry =
  | { kind: 'frame'; tMs: number; frame: WireFrame }
  | { kind: 'open'; tMs: number; url: string; subprotocol: string }
  | {
      kind: 'close';
      tMs: number;
      closeCode: number;
      reason: string;
      closedBy: 'inspector' | 'server';
    };

export class CaptureError extends Error {
  override readonly name = 'CaptureError';
}

/** One capture line (without its newline). */
export function formatCaptureEntry(entry: CaptureEntry): string {
  switch (entry.kind) {
    case 'frame': {
      const { dir, bytes, isBinary } = entry.frame;
      return JSON.stringify(
        isBinary
          ? { t: entry.tMs, dir, hex: toHex(bytes) }
          : { t: entry.tMs, dir, text: new TextDecoder().decode(bytes) },
      );
    }
    case 'open':
      return JSON.stringify({
        t: entry.tMs,
        event: 'open',
        url: entry.url,
        subprotocol: entry.subprotocol,
      });
    case 'close':
      return JSON.stringify({
        t: entry.tMs,
        event: 'close',
        closeCode: entry.closeCode,
        reason: entry.reason,
        closedBy: entry.closedBy,
      });
  }
}

/** Hex to bytes. Whitespace is ignored, so a dump copied from PROTOCOL.md (`92 04 ...`) works. */
export function fromHex(hex: string): Uint8Array {
  const digits = hex.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) {
    throw new CaptureError('"hex" must be pairs of hex digits');
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * The direction of a frame from its message id: client -> server ids are 1..63, server -> client
 * ids 64..127 (PROTOCOL.md, "Framing"). Null when the bytes do not start like a tickwire frame.
 */
export function inferDirection(bytes: Uint8Array): Direction | null {
  const id = peekMessageId(bytes);
  if (id === null || id < 1) return null;
  return id < 64 ? 'out' : 'in';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(o: Record<string, unknown>, key: string): string {
  const value = o[key];
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new CaptureError(`"${key}" must be a string`);
  return value;
}

/**
 * Parses one capture line; null for a blank line or a `#` comment. A line without `t` takes
 * `previousTMs` (hand-made captures need only `hex`, or `dir` and `text` for a text frame).
 */
export function parseCaptureLine(text: string, previousTMs: number): CaptureEntry | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  let o: unknown;
  try {
    o = JSON.parse(trimmed);
  } catch {
    throw new CaptureError('not a JSON object');
  }
  if (!isRecord(o)) throw new CaptureError('not a JSON object');
  const t = o.t ?? previousTMs;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new CaptureError('"t" must be a number of milliseconds >= 0');
  }
  if (o.event === 'open') {
    return {
      kind: 'open',
      tMs: t,
      url: optionalString(o, 'url'),
      subprotocol: optionalString(o, 'subprotocol'),
    };
  }
  if (o.event === 'close') {
    const closeCode = o.closeCode;
    if (typeof closeCode !== 'number' || !Number.isInteger(closeCode)) {
      throw new CaptureError('"closeCode" must be an integer');
    }
    const closedBy = o.closedBy ?? 'server';
    if (closedBy !== 'inspector' && closedBy !== 'server') {
      throw new CaptureError('"closedBy" must be "inspector" or "server"');
    }
    return { kind: 'close', tMs: t, closeCode, reason: optionalString(o, 'reason'), closedBy };
  }
  if (o.event !== undefined) throw new CaptureError(`unknown event ${JSON.stringify(o.event)}`);
  return { kind: 'frame', tMs: t, frame: parseFrame(o) };
}

function parseFrame(o: Record<string, unknown>): WireFrame {
  if (o.dir !== undefined && o.dir !== 'in' && o.dir !== 'out') {
    throw new CaptureError('"dir" must be "in" or "out"');
  }
  if (typeof o.hex === 'string' && o.text === undefined) {
    const bytes = fromHex(o.hex);
    const dir = o.dir ?? inferDirection(bytes);
    if (dir === null) {
      throw new CaptureError('no "dir", and the bytes do not name a message id to infer it from');
    }
    return { dir, bytes, isBinary: true };
  }
  if (typeof o.text === 'string' && o.hex === undefined) {
    if (o.dir === undefined) throw new CaptureError('a text frame needs "dir"');
    return { dir: o.dir, bytes: new TextEncoder().encode(o.text), isBinary: false };
  }
  throw new CaptureError('a frame needs exactly one of "hex" (binary) or "text" (text frame)');
}

/** Appends capture lines to a file, synchronously: a crash or Ctrl-C loses nothing written. */
export class CaptureWriter {
  readonly #fd: number;

  /** Creates or truncates `path`; throws the file system's error. */
  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  write(entry: CaptureEntry): void {
    writeSync(this.#fd, formatCaptureEntry(entry) + '\n');
  }

  close(): void {
    closeSync(this.#fd);
  }
}
