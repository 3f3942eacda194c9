import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '@tickwire/protocol';
import { waitFor } from '../../../protocol/src/testing/wait.js';
import { joinBot } from '../support/bots.js';
import { useBrowserAndServer } from '../support/browser-suite.js';
import { joinGame, waitForDebugSnapshot } from '../support/game-page.js';

// The HUD a newcomer plays by: the own hp and score (which a pellet raises), the players online,
// the top ten, and a minimap. A small world packed with pellets: walking right eats some.
const SERVER_ARGS = ['--world', '900x600', '--pellets', '400', '--checksums'];

/** The score the HUD line shows ("hp 100 / 100 · score 3"), or null before it shows one. */
async function hudScore(page: Page): Promise<number | null> {
  const text = (await page.locator('#hud').textContent()) ?? '';
  const match = /score (\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

/** The leaderboard's rows as shown: name and score, and which is the own one. */
async function leaderboardRows(
  page: Page,
): Promise<{ name: string; score: number; isSelf: boolean }[]> {
  return page.locator('#leaderboard li').evaluateAll((items) =>
    items.map((item) => ({
      name: item.querySelector('.name')?.textContent ?? '',
      score: Number(item.querySelector('.score')?.textContent),
      isSelf: item.classList.contains('self'),
    })),
  );
}

describe('the HUD', () => {
  const suite = useBrowserAndServer(SERVER_ARGS);
  const bots: Bot[] = [];

  afterEach(() => {
    for (const bot of bots.splice(0)) bot.close();
  });

  it('shows the own score rising when a pellet is eaten, the players online, the leaderboard and a minimap', async () => {
    const { server } = suite;
    // Another player in the room first (quick play, as the page joins).
    bots.push(await joinBot(server.url, 'Rival'));
    const game = await suite.open(server.url);
    const { page } = game;
    await joinGame(page, 'Eve');
    await waitForDebugSnapshot(
      page,
      (s) => s.status === 'connected' && s.playerId !== null,
      'the page to join',
      15_000,
    );
    await waitFor(async () => (await hudScore(page)) !== null, 'the HUD to show a score', 10_000);
    const before = (await hudScore(page)) as number;
    expect(await page.locator('#hud').textContent()).toMatch(/^hp 100 \/ 100 · score \d+$/);

    // Walk through the pellets until one is eaten.
    await page.keyboard.down('d');
    try {
      await waitFor(
        async () => ((await hudScore(page)) ?? 0) > before,
        'the score to rise as the player eats a pellet',
        15_000,
      );
    } finally {
      await page.keyboard.up('d');
    }
    const after = (await hudScore(page)) as number;
    expect(after).toBeGreaterThan(before);

    // The room panel: both players online, both on the board with the own row marked; it
    // catches up with the new score within a summary or two.
    const panel = page.locator('#leaderboard');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
    await waitFor(
      async () =>
        (await leaderboardRows(page)).some((r) => r.isSelf && r.name === 'Eve' && r.score >= after),
      'the leaderboard to show Eve with her new score',
      10_000,
    );
    expect(await panel.locator('.online').textContent()).toBe('2 playing');
    const rows = await leaderboardRows(page);
    expect(rows.map((r) => r.name).sort()).toEqual(['Eve', 'Rival']);
    expect(rows.filter((r) => r.isSelf).map((r) => r.name)).toEqual(['Eve']);
    const scores = rows.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const minimap = page.locator('#minimap');
    await minimap.waitFor({ state: 'visible' });
    const box = await minimap.boundingBox();
    // The world is 900 x 600: the map keeps its shape, 150 px on its long side.
    expect(box?.width).toBe(150);
    expect(box?.height).toBe(100);

    // The controls leave the status line a while after joining (15 s): only who plays stays.
    expect(await page.locator('#status').textContent()).toMatch(/^Playing as Eve\. Eat the/);
    await page
      .locator('#status')
      .filter({ hasText: /^Playing as Eve\.$/ })
      .waitFor({ timeout: 30_000 });
    expect(game.pageErrors).toEqual([]);
    expect(game.clientProblems).toEqual([]);
  });
});
