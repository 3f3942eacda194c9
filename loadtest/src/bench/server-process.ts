import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, type ServerProcess } from '../../../server/src/process/spawn-server.js';
import { fileURLToPath } from 'node:url';

/** The bare-uWS floor's entry point: the server's flags, plus --frame-bytes. */
const FLOOR_ENTRY = fileURLToPath(new URL('../floor/main.ts', import.meta.url));

/** Whether taskset (util-linux) is available to pin processes to cores. */
export function hasTaskset(): boolean {
  return spawnSync('taskset', ['-V']).status === 0;
}

/** Pins every thread of this process to `core` (the load generator's core). */
export function pinSelf(core: number): boolean {
  return spawnSync('taskset', ['-a', '-cp', String(core), String(process.pid)]).status === 0;
}

/**
 * Starts the real server (real uWebSockets.js, an ephemeral port, no static files) for a
 * benchmark run, pinned to `core` when given, and resolves once it logs "listening". The bench
 * runs the server exactly as an operator does, through a process boundary: it imports only the
 * server's spawner and the reader of its /metrics (server/src/process/), none of the server's
 * code nor its tests' helpers. Its output is drained, not
 * kept (a run is long). Extra Node flags for the server only come from BENCH_SERVER_NODE_ARGS,
 * e.g. "--cpu-prof" to profile it under the standard load (NODE_OPTIONS would also reach the
 * generator, and refuses --cpu-prof).
 */
export function startBenchServer(args: string[], core: number | null): Promise<ServerProcess> {
  return startServer({
    args: ['--static', '', ...args],
    core,
    nodeArgs: benchServerNodeArgs(),
    keepOutput: false,
  });
}

/**
 * Starts the floor (loadtest/src/floor: bare uWS, one `frameBytes` frame per client per tick)
 * as startBenchServer starts the server: its own process, pinned to `core`, with the server's
 * flags `args` for the arena world its Welcome describes and its uWS limits.
 */
export function startBenchFloor(
  args: string[],
  frameBytes: number,
  core: number | null,
): Promise<ServerProcess> {
  return startServer({
    entry: FLOOR_ENTRY,
    args: ['--frame-bytes', String(frameBytes), ...args],
    core,
    nodeArgs: benchServerNodeArgs(),
    keepOutput: false,
  });
}

function benchServerNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
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
