import { createServer } from 'node:net';
import { startServer, type ServerProcess } from '../../../server/src/process/spawn-server.js';
// The registry tests' real redis-server (Debian's package on a free port, no persistence, stopped
// by its PID); client/test/browser imports it from there too.
import { startRedisServer, type RedisServer } from '../../../server/test/support/redis-server.js';

/** One worker of the cluster, as the load test reaches it. */
export interface WorkerEndpoint {
  index: number;
  /** Matchmaking and the game: http://127.0.0.1:PORT */
  httpUrl: string;
  /** What matchmaking answers for rooms here: ws://127.0.0.1:PORT/ws */
  wsUrl: string;
  /** /metrics and /healthz: http://127.0.0.1:ADMIN_PORT */
  adminUrl: string;
}

export interface Cluster {
  redis: RedisServer;
  supervisor: ServerProcess;
  workers: WorkerEndpoint[];
  /** The workers' PIDs as the supervisor logged them (empty if it did not). */
  workerPids: number[];
  /** Stops the supervisor (which stops its workers), then any worker left, then Redis; by PID. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  workers: number;
  /** First game port (worker i on port + i); null: a free run of ports. */
  port: number | null;
  /** First operator port; null: a free run of ports. */
  adminPort: number | null;
  /** The server options every worker runs with (after --workers, ports and --redis). */
  serverArgs: string[];
}

const READY_TIMEOUT_MS = 30_000;

/**
 * A real cluster as an operator runs one: Debian's redis-server, and `--workers N` (the
 * supervisor) started through the server's spawner, which forks the workers on consecutive
 * ports. Resolves once every worker's operator port answers /healthz; on any failure what was
 * started is stopped before it rejects.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const port = options.port ?? (await freePortRun(options.workers));
  const adminPort = options.adminPort ?? (await freePortRun(options.workers, [port]));
  const redis = await startRedisServer();
  let supervisor: ServerProcess;
  try {
    supervisor = await startServer({
      args: [
        '--static',
        '',
        '--workers',
        String(options.workers),
        '--port',
        String(port),
        '--admin-port',
        String(adminPort),
        '--redis',
        redis.url,
        ...options.serverArgs,
      ],
      // Kept: the supervisor's "worker started" lines name the PIDs (logged before any worker
      // listens), and a failure is reported with what the workers said.
      keepOutput: true,
    });
  } catch (error) {
    await redis.stop();
    throw error;
  }
  const workerPids = [...supervisor.output().matchAll(/"msg":"worker started"[^\n]*?"pid":(\d+)/g)]
    .map((m) => Number(m[1]))
    .filter((pid) => pid > 0);
  const workers = Array.from({ length: options.workers }, (_, index) => ({
    index,
    httpUrl: `http://127.0.0.1:${port + index}`,
    wsUrl: `ws://127.0.0.1:${port + index}/ws`,
    adminUrl: `http://127.0.0.1:${adminPort + index}`,
  }));
  let isStopped = false;
  const stop = async (): Promise<void> => {
    if (isStopped) return;
    isStopped = true;
    await supervisor.stop();
    // The spawner SIGKILLs a supervisor that has not exited within 3 s, which leaves its workers
    // running (a supervisor that exited itself has stopped them: their PIDs are not touched).
    const { signal } = await supervisor.exited;
    if (signal === 'SIGKILL') for (const pid of workerPids) killIfAlive(pid);
    await redis.stop();
  };
  try {
    await Promise.all(workers.map((w) => waitForHealthz(w.adminUrl, supervisor)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { redis, supervisor, workers, workerPids, stop };
}

async function waitForHealthz(adminUrl: string, supervisor: ServerProcess): Promise<void> {
  const deadlineMs = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${adminUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadlineMs) {
      throw new Error(
        `${adminUrl}/healthz did not answer within ${READY_TIMEOUT_MS} ms; the supervisor said:\n${supervisor.output().slice(-4000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone (the usual case).
  }
}

/**
 * The first of `count` consecutive ports free now on 127.0.0.1, away from `avoid` runs. Workers
 * listen exclusively: if one is taken before a worker binds it, the worker fails with a clear
 * error rather than sharing it.
 */
async function freePortRun(count: number, avoid: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 30_000);
    if (avoid.some((a) => Math.abs(a - first) < count + 1)) continue;
    let isFree = true;
    for (let i = 0; i < count && isFree; i++) isFree = await canBind(first + i);
    if (isFree) return first;
  }
  throw new Error(`no ${count} consecutive free ports found on 127.0.0.1`);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
