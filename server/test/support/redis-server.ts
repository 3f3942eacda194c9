// A real redis-server for the registry's tests: Debian's package, on a free port, no persistence
// (nothing written to disk), stopped by its PID. Tests that need Redis fail, never skip, when it
// is not installed: .ci/run installs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RedisServer {
  /** redis://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The running server's PID (a restart has a new one). */
  pid: number;
  /** Stops it: SIGTERM, then SIGKILL if it has not exited within 3 s. */
  stop(): Promise<void>;
  /** Stops it if running, then starts a new one on the same port (empty: nothing persists). */
  restart(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3000;

/** The redis-server on PATH; throws saying how to install it when there is none. */
export function findRedisServer(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  throw new Error(
    "redis-server is not installed (not on PATH): the registry tests need a real Redis. Install Debian's package: apt-get install -y redis-server (.ci/run does)",
  );
}

/** A port free now (the OS picks it): bind port 0, read it, let it go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Starts redis-server on a free port and resolves once it answers PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  const port = await freePort();
  let child = await launch(binary, port);
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: pidOf(child),
    stop: () => stopChild(child),
    restart: async () => {
      await stopChild(child);
      child = await launch(binary, port);
      server.pid = pidOf(child);
    },
  };
  return server;
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('redis-server has no PID');
  return child.pid;
}

/** Children still running when the test process exits are killed (by PID) on the way out. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function launch(binary: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitedWith: string | null = null;
  child.once('exit', (code, signal) => {
    running.delete(child);
    exitedWith = signal ?? String(code);
  });
  child.once('error', (error) => {
    exitedWith = error.message;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answersPing(port))) {
    if (exitedWith !== null) {
      throw new Error(
        `redis-server on port ${port} exited (${exitedWith}) before answering:\n${output}`,
      );
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(
        `redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

/** One PING over a raw socket: true on +PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (isUp: boolean): void => {
      socket.destroy();
      resolve(isUp);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(killer);
}
