import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@tickwire/protocol';
import { TestClient, waitFor } from './support/test-client.js';
import { quickPlay } from './support/matchmaking.js';
import type { MatchAnswer } from '@tickwire/protocol';
import { freePort, startRedisServer, type RedisServer } from './support/redis-server.js';

// `npm start -- --workers N` as an operator runs it: the real supervisor (process/workers.ts)
// forking real server processes from the TypeScript sources, on consecutive ports, sharing a real
// Redis. A start fails as a whole (exit 1, nothing left running) when a worker cannot listen; a
// worker drained by SIGTERM comes back on its port; SIGTERM to the supervisor drains them all.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverEntry = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const HOST = '127.0.0.1';
/** Long enough for a few workers to start on a busy two-core machine. */
const START_TIMEOUT_MS = 45_000;
const EXIT_TIMEOUT_MS = 30_000;

const ARGS = [
  ...['--host', HOST, '--static', '', '--direct-join', 'false'],
  ...['--max-players', '2', '--pellets', '0', '--drain-ms', '3000'],
];

/** One JSON log line, as pino writes it. */
interface LogRecord {
  msg: string;
  [field: string]: unknown;
}

interface Supervisor {
  child: ChildProcess;
  /** Every log line so far: the supervisor's and its workers' (they share its stdout). */
  records: LogRecord[];
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The PIDs of every worker the supervisor has started. */
  workerPids(): number[];
  /** The latest worker started on `port`. */
  workerPid(port: number): number;
  /** Resolves with the first log line that satisfies `match`. */
  waitForRecord(
    match: (r: LogRecord) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<LogRecord>;
}

const supervisors: Supervisor[] = [];
const clients: TestClient[] = [];

/** Runs `node --conditions=source --import tsx server/src/main.ts ...args`, as spawn-server does. */
function startSupervisor(args: string[]): Supervisor {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', serverEntry, ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let partial = '';
  const records: LogRecord[] = [];
  const read = (chunk: Buffer): void => {
    output += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const record = JSON.parse(line) as unknown;
        if (typeof record === 'object' && record !== null && 'msg' in record) {
          records.push(record as LogRecord);
        }
      } catch {
        // Not a log line (a usage text, a Node warning): kept in `output` only.
      }
    }
  };
  child.stdout?.on('data', read);
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = (): LogRecord[] => records.filter((r) => r.msg === 'worker started');
  const supervisor: Supervisor = {
    child,
    records,
    output: () => output,
    exited,
    workerPids: () => started().map((r) => r['pid'] as number),
    workerPid: (port) => {
      const pid = started()
        .filter((r) => r['port'] === port)
        .at(-1)?.['pid'];
      if (typeof pid !== 'number') throw new Error(`no worker started on port ${port}:\n${output}`);
      return pid;
    },
    waitForRecord: async (match, what, timeoutMs = START_TIMEOUT_MS) => {
      await waitFor(
        () => {
          if (records.some(match)) return true;
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`the supervisor exited before ${what}:\n${output}`);
          }
          return false;
        },
        what,
        timeoutMs,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${output}`);
      });
      return records.find(match) as LogRecord;
    },
  };
  supervisors.push(supervisor);
  return supervisor;
}

/** Resolves with `promise`, or rejects naming `what` after `timeoutMs`. */
async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Listens on HOST:port with a plain net server (exclusively), or rejects if it cannot. */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: HOST, port, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function isFree(port: number): Promise<boolean> {
  try {
    await close(await occupy(port));
    return true;
  } catch {
    return false;
  }
}

/** The first of `count` consecutive ports free now. */
async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await freePort();
    if (first + count - 1 > 65_535) continue;
    let isRunFree = true;
    for (let i = 1; i < count && isRunFree; i++) isRunFree = await isFree(first + i);
    if (isRunFree) return first;
  }
  throw new Error(`found no ${count} consecutive free ports`);
}

/** A PID that is still one of our server processes (not exited, not reused by another program). */
function isServerProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(serverEntry);
  } catch {
    return false;
  }
}

async function health(port: number): Promise<{ status: string; process: string }> {
  const response = await fetch(`http://${HOST}:${port}/healthz`);
  return (await response.json()) as { status: string; process: string };
}

