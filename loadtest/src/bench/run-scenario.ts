import { arenaServerArgs } from './arena-server-args.js';
import { Fleet } from './fleet.js';
import { percentile } from './stats.js';
import {
  processCpuMicros,
  processRssBytes,
  startBenchFloor,
  startBenchServer,
} from './server-process.js';
import {
  quantileBetween,
  scrapeMetrics,
  type MetricsScrape,
} from '../../../server/src/process/metrics-scrape.js';

export type SnapshotMode = 'delta' | 'broadcast';
/**
 * What a run measures: tickwire (`delta`), the baseline (`broadcast`, the server's full-world
 * mode) or the floor (a bare uWS server sending one frame per client per tick, loadtest/src/floor).
 */
export type BenchSystem = SnapshotMode | 'floor';

/** One measured run: the figures BENCHMARKS.md asks for. */
export interface RunResult {
  mode: BenchSystem;
  clients: number;
  seconds: number;
  bytesPerClientPerSec: number;
  /** Payload bytes per snapshot frame at the clients (the floor sends frames of tickwire's). */
  meanFrameBytes: number;
  /** Payload bytes per visible entity that changed (BENCHMARKS.md's B per entity-update). */
  bytesPerEntityUpdate: number;
  /** Payload bytes per record the frames carried (entered, updated, removed). */
  bytesPerRecord: number;
  cpuMicrosPerClientTick: number;
  /** The same per snapshot a client was due (ticks / sendIntervalTicks): differs at --send-hz. */
  cpuMicrosPerClientSend: number;
  tickP50Ms: number;
  tickP99Ms: number;
  tickIntervalP99Ms: number;
  interArrivalP50Ms: number;
  interArrivalP99Ms: number;
  ticksPerSec: number;
  /** Ticks the server's loop dropped in the window because it fell behind. */
  ticksSkipped: number;
  /** Share of the server's CPU spent in the kernel (socket sends and, on loopback, the peer's TCP receive path). */
  serverSystemCpuShare: number;
  rssMB: number;
  kbPerConnection: number;
  disconnects: number;
  decodeErrors: number;
  desyncs: number;
  /** Snapshots the server skipped for backpressure in the window. */
  snapshotsSkipped: number;
  /** Clients that decoded, applied and verified every snapshot (desyncs are counted over these). */
  verifiedClients: number;
  /** Share of one core the load generator used in the window; near 100 % its figures are suspect. */
  generatorCpuPercent: number;
  /** Clients that had joined when the run ended (all of them, unless it failed). */
  joinedClients: number;
  /** tickwire's per-client byte budget (--max-bytes-per-client-s), bytes/s; 0: none. */
  budgetBytesPerClientS: number;
  /**
   * Under a budget, from the server's tickwire_view_staleness_ticks over the window: per
   * snapshot, ticks the longest-waiting entity in view had waited (0: nothing waited). Estimated
   * from the histogram's buckets as Prometheus does; the max is the bound of the highest bucket
   * reached. NaN without a budget.
   */
  stalenessP50Ticks: number;
  stalenessP99Ticks: number;
  stalenessMaxTicks: number;
  /** Under a budget: entries and updates left for a later snapshot, per client per second. */
  recordsWithheldPerClientPerSec: number;
  /**
   * Why the run has no figures (a client could not join: the server did not hold N), or null.
   * The bench goes on with the next run and reports it.
   */
  failure: string | null;
  errors: string[];
}

/**
 * A run that produced no figures: every figure NaN (the table prints "-"), the counts that
 * were seen kept.
 */
export function failedRun(
  mode: BenchSystem,
  clients: number,
  failure: string,
  seen: Partial<RunResult> = {},
): RunResult {
  return {
    mode,
    clients,
    seconds: 0,
    bytesPerClientPerSec: Number.NaN,
    meanFrameBytes: Number.NaN,
    bytesPerEntityUpdate: Number.NaN,
    bytesPerRecord: Number.NaN,
    cpuMicrosPerClientTick: Number.NaN,
    cpuMicrosPerClientSend: Number.NaN,
    tickP50Ms: Number.NaN,
    tickP99Ms: Number.NaN,
    tickIntervalP99Ms: Number.NaN,
    interArrivalP50Ms: Number.NaN,
    interArrivalP99Ms: Number.NaN,
    ticksPerSec: Number.NaN,
    ticksSkipped: 0,
    serverSystemCpuShare: Number.NaN,
    rssMB: Number.NaN,
    kbPerConnection: Number.NaN,
    disconnects: 0,
    decodeErrors: 0,
    desyncs: 0,
    snapshotsSkipped: 0,
    verifiedClients: 0,
    generatorCpuPercent: Number.NaN,
    joinedClients: 0,
    budgetBytesPerClientS: 0,
    stalenessP50Ticks: Number.NaN,
    stalenessP99Ticks: Number.NaN,
    stalenessMaxTicks: Number.NaN,
    recordsWithheldPerClientPerSec: Number.NaN,
    errors: [],
    ...seen,
    failure,
  };
}

