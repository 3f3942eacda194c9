import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type LabelValues,
} from 'prom-client';
import { CloseCode, PROTOCOL_VERSION } from '@tickwire/protocol';
import type { Room } from '../room/room.js';
import type { TickTimingSink } from '../room/tick-timings.js';
import { STALENESS_BUCKETS_TICKS, StalenessCounts } from '../sync/staleness.js';

/**
 * Tick durations, in seconds. prom-client's default buckets start at 5 ms, a sixth of a 30 Hz
 * tick: these resolve a few milliseconds of work, a third of a 33 ms budget (11.1 ms) and the
 * 16.7 and 33.3 ms budgets themselves.
 */
export const TICK_DURATION_BUCKETS_S = [
  0.0005, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.0125, 0.015,
  0.0175, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1,
];

/** Time between tick starts, in seconds: fine around the 60 Hz (16.7 ms) and 30 Hz (33.3 ms) periods. */
export const TICK_INTERVAL_BUCKETS_S = [
  0.005, 0.01, 0.015, 0.016, 0.017, 0.018, 0.02, 0.025, 0.03, 0.032, 0.033, 0.034, 0.035, 0.04,
  0.05, 0.067, 0.1, 0.25, 0.5, 1,
];

/** What the metrics read from a room, at scrape time only. */
export type MeasuredRoom = Pick<
  Room,
  | 'schema'
  | 'tickPeriodMs'
  | 'loopStats'
  | 'sessionCount'
  | 'playerCount'
  | 'detachedPlayerCount'
  | 'counters'
  | 'sendBufferStats'
>;

/**
 * The counts of the disposed rooms of one game, frozen: a MeasuredRoom with no sessions, no
 * players and nothing buffered, whose counters are the sums of theirs.
 */
class RetiredRooms implements MeasuredRoom {
  readonly schema: MeasuredRoom['schema'];
  readonly tickPeriodMs: number;
  readonly sessionCount = 0;
  readonly playerCount = 0;
  readonly detachedPlayerCount = 0;
  readonly counters: MeasuredRoom['counters'];
  readonly #loopStats: {
    -readonly [K in keyof MeasuredRoom['loopStats']]: MeasuredRoom['loopStats'][K];
  };

  constructor(first: MeasuredRoom) {
    this.schema = first.schema;
    this.tickPeriodMs = first.tickPeriodMs;
    this.#loopStats = { ...first.loopStats, ticks: 0, skippedTicks: 0, failedTicks: 0 };
    this.counters = {
      ...first.counters,
      snapshotsSent: 0,
      snapshotsSkipped: 0,
      fullSnapshots: 0,
      bytesSent: 0,
      recordsWithheld: 0,
      staleness: new StalenessCounts(),
      messagesReceived: 0,
      kicks: {},
    };
  }

  get loopStats(): MeasuredRoom['loopStats'] {
    return this.#loopStats;
  }

  add(room: MeasuredRoom): void {
    const stats = room.loopStats;
    this.#loopStats.ticks += stats.ticks;
    this.#loopStats.skippedTicks += stats.skippedTicks;
    this.#loopStats.failedTicks += stats.failedTicks;
    const c = room.counters;
    this.counters.snapshotsSent += c.snapshotsSent;
    this.counters.snapshotsSkipped += c.snapshotsSkipped;
    this.counters.fullSnapshots += c.fullSnapshots;
    this.counters.bytesSent += c.bytesSent;
    this.counters.recordsWithheld += c.recordsWithheld;
    this.counters.staleness.add(c.staleness);
    this.counters.messagesReceived += c.messagesReceived;
    for (const [code, count] of Object.entries(c.kicks)) {
      this.counters.kicks[Number(code)] = (this.counters.kicks[Number(code)] ?? 0) + count;
    }
  }

  sendBufferStats(): { maxBytes: number; totalBytes: number } {
    return { maxBytes: 0, totalBytes: 0 };
  }
}

