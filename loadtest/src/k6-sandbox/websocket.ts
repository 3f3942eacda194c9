import { types } from 'node:util';
import { WebSocket as WsClient, type RawData } from 'ws';
import type { EventLoop } from './event-loop.js';
import type { ModuleHost } from './module-host.js';

/**
 * k6/websockets' WebSocket for one VU, over a real socket (`ws`). It behaves as k6's does
 * (grafana/k6 internal/js/modules/k6/websockets): events are dispatched on the VU's event loop
 * (the `on*` handler first, then addEventListener's); send() throws InvalidStateError unless
 * open; every close other than 1000 and 1001 (our own 3000 too: the server echoes it) comes with
 * an `error` event first whose message is gorilla/websocket's ("websocket: close 4005: reason");
 * an interrupted iteration closes the socket with 1000 and hears nothing more of it; binary
 * frames arrive as ArrayBuffers of the VU's realm. Which k6 does what: k6-api.ts.
 *
 * close() while CONNECTING fails the run (ModuleHost.wouldHang): k6's close() sends the close
 * frame on an unbuffered channel that only the connection's write pump reads, and that pump
 * starts once the dial has succeeded, so the VU's JavaScript thread blocks until the handshake
 * ends, and for good when the dial never does. A script closes a socket from its onopen instead.
 */

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const NORMAL_CLOSURE = 1000;
const GOING_AWAY = 1001;
/** k6's dialer gives a handshake this long. */
const HANDSHAKE_TIMEOUT_MS = 60_000;

const EVENT_TYPES = ['open', 'message', 'error', 'close', 'ping', 'pong'] as const;
type EventType = (typeof EVENT_TYPES)[number];
type Listener = (event: unknown) => unknown;

/** gorilla/websocket's names of the close codes it names (CloseError.Error). */
const CLOSE_TEXT: Readonly<Record<number, string>> = {
  1000: 'normal',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status',
  1006: 'abnormal closure',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension missing',
  1011: 'internal server error',
  1015: 'TLS handshake error',
};

/** The message of gorilla/websocket's CloseError, which k6 hands to `error` listeners. */
export function closeErrorMessage(code: number, reason: string): string {
  const text = CLOSE_TEXT[code];
  const detail = code === 1006 && reason === '' ? 'unexpected EOF' : reason;
  return `websocket: close ${code}${text === undefined ? '' : ` (${text})`}${detail === '' ? '' : `: ${detail}`}`;
}

/** How k6 (Go's dialer) words a failed connection. */
function dialErrorMessage(url: string, error: Error): string {
  const code = (error as { code?: unknown }).code;
  const host = /^wss?:\/\/([^/?#]+)/i.exec(url)?.[1] ?? url;
  if (code === 'ECONNREFUSED') return `dial tcp ${host}: connect: connection refused`;
  if (/Unexpected server response/.test(error.message)) return 'websocket: bad handshake';
  return error.message;
}

function protocolsOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((p) => typeof p === 'string')) return value as string[];
  throw new TypeError('WebSocket: protocols must be a string or an array of strings');
}

function headersOf(params: unknown): Record<string, string> | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const headers = (params as { headers?: unknown }).headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
}

