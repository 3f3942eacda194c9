/** Where a room reports how long its ticks take and how far apart they start (the metrics' histograms). */
export interface TickTimingSink {
  tickDuration(seconds: number): void;
  tickInterval(seconds: number): void;
}

/** For rooms nobody measures (unit tests). */
export const UNMEASURED: TickTimingSink = { tickDuration() {}, tickInterval() {} };

/** Turns tick start and end times into durations and intervals for a sink. */
export class TickTimings {
  readonly #sink: TickTimingSink;
  #lastStartMs = Number.NaN;

  constructor(sink: TickTimingSink) {
    this.#sink = sink;
  }

  /** A tick started at `startMs`: reports the interval since the previous one. */
  started(startMs: number): void {
    if (!Number.isNaN(this.#lastStartMs))
      this.#sink.tickInterval((startMs - this.#lastStartMs) / 1000);
    this.#lastStartMs = startMs;
  }

  /** The tick that started at `startMs` finished at `endMs`. */
  finished(startMs: number, endMs: number): void {
    this.#sink.tickDuration((endMs - startMs) / 1000);
  }
}
