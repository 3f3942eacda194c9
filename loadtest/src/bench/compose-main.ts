// npm run bench:compose: the arena scenario's composition and encoding in one process (see
// compose-bench.ts), for A/B tests of sync code; the socket bench (npm run bench) is the figure
// of record.
import { parseArgs } from 'node:util';
import { runComposeBench, type ComposeBenchResult } from './compose-bench.js';
import { pinSelf } from './server-process.js';
import { median } from './stats.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '500,1000' },
    ticks: { type: 'string', default: '600' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '42' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    [
      'npm run bench:compose -- [options]   every client\'s snapshot of the "arena" scenario',
      '  composed and written as the tick does it, without sockets (pinned to core 0 when',
      '  taskset is there): µs per client-tick of our own composition and encoding',
      '  --clients 500,1000   client counts',
      '  --ticks 600          measured ticks per run (after 5 s of joins and 2 s of warm-up)',
      '  --runs 3             runs per N (a fresh process state each: figures are medians)',
      '  --seed 42            world and walk seed',
    ].join('\n') + '\n',
  );
  process.exit(0);
}

const counts = (values.clients ?? '').split(',').map((n) => Number(n.trim()));
const ticks = Number(values.ticks);
const runs = Number(values.runs);
const seed = Number(values.seed);
if (
  counts.some((n) => !Number.isInteger(n) || n < 1) ||
  !Number.isInteger(ticks) ||
  ticks < 1 ||
  !Number.isInteger(runs) ||
  runs < 1 ||
  !Number.isInteger(seed)
) {
  process.stderr.write('error: --clients, --ticks, --runs and --seed take positive integers\n');
  process.exit(2);
}

pinSelf(0);
process.stdout.write(
  '| N | µs / client-tick (median) | runs | B / frame | entered / updated / removed per frame |\n' +
    '|---|---|---|---|---|\n',
);
for (const clients of counts) {
  const results: ComposeBenchResult[] = [];
  for (let run = 0; run < runs; run++) results.push(runComposeBench({ clients, ticks, seed }));
  const first = results[0] as ComposeBenchResult;
  const micros = median(results.map((r) => r.microsPerClientTick));
  process.stdout.write(
    `| ${clients} | ${micros.toFixed(3)} | ${results.map((r) => r.microsPerClientTick.toFixed(3)).join(' / ')} | ` +
      `${first.meanFrameBytes.toFixed(1)} | ${first.enteredPerFrame.toFixed(2)} / ` +
      `${first.updatedPerFrame.toFixed(2)} / ${first.removedPerFrame.toFixed(2)} |\n`,
  );
}
