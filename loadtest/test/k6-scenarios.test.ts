import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Matchmaker } from '@tickwire/protocol';
import { buildK6Bundles } from '../k6/build.js';
import { arenaServerArgs } from '../src/bench/arena-server-args.js';
import { runSandboxProcess, type SandboxProcessResult } from '../src/k6-sandbox/spawn-sandbox.js';
import { SCENARIO_NAMES } from '../src/scenario/plans.js';
import type { LoadSummary } from '../src/scenario/summary.js';
import { startServer, type ServerProcess } from '../../server/src/process/spawn-server.js';
import {
  startChecksumCorruptingProxy,
  type CorruptingProxy,
} from './support/checksum-corrupting-proxy.js';

// The k6 scenarios as operators run them (`npm run build:k6`, then `k6 run loadtest/dist/X.js`),
// with the k6 sandbox standing in for k6 (which cannot run here): each bundle in a child process,
// in VUs that have k6's API and none of Node's, against the real server. Rooms hold three players,
// so six players need two rooms; every verifying player checks the server's view checksums.

/** A run that has not exited this long after its start is killed by its PID and fails the test. */
const RUN_DEADLINE_MS = 40_000;
/** The arena's tick rate in arenaServerArgs: a snapshot every 33 ms. */
const TICK_MS = 1000 / 30;

interface ScenarioRun extends SandboxProcessResult {
  summary: LoadSummary;
}

