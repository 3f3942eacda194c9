import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  TICK_DURATION_BUCKETS_S,
  TICK_INTERVAL_BUCKETS_S,
} from '../../../server/src/metrics/prometheus.js';

/** What the floor counts, in plain numbers on its hot path (the scrape reads them). */
export interface FloorCounters {
  ticks: number;
  ticksSkipped: number;
  /** Frames not sent because the client's send buffer held more than the skip threshold. */
  snapshotsSkipped: number;
  /** Frames uWS dropped (send() answered 2): the client is closed, as the server does. */
  snapshotsDropped: number;
  snapshotsSent: number;
  bytesSent: number;
  /** Every client message read (Hellos, Inputs, Pings). */
  messagesReceived: number;
}

export function emptyCounters(): FloorCounters {
  return {
    ticks: 0,
    ticksSkipped: 0,
    snapshotsSkipped: 0,
    snapshotsDropped: 0,
    snapshotsSent: 0,
    bytesSent: 0,
    messagesReceived: 0,
  };
}

/**
 * The floor's GET /metrics: the series the bench reads from the server (run-scenario.ts), under
 * the server's names, label and buckets (server/src/metrics/prometheus.ts), so one scrape reads
 * both systems alike: ticks, skipped ticks and snapshots, the tick duration and interval
 * histograms, prom-client's process metrics (CPU user and system), and the frames and messages.
 */
export class FloorMetrics {
  readonly registry = new Registry();
  readonly #durations: Histogram<'game'>;
  readonly #intervals: Histogram<'game'>;
  readonly #labels: { game: string };
  #lastStartMs = Number.NaN;

  constructor(game: string, counters: Readonly<FloorCounters>) {
    const registry = this.registry;
    const labels = { game };
    this.#labels = labels;
    collectDefaultMetrics({ register: registry });
    const mirror = (name: string, help: string, read: () => number): void => {
      let last = 0;
      new Counter<'game'>({
        name,
        help,
        labelNames: ['game'],
        registers: [registry],
        collect() {
          const total = read();
          this.inc(labels, total - last);
          last = total;
        },
      });
    };
    mirror('tickwire_ticks_total', 'Ticks run.', () => counters.ticks);
    mirror(
      'tickwire_ticks_skipped_total',
      'Ticks dropped because the loop fell too far behind.',
      () => counters.ticksSkipped,
    );
    mirror(
      'tickwire_snapshots_skipped_total',
      'Frames not sent because the client was behind (send buffer).',
      () => counters.snapshotsSkipped,
    );
    mirror('tickwire_snapshots_sent_total', 'Frames sent.', () => counters.snapshotsSent);
    mirror(
      'tickwire_snapshot_bytes_total',
      'Bytes of frames handed to the sockets.',
      () => counters.bytesSent,
    );
    mirror(
      'tickwire_messages_received_total',
      'Client messages read.',
      () => counters.messagesReceived,
    );
    this.#durations = new Histogram({
      name: 'tickwire_tick_duration_seconds',
      help: 'How long each tick took: sending every client its frame.',
      labelNames: ['game'],
      buckets: TICK_DURATION_BUCKETS_S,
      registers: [registry],
    });
    this.#intervals = new Histogram({
      name: 'tickwire_tick_interval_seconds',
      help: 'Time between the starts of consecutive ticks.',
      labelNames: ['game'],
      buckets: TICK_INTERVAL_BUCKETS_S,
      registers: [registry],
    });
  }

  /** A tick started at `startMs` (performance.now() milliseconds). */
  tickStarted(startMs: number): void {
    if (!Number.isNaN(this.#lastStartMs))
      this.#intervals.observe(this.#labels, (startMs - this.#lastStartMs) / 1000);
    this.#lastStartMs = startMs;
  }

  tickFinished(startMs: number, endMs: number): void {
    this.#durations.observe(this.#labels, (endMs - startMs) / 1000);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
