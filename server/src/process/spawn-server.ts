// Runs the real server (real uWebSockets.js, a real port) as a child process from its TypeScript
// sources, exactly as an operator starts it: the integration tests and the benchmark both start
// it here. Nothing in the server imports this file; it only runs main.ts, through a process
// boundary.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/ws */
  wsUrl: string;
  /** http://127.0.0.1:ADMIN_PORT with --admin-port, else null. */
  adminUrl: string | null;
  pid: number;
  /** What the server printed (JSON log lines); with keepOutput false, only until "listening". */
  output(): string;
  /** Stops the server by its PID (SIGTERM, then SIGKILL after 3 s). */
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL: a crash; SIGTERM: a rolling restart) without waiting. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartServerOptions {
  /** The server's command-line options (after `--port 0 --host 127.0.0.1`). */
  args?: string[];
  /**
   * Another entry point that takes the same flags and logs "listening" the same way (the
   * benchmark's bare-uWS floor, loadtest/src/floor/main.ts); the server's main.ts by default.
   */
  entry?: string;
  env?: Record<string, string>;
  /** Pin the server to this CPU core with taskset (the benchmark keeps it off the generator's). */
  core?: number | null;
  /** Extra Node flags for the server process, e.g. ['--cpu-prof']. */
  nodeArgs?: string[];
  /**
   * Keep what the server prints once it listens (default true). A long run passes false: its
   * output is still drained (the pipes must not fill) but none of it is kept.
   */
  keepOutput?: boolean;
  /**
   * Start the server with at most this many file descriptors (`ulimit -n`, soft and hard), as an
   * operator's limit would; the tests use a small one to reach it with few sockets.
   */
  fdLimit?: number;
}

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const serverEntry = fileURLToPath(new URL('../main.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/**
 * Starts the real server on an ephemeral port and resolves once it logs "listening"; rejects if
 * it exits before, or does not listen within 20 s (it is killed then).
 */
export function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  const node = [
    process.execPath,
    ...(options.nodeArgs ?? []),
    '--conditions=source',
    '--import',
    'tsx',
    options.entry ?? serverEntry,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    ...(options.args ?? []),
  ];
  const core = options.core ?? null;
  const pinned = core === null ? node : ['taskset', '-c', String(core), ...node];
  const fdLimit = options.fdLimit ?? null;
  // `exec` keeps the PID: stop() signals the server itself, not a shell around it. Under a
  // limit, descriptors above stderr that the test runner inherited (a CI harness leaves some
  // open without close-on-exec) are closed first: they would count against the small limit and
  // the server would run out while it loads its sources, before it listens.
  const closeInherited =
    'for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done';
  const [command, ...rest] =
    fdLimit === null
      ? pinned
      : [
          'bash',
          '-c',
          `${closeInherited}; ulimit -n ${Math.floor(fdLimit)} && exec "$@"`,
          'bash',
          ...pinned,
        ];
  const child = spawn(command as string, rest, {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
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
    const keep = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    const untilListening = (chunk: Buffer): void => {
      keep(chunk);
      // The whole line: its later fields (adminPort) may come in the next chunk.
      const match = /"msg":"listening","port":(\d+)[^\n]*\n/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', untilListening);
      if (options.keepOutput === false) {
        // Drained but not kept: the pipes must not fill.
        child.stderr.off('data', keep);
        child.stdout.resume();
        child.stderr.resume();
      } else {
        child.stdout.on('data', keep);
      }
      const port = Number(match[1]);
      const adminPort = /"msg":"listening".*?"adminPort":(\d+)/.exec(output)?.[1];
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        wsUrl: `ws://127.0.0.1:${port}/ws`,
        adminUrl: adminPort === undefined ? null : `http://127.0.0.1:${adminPort}`,
        pid: child.pid ?? -1,
        output: () => output,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(killer);
        },
        signal: (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
        exited,
      });
    };
    child.stderr.on('data', keep);
    child.stdout.on('data', untilListening);
  });
}
