// Test doubles for the client connection: a WebSocket the test plays the server through, and
// timers on a manual clock. Not part of the package build.

import { MessageId } from '../wire/ids.js';
import { decodeClientMessage } from '../messages/client.js';
import { decodeWelcome } from '../messages/server.js';
import type { CompiledSchema } from '../schema/schema.js';
import { testArenaSchema } from './test-schemas.js';
import type { ClientMessage, Hello, Input, Ping, Resync, Watch } from '../messages/client.js';
import type {
  Scheduler,
  SocketCloseEvent,
  SocketMessageEvent,
  WebSocketLike,
} from '../client/environment.js';

/** A WebSocket stand-in: records what the client sends, and lets the test play the server. */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];

  readonly url: string;
  readonly protocols: string | string[];
  binaryType = 'blob';
  readyState = 0;
  readonly sent: ClientMessage[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: SocketMessageEvent) => void) | null = null;
  onclose: ((event: SocketCloseEvent) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(url: string, protocols: string | string[]) {
    this.url = url;
    this.protocols = protocols;
    FakeWebSocket.instances.push(this);
  }

  /**
   * The schema Inputs are decoded with: the one of the last Welcome the test played as the
   * server, testArenaSchema before any.
   */
  schema: CompiledSchema = testArenaSchema;

  send(data: Uint8Array): void {
    this.sent.push(decodeClientMessage(this.schema, data));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  serverAccepts(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  serverSends(frame: Uint8Array): void {
    this.#learnSchema(frame);
    // A fresh ArrayBuffer per message, as a browser hands it.
    this.onmessage?.({ data: new Uint8Array(frame).buffer });
  }

  #learnSchema(frame: Uint8Array): void {
    try {
      this.schema = decodeWelcome(frame).schema;
    } catch {
      // Not a Welcome, or a broken one: the client under test judges it.
    }
  }

  serverCloses(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  hellos(): Hello[] {
    return this.sent.flatMap((m) => (m.id === MessageId.Hello ? [m.message] : []));
  }

  pings(): Ping[] {
    return this.sent.flatMap((m) => (m.id === MessageId.Ping ? [m.message] : []));
  }

  inputs(): Input[] {
    return this.sent.flatMap((m) => (m.id === MessageId.Input ? [m.message] : []));
  }

  resyncs(): Resync[] {
    return this.sent.flatMap((m) => (m.id === MessageId.Resync ? [m.message] : []));
  }

  watches(): Watch[] {
    return this.sent.flatMap((m) => (m.id === MessageId.Watch ? [m.message] : []));
  }
}

interface ManualTimer {
  intervalMs: number | null;
  dueMs: number;
  callback: () => void;
}

/** Timers that fire only when the test advances the clock. */
export class ManualScheduler implements Scheduler {
  #timers: ManualTimer[] = [];
  nowMs = 0;

  every(intervalMs: number, callback: () => void): () => void {
    return this.#add({ intervalMs, dueMs: this.nowMs + intervalMs, callback });
  }

  after(delayMs: number, callback: () => void): () => void {
    return this.#add({ intervalMs: null, dueMs: this.nowMs + Math.max(0, delayMs), callback });
  }

  advance(ms: number): void {
    const endMs = this.nowMs + ms;
    for (;;) {
      const next = this.#timers.reduce<ManualTimer | null>(
        (soonest, t) => (t.dueMs <= endMs && (!soonest || t.dueMs < soonest.dueMs) ? t : soonest),
        null,
      );
      if (!next) break;
      this.nowMs = next.dueMs;
      if (next.intervalMs === null) this.#timers = this.#timers.filter((t) => t !== next);
      else next.dueMs += next.intervalMs;
      next.callback();
    }
    this.nowMs = endMs;
  }

  get activeTimers(): number {
    return this.#timers.length;
  }

  #add(timer: ManualTimer): () => void {
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }
}
