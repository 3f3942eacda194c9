import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Matchmaker } from '@tickwire/protocol';
import type { LoadSummary } from '../src/scenario/summary.js';
import { planDurationS, scenarioPlan } from '../src/scenario/plans.js';
import { arenaServerArgs } from '../src/bench/arena-server-args.js';
import { startServer, type ServerProcess } from '../../server/src/process/spawn-server.js';

// `npm run loadtest` as an operator runs it (its entry, in its own process, with its own child
// generators) against the real server: matchmaking only (no direct joins), four players a room,
// so six players need two rooms. And against servers that do not play along: one that accepts
// the WebSocket and never says Welcome, and one that is not there.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('../src/swarm/main.ts', import.meta.url));
/** A run that has not exited this long after its start is killed and fails the test. */
const RUN_DEADLINE_MS = 40_000;

interface SwarmExit {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

interface SwarmRun extends SwarmExit {
  summary: LoadSummary;
}

/** The swarm's process while it runs. */
interface RunningSwarm {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Resolves once stderr has matched `pattern`. */
  stderrMatches(pattern: RegExp): Promise<void>;
  exited: Promise<SwarmExit>;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tickwire-swarm-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts the swarm's entry with `args` (killed by its PID past the deadline). */
function startSwarm(args: string[], env: Record<string, string> = {}): RunningSwarm {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', entry, ...args],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiting.filter((w) => w.pattern.test(stderr))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  const exited = new Promise<SwarmExit>((resolve, reject) => {
    const deadline = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`the swarm did not end within ${RUN_DEADLINE_MS} ms:\n${stderr}`));
    }, RUN_DEADLINE_MS);
    child.once('close', (exitCode) => {
      clearTimeout(deadline);
      resolve({ exitCode, stdout, stderr });
    });
  });
  return {
    child,
    exited,
    stderrMatches: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiting.push({ pattern, resolve })),
            exited.then(() => {
              throw new Error(`the swarm exited before stderr matched ${pattern}:\n${stderr}`);
            }),
          ]),
  };
}

