import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserAndServer } from '../support/browser-suite.js';
import {
  REPO_ROOT,
  findEntity,
  joinGame,
  toScreen,
  waitForDebugSnapshot,
} from '../support/game-page.js';
import type { GamePage } from '../support/game-page.js';
import type { TickwireDebugSnapshot } from '../../src/debug/debug-hook.js';

const SCREENSHOT_PATH = join(REPO_ROOT, 'test-results', 'two-players.png');
/**
 * A small world, with an area of interest of twice its size: the area is centred on each player,
 * so only then does every player's view cover the whole world, wherever the two spawn. (With the
 * default 1600 x 1000 area, players 500 units apart vertically would not see each other.)
 */
const WORLD = { width: 1200, height: 800 };
const SERVER_ARGS = [
  '--world',
  `${WORLD.width}x${WORLD.height}`,
  '--view',
  `${2 * WORLD.width + 100}x${2 * WORLD.height + 100}`,
  '--pellets',
  '150',
  // The client checks every snapshot against the server's view checksum and logs a mismatch.
  '--checksums',
];
/** World units A must cover in about a second of holding `d` to count as having moved. */
const MEANINGFUL_MOVE_UNITS = 50;

describe('two players in one arena', () => {
  const suite = useBrowserAndServer(SERVER_ARGS);
  const open = (url: string): Promise<GamePage> => suite.open(url);

  /** Holds a key for `holdMs` on the page (the keyboard goes to the focused page). */
  async function holdKey(page: Page, key: string, holdMs: number): Promise<void> {
    await page.keyboard.down(key);
    await page.waitForTimeout(holdMs);
    await page.keyboard.up(key);
  }

  it("shows player A moving right on player B's screen when A holds D", async () => {
    const { server } = suite;
    const a = await open(server.url);
    const b = await open(server.url);
    await joinGame(a.page, 'Alice');
    await joinGame(b.page, 'Bob');

    const aJoined = await waitForDebugSnapshot(
      a.page,
      (s) =>
        s.status === 'connected' && s.playerId !== null && findEntity(s, s.playerId) !== undefined,
      'player A to join and see itself',
    );
    const idA = aJoined.playerId;
    if (idA === null) throw new Error('no player id');

    // Players spawn at random spots: one too close to the right edge first walks left, so it
    // has room to move right.
    if ((findEntity(aJoined, idA)?.x ?? 0) > WORLD.width - 300) {
      await a.page.keyboard.down('a');
      await waitForDebugSnapshot(
        a.page,
        (s) => (findEntity(s, idA)?.x ?? Infinity) < WORLD.width / 2,
        'A to walk into the left half of the world',
        15_000,
      );
      await a.page.keyboard.up('a');
      // Let A stop on every screen.
      await a.page.waitForTimeout(300);
    }

    const before = await waitForDebugSnapshot(
      b.page,
      (s) => s.status === 'connected' && findEntity(s, idA)?.name === 'Alice',
      'player B to see Alice',
    );
    const start = findEntity(before, idA);
    if (!start) throw new Error('A vanished from B');
    // A's path on B's screen: from its spot to a few hundred units right of it.
    const path = pathClip(toScreen(before, start.x, start.y), before.camera);
    const pathBefore = await b.page.screenshot({ clip: path });

    await holdKey(a.page, 'd', 1000);

    const after = await waitForDebugSnapshot(
      b.page,
      (s) => (findEntity(s, idA)?.x ?? -Infinity) >= start.x + MEANINGFUL_MOVE_UNITS,
      `B to see A at least ${MEANINGFUL_MOVE_UNITS} units right of x=${start.x}`,
      5_000,
    );
    const end = findEntity(after, idA);
    if (!end) throw new Error('A vanished from B');
    expect(end.x - start.x).toBeGreaterThanOrEqual(MEANINGFUL_MOVE_UNITS);
    expect(Math.abs(end.y - start.y)).toBeLessThan(5);

    // B drew it: the picture along A's path changed. (B's camera is still: the world is smaller
    // than its screen, so the camera stays on the world's centre.)
    await b.page.waitForTimeout(300);
    expect(after.camera).toEqual(before.camera);
    const pathAfter = await b.page.screenshot({ clip: path });
    expect(pathAfter.equals(pathBefore)).toBe(false);

    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(SCREENSHOT_PATH, await b.page.screenshot());

    const bState = await waitForDebugSnapshot(
      b.page,
      (s) => s.playerId !== null,
      'B to know itself',
    );
    expect(
      bState.entities
        .filter((e) => e.kind === 'player')
        .map((e) => e.name)
        .sort(),
    ).toEqual(['Alice', 'Bob']);
    expect(await b.page.locator('#status').textContent()).toMatch(/^Playing as Bob\./);
    for (const page of [a, b]) {
      expect(page.pageErrors).toEqual([]);
      expect(page.clientProblems).toEqual([]);
    }
  });

  it('simulates a slow link for this page alone with ?latency=', async () => {
    const { server } = suite;
    const slow = await open(`${server.url}/?latency=120&jitter=0&netgraph=1`);
    const fast = await open(server.url);
    await joinGame(slow.page, 'Slow');
    await joinGame(fast.page, 'Fast');
    const synced = (s: TickwireDebugSnapshot): boolean =>
      s.status === 'connected' && s.netcode.isClockSynced;
    const slowState = await waitForDebugSnapshot(slow.page, synced, 'the slow page to sync');
    const fastState = await waitForDebugSnapshot(fast.page, synced, 'the fast page to sync');
    // 120 ms each way on the slow page only; loopback is well under 20 ms.
    expect(slowState.netcode.rttMs).toBeGreaterThanOrEqual(240);
    expect(slowState.netcode.rttMs).toBeLessThan(400);
    expect(fastState.netcode.rttMs).toBeLessThan(60);
    expect(await slow.page.locator('#net-graph').textContent()).toContain(
      'simulated  +120 ms ±0 loss 0 %',
    );
    expect([slow.pageErrors, fast.pageErrors]).toEqual([[], []]);
  });

  it('says it cannot connect when the server is unreachable', async () => {
    const { server } = suite;
    const page = await open(`${server.url}/?server=${encodeURIComponent('ws://127.0.0.1:1/ws')}`);
    await joinGame(page.page, 'Nobody');
    const status = page.page.locator('#status');
    await status.filter({ hasText: /cannot reach/i }).waitFor({ timeout: 10_000 });
    expect(await status.textContent()).toBe('Cannot reach the server. Press Enter to try again.');
    // The address is in the details line, not in the sentence.
    expect(await page.page.locator('#status-details').textContent()).toBe('ws://127.0.0.1:1/ws');
    const closeBox = page.page.locator('#close-box');
    await closeBox.waitFor({ state: 'visible' });
    expect(await closeBox.locator('#close-message').textContent()).toContain(
      'Cannot reach the game server',
    );
    expect(await closeBox.locator('#close-details').textContent()).toBe('ws://127.0.0.1:1/ws');
    expect(await page.page.locator('#join-button').textContent()).toBe('Rejoin');
    const snapshot = await waitForDebugSnapshot(
      page.page,
      (s) => s.status === 'closed',
      'status closed',
    );
    expect(snapshot.playerId).toBeNull();
    expect(page.pageErrors).toEqual([]);
  });
});

/**
 * A screenshot clip covering a player at `center` (CSS pixels) and 400 world units to its right,
 * name label included, cut to the viewport.
 */
function pathClip(
  center: { x: number; y: number },
  camera: { zoom: number; viewportWidth: number; viewportHeight: number },
): { x: number; y: number; width: number; height: number } {
  const x = Math.max(0, Math.round(center.x - 40 * camera.zoom));
  const y = Math.max(0, Math.round(center.y - 70 * camera.zoom));
  const right = Math.min(camera.viewportWidth, Math.round(center.x + 440 * camera.zoom));
  const bottom = Math.min(camera.viewportHeight, Math.round(center.y + 40 * camera.zoom));
  return { x, y, width: right - x, height: bottom - y };
}