function bytesOf(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

export function createWebSocketClass(host: ModuleHost): unknown {
  class WebSocket {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;
    readonly CONNECTING = CONNECTING;
    readonly OPEN = OPEN;
    readonly CLOSING = CLOSING;
    readonly CLOSED = CLOSED;
    readonly url: string;
    readonly bufferedAmount = 0;
    #state = CONNECTING;
    #binaryType = '';
    #hasWarnedBinaryType = false;
    readonly #handlers = new Map<EventType, Listener | null>();
    readonly #listeners = new Map<EventType, Listener[]>();
    readonly #socket: WsClient;
    readonly #loop: EventLoop;
    #hasOpened = false;
    #dialError: string | null = null;
    readonly #tags: Record<string, string>;

    constructor(url: unknown, protocols?: unknown, params?: unknown) {
      const loop = host.iterationLoop('WebSocket');
      if (typeof url !== 'string' || !/^wss?:\/\//i.test(url))
        throw host.realm.error(
          `WebSocket requires url with scheme ws or wss, but got "${String(url)}"`,
        );
      if (url.includes('#')) throw host.realm.error(`WebSocket requires no url fragment: "${url}"`);
      this.url = url;
      this.#loop = loop;
      this.#tags = { ...host.systemTags(), url };
      const hold = loop.hold();
      const startedMs = Date.now();
      host.emit('ws_sessions', 1, this.#tags);
      const socket = new WsClient(url, protocolsOf(protocols), {
        headers: headersOf(params),
        perMessageDeflate: false,
        handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      });
      this.#socket = socket;
      const forget = loop.onInterrupt(() => {
        // k6 closes the VU's sockets with 1000 on an interrupt and forwards nothing more.
        if (socket.readyState === WsClient.CONNECTING) socket.terminate();
        else if (socket.readyState === WsClient.OPEN) socket.close(NORMAL_CLOSURE);
      });
      socket.on('open', () => {
        this.#hasOpened = true;
        host.emit('ws_connecting', Date.now() - startedMs, this.#tags);
        loop.run(() => this.#onOpen());
      });
      socket.on('message', (data, isBinary) => {
        host.emit('ws_msgs_received', 1, this.#tags);
        loop.run(() => this.#onMessage(bytesOf(data), isBinary));
      });
      socket.on('ping', () => loop.run(() => this.#dispatch('ping', {})));
      socket.on('pong', () => loop.run(() => this.#dispatch('pong', {})));
      socket.on('error', (error) => {
        // Errors of an open connection end in a close whose code says what happened.
        if (!this.#hasOpened && this.#dialError === null)
          this.#dialError = dialErrorMessage(url, error);
      });
      socket.on('close', (code, reason) => {
        host.emit('ws_session_duration', Date.now() - startedMs, this.#tags);
        forget();
        loop.run(() => this.#onClose(code, reason.toString('utf8')));
        hold.release();
      });
    }

    get readyState(): number {
      return this.#state;
    }

    get binaryType(): string {
      return this.#binaryType;
    }

    set binaryType(value: string) {
      if (value === 'blob')
        throw host.realm.error('blob is currently not supported, only arraybuffer is.');
      if (value !== 'arraybuffer')
        throw host.realm.error(`unknown binaryType ${value}, the supported one is arraybuffer.`);
      this.#binaryType = value;
    }

    addEventListener(type: unknown, listener: unknown): void {
      if (typeof listener !== 'function')
        throw host.realm.error(
          `handler for event type "${String(type)}" isn't a callable function`,
        );
      const known = EVENT_TYPES.find((t) => t === type);
      if (known === undefined) {
        host.logger.log('warn', `can't add event handler: unknown event "${String(type)}"`);
        return;
      }
      this.#listeners.set(known, [...(this.#listeners.get(known) ?? []), listener as Listener]);
    }

    send(data: unknown): void {
      if (this.#state !== OPEN) throw host.realm.error('InvalidStateError');
      host.emit('ws_msgs_sent', 1, this.#tags);
      if (typeof data === 'string') {
        this.#socket.send(data);
      } else if (types.isArrayBuffer(data)) {
        this.#socket.send(Buffer.from(new Uint8Array(data).slice()));
      } else if (ArrayBuffer.isView(data)) {
        const view = data as ArrayBufferView;
        // k6 before v1.5 sent the view's whole buffer (grafana/k6#5358).
        const bytes =
          host.api === 'legacy'
            ? new Uint8Array(view.buffer)
            : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        this.#socket.send(Buffer.from(bytes.slice()));
      } else {
        throw host.realm.error(`unsupported send type ${typeof data}`);
      }
    }

    ping(): void {
      if (this.#state !== OPEN) throw host.realm.error('InvalidStateError');
      this.#socket.ping();
    }

    close(code?: unknown, reason?: unknown): void {
      if (this.#state === CLOSING || this.#state === CLOSED) return;
      if (this.#state === CONNECTING)
        throw host.wouldHang(
          `WebSocket.close() on ${this.url} while it is still CONNECTING: k6 blocks the VU there until ` +
            'the handshake ends (for good if it never does). Close it from its onopen instead.',
        );
      const closeCode = code === undefined || code === null ? NORMAL_CLOSURE : Number(code);
      const closeReason = typeof reason === 'string' ? reason : '';
      this.#state = CLOSING;
      try {
        this.#socket.close(closeCode, closeReason);
      } catch (error) {
        throw host.realm.error(error instanceof Error ? error.message : String(error));
      }
    }

    #onOpen(): void {
      if (this.#state !== CONNECTING) return;
      this.#state = OPEN;
      this.#dispatch('open', {});
    }

    #onMessage(bytes: Buffer, isBinary: boolean): void {
      if (this.#state !== OPEN) return;
      let data: unknown;
      if (isBinary) {
        if (this.#binaryType === '') {
          this.#binaryType = 'arraybuffer';
          if (!this.#hasWarnedBinaryType) {
            this.#hasWarnedBinaryType = true;
            host.logger.log(
              'warn',
              'You have not set a Websocket binaryType to "arraybuffer", but you got a binary response. This has been done automatically now, but in the future this will not work.',
            );
          }
        }
        data = host.realm.arrayBuffer(bytes);
      } else {
        data = bytes.toString('utf8');
      }
      this.#dispatch('message', { data, origin: this.url });
    }

    #onClose(code: number, reason: string): void {
      if (this.#state === CLOSED) return;
      this.#state = CLOSED;
      const error =
        this.#dialError ??
        (code === NORMAL_CLOSURE || code === GOING_AWAY ? null : closeErrorMessage(code, reason));
      if (error !== null) this.#dispatch('error', { error });
      this.#dispatch('close', host.api === 'current' ? { code, reason } : {});
    }

    #dispatch(type: EventType, fields: Record<string, unknown>): void {
      const event = host.realm.object({ type, target: this, timestamp: Date.now(), ...fields });
      const handler = this.#handlers.get(type) ?? null;
      const listeners = [
        ...(handler === null ? [] : [handler]),
        ...(this.#listeners.get(type) ?? []),
      ];
      for (const listener of listeners) {
        if (!this.#loop.isAlive) return;
        listener.call(undefined, event);
      }
    }

    /** The `on<type>` accessors: setting one replaces the previous handler; null removes it. */
    static {
      for (const type of EVENT_TYPES) {
        Object.defineProperty(WebSocket.prototype, `on${type}`, {
          get(this: WebSocket) {
            return this.#handlers.get(type) ?? null;
          },
          set(this: WebSocket, value: unknown) {
            if (value === null || value === undefined) {
              this.#handlers.delete(type);
              return;
            }
            if (typeof value !== 'function')
              throw host.realm.error(`a value for 'on${type}' should be callable`);
            this.#handlers.set(type, value as Listener);
          },
          enumerable: true,
          configurable: true,
        });
      }
    }
  }
  return WebSocket;
}
