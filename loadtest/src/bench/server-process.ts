import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Whether taskset (util-linux) is available to pin processes to cores. */
export function hasTaskset(): boolean {
  return spawnSync('taskset', ['-V']).status === 0;
}

/** Pins every thread of this process to `core` (the load generator's core). */
export function pinSelf(core: number): boolean {
  return spawnSync('taskset', ['-a', '-cp', String(core), String(process.pid)]).status === 0;
}

/** A running benchmark server: the real server build, a child process on its own port. */
export interface BenchServer {
  port: number;
  pid: number;
  /** Stops the server by its PID (SIGTERM, then SIGKILL after 3 s). */
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
// The server's own command-line entry: the bench runs the server exactly as an operator does,
// through a process boundary, and imports none of its code (nor its tests' helpers).
const serverEntry = fileURLToPath(new URL('../../../server/src/main.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/**
 * Starts the real server (real uWebSockets.js, an ephemeral port, no static files) for a
 * benchmark run, pinned to `core` when given, and resolves once it logs "listening". Extra Node
 * flags for the server only come from BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof" to profile it
 * under the standard load (NODE_OPTIONS would also reach the generator, and refuses --cpu-prof).
 */
export function startBenchServer(args: string[], core: number | null): Promise<BenchServer> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const node = [
    process.execPath,
    ...nodeArgs,
    '--conditions=source',
    '--import',
    'tsx',
    serverEntry,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--static',
    '',
    ...args,
  ];
  const [command, ...rest] = core === null ? node : ['taskset', '-c', String(core), ...node];
  const child = spawn(command as string, rest, {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    };
    child.once('exit', onExit);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"listening","port":(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      // Keep draining its output (the pipes must not fill), but keep none of it.
      output = '';
      child.stdout.removeAllListeners('data');
      child.stderr.removeAllListeners('data');
      child.stdout.resume();
      child.stderr.resume();
      resolve({
        port: Number(match[1]),
        pid: child.pid ?? -1,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

const CLOCK_TICKS_PER_SEC = 100;

/** user + system CPU of a process, in microseconds, from the kernel's accounting. */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / CLOCK_TICKS_PER_SEC;
}

export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}
