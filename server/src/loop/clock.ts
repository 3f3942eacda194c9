/** Time source for everything that schedules or measures. Injected, so tests never sleep. */
export interface Clock {
  /** Monotonic milliseconds (fractional allowed). Only differences are meaningful. */
  nowMs(): number;
}

/** Runs `callback` once after `delayMs`; the returned function cancels it. */
export type Schedule = (delayMs: number, callback: () => void) => () => void;

export const systemClock: Clock = { nowMs: () => performance.now() };

export const systemSchedule: Schedule = (delayMs, callback) => {
  const handle = setTimeout(callback, Math.max(0, delayMs));
  return () => clearTimeout(handle);
};

/** A clock and scheduler that only move when a test says so. */
export class ManualClock implements Clock {
  #nowMs: number;
  #timers: { atMs: number; seq: number; callback: () => void }[] = [];
  #seq = 0;

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  readonly schedule: Schedule = (delayMs, callback) => {
    const timer = { atMs: this.#nowMs + Math.max(0, delayMs), seq: this.#seq++, callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  };

  /** Moves time forward, firing due timers in time order; a timer may do work that takes time. */
  advance(ms: number): void {
    const targetMs = this.#nowMs + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const next = this.#timers[0];
      if (!next || next.atMs > targetMs) break;
      this.#timers.shift();
      this.#nowMs = Math.max(this.#nowMs, next.atMs);
      next.callback();
    }
    this.#nowMs = Math.max(this.#nowMs, targetMs);
  }

  /** Spends time without firing timers: simulates work done inside a callback. */
  spend(ms: number): void {
    this.#nowMs += ms;
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }
}
