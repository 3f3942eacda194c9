import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserAndServer } from '../support/browser-suite.js';
import {
  REPO_ROOT,
  findEntity,
  joinGame,
  waitForDebugSnapshot,
  type GamePage,
} from '../support/game-page.js';
import type { TickwireDebugEntity, TickwireDebugSnapshot } from '../../src/debug/debug-hook.js';
import { intersectRects, type Rect } from '../../src/game/geometry.js';

// A phone in a real Chromium against the real server: touch events only (no mouse, no keys once
// the name is typed). The left thumb drags the on-screen stick and the player walks that way;
// the right thumb holds the fire button and the shots go along the stick, then, dragged, along
// the drag. The status line tells a phone player about thumbs, not WASD. In landscape, and with
// an on-screen keyboard up, the join form and the controls stay usable and uncovered.

const WORLD = { width: 2000, height: 1400 };
const SERVER_ARGS = ['--world', `${WORLD.width}x${WORLD.height}`, '--pellets', '0', '--checksums'];
const PORTRAIT = { width: 390, height: 844 };
const LANDSCAPE = { width: 844, height: 390 };
/** World units the stick must carry the player (200 units/s) to count as a clear move. */
const CLEAR_MOVE_UNITS = 150;
/** How far a thumb drags the stick and the button, CSS pixels (past their rims). */
const DRAG_PX = 70;
const SHOT_DIR = join(REPO_ROOT, 'test-results');
/** Deadline for what the page shows once connected (the status line, the HUD). */
const POLL = { timeout: 5_000 };

/** A phone's game page, and a DevTools session on it for real touch events. */
interface PhonePage extends GamePage {
  cdp: CDPSession;
}

interface TouchPoint {
  id: number;
  x: number;
  y: number;
}

