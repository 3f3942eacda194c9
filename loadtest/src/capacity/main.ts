// npm run loadtest:capacity: the most players one server process holds at 30 Hz on this machine.
// For each player count it starts one server (pinned to core 0; matchmaking only, rooms of
// --capacity in BENCHMARKS.md's world) and runs the swarm's `players` scenario against it
// (pinned to core 1), then prints the server's tick and CPU over the hold beside the swarm's
// verdict and the generator's CPU.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { hasTaskset } from '../bench/server-process.js';
import { measureStep, type StepResult } from './measure-step.js';

const HELP = `npm run loadtest:capacity -- [options]
  One server process, one step per player count: the swarm's "players" scenario through
  matchmaking (rooms of --capacity, BENCHMARKS.md's world), server on core 0, swarm on core 1.

  --players 1500,2000,2400      player counts, one server and one swarm run each
  --capacity 150                room capacity (--max-players)
  --ramp 30                     seconds to ramp to the count
  --hold 30                     seconds held; the server is measured over the hold's middle
  --verify 0.05                 share of players that decode, apply and verify every snapshot
  --idle                        players stand still and send 2 inputs a second
  --seed 42
  --out FILE.json               the steps (written after every step; default
                                bench-results/capacity.json, with --idle capacity-idle.json)

  A step holds when the swarm's thresholds pass (snapshots at the tick rate, 0 desyncs, resyncs
  and kicks, ...) and the server's tick p99 stays under the tick budget (33.3 ms). When the
  generator's CPU nears 100 %, a failure is the generator's as much as the server's.`;

/** The tick budget at 30 Hz. */
const BUDGET_MS = 1000 / 30;

const { values } = parseArgs({
  options: {
    players: { type: 'string', default: '1500,2000,2400' },
    capacity: { type: 'string', default: '150' },
    ramp: { type: 'string', default: '30' },
    hold: { type: 'string', default: '30' },
    verify: { type: 'string', default: '0.05' },
    idle: { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(HELP + '\n');
  process.exit(0);
}

function positive(name: string, raw: string | undefined, isInteger = true): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (isInteger && !Number.isInteger(n))) {
    process.stderr.write(`loadtest:capacity: --${name}: not a valid value: "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const counts = (values.players ?? '').split(',').map((p) => positive('players', p.trim()));
const capacity = positive('capacity', values.capacity);
const rampS = positive('ramp', values.ramp);
const holdS = positive('hold', values.hold);
if (holdS < 10) {
  process.stderr.write('loadtest:capacity: --hold: at least 10 s (the window is its middle)\n');
  process.exit(2);
}
const verifyShare = Number(values.verify);
if (!(verifyShare >= 0 && verifyShare <= 1)) {
  process.stderr.write(
    `loadtest:capacity: --verify: a share from 0 to 1, got "${values.verify}"\n`,
  );
  process.exit(2);
}
const isIdle = values.idle === true;
const out =
  values.out ?? (isIdle ? 'bench-results/capacity-idle.json' : 'bench-results/capacity.json');
const log = (line: string): void => void process.stderr.write(line + '\n');
const cores = hasTaskset() ? { server: 0, swarm: 1 } : null;
if (cores === null) log('warning: taskset unavailable: the server and the swarm share cores');

const steps: StepResult[] = [];
for (const players of counts) {
  log(`N=${players}: ${Math.ceil(players / capacity)} rooms, ramp ${rampS} s, hold ${holdS} s`);
  const step = await measureStep({
    players,
    capacity,
    rampS,
    holdS,
    verifyShare,
    isIdle,
    seed: Number(values.seed),
    cores,
    log,
  });
  steps.push(step);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify({ date: new Date().toISOString(), capacity, isIdle, steps }, null, 2) + '\n',
  );
}

const f = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const holds = (s: StepResult): boolean => s.passed && s.tickP99Ms < BUDGET_MS;
process.stdout.write(
  [
    '| players | rooms | server CPU % | tick p50 / p99 ms | ticks/s, all rooms (skipped) | generator CPU % | holds |',
    '|---|---|---|---|---|---|---|',
    ...steps.map(
      (s) =>
        `| ${s.players} | ${s.rooms} | ${f(s.serverCpuPercent, 0)} | ${f(s.tickP50Ms, 2)} / ${f(s.tickP99Ms, 2)} | ${f(s.ticksPerSec)} (${s.ticksSkipped}) | ${f(s.generatorCpuPercent, 0)} | ${holds(s) ? 'yes' : `no: ${s.failed.join('; ') || `tick p99 over ${f(BUDGET_MS)} ms`}`} |`,
    ),
  ].join('\n') + '\n',
);
log(`wrote ${out}`);