/** Runs the swarm against `url` to its end and reads its JSON summary. */
async function runSwarm(
  name: string,
  url: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<SwarmRun> {
  const summaryPath = join(dir, `${name}.json`);
  const run = await startSwarm(['--url', url, '--summary', summaryPath, ...args], env).exited;
  try {
    return { ...run, summary: JSON.parse(readFileSync(summaryPath, 'utf8')) as LoadSummary };
  } catch (error) {
    throw new Error(`no summary (exit ${run.exitCode}): ${String(error)}\n${run.stderr}`, {
      cause: error,
    });
  }
}

describe('npm run loadtest (the Node swarm) against a real server', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      args: [
        ...arenaServerArgs(9),
        ...['--direct-join', 'false', '--max-players', '4'],
        // One address (the swarm) stands in for many players.
        ...['--match-requests-per-sec', '0'],
      ],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('smoke: players join through matchmaking, play, and every threshold holds', async () => {
    const run = await runSwarm('smoke', server.url, [
      ...['--scenario', 'smoke', '--players', '3', '--duration', '2'],
    ]);
    expect(run.stderr).not.toMatch(/generator \d+:/);
    expect(run.exitCode).toBe(0);
    expect(run.summary).toMatchObject({ scenario: 'smoke', passed: true, kicksByCode: {} });
    expect(run.summary.metrics['tickwire_join_ms']?.['count']).toBe(3);
    expect(run.summary.metrics['tickwire_snapshots']?.['count']).toBeGreaterThan(0);
    expect(run.summary.metrics['tickwire_desyncs']?.['count']).toBe(0);
    // The same report on stdout, and the progress line on stderr.
    expect(run.stdout).toMatch(/^tickwire smoke: PASSED/m);
    expect(run.stderr).toMatch(/\ds\/3s {2}players \d+\/\d+/);
  });

  it('players over two rooms from two generators: the summary merges both', async () => {
    const matchmaker = new Matchmaker(server.url);
    const seatedRooms = async (): Promise<number> =>
      (await matchmaker.listRooms('arena')).rooms.filter((r) => r.players > 0).length;
    // The last test's players have left; the listing says so within a heartbeat.
    for (let waitedMs = 0; (await seatedRooms()) > 0; waitedMs += 100) {
      if (waitedMs > 5000) throw new Error('the last test’s players are still listed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The rooms players sit in, seen while the run lasts.
    let mostRooms = 0;
    let isRunning = true;
    const watching = (async () => {
      while (isRunning) {
        mostRooms = Math.max(mostRooms, await seatedRooms());
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const run = await runSwarm('players', server.url, [
      ...['--scenario', 'players', '--players', '6', '--ramp', '1', '--duration', '2'],
      ...['--generators', '2'],
    ]).finally(() => {
      isRunning = false;
    });
    await watching;
    expect(run.exitCode).toBe(0);
    expect(run.summary.passed).toBe(true);
    // Three players from each generator, in rooms of four: two rooms at least.
    expect(run.summary.metrics['tickwire_join_ms']?.['count']).toBe(6);
    expect(run.summary.metrics['tickwire_join_failures']?.['count']).toBe(0);
    expect(mostRooms).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toMatch(/cpu \d+% \(2 gens, max \d+%\)/);
  });

  it('reconnect-storm: every player drops and resumes as itself', async () => {
    const run = await runSwarm(
      'storm',
      server.url,
      ['--scenario', 'reconnect-storm', '--players', '4', '--ramp', '1', '--duration', '3'],
      // One storm, at 2 s, with 2 s left for the resumes.
      { STORM_EVERY: '2' },
    );
    expect(run.exitCode).toBe(0);
    expect(run.summary.passed).toBe(true);
    expect(run.summary.metrics['tickwire_resumed']).toEqual({ rate: 1, passes: 4, fails: 0 });
    expect(run.summary.metrics['tickwire_resume_ms']?.['count']).toBe(4);
    expect(run.summary.kicksByCode).toEqual({});
  });

  it('--idle: players stand still, and the run passes', async () => {
    const run = await runSwarm('idle', server.url, [
      ...['--scenario', 'smoke', '--players', '3', '--duration', '2', '--idle'],
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.summary.passed).toBe(true);
    expect(run.summary.metrics['tickwire_join_ms']?.['count']).toBe(3);
    // Acknowledging only twice a second keeps every delta valid: the server never had to resend
    // a full view, and every player got its snapshots at the tick rate all along. (That an idle
    // player's inputs stand still is player.test.ts's.)
    expect(run.summary.metrics['tickwire_resyncs']?.['count']).toBe(0);
    expect(run.summary.metrics['tickwire_snapshot_interval_ms']?.['p(99)']).toBeLessThan(100);
    expect(run.summary.kicksByCode).toEqual({});
  });

  it('exits 1 when a threshold fails, and says which', async () => {
    const run = await runSwarm(
      'failing',
      server.url,
      ['--scenario', 'smoke', '--players', '2', '--duration', '1'],
      { MAX_RTT_P95_MS: '0.001' },
    );
    expect(run.exitCode).toBe(1);
    expect(run.summary.passed).toBe(false);
    expect(run.summary.thresholds.filter((t) => !t.ok)).toMatchObject([
      { metric: 'tickwire_rtt_ms', expression: 'p(95)<0.001' },
    ]);
    expect(run.stdout).toMatch(
      /FAILED \(1 of \d+ thresholds\)[\s\S]*✗ tickwire_rtt_ms p\(95\)<0\.001/,
    );
  });

  it('the first Ctrl-C ends the run early: players leave and the summary follows', async () => {
    const summaryPath = join(dir, 'interrupted.json');
    const swarm = startSwarm([
      ...['--url', server.url, '--summary', summaryPath],
      ...['--scenario', 'smoke', '--players', '3', '--duration', '60', '--generators', '2'],
    ]);
    await swarm.stderrMatches(/players 3\/3/);
    swarm.child.kill('SIGINT');
    const run = await swarm.exited;
    expect(run.stderr).toMatch(/stopping: players leave/);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^tickwire smoke: PASSED/m);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as LoadSummary;
    // Ended before its plan did (a 1 s ramp and a 60 s hold), on the Ctrl-C.
    expect(summary.durationS).toBeLessThan(
      planDurationS(scenarioPlan('smoke', { DURATION: '60' })),
    );
    expect(summary.metrics['tickwire_join_ms']?.['count']).toBe(3);
    expect(summary.metrics['tickwire_kicks']?.['count']).toBe(0);
  });
});

describe('npm run loadtest against servers that do not play along', () => {
  it('a server that never says Welcome: the run ends, each pending join a failure, exit 1', async () => {
    // Accepts the WebSocket (and the tickwire subprotocol), reads the Hello, answers nothing.
    const hostile = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => [...protocols][0] ?? false,
    });
    await once(hostile, 'listening');
    const hellos: number[] = [];
    hostile.on('connection', (socket) => socket.on('message', () => hellos.push(1)));
    try {
      const { port } = hostile.address() as AddressInfo;
      const run = await runSwarm('hostile', `ws://127.0.0.1:${port}/ws`, [
        ...['--scenario', 'smoke', '--players', '3', '--duration', '1'],
      ]);
      expect(hellos.length).toBeGreaterThanOrEqual(3);
      expect(run.exitCode).toBe(1);
      expect(run.summary.passed).toBe(false);
      expect(run.summary.metrics['tickwire_join_failures']?.['count']).toBe(3);
      expect(run.summary.metrics['tickwire_join_ms']?.['count']).toBe(0);
      expect(run.stderr).toMatch(/no Welcome by the end of the run/);
    } finally {
      for (const socket of hostile.clients) socket.terminate();
      await new Promise((resolve) => hostile.close(resolve));
    }
  });

  it('an unreachable server: the first refusal is told at once, and once', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const args = ['--scenario', 'smoke', '--players', '3', '--duration', '2', '--generators', '2'];
    /** The lines of `stderr` that hold `text`, each told before the second progress line. */
    const toldOnce = (stderr: string, text: string): string => {
      const lines = stderr.split('\n').filter((line) => line.includes(text));
      expect(lines).toHaveLength(1);
      // At once: not when quick play gives up (15 s) or the run ends (3 s).
      expect(stderr.indexOf(text)).toBeLessThan(stderr.indexOf('2s/3s'));
      return lines[0] ?? '';
    };

    const matchmaking = await runSwarm('unreachable', `http://127.0.0.1:${port}`, args);
    expect(matchmaking.exitCode).toBe(1);
    expect(matchmaking.summary.metrics['tickwire_join_failures']?.['count']).toBe(3);
    expect(toldOnce(matchmaking.stderr, 'no seat yet')).toMatch(
      /Cannot reach matchmaking at http:\/\/127\.0\.0\.1:\d+/,
    );

    // Straight to a process: every connect is refused, and the cause is told once.
    const direct = await runSwarm('unreachable-ws', `ws://127.0.0.1:${port}/ws`, args);
    expect(direct.exitCode).toBe(1);
    expect(direct.summary.metrics['tickwire_join_failures']?.['count']).toBeGreaterThanOrEqual(3);
    expect(toldOnce(direct.stderr, 'join failed')).toMatch(/ECONNREFUSED/);
  });

  it('a bad option: one line naming the flag, no stack, exit 2', async () => {
    const run = await startSwarm(['--players', 'abc']).exited;
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'loadtest: --players: not a valid value: "abc"; --help lists the options\n',
    );
    const fromEnv = await startSwarm([], { VERIFY: '5' }).exited;
    expect(fromEnv.exitCode).toBe(2);
    expect(fromEnv.stderr).toMatch(/^loadtest: VERIFY: not a valid value: "5"/);
  });
});