describe('the k6 scenarios, bundled and run in the k6 sandbox against a real server', () => {
  let server: ServerProcess;
  let dir: string;
  let bundleDir: string;
  let legacyBundleDir: string;
  let proxy: CorruptingProxy | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tickwire-k6-'));
    bundleDir = join(dir, 'dist');
    legacyBundleDir = join(dir, 'dist-legacy');
    const [started] = await Promise.all([
      startServer({
        args: [
          ...arenaServerArgs(11),
          ...['--max-players', '3'],
          // One address (the sandbox) stands in for many players, and drops them all at once.
          ...['--match-requests-per-sec', '0', '--max-detached-per-ip', '1000'],
        ],
      }),
      buildK6Bundles({ outDir: bundleDir }),
      buildK6Bundles({
        outDir: legacyBundleDir,
        scenarios: ['smoke'],
        isExperimentalWebSockets: true,
      }),
    ]);
    server = started;
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runScenario(
    name: string,
    env: Record<string, string>,
    options: { bundleDir?: string; flags?: string[] } = {},
  ): Promise<ScenarioRun> {
    const summaryPath = join(dir, `${name}-${Date.now()}.json`);
    const result = await runSandboxProcess({
      bundlePath: join(options.bundleDir ?? bundleDir, `${name}.js`),
      env: { TICKWIRE_URL: server.url, SUMMARY_JSON: summaryPath, ...env },
      flags: options.flags ?? [],
      timeoutMs: RUN_DEADLINE_MS,
    });
    if (result.signal !== null) throw new Error(`the sandbox was killed:\n${result.stderr}`);
    let summary: LoadSummary;
    try {
      summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as LoadSummary;
    } catch {
      throw new Error(`no JSON summary (exit ${result.exitCode}):\n${result.stderr}`);
    }
    return { ...result, summary };
  }

  /** What every healthy run shows: all thresholds held, exit 0, nothing kicked or desynced. */
  function expectHealthy(run: ScenarioRun, scenario: string, players: number): void {
    const failed = run.summary.thresholds.filter((t) => !t.ok);
    expect({ exitCode: run.exitCode, failed, kicks: run.summary.kicksByCode }, run.stderr).toEqual({
      exitCode: 0,
      failed: [],
      kicks: {},
    });
    const m = run.summary.metrics;
    expect(run.summary.scenario).toBe(scenario);
    expect(run.summary.passed).toBe(true);
    expect(m['tickwire_join_ms']?.['count']).toBe(players);
    expect(m['tickwire_join_failures']?.['count']).toBe(0);
    expect(m['tickwire_desyncs']?.['count']).toBe(0);
    expect(m['tickwire_resyncs']?.['count']).toBe(0);
    // Snapshots arrive at about the tick rate: the median gap is one tick.
    expect(m['tickwire_snapshot_interval_ms']?.['med']).toBeGreaterThan(TICK_MS * 0.75);
    expect(m['tickwire_snapshot_interval_ms']?.['med']).toBeLessThan(TICK_MS * 1.5);
    // At least a second of snapshots for every player, and a Ping answered for each.
    expect(m['tickwire_snapshots']?.['count']).toBeGreaterThan(players * 30);
    expect(m['tickwire_rtt_ms']?.['count']).toBeGreaterThanOrEqual(players);
    expect(run.stdout).toContain(`tickwire ${scenario}: PASSED`);
    expect(run.stdout).toMatch(/THRESHOLDS\n {2}✓ tickwire_join_ms p\(95\)</);
    expect(run.stdout).toContain('KICKS: none');
  }

  it('builds one self-contained ES module per scenario: only k6 modules imported, no eval path', () => {
    for (const name of SCENARIO_NAMES) {
      const source = readFileSync(join(bundleDir, `${name}.js`), 'utf8');
      const imported = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      expect(new Set(imported)).toEqual(
        new Set(['k6/execution', 'k6/metrics', 'k6/websockets', 'k6/timers', 'k6/http']),
      );
      expect(source).not.toMatch(/\bnew Function\s*\(|(?<![\w$])eval\s*\(/);
      expect(source).toMatch(/^export \{[^}]*\bas default\b[^}]*\};?$/m);
      expect(source).toMatch(/^export \{[^}]*\bhandleSummary\b[^}]*\boptions\b[^}]*\};?$/m);
    }
    const legacy = readFileSync(join(legacyBundleDir, 'smoke.js'), 'utf8');
    expect(legacy).toContain('import { WebSocket } from "k6/experimental/websockets";');
  });

  it('smoke: players join by quick play, play, and every threshold holds', async () => {
    const run = await runScenario('smoke', { PLAYERS: '3', DURATION: '2' });
    expectHealthy(run, 'smoke', 3);
    expect(run.summary).toMatchObject({
      description: '3 players join at once and play 2 s',
      url: server.url,
      game: 'arena',
    });
    expect(run.summary.durationS).toBeGreaterThanOrEqual(3);
    expect(run.summary.thresholds.map((t) => t.metric)).toContain('tickwire_kicks{code:4005}');
    expect(run.stderr).toContain('up to 1 VUs');
  });

  it('players: VUs of two players ramp up into two rooms', async () => {
    const matchmaker = new Matchmaker(server.url);
    let isRunning = true;
    let mostRooms = 0;
    let mostPlayers = 0;
    const running = runScenario('players', {
      PLAYERS: '6',
      PLAYERS_PER_VU: '2',
      RAMP: '1',
      DURATION: '2',
    }).finally(() => (isRunning = false));
    while (isRunning) {
      const rooms = (await matchmaker.listRooms('arena')).rooms.filter((r) => r.players > 0);
      mostRooms = Math.max(mostRooms, rooms.length);
      mostPlayers = Math.max(
        mostPlayers,
        rooms.reduce((n, r) => n + r.players, 0),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const run = await running;
    expectHealthy(run, 'players', 6);
    expect(run.stderr).toContain('up to 3 VUs');
    expect(mostPlayers).toBe(6);
    expect(mostRooms).toBeGreaterThanOrEqual(2);
  });

  it('reconnect-storm: every player drops at once and resumes as itself', async () => {
    const run = await runScenario('reconnect-storm', {
      PLAYERS: '4',
      PLAYERS_PER_VU: '2',
      RAMP: '1',
      DURATION: '4',
      STORM_EVERY: '2',
    });
    expectHealthy(run, 'reconnect-storm', 4);
    const m = run.summary.metrics;
    // Storms at 2 s and 4 s, each of all four players.
    const resumes = m['tickwire_resume_ms']?.['count'] ?? 0;
    expect(resumes).toBeGreaterThanOrEqual(4);
    expect(resumes % 4).toBe(0);
    expect(m['tickwire_resumed']).toEqual({ rate: 1, passes: resumes, fails: 0 });
  });

  it('soak (shortened): half the players verify, the rest only acknowledge', async () => {
    const run = await runScenario('soak', {
      PLAYERS: '2',
      RAMP: '1',
      DURATION: '2',
      VERIFY: '0.5',
    });
    expectHealthy(run, 'soak', 2);
  });

  it('spike (shortened): the VUs the spike added stop at once when it ends', async () => {
    const run = await runScenario('spike', {
      PLAYERS: '6',
      PLAYERS_PER_VU: '2',
      RAMP: '1',
      SETTLE: '1',
      SPIKE: '1',
      DURATION: '2',
    });
    // One VU (two players) before and after the spike, three at its top.
    expectHealthy(run, 'spike', 6);
    expect(run.stderr).toContain('up to 3 VUs');
    expect(run.stderr).toMatch(/done \([\d.]+s\): 1 complete and 2 interrupted iterations/);
  });

  it('a server whose checksums are wrong fails the desync threshold, and the run exits 99', async () => {
    proxy = await startChecksumCorruptingProxy(server.wsUrl);
    const run = await runScenario('smoke', {
      TICKWIRE_URL: proxy.wsUrl,
      PLAYERS: '2',
      DURATION: '2',
    });
    expect(proxy.corruptedSnapshots()).toBeGreaterThan(0);
    expect(run.exitCode, run.stderr).toBe(99);
    expect(run.summary.passed).toBe(false);
    expect(run.summary.metrics['tickwire_desyncs']?.['count']).toBeGreaterThan(0);
    expect(run.summary.thresholds).toContainEqual(
      expect.objectContaining({ metric: 'tickwire_desyncs', expression: 'count==0', ok: false }),
    );
    expect(run.stdout).toContain('tickwire smoke: FAILED');
    expect(run.stdout).toContain('✗ tickwire_desyncs count==0');
    expect(run.stderr).toContain("thresholds on metrics 'tickwire_desyncs'");
    expect(run.stderr).toMatch(/ChecksumMismatch|checksum/i);
  });

  it('counts a kick under its close code, read from the error event as k6 before v1.5 gives it (legacy build)', async () => {
    // Four players straight into the default room, which holds three: the fourth gets 4007.
    const run = await runScenario(
      'smoke',
      { TICKWIRE_URL: server.wsUrl, PLAYERS: '4', DURATION: '1' },
      { bundleDir: legacyBundleDir, flags: ['--legacy-k6'] },
    );
    expect(run.exitCode, run.stderr).toBe(99);
    expect(run.summary.kicksByCode).toEqual({ '4007': 1 });
    expect(run.summary.metrics['tickwire_join_failures']?.['count']).toBe(1);
    expect(run.summary.metrics['tickwire_join_ms']?.['count']).toBe(3);
    expect(run.stdout).toContain('KICKS by close code: 4007 ×1');
  });

  it("offers k6's globals and none of Node's: a bundle that touches one fails in its init context", async () => {
    const options =
      "export const options = { scenarios: { s: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '50ms', target: 1 }] } } };";
    const probe = join(dir, 'probe.js');
    writeFileSync(
      probe,
      `${options}
const names = ['Buffer', 'process', 'require', 'TextDecoder', 'TextEncoder', 'URL', 'fetch',
  'performance', 'structuredClone', 'setImmediate', 'queueMicrotask', 'global', 'module',
  'WebAssembly', '__ENV', '__VU', '__ITER', 'console', 'setTimeout', 'clearInterval'];
export default function () {}
export function handleSummary() {
  return { stdout: JSON.stringify(Object.fromEntries(names.map((n) => [n, typeof globalThis[n]]))) };
}
`,
    );
    const touching = ['Buffer.from("x")', 'process.env', 'require("node:fs")', 'new TextDecoder()'];
    const runs = await Promise.all([
      runSandboxProcess({ bundlePath: probe, env: {}, timeoutMs: RUN_DEADLINE_MS }),
      ...touching.map((expression, i) => {
        const path = join(dir, `touch-${i}.js`);
        writeFileSync(
          path,
          `${options}\nconst x = ${expression};\nexport default function () { return x; }\n`,
        );
        return runSandboxProcess({ bundlePath: path, env: {}, timeoutMs: RUN_DEADLINE_MS });
      }),
    ]);
    const [probeRun, ...touchRuns] = runs as [SandboxProcessResult, ...SandboxProcessResult[]];
    expect(probeRun.exitCode, probeRun.stderr).toBe(0);
    expect(JSON.parse(probeRun.stdout)).toEqual({
      Buffer: 'undefined',
      process: 'undefined',
      require: 'undefined',
      TextDecoder: 'undefined',
      TextEncoder: 'undefined',
      URL: 'undefined',
      fetch: 'undefined',
      performance: 'undefined',
      structuredClone: 'undefined',
      setImmediate: 'undefined',
      queueMicrotask: 'undefined',
      global: 'undefined',
      module: 'undefined',
      WebAssembly: 'undefined',
      __ENV: 'object',
      __VU: 'number',
      __ITER: 'number',
      console: 'object',
      setTimeout: 'function',
      clearInterval: 'function',
    });
    expect(touchRuns.map((r) => r.exitCode)).toEqual([107, 107, 107, 107]);
    expect(
      touchRuns.map((r) => /ReferenceError: (\w+) is not defined/.exec(r.stderr)?.[1]),
    ).toEqual(['Buffer', 'process', 'require', 'TextDecoder']);
  });
});
