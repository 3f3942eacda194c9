// Connect mode: a passive player that prints (and optionally records) every frame both ways.
import WebSocket from 'ws';
import {
  HelloFlag,
  PLAYER_PROTOCOL_VERSION,
  PLAYER_SUBPROTOCOL,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  WEBSOCKET_PATH,
  encodeHello,
  encodeInput,
  encodeResync,
  encodeWatch,
  watchFor,
} from '@tickwire/protocol';
import type { OutputOptions, SpectateCamera } from './args.js';
import { CaptureWriter } from './capture.js';
import { formatLine, roundMs, type Direction } from './frame-line.js';
import { InspectorSession, type CloseLine, type InspectLine } from './session.js';

/** How often the inspector acknowledges its newest snapshot (10 Inputs/s, well under the limit). */
export const ACK_INTERVAL_MS = 100;
/** How long to wait for the server's close frame after closing, before dropping the socket. */
const CLOSE_TIMEOUT_MS = 2000;
const HANDSHAKE_TIMEOUT_MS = 5000;

export interface LiveOptions extends OutputOptions {
  url: URL;
  name: string;
  seconds: number | null;
  record: string | null;
  /** Join as a spectator with this camera (protocol version 4); null: a passive player. */
  spectate?: SpectateCamera | null;
}

export interface LiveIo {
  /** Prints one output line (no newline). */
  print(line: string): void;
  /** Prints a diagnostic for humans (stderr). */
  warn(message: string): void;
  /** A monotonic clock in ms. */
  nowMs(): number;
  /** Calls `onStop` on Ctrl-C; returns a function that stops listening. */
  onInterrupt(onStop: () => void): () => void;
}

function describeConnectError(url: URL, error: Error): string {
  const isHttpAnswer = /Unexpected server response/.test(error.message);
  if (isHttpAnswer && url.pathname !== WEBSOCKET_PATH) {
    return `${error.message} (the game socket is at ${WEBSOCKET_PATH})`;
  }
  return error.message || String(error);
}

/** Runs one session and resolves with the exit code (0: closed by the inspector; 1: otherwise). */
export function runLive(options: LiveOptions, io: LiveIo): Promise<number> {
  const startMs = io.nowMs();
  const t = (): number => roundMs(io.nowMs() - startMs);
  let capture: CaptureWriter | null = null;
  if (options.record !== null) {
    try {
      capture = new CaptureWriter(options.record);
    } catch (error) {
      io.warn(
        `inspect: cannot write the capture: ${error instanceof Error ? error.message : error}`,
      );
      return Promise.resolve(1);
    }
  }
  const session = new InspectorSession(options);
  const print = (lines: InspectLine[]): void => {
    for (const line of lines) io.print(formatLine(line));
  };
  const camera = options.spectate ?? null;
  // A passive player speaks version 3 exactly as before; a spectator needs version 4.
  const ws = new WebSocket(options.url, [camera === null ? PLAYER_SUBPROTOCOL : SUBPROTOCOL], {
    perMessageDeflate: false,
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  });
  let isOpen = false;
  let closedBy: CloseLine['closedBy'] = 'server';
  let connectError: Error | null = null;
  let seq = 0;
  const stops: (() => void)[] = [];

  const onFrame = (dir: Direction, bytes: Uint8Array, isBinary: boolean): void => {
    const tMs = t();
    const frame = { dir, bytes, isBinary };
    capture?.write({ kind: 'frame', tMs, frame });
    const { lines, resyncTick } = session.onFrame(tMs, frame);
    print(lines);
    if (resyncTick !== null) send(encodeResync({ tick: resyncTick }));
  };
  const send = (bytes: Uint8Array): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(bytes);
    onFrame('out', bytes, true);
  };
  const stop = (): void => {
    if (closedBy === 'inspector') return;
    closedBy = 'inspector';
    if (!isOpen) {
      ws.terminate();
      return;
    }
    ws.close(1000, 'inspector done');
    const timer = setTimeout(() => ws.terminate(), CLOSE_TIMEOUT_MS);
    stops.push(() => clearTimeout(timer));
  };

  ws.on('open', () => {
    isOpen = true;
    const tMs = t();
    // ws refuses to open unless the server accepted the subprotocol offered.
    capture?.write({ kind: 'open', tMs, url: options.url.href, subprotocol: ws.protocol });
    print(session.onOpen(tMs, options.url.href, ws.protocol));
    send(
      camera === null
        ? encodeHello({
            protocolVersion: PLAYER_PROTOCOL_VERSION,
            name: options.name,
            resumeToken: null,
          })
        : encodeHello({
            protocolVersion: PROTOCOL_VERSION,
            name: options.name,
            resumeToken: null,
            seat: null,
            flags: HelloFlag.Spectate | HelloFlag.Summary,
          }),
    );
    // Acknowledging keeps deltas coming. A player sends no controls: every input field at the
    // schema's default, which is a player left alone (for the arena: standing still, not
    // firing). A spectator acknowledges with Watch, which also names its camera.
    const ack = setInterval(() => {
      // Nothing before the Welcome (which brings the schema and the world's size).
      const { schema, welcome } = session;
      if (schema === null || welcome === null || closedBy === 'inspector') return;
      const ackTick = session.ackTick;
      if (camera === null) {
        send(encodeInput(schema, { seq: ++seq, ackTick, controls: {} }));
      } else {
        // The server's default camera, the world's centre, is no target (null).
        const target = 'centre' in camera ? null : camera;
        send(encodeWatch(watchFor(target, welcome, ackTick)));
      }
    }, ACK_INTERVAL_MS);
    stops.push(() => clearInterval(ack));
    if (options.seconds !== null) {
      const timer = setTimeout(stop, options.seconds * 1000);
      stops.push(() => clearTimeout(timer));
    }
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    onFrame('in', new Uint8Array(data.buffer, data.byteOffset, data.byteLength), isBinary);
  });
  ws.on('error', (error) => {
    if (isOpen) io.warn(`inspect: socket error: ${error.message}`);
    else connectError ??= error;
  });
  stops.push(io.onInterrupt(stop));

  return new Promise((resolve) => {
    ws.on('close', (code: number, reason: Buffer) => {
      for (const s of stops) s();
      if (!isOpen) {
        const why =
          closedBy === 'inspector'
            ? 'interrupted'
            : connectError
              ? describeConnectError(options.url, connectError)
              : `closed ${code}`;
        io.warn(`inspect: cannot connect to ${options.url.href}: ${why}`);
        capture?.close();
        resolve(1);
        return;
      }
      const tMs = t();
      const reasonText = reason.toString();
      capture?.write({ kind: 'close', tMs, closeCode: code, reason: reasonText, closedBy });
      capture?.close();
      print(session.onClose(tMs, code, reasonText, closedBy));
      resolve(closedBy === 'inspector' ? 0 : 1);
    });
  });
}
