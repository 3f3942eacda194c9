import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserAndServer } from '../support/browser-suite.js';
import { joinGame, waitForDebugSnapshot } from '../support/game-page.js';
import type { TickwireDebugSnapshot } from '../../src/debug/debug-hook.js';

/**
 * A small world with an area of interest twice its size: wherever two players spawn, each one's
 * view covers the whole world, so players of one room always see each other (and a player of
 * another room would be seen if it were in this one).
 */
const SERVER_ARGS = ['--world', '1200x800', '--view', '2500x1700', '--pellets', '20'];

/** The names of the players in a page's view. */
function playerNames(snapshot: TickwireDebugSnapshot): string[] {
  return snapshot.entities
    .filter((e) => e.kind === 'player')
    .map((e) => String(e.name))
    .sort();
}

function seesPlayers(page: Page, names: string[], what: string): Promise<TickwireDebugSnapshot> {
  return waitForDebugSnapshot(
    page,
    (s) => s.status === 'connected' && playerNames(s).join() === [...names].sort().join(),
    what,
    15_000,
  );
}

describe('a private room shared by its link', () => {
  const suite = useBrowserAndServer(SERVER_ARGS);

  it('page A creates a private room, page B opens its share link and joins, and both see each other', async () => {
    const { server } = suite;
    const a = await suite.open(server.url);
    // The lobby: quick play is the main button, with a private room and the room list beside it.
    expect(await a.page.locator('#join-button').textContent()).toBe('Quick play');
    await a.page.locator('#name-input').fill('Alice');
    await a.page.locator('#create-button').click();

    // While A plays, the page shows the room's share link.
    await a.page.locator('#share').waitFor({ state: 'visible', timeout: 15_000 });
    const shareLink = await a.page.locator('#share-link').inputValue();
    const code = new URL(shareLink).searchParams.get('room');
    expect(shareLink).toBe(`${server.url}/?room=${code}`);
    expect(code).toMatch(/^[A-Za-z0-9]+$/);
    await seesPlayers(a.page, ['Alice'], 'A to play alone in the new room');

    // The private room is joined only by its code: it is not in the public list.
    const listing = (await (await fetch(`${server.url}/match/rooms`)).json()) as {
      rooms: { code: string | null; isPrivate: boolean }[];
    };
    expect(listing.rooms.filter((r) => r.isPrivate || r.code !== null)).toEqual([]);

    // B opens the link: the page offers that room (no lobby) and joins it by code.
    const b = await suite.open(shareLink);
    expect(await b.page.locator('#join-button').textContent()).toBe(`Join room ${code}`);
    expect(await b.page.locator('#invite-line').textContent()).toContain(code);
    expect(await b.page.locator('#lobby').isHidden()).toBe(true);
    await joinGame(b.page, 'Bob');

    await seesPlayers(b.page, ['Alice', 'Bob'], 'B to see Alice and itself');
    await seesPlayers(a.page, ['Alice', 'Bob'], 'A to see Bob join');
    // B is in the private room too, so it can share the same link.
    expect(await b.page.locator('#share-link').inputValue()).toBe(shareLink);

    // Quick play from the lobby does not land in the private room.
    const c = await suite.open(server.url);
    await joinGame(c.page, 'Carol');
    const carol = await waitForDebugSnapshot(
      c.page,
      (s) => s.status === 'connected' && playerNames(s).includes('Carol'),
      'C to join a public room',
      15_000,
    );
    expect(playerNames(carol)).not.toContain('Alice');
    expect(await c.page.locator('#share').isHidden()).toBe(true);

    // The Copy button puts the link on the clipboard.
    await a.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await a.page.locator('#copy-link').click();
    await a.page.locator('#copy-link', { hasText: 'Copied' }).waitFor();
    expect(await a.page.evaluate(() => navigator.clipboard.readText())).toBe(shareLink);

    for (const page of [a, b, c]) {
      expect(page.pageErrors).toEqual([]);
      expect(page.clientProblems).toEqual([]);
    }
  });

  it('explains a share link whose room does not exist', async () => {
    const page = await suite.open(`${suite.server.url}/?room=NOPE42`);
    await joinGame(page.page, 'Dave');
    const closeBox = page.page.locator('#close-box');
    await closeBox.waitFor({ state: 'visible' });
    expect(await page.page.locator('#close-title').textContent()).toBe('No such room');
    // Still on the invitation, with the way back to the lobby.
    expect(await page.page.locator('#join-button').textContent()).toBe('Join room NOPE42');
    expect(await page.page.locator('#lobby-link').isVisible()).toBe(true);
    expect(page.pageErrors).toEqual([]);
  });
});
