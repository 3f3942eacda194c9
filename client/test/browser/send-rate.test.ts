import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '@tickwire/protocol';
import { joinBot, positionOf, replicaBugs } from '../support/bots.js';
import { useBrowserAndServer } from '../support/browser-suite.js';
import {
  REPO_ROOT,
  joinGame,
  readMotion,
  recordMotion,
  waitForDebugSnapshot,
  type MotionFrame,
} from '../support/game-page.js';

// The client against a server that simulates at 60 Hz and sends snapshots at 20 Hz
// (--send-hz): snapshots come every third tick, the own player is still predicted tick by tick
// and reconciled exactly, and remote players are interpolated two send intervals back, so they
// glide between snapshots three ticks apart. Real Chromium, real server, a 50 ms (±10) link.

const TICK_HZ = 60;
const SEND_HZ = 20;
const TICKS_PER_SEND = TICK_HZ / SEND_HZ;
const SERVER_ARGS = [
  '--tick-hz',
  String(TICK_HZ),
  '--send-hz',
  String(SEND_HZ),
  // Everyone sees the whole world, wherever they spawn.
  '--world',
  '1200x800',
  '--view',
  '2500x1700',
  '--pellets',
  '30',
  '--checksums',
  '--sim-latency-ms',
  '50',
  '--sim-jitter-ms',
  '10',
];
/** Player speed (units/s, the server's default). */
const SPEED = 200;
/** As in netcode.test.ts: a frame may move a remote player at most 1.5 times its speed allows. */
const REMOTE_JUMP_FACTOR = 1.5;
/** Bob walks each side of his square for this many ticks (0.6 s, 120 units). */
const SIDE_TICKS = 36;
/** Reconciliations to wait for while Alice walks steadily: two seconds of snapshots. */
const STEADY_SNAPSHOTS = 2 * SEND_HZ;

