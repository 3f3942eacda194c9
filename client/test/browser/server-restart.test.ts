import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../server/test/support/redis-server.js';
import { startServer, type ServerProcess } from '../../../server/test/support/server-process.js';
import { launchChromium } from '../support/browser.js';
import {
  joinGame,
  openGamePage,
  readStatus,
  recordStatus,
  requireBuiltClient,
  waitForDebugSnapshot,
  waitToPlayAs,
  type GamePage,
  type StatusEntry,
} from '../support/game-page.js';

// One server, no Redis, as a newcomer runs it with `npm start`: it goes down under the page and
// comes back on the same port, twice: stopped with Ctrl-C (SIGINT: every player is told the
// server is shutting down, 4008) and restarted by an orchestrator (SIGTERM: told it restarts,
// 4016). Each time the page must say so in plain words (not "connection lost", no close code in
// the sentence), dim the stale world, and say that the player came back as a new player.

const ARGS = ['--world', '1200x800', '--view', '2500x1700', '--pellets', '20'];

/** The status texts shown since `from` (an index into the recorded entries). */
function textsSince(entries: readonly StatusEntry[], from: number): string[] {
  return entries.slice(from).map((e) => e.text);
}

describe('one server stopped and started again under the page', () => {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let page: GamePage | undefined;
  let port = 0;

  const start = async (): Promise<ServerProcess> => {
    server = await startServer({ args: [...ARGS, '--port', String(port)] });
    return server;
  };

  beforeAll(async () => {
    requireBuiltClient();
    port = await freePort();
    await start();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await server?.stop();
  });

  it('says the server is shutting down or restarting, dims the world, and says the player is back as a new one', async () => {
    const first = server as ServerProcess;
    expect(first.port).toBe(port);
    page = await openGamePage(browser as Browser, first.url);
    const { page: p } = page;
    await recordStatus(p);
    await joinGame(p, 'Dana');
    const joined = await waitForDebugSnapshot(
      p,
      (s) => s.status === 'connected' && s.playerId !== null,
      'the page to join',
      15_000,
    );
    expect(await p.locator('#status').textContent()).toMatch(/^Playing as Dana\./);

    // 1. Ctrl-C: the server shuts down, and comes back a moment later.
    first.signal('SIGINT');
    await first.exited;
    const shutdownFrom = (await readStatus(p)).length;
    await p
      .locator('#status')
      .filter({ hasText: /^The server is shutting down or restarting\./ })
      .waitFor({ timeout: 15_000 });
    const second = await start();
    const back = await waitToPlayAs(p, 'Dana', 'the page to play again after Ctrl-C', 30_000);
    expect(back.reconnects).toBe(1);
    let entries = await readStatus(p);
    const shuttingDown = entries
      .slice(shutdownFrom)
      .filter((e) => e.text.startsWith('The server is shutting down or restarting.'));
    expect(shuttingDown.length).toBeGreaterThan(0);
    for (const entry of shuttingDown) {
      expect(entry.isDimmed).toBe(true);
      // The code and the server's words are in the details line, not in the sentence.
      expect(entry.text).not.toMatch(/close code|4008|1006|connection lost/i);
      expect(entry.details).toMatch(/^close code 4008 · server said “the server is shutting down”/);
    }
    // Never "connection lost" while the server is away: its first reason stays the reason.
    expect(textsSince(entries, shutdownFrom).some((t) => /connection lost/i.test(t))).toBe(false);
    expect(entries.at(-1)?.text).toMatch(
      /^Back in the game as Dana as a new player: the server restarted, so your old player is gone\./,
    );
    expect(entries.at(-1)?.isDimmed).toBe(false);

    // 2. SIGTERM: the server restarts (it drains, telling its players), and comes back.
    second.signal('SIGTERM');
    await second.exited;
    const restartFrom = entries.length;
    await p
      .locator('#status')
      .filter({ hasText: /^The server is restarting: finding you a new place/ })
      .waitFor({ timeout: 15_000 });
    await start();
    const again = await waitToPlayAs(p, 'Dana', 'the page to play again after SIGTERM', 30_000);
    expect(again.reconnects).toBe(2);
    entries = await readStatus(p);
    const restarting = entries
      .slice(restartFrom)
      .filter((e) => e.text.startsWith('The server is restarting: finding you a new place'));
    expect(restarting.length).toBeGreaterThan(0);
    for (const entry of restarting) {
      expect(entry.isDimmed).toBe(true);
      expect(entry.details).toMatch(/^close code 4016 · server said “the server is restarting/);
    }
    expect(textsSince(entries, restartFrom).some((t) => /connection lost/i.test(t))).toBe(false);
    expect(entries.at(-1)?.text).toMatch(
      /^Back in the game as Dana as a new player: the server restarted, so your old player is gone\./,
    );
    expect(entries.at(-1)?.isDimmed).toBe(false);
    // Player numbers are never shown.
    for (const text of textsSince(entries, 0)) expect(text).not.toMatch(/#\d|player \d/);
    expect(joined.playerId).not.toBeNull();
    expect(page.pageErrors).toEqual([]);
  });
});