export interface RunOptions {
  mode: BenchSystem;
  /** The floor's frame size (mode `floor` only). */
  floorFrameBytes?: number;
  clients: number;
  warmupSeconds: number;
  seconds: number;
  seed: number;
  serverCore: number | null;
  /** Clients that decode, apply and checksum-verify every snapshot (the rest only count and ack). */
  verifyClients: number;
  /**
   * Clients stand still and send IDLE_INPUT_HZ (player.ts) inputs a second instead of BENCHMARKS.md's
   * random walk at 20 Hz (the idle-connections measurement, not the benchmark's scenario).
   */
  idle?: boolean;
  /** tickwire's per-client byte budget, bytes/s (--max-bytes-per-client-s); 0 or absent: none. */
  maxBytesPerClientS?: number;
  /** More server options, after the arena's (every system): --tick-hz and --send-hz. */
  serverArgs?: string[];
  /** Ticks per snapshot (--tick-hz / --send-hz); 1 when absent. */
  sendIntervalTicks?: number;
  log: (line: string) => void;
}

function floorFrameBytesOf(o: RunOptions): number {
  if (o.floorFrameBytes === undefined) throw new Error('a floor run needs floorFrameBytes');
  return o.floorFrameBytes;
}

/** Seconds of a tick histogram's q-quantile over the window, in milliseconds. */
function windowQuantileMs(
  before: MetricsScrape,
  after: MetricsScrape,
  histogram: string,
  q: number,
): number {
  return quantileBetween(before, after, histogram, q) * 1000;
}