/** What the accept guard reports (see net/accept-guard.ts). */
export interface AcceptReading {
  accepting: boolean;
  pauses: number;
}

export interface ServerMetricsOptions {
  /** The package version and the uWS build, for tickwire_build_info. */
  version: string;
  uwsBuild: string;
}

type GameLabel = 'game';

/** The `reason` label of a kick: its close code's name in PROTOCOL.md (bounded by the protocol). */
const CLOSE_CODE_NAMES = new Map<number, string>(
  Object.entries(CloseCode).map(([name, code]) => [code, name]),
);

/**
 * A counter that mirrors a running total kept elsewhere. The hot path counts in plain numbers
 * (a snapshot per client per tick: a prom-client inc() there would cost a label lookup each);
 * a scrape adds what they grew by since the previous one.
 */
class MirroredCounter<L extends string> {
  readonly #last = new Map<string, number>();

  constructor(
    registry: Registry,
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Iterable<[LabelValues<L>, number]>,
  ) {
    const last = this.#last;
    new Counter<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        for (const [labels, total] of read()) {
          const key = JSON.stringify(labels);
          const previous = last.get(key);
          // A new series starts at 0, so that rate() sees its first increase.
          if (previous === undefined || total > previous) this.inc(labels, total - (previous ?? 0));
          last.set(key, total);
        }
      },
    });
  }
}

/**
 * A histogram whose counts are kept elsewhere, in plain numbers (a snapshot per client per tick:
 * a prom-client observe() there would cost a label lookup each); a scrape reads them whole.
 */
class MirroredHistogram extends Histogram<'game' | 'le'> {
  readonly #name: string;
  readonly #help: string;
  readonly #read: () => Iterable<[string, StalenessCounts]>;

  constructor(
    registry: Registry,
    name: string,
    help: string,
    read: () => Iterable<[string, StalenessCounts]>,
  ) {
    super({
      name,
      help,
      labelNames: ['game'],
      buckets: STALENESS_BUCKETS_TICKS,
      registers: [registry],
    });
    this.#name = name;
    this.#help = help;
    this.#read = read;
  }

  override get(): ReturnType<Histogram<'game' | 'le'>['get']> {
    return this.getForPromString();
  }

  /** What the registry renders (it prefers this to get(), as prom-client's own metrics have it). */
  getForPromString(): ReturnType<Histogram<'game' | 'le'>['get']> {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] =
      [];
    for (const [game, counts] of this.#read()) {
      let cumulative = 0;
      counts.bounds.forEach((le, i) => {
        cumulative += counts.counts[i] as number;
        values.push({
          labels: { game, le },
          value: cumulative,
          metricName: `${this.#name}_bucket`,
        });
      });
      values.push(
        { labels: { game, le: '+Inf' }, value: counts.count, metricName: `${this.#name}_bucket` },
        { labels: { game }, value: counts.sum, metricName: `${this.#name}_sum` },
        { labels: { game }, value: counts.count, metricName: `${this.#name}_count` },
      );
    }
    // prom-client's typings name the metric type by a numeric enum; at run time it is the
    // exposition's word ('histogram'), which the registry writes on the TYPE line.
    return Promise.resolve({
      name: this.#name,
      help: this.#help,
      type: 'histogram',
      aggregator: 'sum',
      values,
    } as unknown as Awaited<ReturnType<Histogram<'game' | 'le'>['get']>>);
  }
}

