/**
 * One run of a VU's code as k6 runs it (an iteration, or the init context): it ends when the
 * function has returned (its promise, if it returned one, has settled) and nothing keeps the
 * event loop alive: no timer, no socket before its close event, no request before its answer.
 * Every callback from the host into the VU's code goes through `run`, so an interrupted loop
 * (gracefulRampDown, gracefulStop, an uncaught error) calls nothing any more.
 */

export type LoopEnd =
  { kind: 'completed' } | { kind: 'interrupted'; why: string } | { kind: 'failed'; error: unknown };

/** Something that keeps the loop alive until released (idempotent). */
export interface LoopHold {
  release(): void;
}

export class EventLoop {
  readonly ended: Promise<LoopEnd>;
  #resolve: (end: LoopEnd) => void = () => {};
  #holds = 0;
  #hasReturned = false;
  #end: LoopEnd | null = null;
  #isCheckScheduled = false;
  /** Undo what keeps sockets and timers going on the host side, on interrupt. */
  readonly #cleanups = new Set<() => void>();

  constructor() {
    this.ended = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get isAlive(): boolean {
    return this.#end === null;
  }

  /** Keeps the loop alive until the hold is released. */
  hold(): LoopHold {
    this.#holds++;
    let isReleased = false;
    return {
      release: () => {
        if (isReleased) return;
        isReleased = true;
        this.#holds--;
        this.#scheduleCheck();
      },
    };
  }

  /** Called when the loop is interrupted (not when it completes): stop the host's side of a resource. */
  onInterrupt(cleanup: () => void): () => void {
    this.#cleanups.add(cleanup);
    return () => this.#cleanups.delete(cleanup);
  }

  /** Runs VU code from a host callback; an uncaught exception fails the loop, as in k6. */
  run(callback: () => void): void {
    if (!this.isAlive) return;
    try {
      callback();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.#scheduleCheck();
  }

  /** The VU function's result: a promise holds the loop until it settles. */
  returned(result: unknown): void {
    this.#hasReturned = true;
    if (isThenable(result)) {
      const hold = this.hold();
      result.then(
        () => hold.release(),
        (error: unknown) => this.fail(error),
      );
    }
    this.#scheduleCheck();
  }

  fail(error: unknown): void {
    this.#finish({ kind: 'failed', error });
  }

  interrupt(why: string): void {
    this.#finish({ kind: 'interrupted', why });
  }

  #finish(end: LoopEnd): void {
    if (this.#end !== null) return;
    this.#end = end;
    if (end.kind !== 'completed') {
      for (const cleanup of this.#cleanups) cleanup();
    }
    this.#cleanups.clear();
    this.#resolve(end);
  }

  /**
   * Checks for the end after the current callback's promise jobs have run (they may start a
   * timer or a request): setImmediate runs after the microtask queue is drained.
   */
  #scheduleCheck(): void {
    if (this.#isCheckScheduled || !this.isAlive) return;
    this.#isCheckScheduled = true;
    setImmediate(() => {
      this.#isCheckScheduled = false;
      if (this.#hasReturned && this.#holds === 0) this.#finish({ kind: 'completed' });
    });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
