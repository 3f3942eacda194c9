import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadSummary } from '../src/scenario/summary.js';
import { arenaServerArgs } from '../src/bench/arena-server-args.js';
import { startServer, type ServerProcess } from '../../server/src/process/spawn-server.js';

// `npm run loadtest` as an operator runs it (its entry, in its own process, with its own child
// generators) against the real server: matchmaking only (no direct joins), four players a room,
// so six players need two rooms.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('../src/swarm/main.ts', import.meta.url));
/** A run that has not exited this long after its start is killed and fails the test. */
const RUN_DEADLINE_MS = 40_000;

interface SwarmRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  summary: LoadSummary;
}

describe('npm run loadtest (the Node swarm) against a real server', () => {
  let server: ServerProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tickwire-swarm-'));
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
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the swarm's entry to its end (killed by its PID past the deadline). */
  function runSwarm(name: string, args: string[], env: Record<string, string> = {}) {
    const summaryPath = join(dir, `${name}.json`);
    const child = spawn(
      process.execPath,
      [
        ...['--conditions=source', '--import', 'tsx', entry],
        ...['--url', server.url, '--summary', summaryPath, ...args],
      ],
      { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<SwarmRun>((resolve, reject) => {
      const deadline = setTimeout(() => {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        reject(new Error(`the swarm did not end within ${RUN_DEADLINE_MS} ms:\n${stderr}`));
      }, RUN_DEADLINE_MS);
      child.once('exit', (exitCode) => {
        clearTimeout(deadline);
        try {
          const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as LoadSummary;
          resolve({ exitCode, stdout, stderr, summary });
        } catch (error) {
          reject(new Error(`no summary (exit ${exitCode}): ${String(error)}\n${stderr}`));
        }
      });
    });
  }

  it('smoke: players join through matchmaking, play, and every threshold holds', async () => {
    const run = await runSwarm('smoke', [
      '--scenario',
      'smoke',
      '--players',
      '3',
      '--duration',
      '2',
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
    const run = await runSwarm('players', [
      ...['--scenario', 'players', '--players', '6', '--ramp', '1', '--duration', '2'],
      ...['--generators', '2'],
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.summary.passed).toBe(true);
    // Three players from each generator, in rooms of four: two rooms at least.
    expect(run.summary.metrics['tickwire_join_ms']?.['count']).toBe(6);
    expect(run.summary.metrics['tickwire_join_failures']?.['count']).toBe(0);
    expect(run.stderr).toMatch(/cpu \d+% \(2 gens, max \d+%\)/);
  });

  it('reconnect-storm: every player drops and resumes as itself', async () => {
    const run = await runSwarm(
      'storm',
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

  it('exits 1 when a threshold fails, and says which', async () => {
    const run = await runSwarm(
      'failing',
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
});