describe('touch controls on a phone', () => {
  const suite = useBrowserAndServer(SERVER_ARGS);

  /** A phone's page: touch screen, mobile viewport, no mouse used. */
  async function openPhone(viewport: { width: number; height: number }): Promise<PhonePage> {
    const game = await suite.open(suite.server.url, {
      viewport,
      hasTouch: true,
      isMobile: true,
      deviceScaleFactor: 2,
    });
    return { ...game, cdp: await game.page.context().newCDPSession(game.page) };
  }

  /** Joins with taps, as a thumb would; returns the connected snapshot and the own id. */
  async function joinByTouch(
    page: Page,
    name: string,
  ): Promise<{ joined: TickwireDebugSnapshot; id: number }> {
    await joinGame(page, name, { byTouch: true });
    const joined = await waitForDebugSnapshot(
      page,
      (s) =>
        s.status === 'connected' &&
        s.playerId !== null &&
        findEntity(s, s.playerId) !== undefined &&
        s.rendered.some((e) => e.isSelf),
      `${name} to join and see itself`,
      15_000,
    );
    if (joined.playerId === null) throw new Error('no player id');
    return { joined, id: joined.playerId };
  }

  async function touch(
    cdp: CDPSession,
    type: 'touchStart' | 'touchMove' | 'touchEnd',
    points: TouchPoint[],
  ): Promise<void> {
    await cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: points.map((p) => ({ ...p, radiusX: 10, radiusY: 10, force: 1 })),
    });
  }

  it('moves the player with the stick and fires with the button, in portrait', async () => {
    const phone = await openPhone(PORTRAIT);
    const { page, cdp } = phone;
    const { id } = await joinByTouch(page, 'Thumbs');

    // The controls are on screen (a touch screen), and the help speaks of them.
    const stickBox = await boxOf(page, '.touch-stick');
    const buttonBox = await boxOf(page, '.touch-button');
    const status = page.locator('#status');
    await expect.poll(() => status.textContent(), POLL).toMatch(/Left thumb: move and aim/);
    expect(await status.textContent()).not.toMatch(/WASD|mouse/);

    // The stick rests bottom-left and the button bottom-right, whole on screen, apart, and
    // nothing of the page over them.
    expect(stickBox.x + stickBox.width).toBeLessThan(PORTRAIT.width / 2);
    expect(buttonBox.x).toBeGreaterThan(PORTRAIT.width / 2);
    for (const box of [stickBox, buttonBox]) {
      expect(box.y).toBeGreaterThan(PORTRAIT.height * 0.7);
      expect(box.y + box.height).toBeLessThanOrEqual(PORTRAIT.height);
      expect(await coveringElements(page, box)).toEqual([]);
    }
    await expectNoOverflow(page);

    // Walk towards the middle of the world, wherever the player spawned.
    const start = await waitForDebugSnapshot(page, (s) => findEntity(s, id) !== undefined, 'me');
    const from = selfOf(start, id);
    const dir = from.x < WORLD.width / 2 ? 1 : -1;
    const thumb = { id: 1, x: PORTRAIT.width * 0.25, y: PORTRAIT.height * 0.75 };
    await touch(cdp, 'touchStart', [thumb]);
    const pushed = { ...thumb, x: thumb.x + dir * DRAG_PX };
    for (let step = 1; step <= 5; step++) {
      await touch(cdp, 'touchMove', [{ ...thumb, x: thumb.x + (dir * DRAG_PX * step) / 5 }]);
    }
    const moved = await waitForDebugSnapshot(
      page,
      (s) => (selfOf(s, id).x - from.x) * dir >= CLEAR_MOVE_UNITS,
      `the server to move the player ${CLEAR_MOVE_UNITS} units ${dir > 0 ? 'right' : 'left'}`,
    );
    // Straight along the drag: the stick's direction is exactly horizontal.
    expect(Math.abs(selfOf(moved, id).y - from.y)).toBeLessThan(2);
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOT_DIR, 'touch-portrait.png') });

    // The right thumb presses the button while the left one still holds the stick: shots go
    // along the stick (the player's way).
    const fire = {
      id: 2,
      x: buttonBox.x + buttonBox.width / 2,
      y: buttonBox.y + buttonBox.height / 2,
    };
    await touch(cdp, 'touchStart', [pushed, fire]);
    const ahead = await waitForDebugSnapshot(
      page,
      (s) => ownShots(s, id).some((p) => isAlong(p, selfOf(s, id), dir, 0)),
      'a shot of the player ahead of it',
      5_000,
    );
    expect(ownShots(ahead, id).length).toBeGreaterThan(0);

    // Dragged, the held button aims by itself while the stick keeps walking: left or up (the
    // ways a drag from the bottom-right corner can go), whichever has more room for a shot.
    const walking = selfOf(await waitForDebugSnapshot(page, () => true, 'a view'), id);
    const aimUp = walking.y > walking.x;
    const drag = aimUp ? { x: 0, y: -1 } : { x: -1, y: 0 };
    await touch(cdp, 'touchMove', [
      pushed,
      { ...fire, x: fire.x + drag.x * DRAG_PX, y: fire.y + drag.y * DRAG_PX },
    ]);
    const dragged = await waitForDebugSnapshot(
      page,
      (s) => ownShots(s, id).some((p) => isAlong(p, selfOf(s, id), drag.x, drag.y)),
      `a shot of the player ${aimUp ? 'above' : 'left of'} it`,
      5_000,
    );
    expect(ownShots(dragged, id).length).toBeGreaterThan(0);
    expect((selfOf(dragged, id).x - from.x) * dir).toBeGreaterThan(CLEAR_MOVE_UNITS);
    await page.screenshot({ path: join(SHOT_DIR, 'touch-portrait-firing.png') });

    // Both thumbs up: the player stops (two snapshots a while apart at the same spot).
    await touch(cdp, 'touchEnd', []);
    let last: { x: number; y: number; tick: number } | null = null;
    await waitForDebugSnapshot(
      page,
      (s) => {
        const at = { ...selfOf(s, id), tick: s.tick };
        const isStill = last !== null && at.tick >= last.tick + 6 && at.x === last.x;
        if (last === null || at.tick >= last.tick + 6) last = at;
        return isStill;
      },
      'the player to stop once the stick is let go',
    );
    expect(phone.pageErrors).toEqual([]);
    expect(phone.clientProblems).toEqual([]);
  });

  it('keeps the join form usable above the on-screen keyboard, and the layout in landscape', async () => {
    // The keyboard up: a portrait phone with half its height left to the page.
    const phone = await openPhone({ width: PORTRAIT.width, height: 420 });
    const { page } = phone;
    await page.locator('#name-input').tap();
    await page.locator('#name-input').fill('Sideways');
    await expectInView(page, '#name-input', { width: PORTRAIT.width, height: 420 });
    await page.locator('#join-button').scrollIntoViewIfNeeded();
    await expectInView(page, '#join-button', { width: PORTRAIT.width, height: 420 });
    const panel = await boxOf(page, '#join-form');
    expect(panel.y).toBeGreaterThanOrEqual(0);
    expect(panel.y + panel.height).toBeLessThanOrEqual(420);
    await expectNoOverflow(page);
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOT_DIR, 'touch-keyboard-join.png') });
    // Nothing of the page over the form's fields.
    for (const selector of ['#name-input', '#join-button']) {
      expect(await coveringElements(page, await boxOf(page, selector), '#join-form')).toEqual([]);
    }

    // Turned sideways before joining: the form still fits, and joins.
    await page.setViewportSize(LANDSCAPE);
    const landscapePanel = await boxOf(page, '#join-form');
    expect(landscapePanel.y + landscapePanel.height).toBeLessThanOrEqual(LANDSCAPE.height);
    expect(overlaps(landscapePanel, await boxOf(page, '#status'))).toBe(false);
    await page.screenshot({ path: join(SHOT_DIR, 'touch-landscape-join.png') });
    const { id } = await joinByTouch(page, 'Sideways');
    await expect.poll(() => page.locator('#status').textContent(), POLL).toMatch(/Left thumb/);
    await waitForDebugSnapshot(page, (s) => findEntity(s, id)?.['hp'] !== undefined, 'the HUD');
    await expect.poll(() => page.locator('#hud').isVisible(), POLL).toBe(true);

    for (const selector of ['.touch-stick', '.touch-button']) {
      const box = await boxOf(page, selector);
      expect(box.y + box.height).toBeLessThanOrEqual(LANDSCAPE.height);
      expect(await coveringElements(page, box)).toEqual([]);
    }
    // The status line and the HUD clear of the controls, and on screen.
    for (const selector of ['#corner', '#hud']) {
      const box = await boxOf(page, selector);
      expect(box.x + box.width).toBeLessThanOrEqual(LANDSCAPE.width);
      expect(box.y + box.height).toBeLessThanOrEqual(LANDSCAPE.height);
      for (const control of ['.touch-stick', '.touch-button']) {
        expect(overlaps(box, await boxOf(page, control))).toBe(false);
      }
    }
    await expectNoOverflow(page);
    await page.screenshot({ path: join(SHOT_DIR, 'touch-landscape.png') });

    // Back to portrait mid-game: the HUD moves above the controls.
    await page.setViewportSize(PORTRAIT);
    const hud = await boxOf(page, '#hud');
    for (const control of ['.touch-stick', '.touch-button']) {
      expect(overlaps(hud, await boxOf(page, control))).toBe(false);
    }
    expect(phone.pageErrors).toEqual([]);
  });

  it('shows no touch controls on a desktop, and keeps the keyboard help', async () => {
    const desktop = await suite.open(suite.server.url, { viewport: { width: 1280, height: 720 } });
    await joinGame(desktop.page, 'Desk');
    await waitForDebugSnapshot(desktop.page, (s) => s.status === 'connected', 'the desk to join');
    await expect.poll(() => desktop.page.locator('#status').textContent(), POLL).toMatch(/WASD/);
    expect(await desktop.page.locator('#touch-pad').isVisible()).toBe(false);
    expect(desktop.pageErrors).toEqual([]);
  });
});

