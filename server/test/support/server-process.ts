import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/ws */
  wsUrl: string;
  pid: number;
  /** Everything the server printed (JSON log lines). */
  output(): string;
  /** Stops the server by its PID (SIGTERM, then SIGKILL after 3 s). */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Pin the server to this CPU core with taskset (the benchmark keeps it off the generator's). */
  core?: number | null;
  /** Extra Node flags for the server process, e.g. ['--cpu-prof']. */
  nodeArgs?: string[];
}

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const serverEntry = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/**
 * Starts the real server (real uWebSockets.js, real port) as a child process on an ephemeral
 * port, from its TypeScript sources, and resolves once it logs "listening".
 */
export function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  const node = [
    process.execPath,
    ...(options.nodeArgs ?? []),
    '--conditions=source',
    '--import',
    'tsx',
    serverEntry,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    ...(options.args ?? []),
  ];
  const core = options.core ?? null;
  const [command, ...rest] = core === null ? node : ['taskset', '-c', String(core), ...node];
  const child: ChildProcess = spawn(command as string, rest, {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"msg":"listening","port":(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      const port = Number(match[1]);
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        wsUrl: `ws://127.0.0.1:${port}/ws`,
        pid: child.pid ?? -1,
        output: () => output,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}
