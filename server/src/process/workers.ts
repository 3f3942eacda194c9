import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../log.js';

/** Restarts of a worker that keeps crashing wait this long at most. */
const MAX_RESPAWN_DELAY_MS = 10_000;
/** A worker that ran this long before it crashed is restarted at once. */
const STABLE_RUN_MS = 30_000;
/** Workers still running this long after --drain-ms, once told to stop, are killed. */
const STOP_GRACE_MS = 5000;

/**
 * What a worker sends the supervisor over the IPC channel of fork() once it listens (main.ts).
 * The supervisor waits for it, not for a delay, before it calls the start done or moves on to the
 * next worker of a rolling restart.
 */
export interface WorkerListening {
  type: 'listening';
  port: number;
  processId: string;
}

function isWorkerListening(message: unknown): message is WorkerListening {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  return (
    m['type'] === 'listening' && typeof m['port'] === 'number' && typeof m['processId'] === 'string'
  );
}

interface Worker {
  index: number;
  port: number;
  adminPort: number | null;
  child: ChildProcess | null;
  /** The current child has said it listens. */
  isListening: boolean;
  /** The port its last child said it listens on (--port + i, or the OS's pick for --port 0). */
  listeningPort: number;
  startedAtMs: number;
  crashes: number;
  respawnTimer: NodeJS.Timeout | null;
  /** Resolved with true when the worker's next child listens, false when the supervisor stops. */
  waiters: ((isListening: boolean) => void)[];
}

type Phase = 'starting' | 'running' | 'stopping';

/**
 * `--workers N`: N server processes on one machine, each a full tickwire server on its own port
 * (--port, --port + 1, ...; the operator port likewise), listening exclusively, sharing one Redis
 * registry. This process only supervises:
 * - start: it is done when every worker has said it listens; a worker that exits before (its
 *   port is in use, say) fails the start: the others are stopped and this process exits 1, rather
 *   than starting it again and again;
 * - after that, a worker that crashes is started again (with backoff if it keeps crashing), and a
 *   worker that exits 0 after SIGTERM (a rolling restart of that worker: its players moved to the
 *   others) is started again at once;
 * - SIGTERM or SIGINT here passes the signal on (SIGTERM drains) and exits 0 once every worker
 *   has exited, killing any still running --drain-ms + 5 s later;
 * - SIGHUP here restarts the workers one at a time (new code after a build), each waiting for the
 *   previous one's successor to listen.
 */