function selfOf(s: TickwireDebugSnapshot, id: number): TickwireDebugEntity {
  const self = findEntity(s, id);
  if (!self) throw new Error(`player ${id} is not in the view`);
  return self;
}

/** The player's projectiles in the server's view. */
function ownShots(s: TickwireDebugSnapshot, id: number): TickwireDebugEntity[] {
  return s.entities.filter((e) => e.kind === 'projectile' && e['owner'] === id);
}

/**
 * Whether `shot` is off the player along (dx, dy) (one axis) and not off it across that axis:
 * fired that way. The player walks sideways at a third of a shot's speed, so across is small.
 */
function isAlong(
  shot: TickwireDebugEntity,
  self: { x: number; y: number },
  dx: number,
  dy: number,
): boolean {
  const along = (shot.x - self.x) * dx + (shot.y - self.y) * dy;
  const across = Math.abs((shot.x - self.x) * dy) + Math.abs((shot.y - self.y) * dx);
  return along > 20 && across < along / 2;
}

async function boxOf(page: Page, selector: string): Promise<Rect> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  return box;
}

function overlaps(a: Rect, b: Rect): boolean {
  return intersectRects(a, b) !== null;
}

/**
 * Elements of the page drawn over `box` other than `owner` (the touch controls) and the game,
 * by id or class, sampled on a grid over the box.
 */
async function coveringElements(page: Page, box: Rect, owner = '.touch-pad'): Promise<string[]> {
  return page.evaluate(
    ({ b, owner }) => {
      const found = new Set<string>();
      for (let i = 1; i < 4; i++) {
        for (let j = 1; j < 4; j++) {
          const element = document.elementFromPoint(
            b.x + (b.width * i) / 4,
            b.y + (b.height * j) / 4,
          );
          const isOurs =
            element === null ||
            element.closest(owner) !== null ||
            element.closest('#game') !== null;
          if (!isOurs) found.add(element.id || element.className || element.tagName);
        }
      }
      return [...found];
    },
    { b: box, owner },
  );
}

async function expectInView(
  page: Page,
  selector: string,
  viewport: { width: number; height: number },
): Promise<void> {
  const box = await boxOf(page, selector);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
}

/** Nothing wider or taller than the screen: the page itself never scrolls. */
async function expectNoOverflow(page: Page): Promise<void> {
  const size = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    width: window.innerWidth,
    height: window.innerHeight,
  }));
  expect(size.scrollWidth).toBeLessThanOrEqual(size.width);
  expect(size.scrollHeight).toBeLessThanOrEqual(size.height);
}
