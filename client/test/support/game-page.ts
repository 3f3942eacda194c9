import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { TickwireDebugEntity, TickwireDebugSnapshot } from '../../src/debug/debug-hook.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLIENT_INDEX = fileURLToPath(new URL('../../dist/index.html', import.meta.url));

/** The server serves client/dist: fail early, with the fix, when it has not been built. */
export function requireBuiltClient(): void {
  if (!existsSync(CLIENT_INDEX)) {
    throw new Error(
      `${CLIENT_INDEX} does not exist: build the client first (npm run build -w @tickwire/client).`,
    );
  }
}

/** A page in its own browser context, with uncaught page errors collected for assertions. */
export interface GamePage {
  page: Page;
  /** Uncaught exceptions thrown in the page. */
  pageErrors: Error[];
  /** Warnings and errors the client logged about the protocol (desyncs, bad frames). */
  clientProblems: string[];
  close(): Promise<void>;
}

/**
 * Opens the client at `url`, in a browser context made with `context`: a viewport (CSS pixels,
 * default 1280 x 720; software WebGL draws a smaller page faster, for tests that time frames
 * while two pages render at once), or a phone's touch screen.
 */
export async function openGamePage(
  browser: Browser,
  url: string,
  context: BrowserContextOptions = { viewport: { width: 1280, height: 720 } },
): Promise<GamePage> {
  const browserContext = await browser.newContext(context);
  const page = await browserContext.newPage();
  const pageErrors: Error[] = [];
  const clientProblems: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  page.on('console', (message) => {
    if (message.text().startsWith('tickwire:')) clientProblems.push(message.text());
  });
  await page.goto(url);
  await page.locator('#name-input').waitFor({ state: 'visible' });
  return { page, pageErrors, clientProblems, close: () => browserContext.close() };
}

/**
 * Types a name on the join screen and presses Enter; `byTouch`: taps the field and the button
 * instead, as a thumb on a phone does.
 */
export async function joinGame(page: Page, name: string, { byTouch = false } = {}): Promise<void> {
  const field = page.locator('#name-input');
  if (byTouch) await field.tap();
  await field.fill(name);
  if (byTouch) await page.locator('#join-button').tap();
  else await field.press('Enter');
}

export async function readDebugSnapshot(page: Page): Promise<TickwireDebugSnapshot | null> {
  return page.evaluate(() => window.__tickwire?.snapshot() ?? null);
}

/** Polls `window.__tickwire.snapshot()` until `predicate` holds; returns that snapshot. */
export async function waitForDebugSnapshot(
  page: Page,
  predicate: (snapshot: TickwireDebugSnapshot) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<TickwireDebugSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last: TickwireDebugSnapshot | null = null;
  while (Date.now() < deadline) {
    last = await readDebugSnapshot(page);
    if (last && predicate(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last snapshot: ${JSON.stringify(last)?.slice(0, 2000)}`,
  );
}

/**
 * Waits until the page plays, connected, with a player named `name` in its view (a page that
 * came back after a restart: its new player is in the view once it is in the game).
 */
export async function waitToPlayAs(
  page: Page,
  name: string,
  what: string,
  timeoutMs: number,
): Promise<TickwireDebugSnapshot> {
  return waitForDebugSnapshot(
    page,
    (s) =>
      s.status === 'connected' &&
      s.playerId !== null &&
      s.entities.some((e) => e.kind === 'player' && e.name === name),
    what,
    timeoutMs,
  );
}

export function findEntity(
  snapshot: TickwireDebugSnapshot,
  id: number,
): TickwireDebugEntity | undefined {
  return snapshot.entities.find((e) => e.id === id);
}

/** Where a world point appears on the page, in CSS pixels, from the page's own camera. */
export function toScreen(
  snapshot: TickwireDebugSnapshot,
  x: number,
  y: number,
): { x: number; y: number } {
  const { camera } = snapshot;
  return {
    x: (x - camera.x) * camera.zoom + camera.viewportWidth / 2,
    y: (y - camera.y) * camera.zoom + camera.viewportHeight / 2,
  };
}

/** One drawn frame of recordMotion: where the own player and one remote player were drawn. */
export interface MotionFrame {
  /** frameAtMs of the frame. */
  t: number;
  /** Tick of the newest snapshot. */
  tick: number;
  /** Reconciliations of the own player so far. */
  samples: number;
  self: { x: number; y: number } | null;
  remote: { x: number; y: number } | null;
}

/**
 * From now on, records every frame the page draws (MotionFrame) and the time of every keydown,
 * in the page itself: polling from the test would miss frames. Read them with readMotion().
 */
export async function recordMotion(
  page: Page,
  selfId: number | null,
  remoteId: number | null,
): Promise<void> {
  await page.evaluate(
    ({ self, remote }) => {
      const frames: MotionFrame[] = [];
      const keys: number[] = [];
      Object.assign(window, { __motion: { frames, keys } });
      window.addEventListener('keydown', () => keys.push(performance.now()));
      let lastAt = -1;
      const record = (): void => {
        const s = window.__tickwire?.snapshot();
        if (s && s.frameAtMs !== lastAt) {
          lastAt = s.frameAtMs;
          const me = s.rendered.find((e) => e.id === self);
          const other = s.rendered.find((e) => e.id === remote);
          frames.push({
            t: s.frameAtMs,
            tick: s.tick,
            samples: s.netcode.predictionSamples,
            self: me ? { x: me.x, y: me.y } : null,
            remote: other ? { x: other.x, y: other.y } : null,
          });
        }
        requestAnimationFrame(record);
      };
      requestAnimationFrame(record);
    },
    { self: selfId, remote: remoteId },
  );
}

/** What recordMotion recorded so far: the frames, and the keydown times (performance.now()). */
export async function readMotion(page: Page): Promise<{ frames: MotionFrame[]; keys: number[] }> {
  return page.evaluate(
    () => (window as unknown as { __motion: { frames: MotionFrame[]; keys: number[] } }).__motion,
  );
}

/** One text the status line showed, as recordStatus saw it. */
export interface StatusEntry {
  text: string;
  /** The details line under it ('' when hidden). */
  details: string;
  /** Whether the world was dimmed when the text appeared. */
  isDimmed: boolean;
}

/**
 * From now on, records every text the status line shows, with its details line and whether the
 * world was dimmed, in the page itself (a text shown between two polls is kept). Read them with
 * readStatus().
 */
export async function recordStatus(page: Page): Promise<void> {
  await page.evaluate(() => {
    const entries: StatusEntry[] = [];
    Object.assign(window, { __statusEntries: entries });
    const status = document.getElementById('status');
    const details = document.getElementById('status-details');
    const game = document.getElementById('game');
    if (!status || !details || !game) throw new Error('the page has no #status or #game');
    new MutationObserver(() => {
      entries.push({
        text: status.textContent ?? '',
        details: details.hidden ? '' : (details.textContent ?? ''),
        isDimmed: game.classList.contains('is-dimmed'),
      });
    }).observe(status, { childList: true, characterData: true, subtree: true });
  });
}

/** What recordStatus recorded so far, oldest first. */
export async function readStatus(page: Page): Promise<StatusEntry[]> {
  return page.evaluate(
    () => (window as unknown as { __statusEntries: StatusEntry[] }).__statusEntries,
  );
}