/**
 * The server's metrics in Prometheus's format (GET /metrics), from prom-client. Names follow
 * Prometheus's conventions: base units (seconds, bytes), `_total` for counters. Room-level series
 * carry one label, `game` (bounded: the games this build runs); kicks carry the close code and
 * its name (bounded: the protocol's close codes). Nothing here resets by request: rates come from
 * counters, percentiles from histograms, as Prometheus computes them.
 *
 * Scraping reads counts the room already keeps and walks the sessions once for send buffers: it
 * touches nothing the tick uses, and every read is one that works with every descriptor in use
 * (prom-client's process metrics catch EMFILE and leave the value out).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #rooms: MeasuredRoom[] = [];
  /**
   * What disposed rooms counted, by game: counters never go down, so a room's counts outlive it.
   * One frozen record per game, whatever the number of rooms disposed.
   */
  readonly #retired = new Map<string, RetiredRooms>();
  #connections: (() => number) | null = null;
  #registryReachable: () => boolean = () => true;
  readonly #matchRequests: Counter<'endpoint' | 'status'>;
  /** Closes counted outside rooms (the transport's refusals before a room sees a connection). */
  readonly #kickSources: (() => Readonly<Record<number, number>>)[] = [];
  readonly #tickDurations: Histogram<GameLabel>;
  readonly #tickIntervals: Histogram<GameLabel>;
  #accept: () => AcceptReading = () => ({ accepting: true, pauses: 0 });

  constructor(options: ServerMetricsOptions) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry });
    const rooms = (): readonly MeasuredRoom[] => [...this.#rooms, ...this.#retired.values()];
    const connections = (): number | undefined => this.#connections?.();
    const registryReachable = (): boolean => this.#registryReachable();
    /** Each game's rooms' values, summed (or the largest, for a value every room has alike). */
    const byGame = (
      read: (room: MeasuredRoom) => number,
      combine: (a: number, b: number) => number = (a, b) => a + b,
    ): (() => Iterable<[{ game: string }, number]>) =>
      function* () {
        const totals = new Map<string, number>();
        for (const room of rooms()) {
          const game = room.schema.game;
          const previous = totals.get(game);
          totals.set(game, previous === undefined ? read(room) : combine(previous, read(room)));
        }
        for (const [game, total] of totals) yield [{ game }, total];
      };
    const gameGauge = (
      name: string,
      help: string,
      read: (room: MeasuredRoom) => number,
      combine?: (a: number, b: number) => number,
    ): void => {
      const values = byGame(read, combine);
      new Gauge<GameLabel>({
        name,
        help,
        labelNames: ['game'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [labels, value] of values()) this.set(labels, value);
        },
      });
    };
    const gameCounter = (
      name: string,
      help: string,
      read: (room: MeasuredRoom) => number,
    ): void => {
      new MirroredCounter(registry, name, help, ['game'], byGame(read));
    };

    new Gauge({
      name: 'tickwire_build_info',
      help: 'Always 1; the labels name the build: package version, protocol version, uWS build.',
      labelNames: ['version', 'protocol', 'uws'],
      registers: [registry],
    }).set(
      { version: options.version, protocol: String(PROTOCOL_VERSION), uws: options.uwsBuild },
      1,
    );

    this.#tickDurations = new Histogram({
      name: 'tickwire_tick_duration_seconds',
      help: 'How long each tick took: inputs, simulation and every client snapshot.',
      labelNames: ['game'],
      buckets: TICK_DURATION_BUCKETS_S,
      registers: [registry],
    });
    this.#tickIntervals = new Histogram({
      name: 'tickwire_tick_interval_seconds',
      help: 'Time between the starts of consecutive ticks (1 / tick rate when on schedule).',
      labelNames: ['game'],
      buckets: TICK_INTERVAL_BUCKETS_S,
      registers: [registry],
    });
    gameGauge(
      'tickwire_tick_budget_seconds',
      'The tick period (1 / --tick-hz): a tick taking longer makes the next one late.',
      (room) => room.tickPeriodMs / 1000,
      Math.max,
    );
    gameGauge('tickwire_rooms', 'Rooms open in this process (a disposed room leaves).', (room) =>
      room instanceof RetiredRooms ? 0 : 1,
    );
    gameCounter('tickwire_ticks_total', 'Ticks run.', (room) => room.loopStats.ticks);
    gameCounter(
      'tickwire_ticks_skipped_total',
      'Ticks dropped because the loop fell too far behind (overload or a stalled process).',
      (room) => room.loopStats.skippedTicks,
    );
    gameCounter(
      'tickwire_tick_errors_total',
      'Ticks that threw (logged with the error); the loop carries on.',
      (room) => room.loopStats.failedTicks,
    );
    new Gauge({
      name: 'tickwire_connections',
      help: 'Open WebSocket connections, playing or not yet joined.',
      registers: [registry],
      collect() {
        this.set(connections?.() ?? rooms().reduce((sum, room) => sum + room.sessionCount, 0));
      },
    });
    gameGauge(
      'tickwire_players',
      'Players in rooms, including those waiting for their client to resume.',
      (room) => room.playerCount,
    );
    gameGauge(
      'tickwire_players_detached',
      'Players whose connection dropped, kept for the resume grace period.',
      (room) => room.detachedPlayerCount,
    );
    gameCounter(
      'tickwire_snapshots_sent_total',
      'Snapshots sent to clients.',
      (room) => room.counters.snapshotsSent,
    );
    gameCounter(
      'tickwire_snapshots_skipped_total',
      'Snapshots not sent because the client was behind (send buffer or unacknowledged age).',
      (room) => room.counters.snapshotsSkipped,
    );
    gameCounter(
      'tickwire_snapshots_full_total',
      'Snapshots sent against no baseline (a join, a resync, or a baseline too old).',
      (room) => room.counters.fullSnapshots,
    );
    gameCounter(
      'tickwire_snapshot_bytes_total',
      'Bytes of snapshot frames handed to the sockets.',
      (room) => room.counters.bytesSent,
    );
    gameCounter(
      'tickwire_records_withheld_total',
      'Entity entries and updates a snapshot left for a later one under --max-bytes-per-client-s (counted per snapshot: one that waits three snapshots counts three).',
      (room) => room.counters.recordsWithheld,
    );
    new MirroredHistogram(
      registry,
      'tickwire_view_staleness_ticks',
      'Per snapshot sent under --max-bytes-per-client-s: ticks the longest-waiting entity in view has waited to enter or be updated (0: nothing waits).',
      function* () {
        const byGame = new Map<string, StalenessCounts>();
        for (const room of rooms()) {
          const game = room.schema.game;
          let counts = byGame.get(game);
          if (!counts) {
            counts = new StalenessCounts();
            byGame.set(game, counts);
          }
          counts.add(room.counters.staleness);
        }
        yield* byGame;
      },
    );
    gameCounter(
      'tickwire_messages_received_total',
      'Client messages received (Hello, Input, Ping, Resync, and refused ones).',
      (room) => room.counters.messagesReceived,
    );
    const kickSources = this.#kickSources;
    new MirroredCounter(
      registry,
      'tickwire_kicks_total',
      'Connections the server closed, by close code (see PROTOCOL.md) and its name.',
      ['code', 'reason'],
      function* () {
        // Every close code from the start, at 0, so that rate() sees each one's first kick.
        const totals = new Map<number, number>([...CLOSE_CODE_NAMES.keys()].map((c) => [c, 0]));
        const counts = [
          ...rooms().map((room) => room.counters.kicks),
          ...kickSources.map((read) => read()),
        ];
        for (const byCode of counts) {
          for (const [code, count] of Object.entries(byCode)) {
            totals.set(Number(code), (totals.get(Number(code)) ?? 0) + count);
          }
        }
        for (const [code, total] of totals) {
          yield [{ code: String(code), reason: CLOSE_CODE_NAMES.get(code) ?? 'unknown' }, total];
        }
      },
    );
    const sendBuffers = (): { maxBytes: number; totalBytes: number } => {
      let maxBytes = 0;
      let totalBytes = 0;
      for (const room of rooms()) {
        const stats = room.sendBufferStats();
        totalBytes += stats.totalBytes;
        maxBytes = Math.max(maxBytes, stats.maxBytes);
      }
      return { maxBytes, totalBytes };
    };
    const sendBufferMax = new Gauge({
      name: 'tickwire_send_buffer_max_bytes',
      help: "The fullest connection's bytes waiting in uWS's send buffer.",
      registers: [registry],
    });
    new Gauge({
      name: 'tickwire_send_buffer_bytes',
      help: "Bytes waiting in uWS's send buffers, all connections (the kernel's buffers come first).",
      registers: [registry],
      collect() {
        const stats = sendBuffers();
        this.set(stats.totalBytes);
        sendBufferMax.set(stats.maxBytes);
      },
    });
    const accept = (): AcceptReading => this.#accept();
    new Gauge({
      name: 'tickwire_accepting',
      help: '1 while the server accepts connections; 0 while paused because it is out of file descriptors.',
      registers: [registry],
      collect() {
        this.set(accept().accepting ? 1 : 0);
      },
    });
    new Gauge({
      name: 'tickwire_registry_reachable',
      help: "1 while this process's last heartbeat reached the registry (Redis, or in memory); 0 while matchmaking answers 503.",
      registers: [registry],
      collect() {
        this.set(registryReachable() ? 1 : 0);
      },
    });
    this.#matchRequests = new Counter<'endpoint' | 'status'>({
      name: 'tickwire_matchmaking_requests_total',
      help: 'Matchmaking requests answered, by endpoint (quickplay, create, join, rooms) and HTTP status.',
      labelNames: ['endpoint', 'status'],
      registers: [registry],
    });
    new MirroredCounter(
      registry,
      'tickwire_accept_pauses_total',
      'Times the server stopped accepting because its file descriptors ran out.',
      [],
      function* () {
        yield [{}, accept().pauses];
      },
    );
  }

  /** Counts this room's figures from now on; its tick timings go to `tickTimings(game)`. */
  addRoom(room: MeasuredRoom): void {
    this.#rooms.push(room);
  }

  /** A room was disposed: its counts stay in the counters, its gauges leave. */
  removeRoom(room: MeasuredRoom): void {
    const index = this.#rooms.indexOf(room);
    if (index < 0) return;
    this.#rooms.splice(index, 1);
    const game = room.schema.game;
    let retired = this.#retired.get(game);
    if (!retired) {
      retired = new RetiredRooms(room);
      this.#retired.set(game, retired);
    }
    retired.add(room);
  }

  /** Open connections, in rooms or not yet (the gateway's count); else the rooms' sessions. */
  readConnectionsFrom(read: () => number): void {
    this.#connections = read;
  }

  /** Where a room of `game` reports its tick timings (histograms labelled with the game). */
  tickTimings(game: string): TickTimingSink {
    const durations = this.#tickDurations.labels({ game });
    const intervals = this.#tickIntervals.labels({ game });
    return {
      tickDuration: (seconds) => durations.observe(seconds),
      tickInterval: (seconds) => intervals.observe(seconds),
    };
  }

  /** Adds closes counted outside the rooms (by close code) to tickwire_kicks_total. */
  countKicksFrom(read: () => Readonly<Record<number, number>>): void {
    this.#kickSources.push(read);
  }

  /** Where the accept state comes from (the accept guard, once the server listens). */
  readAcceptFrom(read: () => AcceptReading): void {
    this.#accept = read;
  }

  /** Whether the registry answered this process's last heartbeat. */
  readRegistryFrom(read: () => boolean): void {
    this.#registryReachable = read;
  }

  /** A matchmaking request was answered (HTTP, so a prom-client inc() per request is cheap). */
  countMatchRequest(endpoint: string, status: number): void {
    const known = ['quickplay', 'create', 'join', 'rooms'].includes(endpoint) ? endpoint : 'other';
    this.#matchRequests.inc({ endpoint: known, status: String(status) });
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
