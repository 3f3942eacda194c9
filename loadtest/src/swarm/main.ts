import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { summaryOutputs, thresholdResults } from '../scenario/summary.js';
import { HELP, UsageError, parseSwarmCommand } from './cli.js';
import { ProgressPrinter } from './progress.js';
import { runSwarm } from './run-swarm.js';

// `npm run loadtest -- --scenario players --players 3000`: the k6 scenarios run by a Node swarm
// (cli.ts lists the options). Exit 0: every threshold held; 1: one failed, a generator died, or
// the run could not start; 2: the command line is wrong.

let command;
try {
  command = parseSwarmCommand(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  // One line: the option and what is wrong with it. A stack would only hide it.
  process.stderr.write(`loadtest: ${error.message}; --help lists the options\n`);
  process.exit(2);
}
if (command === null) {
  process.stdout.write(HELP);
  process.exit(0);
}

const progress = new ProgressPrinter(process.stderr);
let stopRequests = 0;
let stopRun: (() => void) | null = null;
process.on('SIGINT', () => {
  // The first Ctrl-C ends the run (players leave, the summary follows); the second, at once.
  if (++stopRequests > 1 || stopRun === null) process.exit(130);
  progress.note('stopping: players leave; Ctrl-C again to quit at once');
  stopRun();
});

try {
  const result = await runSwarm({
    generator: {
      scenario: command.scenario,
      env: command.env,
      seed: command.seed,
      isIdle: command.isIdle,
    },
    generators: command.generators,
    progress,
    onStarted: (stop) => {
      stopRun = stop;
    },
  });
  for (const [target, text] of Object.entries(
    summaryOutputs(result.data, result.plan, result.settings),
  )) {
    if (target === 'stdout') {
      process.stdout.write(text);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    progress.note(`wrote ${target}`);
  }
  const passed = thresholdResults(result.data).every((t) => t.ok);
  process.exit(passed && result.failures.length === 0 ? 0 : 1);
} catch (error) {
  progress.end();
  process.stderr.write(
    `load test failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
