import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { Matchmaker } from '@tickwire/protocol';
import { buildK6Bundles, parseBuildArgs } from '../k6/build.js';
import { arenaServerArgs } from '../src/bench/arena-server-args.js';
import { runSandboxProcess, type SandboxProcessResult } from '../src/k6-sandbox/spawn-sandbox.js';
import { SCENARIO_NAMES } from '../src/scenario/plans.js';
import type { LoadSummary } from '../src/scenario/summary.js';
import { startServer, type ServerProcess } from '../../server/src/process/spawn-server.js';
import { scrapeMetrics } from '../../server/src/process/metrics-scrape.js';
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

interface ScenarioRun extends SandboxProcessResult {
  summary: LoadSummary;
  /** Snapshots the test server sent while the run went (its /metrics before and after). */
  snapshotsSent: number;
}

/** A TCP server that accepts connections and never answers: every WebSocket stays CONNECTING. */
interface StallServer {
  wsUrl: string;
  close(): Promise<void>;
}

/** Each connection is dropped `holdMs` after it came (else the sandbox's 60 s handshake timeout). */
async function startStallServer(holdMs: number): Promise<StallServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    const timer = setTimeout(() => socket.destroy(), holdMs);
    socket.once('close', () => {
      clearTimeout(timer);
      sockets.delete(socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (a server's, closed again): every connect is refused. */
async function refusedWsUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `ws://127.0.0.1:${port}/ws`;
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
    const before = await scrapeMetrics(server.url);
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
    const after = await scrapeMetrics(server.url);
    const snapshotsSent =
      after.value('tickwire_snapshots_sent_total') - before.value('tickwire_snapshots_sent_total');
    return { ...result, summary, snapshotsSent };
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
    // Every snapshot the server sent arrived and was counted, none twice: all but the few in
    // flight when a player left or dropped (at most a tick's worth each, here a tenth of all).
    const received = m['tickwire_snapshots']?.['count'] ?? 0;
    expect(received).toBeLessThanOrEqual(run.snapshotsSent);
    expect(received).toBeGreaterThanOrEqual(run.snapshotsSent * 0.9);
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
      // The run ends at 6 s, exactly when a third storm would come (the end goes first): 2 s
      // for the last storm's resumes, which a loaded CI machine needs (one still under way at
      // the end counts as a failed join).
      DURATION: '5',
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
    // Not only it, at times: a verifying player's stream can stall about a second after the
    // mismatch (its replica resets), and then the snapshot interval threshold fails too.
    expect(run.stderr).toMatch(
      /thresholds on metrics [^\n]*'tickwire_desyncs'[^\n]* have been crossed/,
    );
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

  it('refills a kicked slot with a new player after a pause, as the Node swarm does, until the run ends', async () => {
    // The fourth player into a room of three gets 4007 at about 1 s, then a new player in its
    // slot every second or so (each refused the same way) until the run ends at 4 s.
    const run = await runScenario('smoke', {
      TICKWIRE_URL: server.wsUrl,
      PLAYERS: '4',
      DURATION: '3',
    });
    expect(run.exitCode, run.stderr).toBe(99);
    const kicks = run.summary.kicksByCode['4007'] ?? 0;
    expect(kicks, run.stderr).toBeGreaterThanOrEqual(2);
    expect(Object.keys(run.summary.kicksByCode)).toEqual(['4007']);
    expect(run.summary.metrics['tickwire_join_failures']?.['count']).toBe(kicks);
    expect(run.summary.metrics['tickwire_join_ms']?.['count']).toBe(3);
  });

  describe('against servers that never seat a player, the run ends and counts failed joins, not kicks', () => {
    let stall: StallServer | null = null;
    let silent: WebSocketServer | null = null;
    afterAll(async () => {
      await stall?.close();
      if (silent !== null) {
        for (const client of silent.clients) client.terminate();
        await new Promise<void>((resolve) => silent?.close(() => resolve()));
      }
    });

    function expectJoinsFailed(run: ScenarioRun, failures: number): void {
      expect(run.exitCode, run.stderr).toBe(99);
      expect(run.summary.kicksByCode).toEqual({});
      expect(run.summary.metrics['tickwire_join_failures']?.['count']).toBe(failures);
      expect(run.summary.metrics['tickwire_join_ms']?.['count']).toBe(0);
      expect(run.summary.thresholds).toContainEqual(
        expect.objectContaining({ metric: 'tickwire_join_failures', ok: false }),
      );
    }

    it('a refused connect is a failed join, not a kick with 1006, and the slot tries again a second later', async () => {
      // Two players, both in by 1 s, refused at once and again every second until the run
      // ends at 3 s: at least two attempts each.
      const run = await runScenario('smoke', {
        TICKWIRE_URL: await refusedWsUrl(),
        PLAYERS: '2',
        DURATION: '2',
      });
      const failures = run.summary.metrics['tickwire_join_failures']?.['count'] ?? 0;
      expect(failures, run.stderr).toBeGreaterThanOrEqual(4);
      expectJoinsFailed(run, failures);
      expect(run.stderr).toContain('connection refused');
    });

    it('a WebSocket accepted but never sent a Welcome: the pending joins fail at the end, and the players leave', async () => {
      const closes: number[] = [];
      silent = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        path: '/ws',
        handleProtocols: (protocols) => protocols.values().next().value ?? false,
      });
      await once(silent, 'listening');
      // It reads the Hello and every frame after it, and says nothing.
      silent.on('connection', (socket) => socket.on('close', (code) => closes.push(code)));
      const { port } = silent.address() as AddressInfo;
      const run = await runScenario('smoke', {
        TICKWIRE_URL: `ws://127.0.0.1:${port}/ws`,
        PLAYERS: '2',
        DURATION: '1',
      });
      expectJoinsFailed(run, 2);
      expect(run.stderr).toContain('no Welcome by the end of the run');
      expect(closes).toEqual([1000, 1000]);
    });

    it('a handshake that never completes: the sockets still CONNECTING at the end are not closed (k6 would hang), and the run ends when they fail', async () => {
      stall = await startStallServer(2500);
      const run = await runScenario('smoke', {
        TICKWIRE_URL: stall.wsUrl,
        PLAYERS: '2',
        DURATION: '1',
      });
      expectJoinsFailed(run, 2);
      expect(run.stderr).not.toContain('CONNECTING');
    });
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
  'WebAssembly', 'Intl', 'WeakRef', 'FinalizationRegistry', 'SharedArrayBuffer', 'Atomics',
  'AggregateError', 'Proxy', 'BigInt64Array', '__ENV', '__VU', '__ITER', 'console', 'setTimeout',
  'clearInterval'];
export default function () {}
export function handleSummary() {
  return { stdout: JSON.stringify(Object.fromEntries(names.map((n) => [n, typeof globalThis[n]]))) };
}
`,
    );
    const touching = [
      'Buffer.from("x")',
      'process.env',
      'require("node:fs")',
      'new TextDecoder()',
      'new Intl.NumberFormat()',
      'new WeakRef({})',
    ];
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
      // V8 built-ins sobek (k6's engine) lacks; those it has stay.
      Intl: 'undefined',
      WeakRef: 'undefined',
      FinalizationRegistry: 'undefined',
      SharedArrayBuffer: 'undefined',
      Atomics: 'undefined',
      AggregateError: 'function',
      Proxy: 'function',
      BigInt64Array: 'function',
      __ENV: 'object',
      __VU: 'number',
      __ITER: 'number',
      console: 'object',
      setTimeout: 'function',
      clearInterval: 'function',
    });
    expect(touchRuns.map((r) => r.exitCode)).toEqual([107, 107, 107, 107, 107, 107]);
    expect(
      touchRuns.map((r) => /ReferenceError: (\w+) is not defined/.exec(r.stderr)?.[1]),
    ).toEqual(['Buffer', 'process', 'require', 'TextDecoder', 'Intl', 'WeakRef']);
  });

  it('ends a run as k6 would: an unhandled rejection in the init context (107) or in handleSummary (logged; the exit code stays), a close() while CONNECTING (k6 hangs: 107), a threshold k6 refuses (104)', async () => {
    const stall = await startStallServer(60_000);
    const options = (thresholds: string): string =>
      `export const options = { scenarios: { s: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '50ms', target: 1 }] } }, thresholds: ${thresholds} };`;
    const bundles = {
      initRejection: `${options('{}')}