export async function runWorkers(
  config: ServerConfig,
  argv: readonly string[],
  log: Logger,
  /** Called once, when every worker listens for the first time, with their ports in order. */
  onAllListening: (ports: readonly number[]) => void = () => {},
): Promise<void> {
  const count = config.workers === 0 ? availableParallelism() : config.workers;
  if (count > 1 && config.redisUrl === '') {
    throw new Error(
      `--workers ${count} needs --redis redis://host:port: the processes share their rooms through Redis ` +
        '(install it with `apt-get install redis-server`, or run one process without --workers)',
    );
  }
  if (count > 1 && config.port === 0) {
    throw new Error('--workers needs a fixed --port: worker i listens on --port + i');
  }
  // The workers run what this process runs, the same way: dist/main.js under node, or
  // src/main.ts under `node --conditions=source --import tsx` (the tests), flags included.
  const entry = process.argv[1];
  if (entry === undefined) throw new Error('cannot tell which script to run the workers from');
  const baseArgs = withoutFlags(argv, ['--workers', '--port', '--admin-port']);
  const workers: Worker[] = Array.from({ length: count }, (_, index) => ({
    index,
    port: config.port + index,
    adminPort: config.adminPort === null ? null : config.adminPort + index,
    child: null,
    isListening: false,
    listeningPort: config.port + index,
    startedAtMs: 0,
    crashes: 0,
    respawnTimer: null,
    waiters: [],
  }));
  let phase: Phase = 'starting';
  let hasFailedStart = false;
  // A function, not `phase` itself: TypeScript keeps a narrowed `phase` across an await.
  const isStopping = (): boolean => phase === 'stopping';

  const onListening = (worker: Worker, child: ChildProcess, message: WorkerListening): void => {
    if (isStopping()) return;
    worker.isListening = true;
    worker.listeningPort = message.port;
    if (phase === 'starting') {
      if (workers.every((w) => w.isListening)) {
        phase = 'running';
        const ports = workers.map((w) => w.listeningPort);
        log.info('workers listening', {
          workers: count,
          urls: ports.map((port) => `http://localhost:${port}`),
          pids: workers.map((w) => w.child?.pid ?? null),
        });
        onAllListening(ports);
      }
    } else {
      log.info('worker listening again', {
        worker: worker.index,
        pid: child.pid,
        port: message.port,
        process: message.processId,
      });
    }
    for (const resolve of worker.waiters.splice(0)) resolve(true);
  };

  const onExit = (worker: Worker, code: number | null, signal: NodeJS.Signals | null): void => {
    const hadListened = worker.isListening;
    worker.child = null;
    worker.isListening = false;
    if (isStopping()) return;
    if (phase === 'starting' && !hadListened) {
      // One failure fails the start: others exiting meanwhile add nothing.
      if (!hasFailedStart) void failStart(worker, code, signal);
      hasFailedStart = true;
      return;
    }
    // Exit 0 after listening is a drained worker (a rolling restart): start it again at once.
    const isDrained = code === 0 && hadListened;
    const ranMs = Date.now() - worker.startedAtMs;
    worker.crashes = isDrained || ranMs > STABLE_RUN_MS ? 0 : worker.crashes + 1;
    const delayMs =
      worker.crashes === 0 ? 0 : Math.min(MAX_RESPAWN_DELAY_MS, 500 * 2 ** worker.crashes);
    log[isDrained ? 'info' : 'warn']('worker exited: starting it again', {
      worker: worker.index,
      port: worker.port,
      code,
      signal,
      inMs: delayMs,
    });
    worker.respawnTimer = setTimeout(() => {
      worker.respawnTimer = null;
      if (!isStopping()) spawnWorker(worker);
    }, delayMs);
  };

  const spawnWorker = (worker: Worker): void => {
    const args = [...baseArgs, '--workers', '1', '--port', String(worker.port)];
    if (worker.adminPort !== null) args.push('--admin-port', String(worker.adminPort));
    const child = fork(entry, args, { execArgv: process.execArgv, stdio: 'inherit' });
    worker.child = child;
    worker.isListening = false;
    worker.startedAtMs = Date.now();
    log.info('worker started', { worker: worker.index, pid: child.pid, port: worker.port });
    child.on('message', (message) => {
      if (worker.child === child && isWorkerListening(message)) onListening(worker, child, message);
    });
    child.on('error', (error) =>
      log.error('worker process error', { worker: worker.index, error: error.message }),
    );
    child.once('exit', (code, signal) => onExit(worker, code, signal));
  };

  const exited = (worker: Worker): Promise<void> =>
    new Promise((resolve) => {
      const child = worker.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });

  const stopAll = async (signal: NodeJS.Signals, exitCode: number): Promise<void> => {
    if (isStopping()) return;
    phase = 'stopping';
    log.info('stopping the workers', { signal });
    for (const worker of workers) {
      if (worker.respawnTimer) clearTimeout(worker.respawnTimer);
      for (const resolve of worker.waiters.splice(0)) resolve(false);
      worker.child?.kill(signal);
    }
    const killer = setTimeout(() => {
      const left = workers.filter((w) => w.child !== null);
      log.warn('workers still running after the deadline: killing them', {
        workers: left.map((w) => w.index),
      });
      for (const worker of left) worker.child?.kill('SIGKILL');
    }, config.drainMs + STOP_GRACE_MS);
    await Promise.all(workers.map(exited));
    clearTimeout(killer);
    log.info('all workers stopped', { exitCode });
    process.exit(exitCode);
  };

  const failStart = async (
    worker: Worker,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): Promise<void> => {
    // The worker logged its own error; this line says which worker and port failed the start,
    // and whether another program holds its port (the usual cause).
    const binds = [{ host: config.host, port: worker.port }];
    if (worker.adminPort !== null) {
      binds.push({ host: config.adminHost || config.host, port: worker.adminPort });
    }
    const problems: string[] = [];
    for (const { host, port } of binds) {
      const problem = await bindProblem(host, port);
      if (problem !== null) problems.push(problem);
    }
    const how = signal === null ? `with code ${code}` : `on ${signal}`;
    log.error('a worker could not start: stopping the others', {
      worker: worker.index,
      port: worker.port,
      error:
        `worker ${worker.index} (port ${worker.port}) exited ${how} before listening: ` +
        (problems.length > 0 ? problems.join('; ') : 'see its error above'),
    });
    // Nobody plays yet: stop at once rather than drain.
    await stopAll('SIGINT', 1);
  };

  /** Restarts the workers one at a time; cut short if the supervisor stops meanwhile. */
  const rollingRestart = async (): Promise<void> => {
    log.info('rolling restart of the workers', { workers: count });
    for (const worker of workers) {
      const child = worker.child;
      // A worker on its way back runs the new code anyway.
      if (!child || !worker.isListening) continue;
      const back = new Promise<boolean>((resolve) => worker.waiters.push(resolve));
      child.kill('SIGTERM');
      if (!(await back)) return;
    }
    log.info('rolling restart done');
  };

  for (const worker of workers) spawnWorker(worker);
  process.on('SIGTERM', () => void stopAll('SIGTERM', 0));
  process.on('SIGINT', () => void stopAll('SIGINT', 0));
  let isRolling = false;
  process.on('SIGHUP', () => {
    if (phase !== 'running' || isRolling) {
      log.warn('SIGHUP ignored: the workers are starting, stopping or already restarting');
      return;
    }
    isRolling = true;
    void rollingRestart().finally(() => {
      isRolling = false;
    });
  });
  await new Promise<never>(() => {
    // The supervisor runs until a signal, or a failed start, ends it.
  });
}

/** Why `host:port` cannot be bound now (null: it can), e.g. "port 8081 is in use". */
function bindProblem(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'EADDRINUSE' ? `port ${port} is in use` : `port ${port}: ${error.message}`,
      ),
    );
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** `argv` without the given flags and their values (`--flag value` and `--flag=value`). */
function withoutFlags(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const flag = flags.find((f) => arg === f || arg.startsWith(`${f}=`));
    if (flag === undefined) out.push(arg);
    else if (arg === flag) i++;
  }
  return out;
}
