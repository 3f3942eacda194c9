// What a tickwire client needs from its environment (a socket class, timers, a clock), injected so
// the same code runs in browsers, in Node bots (with the `ws` package) and in tests with a fake
// socket and a manual clock. protocol/ compiles without DOM or Node types, so the shapes used are
// declared here.

/** A handler type checked bivariantly, so DOM's and ws's richer event types fit it. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface SocketMessageEvent {
  readonly data: unknown;
}

export interface SocketCloseEvent {
  readonly code: number;
  readonly reason: string;
}

/**
 * The part of a WebSocket a tickwire client uses. The browser's `WebSocket` and the `ws` package's
 * class both satisfy it.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<SocketMessageEvent> | null;
  onclose: Handler<SocketCloseEvent> | null;
  onerror: Handler<unknown> | null;
}

export type WebSocketConstructor = new (url: string, protocols: string | string[]) => WebSocketLike;

/** Timers, injected so tests advance time by hand instead of sleeping. */
export interface Scheduler {
  /** Calls `callback` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, callback: () => void): () => void;
  /** Calls `callback` once after `delayMs` unless the returned function is called first. */
  after(delayMs: number, callback: () => void): () => void;
}

interface TimerGlobals {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, intervalMs: number): unknown;
  clearInterval(handle: unknown): void;
  performance?: { now(): number };
}

const timers = globalThis as unknown as TimerGlobals;

/** The host's timers (browsers, Node, k6). */
export const globalScheduler: Scheduler = {
  every(intervalMs, callback) {
    const handle = timers.setInterval(callback, intervalMs);
    return () => timers.clearInterval(handle);
  },
  after(delayMs, callback) {
    const handle = timers.setTimeout(callback, Math.max(0, delayMs));
    return () => timers.clearTimeout(handle);
  },
};

/** A monotonic clock in ms: performance.now() where there is one, else Date.now(). */
export function globalNowMs(): number {
  return timers.performance ? timers.performance.now() : Date.now();
}