describe(`a server ticking at ${TICK_HZ} Hz and sending at ${SEND_HZ} Hz`, () => {
  const bots: Bot[] = [];

  afterEach(async () => {
    for (const bot of bots.splice(0)) {
      bot.close();
      await bot.closed;
    }
  });

  const suite = useBrowserAndServer(SERVER_ARGS);

  it('sends every third tick, predicts the own player exactly and glides remote players', async () => {
    const { server } = suite;
    const game = await suite.open(`${server.url}/?netgraph=1`);
    const { page } = game;
    await joinGame(page, 'Alice');
    const joined = await waitForDebugSnapshot(
      page,
      (s) =>
        s.status === 'connected' &&
        s.netcode.isClockSynced &&
        s.netcode.sendHz !== null &&
        s.rendered.some((e) => e.isSelf),
      'Alice to join with a synced clock and a known send rate',
      15_000,
    );
    expect(joined.netcode).toMatchObject({ tickHz: TICK_HZ, sendHz: SEND_HZ });
    const selfId = joined.playerId;

    // Bob (a bot: it sees every snapshot) walks a square, turning every SIDE_TICKS ticks of the
    // snapshots he gets, first towards the world's centre so that no wall stops him.
    const bob = await joinBot(server.url, 'Bob');
    bots.push(bob);
    const bobId = bob.playerId;
    const spawn = bobId === null ? null : positionOf(bob, bobId);
    if (bobId === null || spawn === null) throw new Error('Bob has no position');
    const across = spawn.x < 2400 ? 0 : 128;
    const along = spawn.y < 1600 ? 64 : 192;
    const square = [across, along, (across + 128) % 256, (along + 128) % 256];
    const bobTicks: number[] = [];
    let turnAtTick = (bob.view?.tick ?? 0) + SIDE_TICKS;
    let side = 0;
    bob.setInput({ moveDir: across });
    bob.on('snapshot', (view) => {
      bobTicks.push(view.tick);
      if (view.tick < turnAtTick) return;
      turnAtTick = view.tick + SIDE_TICKS;
      bob.setInput({ moveDir: square[++side % 4] as number });
    });

    // Alice draws Bob a little in the past: wait until she draws him walking, not standing
    // where he joined, so that from the first frame recorded on he always moves.
    await waitForDebugSnapshot(
      page,
      (s) => {
        const drawn = s.rendered.find((e) => e.id === bobId);
        return drawn !== undefined && Math.hypot(drawn.x - spawn.x / 4, drawn.y - spawn.y / 4) > 1;
      },
      'Bob walking on Alice’s screen',
      10_000,
    );

    // Record every frame: the tick of the newest snapshot, and where Alice and Bob are drawn.
    await recordMotion(page, selfId, bobId);

    // Alice walks right and keeps walking: a steady state, in which every reconciliation
    // against a snapshot must land exactly where the prediction was.
    const pressed = await waitForDebugSnapshot(page, () => true, 'a snapshot');
    await page.keyboard.down('d');
    const steady = await waitForDebugSnapshot(
      page,
      (s) => s.netcode.predictionSamples >= pressed.netcode.predictionSamples + STEADY_SNAPSHOTS,
      `${STEADY_SNAPSHOTS} snapshots while Alice walks`,
      20_000,
    );
    const netGraph = await page.locator('#net-graph').textContent();
    await page.keyboard.up('d');
    const records = (await readMotion(page)).frames;

    // 1. Snapshots come every third tick: Bob saw each one, Alice's newest is always a multiple.
    const gaps = bobTicks.slice(1).map((tick, i) => tick - (bobTicks[i] as number));
    expect(gaps.length).toBeGreaterThanOrEqual(STEADY_SNAPSHOTS / 2);
    expect(new Set(gaps)).toEqual(new Set([TICKS_PER_SEND]));
    expect(records.filter((r) => r.tick % TICKS_PER_SEND !== 0)).toEqual([]);
    expect(netGraph).toContain(`send rate      ${SEND_HZ} Hz  (tick ${TICK_HZ} Hz, every 3 ticks)`);

    // 2. Prediction is exact in the steady state: no error in the last second of reconciliations
    //    (they began at least a second after the key went down), none now.
    const { netcode } = steady;
    expect(netcode.predictionErrorMax).toBe(0);
    expect(netcode.predictionErrorLast).toBe(0);
    // Interpolation follows the send interval: at least two of them (100 ms), not two ticks.
    expect(netcode.interpolationDelayMs).toBeGreaterThanOrEqual(2 * (1000 / SEND_HZ) - 1e-6);

    // 3. Frame by frame, Bob glides: he moves on every frame (no freeze: his render time never
    //    ran more than the 100 ms extrapolation cap past a snapshot), never faster than his
    //    speed allows (no jump), and never back against the way he was going.
    const remote = records.filter((r) => r.remote !== null);
    expect(remote.length).toBeGreaterThan(20);
    const problems: string[] = [];
    let previousMove: { x: number; y: number } | null = null;
    let worstRatio = 0;
    for (let i = 1; i < remote.length; i++) {
      const a = remote[i - 1] as MotionFrame & { remote: { x: number; y: number } };
      const b = remote[i] as MotionFrame & { remote: { x: number; y: number } };
      const move = { x: b.remote.x - a.remote.x, y: b.remote.y - a.remote.y };
      const moved = Math.hypot(move.x, move.y);
      const allowed = (SPEED * REMOTE_JUMP_FACTOR * (b.t - a.t)) / 1000 + 0.5;
      worstRatio = Math.max(worstRatio, moved / allowed);
      const at = `frame at ${b.t.toFixed(1)} ms (${(b.t - a.t).toFixed(1)} ms after the last)`;
      if (moved > allowed) problems.push(`${at}: jumped ${moved.toFixed(2)} units`);
      if (moved === 0) problems.push(`${at}: froze`);
      if (previousMove !== null && move.x * previousMove.x + move.y * previousMove.y < 0) {
        problems.push(
          `${at}: went back (${JSON.stringify(previousMove)} then ${JSON.stringify(move)})`,
        );
      }
      if (moved > 0) previousMove = move;
    }
    expect(problems).toEqual([]);

    // 4. The own player, drawn in the present, glides too once the correction a key press may
    //    cost (an Input a tick late) is slid in: in the steady second, nothing is left to slide.
    const steadyFrom = pressed.netcode.predictionSamples + STEADY_SNAPSHOTS / 2;
    const steadyFrames = records.filter((r) => r.samples >= steadyFrom && r.self !== null);
    expect(steadyFrames.length).toBeGreaterThan(5);
    for (let i = 1; i < steadyFrames.length; i++) {
      const a = steadyFrames[i - 1] as MotionFrame;
      const b = steadyFrames[i] as MotionFrame;
      if (!a.self || !b.self) continue;
      const moved = Math.hypot(b.self.x - a.self.x, b.self.y - a.self.y);
      expect(moved).toBeLessThanOrEqual((SPEED * REMOTE_JUMP_FACTOR * (b.t - a.t)) / 1000 + 0.5);
    }

    const report = {
      tickHz: TICK_HZ,
      sendHz: SEND_HZ,
      snapshotGapsSeenByBot: [...new Set(gaps)],
      snapshotsPerSecond: netcode.snapshotsPerSecond,
      rttMs: netcode.rttMs,
      interpolationDelayMs: netcode.interpolationDelayMs,
      predictionLeadMs: netcode.predictionLeadMs,
      predictionErrorMaxEverUnits: netcode.predictionErrorMaxEver,
      predictionSamples: netcode.predictionSamples,
      remoteFrames: remote.length,
      meanFrameMs:
        ((records.at(-1)?.t ?? 0) - (records[0]?.t ?? 0)) / Math.max(1, records.length - 1),
      worstRemoteStepOverAllowed: worstRatio,
    };
    console.log(`send rate apart from the tick rate: ${JSON.stringify(report)}`);
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'test-results', 'send-rate.json'), JSON.stringify(report));
    expect(game.pageErrors).toEqual([]);
    expect(game.clientProblems).toEqual([]);
    expect(replicaBugs(bob)).toBe(0);
  });
});
