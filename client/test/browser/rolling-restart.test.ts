import WebSocket from 'ws';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Matchmaker, connect } from '@tickwire/protocol';
import type { Bot, MatchAnswer } from '@tickwire/protocol';
import { startServer, type ServerProcess } from '../../../server/test/support/server-process.js';
import { startRedisServer, type RedisServer } from '../../../server/test/support/redis-server.js';
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
} from '../support/game-page.js';

// A rolling restart seen from the page: two server processes share a real Redis; the page (served
// by process A, whose matchmaking it uses) plays in a room on process B; B gets SIGTERM. The page
// must say what happens while it happens, dim the stale world, and come back on A as a new player.

// Matchmaking only (no default rooms): every room is one matchmaking placed.
const ARGS = [
  ...['--direct-join', 'false', '--drain-ms', '5000'],
  ...['--world', '1200x800', '--view', '2500x1700', '--pellets', '20'],
];

describe('a rolling restart under the page', () => {
  let redis: RedisServer | undefined;
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  let browser: Browser | undefined;
  let page: GamePage | undefined;
  const bots: Bot[] = [];

  beforeAll(async () => {
    requireBuiltClient();
    redis = await startRedisServer();
    [a, b] = await Promise.all(
      [0, 1].map(() => startServer({ args: [...ARGS, '--redis', (redis as RedisServer).url] })),
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    for (const bot of bots) bot.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  it('says the server is restarting, dims the world, and comes back on the other server', async () => {
    const [first, second] = [a, b] as [ServerProcess, ServerProcess];
    // Load A with a player in a private room (quick play does not offer it): new rooms then go
    // to the less loaded B, the page's among them.
    const matchmaker = new Matchmaker(first.url);
    let onA: MatchAnswer | null = null;
    for (let i = 0; i < 10 && onA === null; i++) {
      const created = await matchmaker.create({ isPrivate: true });
      if (created.url === first.wsUrl) onA = created;
    }
    if (onA === null || onA.room.code === null) throw new Error('no private room landed on A');
    const keeper = connect(first.url, {
      name: 'keeper',
      WebSocket,
      room: { code: onA.room.code },
    });
    bots.push(keeper);
    await keeper.welcomed;
    expect(keeper.status).toMatchObject({ url: first.wsUrl });

    page = await openGamePage(browser as Browser, first.url);
    const { page: p } = page;
    await recordStatus(p);
    await joinGame(p, 'Walker');
    const before = await waitForDebugSnapshot(
      p,
      (s) => s.status === 'connected' && s.playerId !== null,
      'the page to join',
      15_000,
    );
    // The page's room is on B: the less loaded process got the new room.
    const health = (await (await fetch(`${second.url}/healthz`)).json()) as { players: number };
    expect(health.players, "the page's player on B").toBe(1);

    second.signal('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const after = await waitToPlayAs(p, 'Walker', 'the page to play again on A', 15_000);
    expect(after.reconnects).toBe(1);
    const entries = await readStatus(p);
    const restarting = entries.find(
      (e) => e.text === 'The server is restarting: finding you a new place in the game…',
    );
    expect(restarting?.isDimmed).toBe(true);
    expect(restarting?.details).toMatch(/^close code 4016 · server said “the server is restarting/);
    expect(entries.at(-1)?.text).toMatch(
      /^Back in the game as Walker on another server, as a new player \(the old server restarted\)\./,
    );
    expect(entries.at(-1)?.isDimmed).toBe(false);
    // It plays on A now: A holds the keeper and the page.
    const aHealth = (await (await fetch(`${first.url}/healthz`)).json()) as { players: number };
    expect(aHealth.players).toBe(2);
    expect(before.playerId).not.toBeNull();
    expect(page.pageErrors).toEqual([]);
  });
});
