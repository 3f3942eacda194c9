import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const serverEntry = fileURLToPath(new URL('../../../server/src/main.ts', import.meta.url));

export function hasTaskset(): boolean {
  return spawnSync('taskset', ['-V']).status === 0;
}

/** Pins every thread of this process to `core` (the load generator's core). */
export function pinSelf(core: number): boolean {
  return spawnSync('taskset', ['-a', '-cp', String(core), String(process.pid)]).status === 0;
}

export interface BenchServer {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** Starts the real server, pinned to `core` when taskset exists, and waits for "listening". */
export function startBenchServer(args: string[], core: number | null): Promise<BenchServer> {
  // Extra Node flags for the server only, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof" to profile it
  // under the standard load (NODE_OPTIONS would also reach the generator, and refuses --cpu-prof).
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
  const child: ChildProcess = spawn(command as string, rest, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"msg":"listening","port":(\d+)/.exec(output);
      if (!match) return;
      resolve({
        pid: child.pid ?? -1,
        port: Number(match[1]),
        stop: async () => {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}:\n${output}`)));
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
