import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arenaServerArgs } from '../bench/arena-server-args.js';
import { processCpuMicros, startBenchServer } from '../bench/server-process.js';
import type { LoadSummary } from '../scenario/summary.js';
import {
  quantileBetween,
  scrapeMetrics,
  type MetricsScrape,
} from '../../../server/src/process/metrics-scrape.js';

export interface StepOptions {
  players: number;
  /** Room capacity (--max-players): the rooms matchmaking fills. */
  capacity: number;
  rampS: number;
  holdS: number;
  verifyShare: number;
  isIdle: boolean;
  seed: number;
  /** Cores for the server and the swarm (null: unpinned). */
  cores: { server: number; swarm: number } | null;
  log: (line: string) => void;
}

/** One step: the server's figures over the hold, the swarm's verdict, both processes' CPU. */
export interface StepResult {
  players: number;
  rooms: number;
  windowS: number;
  serverCpuPercent: number;
  tickP50Ms: number;
  tickP99Ms: number;
  /** Ticks run per second, all rooms together. */
  ticksPerSec: number;
  ticksSkipped: number;
  passed: boolean;
  /** The thresholds that failed, with the values they read. */
  failed: string[];
  generatorCpuPercent: number;
}

const SWARM_ENTRY = fileURLToPath(new URL('../swarm/main.ts', import.meta.url));
/** The players must all play within the ramp and this long (start-up, slow joins). */
const RAMP_GRACE_S = 20;
const POLL_MS = 250;
/** After the ramp, this long before the window opens (the last joins settle). */
const SETTLE_S = 3;
/** The window closes this long before the hold ends (before the players leave). */
const TAIL_S = 2;
/** The swarm's end (its leaves and summary) takes at most this long after the hold. */
const SWARM_END_GRACE_S = 30;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts one server (BENCHMARKS.md's world in every room, matchmaking only), runs the swarm's
 * `players` scenario against it as a separate process (the README's command), and reads the
 * server's /metrics and both processes' CPU over the hold.
 */
export async function measureStep(o: StepOptions): Promise<StepResult> {
  const server = await startBenchServer(
    [
      ...arenaServerArgs(o.seed),
      ...['--max-players', String(o.capacity), '--direct-join', 'false'],
      ...['--match-requests-per-sec', '0', '--max-rooms', '1000'],
    ],
    o.cores?.server ?? null,
  );
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-capacity-'));
  const summaryPath = join(dir, 'summary.json');
  try {
    const swarmArgs = [
      ...['--conditions=source', '--import', 'tsx', SWARM_ENTRY],
      ...['--scenario', 'players', '--url', server.url, '--players', String(o.players)],
      ...['--ramp', String(o.rampS), '--duration', String(o.holdS)],
      ...['--verify', String(o.verifyShare), '--seed', String(o.seed), '--summary', summaryPath],
      ...(o.isIdle ? ['--idle'] : []),
    ];
    const swarm =
      o.cores === null
        ? spawn(process.execPath, swarmArgs, { stdio: ['ignore', 'ignore', 'pipe'] })
        : spawn('taskset', ['-c', String(o.cores.swarm), process.execPath, ...swarmArgs], {
            stdio: ['ignore', 'ignore', 'pipe'],
          });
    swarm.stderr.resume();
    const exited = new Promise<number | null>((resolve) => swarm.once('exit', resolve));
    const swarmPid = swarm.pid as number;

    // The hold starts when every player plays (the swarm's clock starts after its own start-up).
    const rampDeadlineMs = performance.now() + (o.rampS + RAMP_GRACE_S) * 1000;
    while (performance.now() < rampDeadlineMs) {
      const players = (await scrapeMetrics(server.url)).value('tickwire_players');
      if (players >= o.players) break;
      await sleep(POLL_MS);
    }
    await sleep(SETTLE_S * 1000);
    const window = async (): Promise<{ m: MetricsScrape; server: number; swarm: number }> => ({
      m: await scrapeMetrics(server.url),
      server: processCpuMicros(server.pid),
      // taskset execs node in place: the same PID.
      swarm: processCpuMicros(swarmPid),
    });
    const before = await window();
    await sleep((o.holdS - SETTLE_S - TAIL_S) * 1000);
    const after = await window();
    // The swarm ends by itself after the hold (its players leave within seconds); one that
    // does not is stopped by its PID.
    const code = await Promise.race([
      exited,
      sleep((TAIL_S + SWARM_END_GRACE_S) * 1000).then(() => {
        swarm.kill('SIGKILL');
        return exited;
      }),
    ]);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as LoadSummary;
    const windowS = (after.m.atMs - before.m.atMs) / 1000;
    const ticks = after.m.value('tickwire_ticks_total') - before.m.value('tickwire_ticks_total');
    const cpuPercent = (micros: number): number => (micros / 1e6 / windowS) * 100;
    o.log(`  N=${o.players}: swarm exited ${code}`);
    return {
      players: o.players,
      rooms: Math.ceil(o.players / o.capacity),
      windowS,
      serverCpuPercent: cpuPercent(after.server - before.server),
      tickP50Ms: quantileBetween(before.m, after.m, 'tickwire_tick_duration_seconds', 0.5) * 1000,
      tickP99Ms: quantileBetween(before.m, after.m, 'tickwire_tick_duration_seconds', 0.99) * 1000,
      ticksPerSec: ticks / windowS,
      ticksSkipped:
        after.m.value('tickwire_ticks_skipped_total') -
        before.m.value('tickwire_ticks_skipped_total'),
      passed: summary.passed,
      failed: summary.thresholds
        .filter((t) => !t.ok)
        .map((t) => `${t.metric} ${t.expression} (${Number(t.actual.toFixed(1))})`),
      generatorCpuPercent: cpuPercent(after.swarm - before.swarm),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
