import type { Clock, Schedule } from '../loop/clock.js';

/**
 * A full garbage collection that gives memory back: V8's low-memory collection (the one DevTools'
 * "Collect garbage" runs), which compacts the heap and returns the emptied pages. `gc()` from
 * --expose-gc does neither: after 10,000 players left it kept 137 MB reserved for a 15 MB heap.
 * Asked over an in-process inspector session: no flag, no port, no `gc` global for other code.
 * null when this Node is built without the inspector.
 */
export async function lowMemoryCollector(): Promise<(() => Promise<void>) | null> {
  if (!process.features.inspector) return null;
  const { Session } = await import('node:inspector');
  return () =>
    new Promise((resolve, reject) => {
      const session = new Session();
      session.connect();
      session.post('HeapProfiler.collectGarbage', (error) => {
        // NOT from inside this callback: V8 runs it holding a lock that disconnecting takes
        // again, and the process hangs.
        setImmediate(() => session.disconnect());
        if (error) reject(error);
        else resolve();
      });
    });
}

export interface CollectAfterLeavesOptions {
  /** Open connections now. */
  connections(): number;
  collect(): Promise<void>;
  clock: Clock;
  schedule: Schedule;
  checkIntervalMs?: number;
  /** A fall worth a collection: at least this many connections, and this share of the most. */
  minFall?: number;
  minFallShare?: number;
  onCollected?(report: { fromConnections: number; toConnections: number; tookMs: number }): void;
  onError?(error: unknown): void;
}

/**
 * Collects garbage once after many connections have gone, when their count has stopped falling.
 *
 * V8 starts a major GC when its heap grows, not when it could shrink: a server whose players
 * have left allocates too little to trigger one, and their sessions stayed reserved (1000 MB
 * resident after 10,000 came and went, 108 MB at rest). The collection pauses the process about
 * 0.2 ms per MB it returns (110 ms for the 530 MB of 10,000 players), once, as the room empties.
 */
export class CollectAfterLeaves {
  readonly #options: Required<Omit<CollectAfterLeavesOptions, 'onCollected' | 'onError'>> &
    CollectAfterLeavesOptions;
  /** The most connections seen since the last collection. */
  #highest = 0;
  #previous = 0;
  #isCollecting = false;
  #cancel: (() => void) | null = null;

  constructor(options: CollectAfterLeavesOptions) {
    // Every second: players who come and go between two checks are not seen, nor collected for.
    this.#options = { checkIntervalMs: 1000, minFall: 500, minFallShare: 0.25, ...options };
  }

  start(): void {
    const next = (): void => {
      this.check();
      this.#cancel = this.#options.schedule(this.#options.checkIntervalMs, next);
    };
    this.#cancel = this.#options.schedule(this.#options.checkIntervalMs, next);
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  /** One look at the connection count (start() takes one every checkIntervalMs). */
  check(): void {
    const { minFall, minFallShare, clock } = this.#options;
    const now = this.#options.connections();
    const isFalling = now < this.#previous;
    this.#previous = now;
    this.#highest = Math.max(this.#highest, now);
    const fall = this.#highest - now;
    if (this.#isCollecting || isFalling) return;
    if (fall < minFall || fall < this.#highest * minFallShare) return;
    const fromConnections = this.#highest;
    this.#highest = now;
    this.#isCollecting = true;
    const startMs = clock.nowMs();
    this.#options.collect().then(
      () => {
        this.#isCollecting = false;
        const tookMs = clock.nowMs() - startMs;
        this.#options.onCollected?.({ fromConnections, toConnections: now, tookMs });
      },
      (error: unknown) => {
        this.#isCollecting = false;
        this.#options.onError?.(error);
      },
    );
  }
}
