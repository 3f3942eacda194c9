// The k6 sandbox: runs a k6 bundle as `k6 run` would, against real servers, where k6 itself
// cannot run (README, "Load tests with k6"):
//
//   node --import tsx loadtest/src/k6-sandbox/cli.ts [run] loadtest/dist/smoke.js \
//     -e TICKWIRE_URL=http://127.0.0.1:8080 -e PLAYERS=5 [--legacy-k6] [--include-system-env-vars]
//
// It needs Node's --experimental-vm-modules, and starts itself again with it when it is missing.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import vm from 'node:vm';
import { createStderrLogger } from './console.js';
import { K6_API_DESCRIPTIONS } from './k6-api.js';
import { SANDBOX_NODE_FLAGS } from './node-flags.js';
import { EXIT_CODES, runK6Test } from './run-test.js';

/** `text` in lines of at most 70 characters, each after the usage's 29-column indent. */
function usageColumn(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > 70) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(29)}`);
}

const USAGE = `usage: k6-sandbox [run] <bundle.js> [-e KEY=VALUE]... [--legacy-k6] [--include-system-env-vars] [--verbose]

  -e KEY=VALUE               an __ENV variable of the script (repeat it)
  --legacy-k6                ${usageColumn(`behave as ${K6_API_DESCRIPTIONS.legacy} (without it: ${K6_API_DESCRIPTIONS.current})`)}
  --include-system-env-vars  put this process's environment into __ENV too (k6 run does by default;
                             the sandbox does not, so a stray PLAYERS in a CI job changes nothing)
  --verbose                  console.debug too
Exit code as k6's: 0, 99 (thresholds failed), 104 (invalid options), 107 (script error, or what
would hang k6), 108 (aborted).`;

function main(): number | Promise<number> {
  if (typeof vm.SourceTextModule !== 'function') {
    const again = spawnSync(
      process.execPath,
      [...SANDBOX_NODE_FLAGS, ...process.execArgv, ...process.argv.slice(1)],
      { stdio: 'inherit' },
    );
    return again.status ?? 1;
  }
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        env: { type: 'string', short: 'e', multiple: true },
        'legacy-k6': { type: 'boolean' },
        'include-system-env-vars': { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return EXIT_CODES.invalidConfig;
  }
  const { values, positionals } = parsed;
  const [first, second] = positionals;
  const bundlePath = first === 'run' ? second : first;
  if (values.help === true || bundlePath === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return values.help === true ? 0 : EXIT_CODES.invalidConfig;
  }
  const env: Record<string, string> = {};
  if (values['include-system-env-vars'] === true) {
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  }
  for (const pair of values.env ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      process.stderr.write(`-e ${pair}: expected KEY=VALUE\n`);
      return EXIT_CODES.invalidConfig;
    }
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return runK6Test({
    bundlePath,
    env,
    api: values['legacy-k6'] === true ? 'legacy' : 'current',
    logger: createStderrLogger(Date.now(), values.verbose === true),
    stdout: process.stdout,
    cwd: process.cwd(),
  });
}

const code = await main();
// Wait for stdout to drain: the summary may be larger than a pipe's buffer.
process.stdout.write('', () => process.exit(code));
