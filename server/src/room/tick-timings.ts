import { SampleWindow } from '../metrics/samples.js';

/** Samples kept for tick timing percentiles: two minutes at 30 Hz. */
const TIMING_WINDOW = 3600;

/** How long each tick took and how far apart ticks started, for the percentiles in /metrics. */
export class TickTimings {
  readonly durationsMs = new SampleWindow(TIMING_WINDOW);
  readonly intervalsMs = new SampleWindow(TIMING_WINDOW);
  #lastStartMs = Number.NaN;

  /** A tick started at `startMs`: records the interval since the previous one. */
  started(startMs: number): void {
    if (!Number.isNaN(this.#lastStartMs)) this.intervalsMs.add(startMs - this.#lastStartMs);
    this.#lastStartMs = startMs;
  }

  /** The tick that started at `startMs` finished at `endMs`. */
  finished(startMs: number, endMs: number): void {
    this.durationsMs.add(endMs - startMs);
  }

  clear(): void {
    this.durationsMs.clear();
    this.intervalsMs.clear();
  }
}
