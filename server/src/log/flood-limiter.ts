import type { Clock, Schedule } from '../loop/clock.js';

/** What a window that dropped events reports when it ends. */
export interface FloodSummary<T> {
  /** The first event dropped in the window: what the dropped ones were like. */
  sample: T;
  /** Events dropped in the window. */
  suppressedCount: number;
  windowMs: number;
}

export interface FloodLimiterOptions<T> {
  /** Events of one kind let through per window; the rest are counted and dropped. */
  maxPerWindow: number;
  windowMs: number;
  clock: Clock;
  schedule: Schedule;
  /** Called once for each window that dropped events, when it ends (or on flush). */
  onSuppressed: (summary: FloodSummary<T>) => void;
}

interface Window<T> {
  startMs: number;
  passedCount: number;
  suppressedCount: number;
  sample: T | null;
}

/**
 * Lets through at most `maxPerWindow` events of each kind (a caller-made key) per fixed window
 * and reports the rest as one summary when the window ends: a flood of identical events (say
 * 10,000 kicks with the same close code) must not become a flood of log lines. A timer ends the
 * windows, so a flood followed by silence is still reported, and so the table only ever holds
 * the kinds seen in the last window.
 */
export class FloodLimiter<T> {
  readonly #options: FloodLimiterOptions<T>;
  readonly #windows = new Map<string, Window<T>>();
  #isTimerArmed = false;

  constructor(options: FloodLimiterOptions<T>) {
    if (!(options.maxPerWindow >= 1) || !(options.windowMs > 0)) {
      throw new RangeError('FloodLimiter: maxPerWindow must be >= 1 and windowMs > 0');
    }
    this.#options = options;
  }

  /** True when the event may go out; false when it is dropped (and counted for the summary). */
  admit(key: string, event: T): boolean {
    const nowMs = this.#options.clock.nowMs();
    let window = this.#windows.get(key);
    if (window && nowMs - window.startMs >= this.#options.windowMs) {
      this.#end(key, window);
      window = undefined;
    }
    if (!window) {
      window = { startMs: nowMs, passedCount: 0, suppressedCount: 0, sample: null };
      this.#windows.set(key, window);
      this.#armTimer(nowMs);
    }
    if (window.passedCount < this.#options.maxPerWindow) {
      window.passedCount++;
      return true;
    }
    if (window.suppressedCount === 0) window.sample = event;
    window.suppressedCount++;
    return false;
  }

  /** Reports every window's dropped events now (before the process exits) and forgets them. */
  flush(): void {
    for (const [key, window] of [...this.#windows]) this.#end(key, window);
  }

  #end(key: string, window: Window<T>): void {
    this.#windows.delete(key);
    if (window.suppressedCount === 0 || window.sample === null) return;
    this.#options.onSuppressed({
      sample: window.sample,
      suppressedCount: window.suppressedCount,
      windowMs: this.#options.windowMs,
    });
  }

  #armTimer(nowMs: number): void {
    if (this.#isTimerArmed || this.#windows.size === 0) return;
    let earliestEndMs = Infinity;
    for (const window of this.#windows.values()) {
      earliestEndMs = Math.min(earliestEndMs, window.startMs + this.#options.windowMs);
    }
    this.#isTimerArmed = true;
    // At least 1 ms: a timer that fires a little early must not spin.
    this.#options.schedule(Math.max(1, earliestEndMs - nowMs), () => this.#onTimer());
  }

  #onTimer(): void {
    this.#isTimerArmed = false;
    const nowMs = this.#options.clock.nowMs();
    for (const [key, window] of [...this.#windows]) {
      if (nowMs - window.startMs >= this.#options.windowMs) this.#end(key, window);
    }
    this.#armTimer(nowMs);
  }
}
