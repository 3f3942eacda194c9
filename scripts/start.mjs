// `npm start [-- options]`: builds what changed, then runs the built server in this process.
// - `--help` / `-h` prints the server's options at once, from its sources, without a build:
//   the option list lives in server/src/config.ts alone (usage()), read here through tsx.
// - The build (`npm run build`) is skipped when none of its inputs changed since the last one
//   finished (scripts/build-stamp.mjs). `npm run build` always builds.
// - Build output goes to stderr: stdout carries the server's JSON log lines only.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isBuildCurrent } from './build-stamp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);

if (argv.includes('--help') || argv.includes('-h')) {
  const help = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(root, 'server/src/main.ts'), '--help'],
    { cwd: root, stdio: 'inherit' },
  );
  process.exit(help.status ?? 1);
}

const SERVER_ENTRY = join(root, 'server/dist/main.js');

if (isBuildCurrent()) {
  if (process.stderr.isTTY) {
    process.stderr.write('tickwire: build up to date, not rebuilt (npm run build rebuilds)\n');
  }
} else {
  // `npm run build` records what it built (its prebuild and postbuild: build-stamp.mjs). Its
  // output goes to stderr: stdout carries the server's JSON log lines only. The npm running this
  // script sets npm_execpath; else the one on PATH.
  const npmCli = process.env['npm_execpath'];
  const [command, ...npmArgs] = npmCli?.endsWith('.js') ? [process.execPath, npmCli] : ['npm'];
  const build = spawnSync(command, [...npmArgs, 'run', 'build'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
    shell: command === 'npm' && process.platform === 'win32',
  });
  if (build.status !== 0) {
    const why = build.error?.message ?? build.signal ?? `exit code ${build.status}`;
    process.stderr.write(`tickwire: the build failed (${why}): the server was not started\n`);
    process.exit(build.status || 1);
  }
}

// The server runs in this process (no child to pass signals to): main.js reads its options from
// process.argv, and under --workers forks process.argv[1] for each worker.
process.argv = [process.argv[0] ?? process.execPath, SERVER_ENTRY, ...argv];
await import(pathToFileURL(SERVER_ENTRY).href);