/** Plays `answer`'s seat with a real protocol client. */
async function join(answer: MatchAnswer, name: string): Promise<TestClient> {
  const client = new TestClient(answer.url);
  clients.push(client);
  await client.join(name, null, answer.seat);
  return client;
}

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  for (const supervisor of supervisors) {
    const { child } = supervisor;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await supervisor.exited;
      clearTimeout(killer);
    }
    // A worker outliving its supervisor (killed above) is stopped by its PID.
    for (const pid of supervisor.workerPids()) {
      if (isServerProcess(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  await redis?.stop();
});

describe('--workers 2 with Redis', () => {
  let port: number;
  let supervisor: Supervisor;
  const url = (p: number): string => `http://${HOST}:${p}`;
  const wsUrl = (p: number): string => `ws://${HOST}:${p}/ws`;

  beforeAll(async () => {
    port = await freePorts(2);
    supervisor = startSupervisor([
      ...ARGS,
      '--workers',
      '2',
      '--port',
      String(port),
      '--redis',
      redis.url,
    ]);
    await supervisor.waitForRecord((r) => r.msg === 'workers listening', 'every worker listening');
  });

  it('runs one process per port, names both URLs, and seats quick-play players on either', async () => {
    const listening = supervisor.records.find((r) => r.msg === 'workers listening');
    expect(listening?.['urls']).toEqual([
      `http://localhost:${port}`,
      `http://localhost:${port + 1}`,
    ]);
    const [a, b] = await Promise.all([health(port), health(port + 1)]);
    expect([a.status, b.status]).toEqual(['ok', 'ok']);
    expect(a.process).not.toBe(b.process);

    const answers: MatchAnswer[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await quickPlay(url(port + (i % 2)));
      const client = await join(answer, `worker-player-${i}`);
      expect(client.welcome).not.toBeNull();
      answers.push(answer);
    }
    // Asked of the other process, the second player still gets the first one's room: the
    // workers share one registry. Rooms of two: the second room opens on the other process.
    expect(answers[1]?.room.id).toBe(answers[0]?.room.id);
    expect(answers[3]?.room.id).toBe(answers[2]?.room.id);
    expect(new Set(answers.map((x) => x.url))).toEqual(new Set([wsUrl(port), wsUrl(port + 1)]));
  });

  it('a worker given SIGTERM drains (its player closed with 4016) and comes back on its port', async () => {
    const answer = await quickPlay(url(port));
    const player = await join(answer, 'restarted');
    const victimPort = Number(new URL(answer.url).port);
    const otherPort = victimPort === port ? port + 1 : port;
    const victimPid = supervisor.workerPid(victimPort);
    const [before, other] = await Promise.all([health(victimPort), health(otherPort)]);

    process.kill(victimPid, 'SIGTERM');
    await waitFor(() => player.closeCode !== null, 'the player closed');
    expect(player.closeCode).toBe(CloseCode.ServerRestarting);
    const back = await supervisor.waitForRecord(
      (r) => r.msg === 'worker listening again' && r['port'] === victimPort,
      'the worker listening again',
    );
    expect(back['pid']).not.toBe(victimPid);
    expect(back['process']).not.toBe(before.process);
    expect((await health(victimPort)).process).toBe(back['process']);
    // Exit 0 (drained) is no crash: started again at once.
    const exit = supervisor.records.find(
      (r) => r.msg === 'worker exited: starting it again' && r['port'] === victimPort,
    );
    expect(exit).toMatchObject({ code: 0, signal: null, inMs: 0 });
    expect(isServerProcess(victimPid)).toBe(false);
    // The supervisor and the other worker run on untouched.
    expect(supervisor.child.exitCode).toBeNull();
    expect((await health(otherPort)).process).toBe(other.process);
    const replay = await join(await quickPlay(url(victimPort)), 'after-restart');
    expect(replay.welcome).not.toBeNull();
  });

  it('SIGHUP restarts the workers one at a time, each after the previous one listens again', async () => {
    const from = supervisor.records.length;
    const before = await Promise.all([health(port), health(port + 1)]);
    supervisor.child.kill('SIGHUP');
    await supervisor.waitForRecord(
      (r) => supervisor.records.indexOf(r) >= from && r.msg === 'rolling restart done',
      'the rolling restart done',
    );
    const roll = supervisor.records.slice(from);
    const at = (msg: string, workerPort: number): number =>
      roll.findIndex((r) => r.msg === msg && r['port'] === workerPort);
    // Worker 1 was asked to stop only once worker 0's successor listened: one was always up.
    expect(at('worker listening again', port)).toBeGreaterThanOrEqual(0);
    expect(at('worker exited: starting it again', port + 1)).toBeGreaterThan(
      at('worker listening again', port),
    );
    const after = await Promise.all([health(port), health(port + 1)]);
    expect(after[0].process).not.toBe(before[0].process);
    expect(after[1].process).not.toBe(before[1].process);
    expect(supervisor.child.exitCode).toBeNull();
  });

  it('SIGTERM to the supervisor drains every worker, then it exits 0 and frees the ports', async () => {
    const stoppedFrom = supervisor.records.length;
    const pids = supervisor.workerPids();
    supervisor.child.kill('SIGTERM');
    expect(await within(supervisor.exited, EXIT_TIMEOUT_MS, 'the supervisor exiting')).toEqual({
      code: 0,
      signal: null,
    });
    const after = supervisor.records.slice(stoppedFrom);
    expect(after.filter((r) => r.msg === 'draining for a restart')).toHaveLength(2);
    expect(after.filter((r) => r.msg === 'drained')).toHaveLength(2);
    expect(after.some((r) => r.msg === 'all workers stopped')).toBe(true);
    expect(pids.filter(isServerProcess)).toEqual([]);
    expect(await isFree(port)).toBe(true);
    expect(await isFree(port + 1)).toBe(true);
  });
});

describe('a start that cannot succeed', () => {
  it('a worker whose port is in use fails the start: exit 1 naming the port, no worker left', async () => {
    const port = await freePorts(2);
    const blocker = await occupy(port + 1);
    try {
      const supervisor = startSupervisor([
        ...ARGS,
        ...['--workers', '2', '--port', String(port), '--redis', redis.url],
      ]);
      const { code } = await within(supervisor.exited, START_TIMEOUT_MS, 'the supervisor exiting');
      expect(code, supervisor.output()).toBe(1);
      const failure = supervisor.records.find(
        (r) => r.msg === 'a worker could not start: stopping the others',
      );
      expect(failure).toMatchObject({ worker: 1, port: port + 1 });
      expect(failure?.['error']).toContain(`port ${port + 1} is in use`);
      // Started once, not again and again.
      expect(supervisor.workerPids()).toHaveLength(2);
      expect(supervisor.workerPids().filter(isServerProcess)).toEqual([]);
      expect(await isFree(port)).toBe(true);
    } finally {
      await close(blocker);
    }
  });

  it('--workers 3 without --redis exits 2 saying Redis is needed', async () => {
    const port = await freePorts(3);
    const supervisor = startSupervisor([...ARGS, '--workers', '3', '--port', String(port)]);
    const { code } = await within(supervisor.exited, START_TIMEOUT_MS, 'the supervisor exiting');
    expect(code).toBe(2);
    expect(supervisor.output()).toContain('--workers 3 needs --redis redis://host:port');
    expect(supervisor.workerPids()).toEqual([]);
  });

  it('--workers 2 with --port 0 exits 2 asking for a fixed port', async () => {
    const supervisor = startSupervisor([
      ...ARGS,
      ...['--workers', '2', '--port', '0', '--redis', redis.url],
    ]);
    const { code } = await within(supervisor.exited, START_TIMEOUT_MS, 'the supervisor exiting');
    expect(code).toBe(2);
    expect(supervisor.output()).toContain('--workers needs a fixed --port');
    expect(supervisor.workerPids()).toEqual([]);
  });
});
