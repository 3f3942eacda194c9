// npm run loadtest:cluster: the most players a cluster (`--workers N` and Redis) holds at 30 Hz
// across many rooms, every client seated by matchmaking as a player's would be. Figures per
// worker process from its /metrics, the fleet's from what arrived at the clients.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { arenaServerArgs } from '../bench/arena-server-args.js';
import { Fleet } from '../bench/fleet.js';
import { startCluster, type Cluster } from './cluster-process.js';
import { formatStep, formatSummary, type StepRecord } from './report.js';
import { runStep } from './run-step.js';

const HELP = `npm run loadtest:cluster -- [options]
  Starts redis-server and the server with --workers N (--direct-join false: matchmaking only),
  then ramps a fleet of arena players (shared/BENCHMARKS.md's world and inputs, one room per
  --capacity players) through POST /match/quickplay, holding each step and measuring it.

  --players 600,1200,1800,2400  players at each step of the ramp
  --seconds 20                  measured window per step
  --warmup 5                    seconds after a step's players joined, before measuring
  --workers 2                   server processes
  --capacity 150                room capacity (--max-players): 10+ rooms from 1500 players
  --verify-every 10             every Nth client decodes, applies and checksums every snapshot
                                (spread over the rooms); the others count bytes and ack headers
  --batch 50                    quick plays (and joins) started together (1: no two race)
  --seed 42                     world and random-walk seed
  --port P, --admin-port A      first game / operator port (worker i: P + i, A + i); default free
  --out FILE.json               where to write the steps (written after every step)

  A step holds when every process keeps its tick p99 under the tick budget (33.3 ms) and runs
  >= 29.5 ticks/s per room, and the fleet sees no desync, decode error or disconnect.
  Nothing is pinned to a core: the workers, Redis and this generator share the machine.`;

const { values } = parseArgs({
  options: {
    players: { type: 'string', default: '600,1200,1800,2400' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    capacity: { type: 'string', default: '150' },
    'verify-every': { type: 'string', default: '10' },
    batch: { type: 'string', default: '50' },
    seed: { type: 'string', default: '42' },
    port: { type: 'string' },
    'admin-port': { type: 'string' },
    out: { type: 'string', default: 'bench-results/cluster.json' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(HELP + '\n');
  process.exit(0);
}

function positiveInt(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} takes a positive integer, not "${raw}"`);
  return n;
}
function seconds(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} takes seconds, not "${raw}"`);
  return n;
}

const steps = (values.players ?? '').split(',').map((n) => positiveInt('--players', n.trim()));
if (steps.some((n, i) => i > 0 && n <= (steps[i - 1] as number)))
  throw new Error('--players takes increasing counts: the ramp only adds players');
const windowSeconds = seconds('--seconds', values.seconds);
const warmupSeconds = seconds('--warmup', values.warmup);
const workerCount = positiveInt('--workers', values.workers);
const capacity = positiveInt('--capacity', values.capacity);
const verifyEvery = positiveInt('--verify-every', values['verify-every']);
const batch = positiveInt('--batch', values.batch);
const seed = Number(values.seed);
const firstPort = values.port === undefined ? null : positiveInt('--port', values.port);
const firstAdminPort =
  values['admin-port'] === undefined ? null : positiveInt('--admin-port', values['admin-port']);
const out = values.out ?? '';

const log = (line: string): void => void process.stderr.write(line + '\n');

const cores = availableParallelism();
const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
const machineNote =
  `machine: ${cores} cores (${cpuModel}), load average ${loadavg()[0]?.toFixed(2)} at start. ` +
  `Nothing is pinned: ${workerCount} worker processes, Redis and this load generator (one Node ` +
  `process) share the ${cores} cores, so the generator's CPU below is CPU the workers did not get` +
  (cores <= workerCount
    ? ` (${workerCount + 1} busy processes, the workers and the generator, compete for ${cores} cores).`
    : '.');

const records: StepRecord[] = [];
/** Pending while it starts, so that a signal then still stops what it started. */
let clusterStarting: Promise<Cluster> | null = null;
let fleet: Fleet | null = null;

function writeJson(): void {
  if (out === '') return;
  mkdirSync(dirname(out), { recursive: true });
  const json = {
    tool: 'loadtest:cluster',
    scenario: 'arena (shared/BENCHMARKS.md world and inputs), many rooms through matchmaking',
    date: new Date().toISOString(),
    machine: { cores, cpuModel, pinned: false, note: machineNote },
    options: {
      workers: workerCount,
      capacity,
      players: steps,
      seconds: windowSeconds,
      warmupSeconds,
      verifyEvery,
      batch,
      seed,
    },
    steps: records,
  };
  writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
}

let isCleaningUp = false;
async function cleanUp(): Promise<void> {
  if (isCleaningUp) return;
  isCleaningUp = true;
  await fleet?.close();
  const cluster = await clusterStarting?.catch(() => null);
  await cluster?.stop();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the fleet, the workers and Redis`);
    writeJson();
    void cleanUp().finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  log(machineNote);
  log(`starting redis-server and the server with --workers ${workerCount}`);
  clusterStarting = startCluster({
    workers: workerCount,
    port: firstPort,
    adminPort: firstAdminPort,
    serverArgs: [
      ...arenaServerArgs(seed),
      '--max-players',
      String(capacity),
      '--direct-join',
      'false',
      // One address (this generator) stands in for thousands of players.
      '--match-requests-per-sec',
      '0',
      // The spawner gives the supervisor 3 s after SIGTERM: the workers drain within it.
      '--drain-ms',
      '1000',
    ],
  });
  const cluster = await clusterStarting;
  log(
    `cluster up: redis ${cluster.redis.url} (pid ${cluster.redis.pid}), supervisor pid ${cluster.supervisor.pid}, ` +
      `workers ${cluster.workers.map((w, i) => `${w.httpUrl} (pid ${cluster.workerPids[i] ?? '?'}, admin ${w.adminUrl})`).join(', ')}`,
  );
  const first = cluster.workers[0];
  if (!first) throw new Error('the cluster has no worker');
  // Every process answers matchmaking for the whole cluster: the fleet asks the first one.
  const current = new Fleet({
    matchmakingUrl: first.httpUrl,
    clients: steps.at(-1) ?? 0,
    inputHz: 20,
    decodingClients: Number.MAX_SAFE_INTEGER,
    decodingStride: verifyEvery,
    seed,
  });
  fleet = current;
  for (const players of steps) {
    const record = await runStep(current, cluster, {
      players,
      roomCapacity: capacity,
      batch,
      warmupSeconds,
      windowSeconds,
      log,
    });
    records.push(record);
    writeJson();
    process.stdout.write(formatStep(record) + '\n\n');
    if (record.generatorCpuPercent > 90) {
      log(
        `  the load generator used ${record.generatorCpuPercent.toFixed(0)} % of a core: at this step the figures are partly the generator's`,
      );
    }
    // A fleet that could not grow cannot take the next, larger step.
    if (record.error !== null) break;
  }
  process.stdout.write(`${machineNote}\n\n${formatSummary(records)}\n`);
  if (out !== '') log(`wrote ${out}`);
} catch (error) {
  log(
    `cluster load test failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  writeJson();
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