/** Clients that decode and verify the baseline's full-world frames. */
const BASELINE_VERIFY_CLIENTS = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The "arena" scenario of shared/BENCHMARKS.md, through the real server and real sockets. */
export async function runScenario(o: RunOptions): Promise<RunResult> {
  // The budget is tickwire's: the baseline and the floor send what they send.
  const budget = o.mode === 'delta' ? (o.maxBytesPerClientS ?? 0) : 0;
  const worldArgs = [...arenaServerArgs(o.seed), ...(o.serverArgs ?? [])];
  const server =
    o.mode === 'floor'
      ? await startBenchFloor(worldArgs, floorFrameBytesOf(o), o.serverCore)
      : await startBenchServer(
          [
            ...worldArgs,
            ...['--snapshots', o.mode, '--max-players', String(o.clients + 10)],
            ...(budget > 0 ? ['--max-bytes-per-client-s', String(budget)] : []),
          ],
          o.serverCore,
        );
  // A broadcast frame carries the whole world (~100x a delta): a smaller sample verifies it.
  // The floor's frames are filler: its clients only peek and acknowledge.
  const verifiedClients = Math.min(
    o.clients,
    o.mode === 'delta' ? o.verifyClients : o.mode === 'broadcast' ? BASELINE_VERIFY_CLIENTS : 0,
  );
  const fleet = new Fleet({
    url: `ws://127.0.0.1:${server.port}/ws`,
    clients: o.clients,
    inputHz: 20,
    idle: o.idle ?? false,
    decodingClients: verifiedClients,
    seed: o.seed,
  });
  try {
    // Idle RSS once the server has ticked a while (its heap grows in the first ticks).
    await sleep(2000);
    const idleRss = processRssBytes(server.pid);
    try {
      await fleet.connect();
    } catch (error) {
      // The server did not take N clients in time (or refused one): a result, not a crash.
      return failedRun(o.mode, o.clients, error instanceof Error ? error.message : String(error), {
        budgetBytesPerClientS: budget,
        joinedClients: fleet.joinedClients,
        disconnects: fleet.disconnects,
        decodeErrors: fleet.decodeErrors,
        desyncs: fleet.desyncs,
        errors: fleet.errors,
      });
    }
    o.log(`  ${o.mode} N=${o.clients}: joined, warming up ${o.warmupSeconds} s`);
    await sleep(o.warmupSeconds * 1000);

    const before = await scrapeMetrics(server.url);
    const cpuBefore = processCpuMicros(server.pid);
    const genBefore = process.cpuUsage();
    const startedMs = performance.now();
    fleet.startMeasuring();
    await sleep(o.seconds * 1000);
    const window = fleet.stopMeasuring();
    const elapsedSec = (performance.now() - startedMs) / 1000;
    const genCpu = process.cpuUsage(genBefore);
    const cpuMicros = processCpuMicros(server.pid) - cpuBefore;
    const after = await scrapeMetrics(server.url);
    const rss = processRssBytes(server.pid);
    const ticks = after.value('tickwire_ticks_total') - before.value('tickwire_ticks_total');
    const cpuSeconds = (m: MetricsScrape, mode: 'user' | 'system'): number =>
      m.value(`process_cpu_${mode}_seconds_total`);
    const staleness = (q: number): number =>
      budget > 0 ? quantileBetween(before, after, 'tickwire_view_staleness_ticks', q) : Number.NaN;
    const userCpu = cpuSeconds(after, 'user') - cpuSeconds(before, 'user');
    const systemCpu = cpuSeconds(after, 'system') - cpuSeconds(before, 'system');

    return {
      mode: o.mode,
      clients: o.clients,
      seconds: elapsedSec,
      bytesPerClientPerSec: window.bytes / o.clients / elapsedSec,
      meanFrameBytes: window.snapshots > 0 ? window.bytes / window.snapshots : Number.NaN,
      bytesPerEntityUpdate:
        window.entityUpdates > 0 ? window.decodedBytes / window.entityUpdates : Number.NaN,
      bytesPerRecord: window.records > 0 ? window.decodedBytes / window.records : Number.NaN,
      cpuMicrosPerClientTick: cpuMicros / (o.clients * ticks),
      cpuMicrosPerClientSend: cpuMicros / ((o.clients * ticks) / (o.sendIntervalTicks ?? 1)),
      // Estimated from the histograms' buckets, as Prometheus does (see TICK_DURATION_BUCKETS_S).
      tickP50Ms: windowQuantileMs(before, after, 'tickwire_tick_duration_seconds', 0.5),
      tickP99Ms: windowQuantileMs(before, after, 'tickwire_tick_duration_seconds', 0.99),
      tickIntervalP99Ms: windowQuantileMs(before, after, 'tickwire_tick_interval_seconds', 0.99),
      interArrivalP50Ms: percentile(window.interArrivalMs, 50),
      interArrivalP99Ms: percentile(window.interArrivalMs, 99),
      // Ticks actually run per wall-clock second between the two scrapes (under overload the
      // loop skips ticks: the shortfall shows here and in ticksSkipped).
      ticksPerSec: ticks / ((after.atMs - before.atMs) / 1000),
      ticksSkipped:
        after.value('tickwire_ticks_skipped_total') - before.value('tickwire_ticks_skipped_total'),
      serverSystemCpuShare: systemCpu / Math.max(1e-9, userCpu + systemCpu),
      rssMB: rss / 1024 / 1024,
      kbPerConnection: (rss - idleRss) / 1024 / o.clients,
      disconnects: fleet.disconnects,
      decodeErrors: fleet.decodeErrors,
      desyncs: fleet.desyncs,
      snapshotsSkipped:
        after.value('tickwire_snapshots_skipped_total') -
        before.value('tickwire_snapshots_skipped_total'),
      verifiedClients,
      generatorCpuPercent: ((genCpu.user + genCpu.system) / 1e6 / elapsedSec) * 100,
      joinedClients: fleet.joinedClients,
      budgetBytesPerClientS: budget,
      stalenessP50Ticks: staleness(0.5),
      stalenessP99Ticks: staleness(0.99),
      stalenessMaxTicks: staleness(1),
      recordsWithheldPerClientPerSec:
        budget > 0
          ? (after.value('tickwire_records_withheld_total') -
              before.value('tickwire_records_withheld_total')) /
            o.clients /
            elapsedSec
          : Number.NaN,
      failure: null,
      errors: fleet.errors,
    };
  } finally {
    await fleet.close();
    await server.stop();
  }
}
