import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bot } from '@tickwire/protocol';
import { joinBot, replicaBugs } from '../support/bots.js';
import { useBrowserAndServer } from '../support/browser-suite.js';
import { REPO_ROOT, joinGame, openGamePage, waitForDebugSnapshot } from '../support/game-page.js';

// 300 entities on screen at once: 20 wandering bots, the page's own player and 279 pellets that
// the players eat (each eaten pellet leaves, a new one enters elsewhere), in a world small enough
// that every entity is in view. The renderer must reuse its display objects, not make new ones.

const BOTS = 20;
const PELLETS = 279;
const VISIBLE = BOTS + 1 + PELLETS;
const SERVER_ARGS = [
  '--world',
  '1000x700',
  '--view',
  '2100x1500',
  '--pellets',
  String(PELLETS),
  '--checksums',
];
const MEASURE_MS = 4000;

describe(`a crowd of ${VISIBLE} visible entities`, () => {
  const suite = useBrowserAndServer(SERVER_ARGS);
  const bots: Bot[] = [];

  // Registered after the suite's hooks, so it runs before them: the bots leave first.
  afterAll(async () => {
    for (const bot of bots) {
      bot.close();
      await bot.closed;
    }
  });

  it('draws every entity from pooled display objects and reports the frame time', async () => {
    const { browser, server } = suite;
    for (let i = 0; i < BOTS; i++) bots.push(await joinBot(server.url, `bot-${i}`));
    const wander = setInterval(() => {
      for (const bot of bots) bot.setInput({ moveDir: Math.floor(Math.random() * 256) });
    }, 400);
    const game = await openGamePage(browser, server.url);
    try {
      await joinGame(game.page, 'Watcher');
      await waitForDebugSnapshot(
        game.page,
        (s) => s.rendered.length >= VISIBLE,
        `${VISIBLE} entities drawn`,
        15_000,
      );
      // Let the pool reach the crowd's size, then measure.
      await game.page.waitForTimeout(1000);
      const start = await waitForDebugSnapshot(game.page, () => true, 'a snapshot');
      await game.page.keyboard.down('d');
      await game.page.waitForTimeout(MEASURE_MS / 2);
      await game.page.keyboard.up('d');
      await game.page.keyboard.down('s');
      await game.page.waitForTimeout(MEASURE_MS / 2);
      await game.page.keyboard.up('s');
      const end = await waitForDebugSnapshot(game.page, () => true, 'a snapshot');

      const pelletIds = (s: typeof start): Set<number> =>
        new Set(s.entities.filter((e) => e.kind === 'pellet').map((e) => e.id));
      const before = pelletIds(start);
      const churn = [...pelletIds(end)].filter((id) => !before.has(id)).length;
      const report = {
        visibleEntities: end.rendered.length,
        fps: end.frames.fps,
        meanFrameIntervalMs: end.frames.meanIntervalMs,
        meanFrameWorkMs: end.frames.meanWorkMs,
        maxFrameWorkMs: end.frames.maxWorkMs,
        pooledViews: end.frames.pooledViews,
        peakViewsInUse: end.frames.peakViewsInUse,
        createdViewsDuringMeasurement: end.frames.createdViews - start.frames.createdViews,
        pelletsReplacedDuringMeasurement: churn,
      };
      console.log(`crowd frame time (software WebGL): ${JSON.stringify(report)}`);
      mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
      writeFileSync(join(REPO_ROOT, 'test-results', 'crowd.json'), JSON.stringify(report));
      await game.page.screenshot({ path: join(REPO_ROOT, 'test-results', 'crowd.png') });

      expect(end.rendered.length).toBeGreaterThanOrEqual(VISIBLE);
      // Pellets were eaten and replaced by new entities while we watched...
      expect(churn).toBeGreaterThanOrEqual(20);
      // ...and the entering ones took display objects from the pool: at least 9 in 10 reused
      // one (without pooling every one of them would be new).
      expect(report.createdViewsDuringMeasurement * 10).toBeLessThanOrEqual(churn);
      // A display object is made only when more entities are drawn at once than ever before
      // (interpolating across a swap briefly draws both the pellet that left and the one that
      // entered): the pool is exactly the most ever in use, never more.
      expect(end.frames.pooledViews).toBe(end.frames.peakViewsInUse);
      expect(end.frames.pooledViews).toBeLessThan(VISIBLE + 30);
      expect(end.frames.fps).toBeGreaterThan(0);
      expect(game.pageErrors).toEqual([]);
      expect(game.clientProblems).toEqual([]);
      expect(bots.map(replicaBugs)).toEqual(bots.map(() => 0));
    } finally {
      clearInterval(wander);
      await game.close();
    }
  });
});
