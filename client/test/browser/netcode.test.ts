import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '@tickwire/protocol';
import { waitFor } from '../../../protocol/src/testing/wait.js';
import { joinBot, positionOf, replicaBugs } from '../support/bots.js';
import { useBrowserAndServer } from '../support/browser-suite.js';
import {
  REPO_ROOT,
  joinGame,
  readMotion,
  readStatus,
  recordMotion,
  recordStatus,
  waitForDebugSnapshot,
  type MotionFrame,
} from '../support/game-page.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

// The client's netcode on a bad network, in a real Chromium against the real server. The server
// simulates the network (--sim-latency-ms: every frame, both ways, so the round trip is twice it).

const LATENCY_MS = 150;
const JITTER_MS = 30;
const SERVER_ARGS = [
  '--world',
  '1200x800',
  '--view',
  '2500x1700',
  '--pellets',
  '30',
  '--checksums',
  '--sim-latency-ms',
  String(LATENCY_MS),
  '--sim-jitter-ms',
  String(JITTER_MS),
];
/** Player speed (units/s, the server's default). */
const SPEED = 200;
/**
 * A remote player's rendered path may not jump: between two frames it moves at most 1.5 times
 * what a player can cover in that time (interpolation draws exactly the speed; an underrun that
 * extrapolated and then snapped back would exceed it), plus half a unit of rounding.
 */
const REMOTE_JUMP_FACTOR = 1.5;
/**
 * Prediction error bound, world units. A direction change that reaches the server a tick
 * earlier or later than predicted (the jitter is ±30 ms, a tick is 33 ms) costs one tick of the
 * velocity change: 6.75 units when starting or stopping, 9.5 when turning 90°. Two ticks of a
 * turn is 19: the bound.
 */
const MAX_PREDICTION_ERROR_UNITS = 19;

