import type { MetricSink } from './metrics.js';

/**
 * One connection's stream of snapshots as the load tests measure it: how many, how big, how far
 * apart, and which full snapshots were resyncs (a full view after a delta: the server dropped
 * the baseline). A new one per connection.
 *
 * Plain module: no Node, no k6.
 */
export class SnapshotStream {
  readonly #metrics: MetricSink;
  /** When the stream started (the Welcome): the open gap counts from here until a snapshot. */
  readonly #startMs: number;
  #lastArrivalMs = -1;
  #hasHadDelta = false;

  constructor(metrics: MetricSink, startMs: number) {
    this.#metrics = metrics;
    this.#startMs = startMs;
  }

  /** Counts a snapshot that arrived; true when it is the stream's first. */
  arrived(byteLength: number, nowMs: number, baselineTick: number): boolean {
    const m = this.#metrics;
    const isFirst = this.#lastArrivalMs < 0;
    m.add('tickwire_snapshots', 1);
    m.add('tickwire_snapshot_bytes', byteLength);
    if (!isFirst) m.add('tickwire_snapshot_interval_ms', nowMs - this.#lastArrivalMs);
    this.#lastArrivalMs = nowMs;
    if (baselineTick !== 0) this.#hasHadDelta = true;
    else if (this.#hasHadDelta) m.add('tickwire_resyncs', 1);
    return isFirst;
  }

  /**
   * The connection ended at `nowMs`: the gap since the last snapshot (or the Welcome) counts as
   * an interval, so a stream that stopped (a stalled server, or one that sends nothing after the
   * Welcome) cannot leave the interval metric without a sample and pass every threshold.
   */
  ended(nowMs: number): void {
    const since = this.#lastArrivalMs >= 0 ? this.#lastArrivalMs : this.#startMs;
    if (nowMs > since) this.#metrics.add('tickwire_snapshot_interval_ms', nowMs - since);
  }
}
