/**
 * What the connection needs from its environment, injected so tests run it in Node with a fake
 * socket and a manual clock.
 */

/**
 * The part of the browser's WebSocket this client uses. The DOM `WebSocket` class satisfies it;
 * tests inject a fake class instead.
 */
export interface WebSocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols: string | string[]) => WebSocketLike;

/** Repeating timers, injected so tests advance time by hand instead of sleeping. */
export interface Scheduler {
  /** Calls `callback` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, callback: () => void): () => void;
}

export const browserScheduler: Scheduler = {
  every(intervalMs, callback) {
    const handle = setInterval(callback, intervalMs);
    return () => clearInterval(handle);
  },
};