describe('netcode in the browser on a 150 ms (each way) network with ±30 ms jitter', () => {
  const bots: Bot[] = [];

  afterEach(async () => {
    for (const bot of bots.splice(0)) {
      bot.close();
      await bot.closed;
    }
  });

  // Registered after the bots' hook, so each test's pages close before its bots.
  const suite = useBrowserAndServer(SERVER_ARGS);

  it('moves the own player on the next frame, glides remote players and keeps prediction error small', async () => {
    const { server } = suite;
    const game = await suite.open(`${server.url}/?netgraph=1`);
    const { page } = game;
    await joinGame(page, 'Alice');
    const joined = await waitForDebugSnapshot(
      page,
      (s) =>
        s.status === 'connected' &&
        s.netcode.isClockSynced &&
        s.rendered.some((e) => e.isSelf) &&
        s.netcode.rttMs > 2 * LATENCY_MS - JITTER_MS,
      'Alice to join with a synced clock',
      15_000,
    );
    const selfId = joined.playerId;

    // Bob walks a square, turning every 600 ms.
    const bob = await joinBot(server.url, 'Bob');
    bots.push(bob);
    const bobId = bob.playerId;
    let turn = 0;
    bob.setInput({ moveDir: (turn++ % 4) * 64 });
    const turning = setInterval(() => bob.setInput({ moveDir: (turn++ % 4) * 64 }), 600);
    try {
      await waitForDebugSnapshot(
        page,
        (s) => s.rendered.some((e) => e.id === bobId),
        'Bob on Alice’s screen',
        10_000,
      );

      // Record every frame's drawn positions of Alice and Bob, and when a key goes down.
      await recordMotion(page, selfId, bobId);
      await page.waitForTimeout(500);

      // Alice walks a square too: right, down, left, up.
      for (const key of ['d', 's', 'a', 'w']) {
        await page.keyboard.down(key);
        await page.waitForTimeout(700);
        await page.keyboard.up(key);
        await page.waitForTimeout(150);
      }
      await page.waitForTimeout(600);

      const { frames: records, keys } = await readMotion(page);
      const final = await waitForDebugSnapshot(page, () => true, 'a snapshot');

      // 1. The own player moves on the first frame drawn after D goes down: far sooner than any
      //    answer from the server could come (the round trip is over 300 ms).
      const keyAt = keys[0] as number;
      const before = [...records].reverse().find((r) => r.t < keyAt);
      const next = records.find((r) => r.t > keyAt);
      expect(before?.self).toBeTruthy();
      expect(next?.self).toBeTruthy();
      expect((next?.t ?? Infinity) - keyAt).toBeLessThan(final.netcode.rttMs);
      expect((next?.self?.x ?? 0) - (before?.self?.x ?? 0)).toBeGreaterThan(0);
      expect(Math.abs((next?.self?.y ?? 0) - (before?.self?.y ?? 0))).toBeLessThan(0.01);

      // 2. Bob's drawn path has no jump.
      const remote = records.filter((r) => r.remote !== null);
      expect(remote.length).toBeGreaterThan(60);
      let worstRatio = 0;
      for (let i = 1; i < remote.length; i++) {
        const a = remote[i - 1] as MotionFrame;
        const b = remote[i] as MotionFrame;
        const moved = Math.hypot(
          (b.remote?.x ?? 0) - (a.remote?.x ?? 0),
          (b.remote?.y ?? 0) - (a.remote?.y ?? 0),
        );
        const allowed = (SPEED * REMOTE_JUMP_FACTOR * (b.t - a.t)) / 1000 + 0.5;
        worstRatio = Math.max(worstRatio, moved / allowed);
        expect(moved).toBeLessThanOrEqual(allowed);
      }

      // 3. Prediction error stays under the bound, measured at every snapshot.
      const { netcode } = final;
      expect(netcode.predictionSamples).toBeGreaterThan(100);
      expect(netcode.predictionErrorMaxEver).toBeLessThan(MAX_PREDICTION_ERROR_UNITS);

      const report = {
        latencyMsEachWay: LATENCY_MS,
        jitterMs: JITTER_MS,
        rttMs: netcode.rttMs,
        interpolationDelayMs: netcode.interpolationDelayMs,
        predictionLeadMs: netcode.predictionLeadMs,
        predictionErrorMaxUnits: netcode.predictionErrorMaxEver,
        predictionSamples: netcode.predictionSamples,
        firstFrameAfterKeyMs: (next?.t ?? 0) - keyAt,
        ownMoveOnThatFrameUnits: (next?.self?.x ?? 0) - (before?.self?.x ?? 0),
        remoteFrames: remote.length,
        worstRemoteStepOverAllowed: worstRatio,
      };
      console.log(`netcode on a bad network: ${JSON.stringify(report)}`);
      mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
      writeFileSync(join(REPO_ROOT, 'test-results', 'netcode.json'), JSON.stringify(report));
      await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'netcode.png') });
      expect(await page.locator('#net-graph').textContent()).toMatch(/rtt\s+\d+ ms/);
      expect(game.pageErrors).toEqual([]);
      expect(game.clientProblems).toEqual([]);
    } finally {
      clearInterval(turning);
    }
  });

  it('comes back as the same player after the connection is cut mid-game', async () => {
    const { server } = suite;
    const proxy = await startTcpProxy(server.port);
    try {
      const wsUrl = `ws://127.0.0.1:${proxy.port}/ws`;
      const game = await suite.open(`${server.url}/?server=${encodeURIComponent(wsUrl)}`);
      const { page } = game;
      await recordStatus(page);
      await joinGame(page, 'Carol');
      const joined = await waitForDebugSnapshot(
        page,
        (s) => s.status === 'connected' && s.rendered.some((e) => e.isSelf),
        'Carol to join',
        15_000,
      );
      const carolId = joined.playerId as number;
      // A witness, connected directly, watches Carol's entity the whole time.
      const witness = await joinBot(server.wsUrl, 'Witness');
      bots.push(witness);
      await waitFor(() => positionOf(witness, carolId) !== null, 'witness sees Carol', 10_000);
      let wasGone = false;
      const watching = setInterval(() => {
        if (positionOf(witness, carolId) === null) wasGone = true;
      }, 20);

      try {
        proxy.dropAll();
        const back = await waitForDebugSnapshot(
          page,
          (s) => s.status === 'connected' && s.reconnects === 1 && s.rendered.some((e) => e.isSelf),
          'Carol to reconnect',
          20_000,
        );
        expect(back.playerId).toBe(carolId);
        expect(proxy.dropped).toBeGreaterThanOrEqual(1);

        // She plays on with the same entity: the witness sees it move.
        const start = positionOf(witness, carolId);
        await page.keyboard.down('d');
        await waitFor(
          () => (positionOf(witness, carolId)?.x ?? 0) > (start?.x ?? 0) + 40 * 4,
          'Carol moving right after the reconnect',
          10_000,
        );
        await page.keyboard.up('d');
      } finally {
        clearInterval(watching);
      }
      // The server kept her player while she was away: it never left the witness's view.
      expect(wasGone).toBe(false);
      const texts = (await readStatus(page)).map((e) => e.text);
      expect(texts.some((t) => /^Connection lost\. Reconnecting/.test(t))).toBe(true);
      expect(texts.at(-1)).toMatch(/^Reconnected: you are back as Carol, where you were\./);
      expect(game.pageErrors).toEqual([]);
      expect(game.clientProblems).toEqual([]);
      expect(replicaBugs(witness)).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