Promise.reject(new Error('init boom'));
export default function () {}
`,
      summaryRejection: `${options('{}')}
export default function () {}
export function handleSummary() {
  Promise.reject(new Error('summary boom'));
  return { stdout: 'never written' };
}
`,
      closeWhileConnecting: `${options('{}')}
import { WebSocket } from 'k6/websockets';
export default function () {
  const ws = new WebSocket(${JSON.stringify(stall.wsUrl)});
  ws.close();
}
`,
      countOnTrend: `${options("{ iteration_duration: ['count>0'] }")}
export default function () {}
`,
    };
    try {
      const [initRejection, summaryRejection, closeWhileConnecting, countOnTrend] =
        await Promise.all(
          Object.entries(bundles).map(([name, source]) => {
            const path = join(dir, `${name}.js`);
            writeFileSync(path, source);
            return runSandboxProcess({ bundlePath: path, env: {}, timeoutMs: RUN_DEADLINE_MS });
          }),
        );
      const outcome = (r: SandboxProcessResult | undefined) => ({
        exitCode: r?.exitCode,
        signal: r?.signal,
      });
      expect(outcome(initRejection), initRejection?.stderr).toEqual({
        exitCode: 107,
        signal: null,
      });
      expect(initRejection?.stderr).toContain('Uncaught (in promise) Error: init boom');
      // k6 logs a failed handleSummary and keeps the run's exit code (0: no thresholds).
      expect(outcome(summaryRejection), summaryRejection?.stderr).toEqual({
        exitCode: 0,
        signal: null,
      });
      expect(summaryRejection?.stderr).toMatch(
        /failed to handle the end-of-test summary: Error: summary boom/,
      );
      expect(summaryRejection?.stdout).toBe('');
      expect(outcome(closeWhileConnecting), closeWhileConnecting?.stderr).toEqual({
        exitCode: 107,
        signal: null,
      });
      expect(closeWhileConnecting?.stderr).toMatch(/WebSocket\.close\(\) on .* still CONNECTING/);
      expect(outcome(countOnTrend), countOnTrend?.stderr).toEqual({ exitCode: 104, signal: null });
      expect(countOnTrend?.stderr).toContain(
        'unsupported aggregation method count on metric of type trend',
      );
    } finally {
      await stall.close();
    }
  });

  it("build:k6's command line refuses what it does not know (a typo must not build the other module) and has --help", () => {
    expect(parseBuildArgs([])).toEqual({
      kind: 'build',
      options: { isExperimentalWebSockets: false },
    });
    expect(parseBuildArgs(['--experimental-websockets'])).toEqual({
      kind: 'build',
      options: { isExperimentalWebSockets: true },
    });
    expect(parseBuildArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseBuildArgs(['-h'])).toEqual({ kind: 'help' });
    expect(() => parseBuildArgs(['--experimental-websocket'])).toThrow(
      /Unknown option '--experimental-websocket'/,
    );
    expect(() => parseBuildArgs(['smoke'])).toThrow(/Unexpected argument 'smoke'/);
  });
});
