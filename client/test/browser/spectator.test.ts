import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '@tickwire/protocol';
import { waitFor } from '../../../protocol/src/testing/wait.js';
import { joinBot } from '../support/bots.js';
import { useBrowserAndServer } from '../support/browser-suite.js';
import { findEntity, waitForDebugSnapshot } from '../support/game-page.js';

// Watching without playing: the page joins as a spectator (no entity), follows a player with E,
// and sees it move; nobody sees the spectator. The default world (4000 x 4000, a 1600 x 1000
// view): where the spectator looks decides what it is sent.
const SERVER_ARGS = ['--pellets', '50', '--checksums'];
/** moveDir: the wire's angles (256 a turn), east and west. */
const EAST = 0;
const WEST = 128;
/** Further than half a view's width (1600): out of a view that stayed where it was. */
const RUN_UNITS = 900;

describe('a spectator', () => {
  const suite = useBrowserAndServer(SERVER_ARGS);
  const bots: Bot[] = [];

  afterEach(() => {
    for (const bot of bots.splice(0)) bot.close();
  });

  it('follows a player and sees it move, without appearing in anyone’s view', async () => {
    const { server } = suite;
    const [runner, other] = [
      await joinBot(server.url, 'Runner'),
      await joinBot(server.url, 'Other'),
    ];
    bots.push(runner, other);
    const game = await suite.open(server.url);
    const { page } = game;
    // No name typed: a spectator needs none.
    await page.locator('#watch-button').click();
    await waitForDebugSnapshot(
      page,
      (s) => s.status === 'connected' && s.playerId === 0,
      'the page to join as a spectator',
      15_000,
    );
    expect(await page.locator('#status').textContent()).toMatch(
      /^Watching the game\. E, \] or a click: next player/,
    );
    // The room panel counts it as watching, not playing.
    await waitFor(
      async () =>
        (await page.locator('#leaderboard .online').textContent()) === '2 playing · 1 watching',
      'the room panel to count two players and one spectator',
      10_000,
    );

    // Follow the first player of the board, then the next, until it is the runner.
    const hud = page.locator('#hud');
    await waitFor(
      async () => (await hud.textContent()) === 'Watching · free camera',
      'the HUD to say the camera is free before anyone is followed',
      5_000,
    );
    let followed = 'Watching · free camera';
    for (let i = 0; i < 2 && !followed.startsWith('Watching Runner'); i++) {
      const before = followed;
      await page.keyboard.press('e');
      await waitFor(
        async () => {
          followed = (await hud.textContent()) ?? '';
          return followed !== before && /^Watching .+ · \d of 2$/.test(followed);
        },
        'the HUD to name the next player the camera follows',
        5_000,
      );
    }
    expect(followed).toMatch(/^Watching Runner · \d of 2$/);
    const runnerId = runner.playerId as number;
    const seen = await waitForDebugSnapshot(
      page,
      (s) => findEntity(s, runnerId) !== undefined,
      'the spectator to be sent the runner',
      10_000,
    );
    const startX = findEntity(seen, runnerId)?.x as number;

    // The runner runs (towards the far side of the 4000-wide world) further than half a view
    // width: the spectator's view goes along.
    const sign = startX < 2000 ? 1 : -1;
    runner.setInput({ moveDir: sign > 0 ? EAST : WEST, aim: 0, buttons: 0 });
    const far = await waitForDebugSnapshot(
      page,
      (s) => sign * ((findEntity(s, runnerId)?.x ?? startX) - startX) > RUN_UNITS,
      `the spectator to see the runner ${RUN_UNITS} units away`,
      20_000,
    );
    runner.setInput({ moveDir: -1, aim: 0, buttons: 0 });
    // The camera follows it: the screen is centred near the runner as drawn.
    const drawn = far.rendered.find((e) => e.id === runnerId);
    expect(drawn).toBeDefined();
    expect(Math.abs(far.camera.x - (drawn?.x ?? 0))).toBeLessThan(400);
    expect(far.playerId).toBe(0);

    // Nobody sees a spectator: each player's view holds the two players and nothing else new.
    for (const bot of [runner, other]) {
      const players = [...(bot.view?.entities.values() ?? [])].filter((e) => e.kind === 'player');
      expect(players.every((p) => p.id === runnerId || p.id === other.playerId)).toBe(true);
    }
    // ... and the server counts it as no player.
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { players: number };
    expect(health.players).toBe(2);
    expect(game.pageErrors).toEqual([]);
    expect(game.clientProblems).toEqual([]);
  });
});
