import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable, toRecord, type BenchRecord } from './report.js';
import { floorFrameBytes } from './floor-frame-size.js';
import { failedRun, runScenario, type BenchSystem, type RunResult } from './run-scenario.js';
import { hasTaskset, pinSelf } from './server-process.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100,250,500,1000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    runs: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    'verify-clients': { type: 'string', default: '250' },
    out: { type: 'string' },
    check: { type: 'boolean', default: false },
    'tickwire-only': { type: 'boolean', default: false },
    idle: { type: 'boolean', default: false },
    'max-bytes-per-client-s': { type: 'string', default: '0' },
    'tick-hz': { type: 'string', default: '30' },
    'send-hz': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    [
      'npm run bench -- [options]   the "arena" scenario of shared/BENCHMARKS.md',
      '  --clients 100,250,500,1000  client counts to run',
      '  --seconds 20                measured window per run',
      '  --warmup 5                  seconds after every client joined, before measuring',
      '  --runs 1                    repetitions per N and system (figures are medians)',
      '  --verify-clients 250        clients that decode, apply and checksum every snapshot;',
      '                              the others count bytes and ack from the frame header',
      '                              (the baseline: 20 clients verify its full-world frames)',
      '  --out FILE.json             where to write the records (default',
      '                              bench-results/arena.json; with --idle arena-idle.json)',
      '  --tickwire-only             skip the floor and the baseline (capacity searches:',
      '                              --clients 1500,2000,2500)',
      '  (the floor: a bare uWebSockets.js server sending every client one frame per tick of',
      "  tickwire's mean frame size at the same N; it runs right after tickwire)",
      '  --idle                      clients stand still and send 2 inputs/s (idle connections;',
      '                              not the benchmark scenario: implies --tickwire-only)',
      "  --max-bytes-per-client-s 0  tickwire's per-client byte budget (the server's option of that",
      '                              name; 0 = none): a second table sets bytes/client/s against',
      '                              it, with the staleness of the views (p50 / p99 / max ticks)',
      "  --tick-hz 30 --send-hz 30   simulation and send rates of all three systems (the server's",
      '                              options; not the benchmark scenario unless both are 30:',
      '                              written to arena-TICK-SEND.json; CPU is still per client and',
      '                              simulation tick, the JSON adds it per client and send)',
      '  --check                     exit 1 on a failed run, any disconnect, decode error or desync, or < 29 ticks/s',
    ].join('\n') + '\n',
  );
  process.exit(0);
}

const clientCounts = (values.clients ?? '').split(',').map((n) => Number(n.trim()));
if (clientCounts.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error('--clients takes a comma-separated list of positive integers');
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const runs = Number(values.runs);
const seed = Number(values.seed);
const verifyClients = Number(values['verify-clients']);
const idle = values.idle === true;
const tickHz = Number(values['tick-hz']);
const sendHz = Number(values['send-hz'] ?? tickHz);
if (!Number.isInteger(tickHz) || !Number.isInteger(sendHz) || sendHz < 1 || tickHz % sendHz !== 0)
  throw new Error('--tick-hz and --send-hz take whole rates, the send rate dividing the tick rate');
const isStandardRate = tickHz === 30 && sendHz === 30;
// The server's (and the floor's) options after the arena's, which they override.
const rateArgs = isStandardRate ? [] : ['--tick-hz', String(tickHz), '--send-hz', String(sendHz)];
// An idle run, or one at other rates, is not the benchmark's scenario: it never overwrites the
// benchmark's figures.
const out =
  values.out ??
  (idle
    ? 'bench-results/arena-idle.json'
    : isStandardRate
      ? 'bench-results/arena.json'
      : `bench-results/arena-${tickHz}-${sendHz}.json`);
const tickwireOnly = values['tickwire-only'] === true || idle;
const maxBytesPerClientS = Number(values['max-bytes-per-client-s']);
if (!Number.isInteger(maxBytesPerClientS) || maxBytesPerClientS < 0)
  throw new Error('--max-bytes-per-client-s takes a non-negative integer (bytes/s; 0 = none)');
const log = (line: string): void => void process.stderr.write(line + '\n');

// Server on core 0, this load generator on core 1 (BENCHMARKS.md: never measure one with the other).
const canPin = hasTaskset() && pinSelf(1);
if (!canPin) log('warning: taskset unavailable: server and load generator share cores');

const records: BenchRecord[] = [];
for (const clients of clientCounts) {
  const byMode: Record<BenchSystem, RunResult[]> = { delta: [], broadcast: [], floor: [] };
  for (let run = 0; run < runs; run++) {
    // Alternate tickwire and the baseline so drift on a shared machine does not favour one
    // system; the floor right after tickwire, whose mean frame size it sends.
    const order: readonly BenchSystem[] = tickwireOnly
      ? ['delta']
      : run % 2 === 0
        ? ['delta', 'floor', 'broadcast']
        : ['broadcast', 'delta', 'floor'];
    for (const mode of order) {
      const floorFrame = mode === 'floor' ? floorFrameBytes(byMode.delta) : null;
      if (floorFrame !== null) {
        log(
          `  floor N=${clients}: frames of ${floorFrame.frameBytes} B (${floorFrame.source === 'tickwire' ? "tickwire's mean" : 'no tickwire figure at this N: the default'})`,
        );
      }
      // A run that fails (a client that cannot join: the server did not hold N) is reported,
      // and the bench goes on: the runs before it are not lost.
      const result = await runScenario({
        mode,
        clients,
        warmupSeconds,
        seconds,
        seed: seed + run,
        serverCore: canPin ? 0 : null,
        verifyClients,
        idle,
        maxBytesPerClientS,
        serverArgs: rateArgs,
        sendIntervalTicks: tickHz / sendHz,
        ...(floorFrame === null ? {} : { floorFrameBytes: floorFrame.frameBytes }),
        log,
      }).catch((error: unknown) =>
        failedRun(mode, clients, error instanceof Error ? error.message : String(error)),
      );
      byMode[mode].push(result);
      if (result.failure !== null) {
        log(
          `    ${mode} N=${clients}: failed with ${result.joinedClients} of ${clients} joined: ${result.failure}`,
        );
      }
      for (const error of result.errors) log(`    ${mode} N=${clients}: ${error}`);
      if (result.generatorCpuPercent > 90) {
        log(
          `    ${mode} N=${clients}: the load generator used ${result.generatorCpuPercent.toFixed(0)} % of its core: these figures are partly the generator's`,
        );
      }
    }
  }
  records.push(toRecord(byMode.delta, byMode.broadcast, byMode.floor));
  // Written after every N, so a long bench that dies later keeps what it measured.
  writeRecords();
}

process.stdout.write(formatTable(records) + '\n');
log(`wrote ${out}`);

function writeRecords(): void {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        scenario: idle ? 'arena, idle clients' : 'arena',
        date: new Date().toISOString(),
        seconds,
        warmupSeconds,
        runs,
        pinned: canPin,
        maxBytesPerClientS,
        records,
      },
      null,
      2,
    ) + '\n',
  );
}

if (values.check) {
  const failures = records.flatMap((r) =>
    (
      [
        ['tickwire', r],
        ['baseline', r.baseline],
        ['floor', r.floor],
      ] as const
    ).flatMap(([system, x]) => {
      if (x === null) return [];
      const at = `N=${r.clients} ${system}`;
      const problems: string[] = x.failures.map((why) => `${at}: a run failed: ${why}`);
      if (x.disconnects + x.decodeErrors + x.desyncs > 0)
        problems.push(
          `${at}: ${x.disconnects} disconnects, ${x.decodeErrors} decode errors, ${x.desyncs} desyncs`,
        );
      // NaN (every run failed) is reported above, as a failure.
      if (x.ticksPerSec < 29) problems.push(`${at}: only ${x.ticksPerSec.toFixed(1)} ticks/s`);
      return problems;
    }),
  );
  if (failures.length > 0) {
    log('bench check failed:\n  ' + failures.join('\n  '));
    process.exit(1);
  }
  log('bench check passed');
}
