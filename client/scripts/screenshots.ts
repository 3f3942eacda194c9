// `npm run screenshots`: README's pictures of the game, taken the way a player sees it. It starts
// the real server with the built client (npm run build first), a swarm of the example bots
// (`npm run bots`), and Chromium, joins as a player on a laptop-sized page and on a phone
// (390 x 844, touch), plays a few seconds and writes docs/screenshots/{desktop,phone}.png.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startServer } from '../../server/src/process/spawn-server.js';
import { launchChromium } from '../test/support/browser.js';
import {
  REPO_ROOT,
  joinGame,
  openGamePage,
  requireBuiltClient,
  waitForDebugSnapshot,
} from '../test/support/game-page.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(REPO_ROOT, 'docs', 'screenshots') },
    bots: { type: 'string', default: '16' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'npm run screenshots -- [--out DIR] [--bots N]\n' +
      "  README's screenshots (desktop.png, phone.png) from the real server, bots and Chromium.\n",
  );
  process.exit(0);
}

/** The pages to photograph: a laptop and a phone held upright. */
const SHOTS: readonly { file: string; name: string; context: BrowserContextOptions }[] = [
  { file: 'desktop.png', name: 'Ada', context: { viewport: { width: 1280, height: 720 } } },
  {
    file: 'phone.png',
    name: 'Bo',
    context: {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      hasTouch: true,
      isMobile: true,
    },
  },
];
/** Time the bots and the player play before the picture: scores and shots on screen. */
const PLAY_MS = 6000;

/** Joins as `name`, walks about and fires for PLAY_MS, then photographs the page. */
async function playAndShoot(
  page: Page,
  name: string,
  path: string,
  isTouch: boolean,
): Promise<void> {
  await joinGame(page, name, { byTouch: isTouch });
  await waitForDebugSnapshot(page, (s) => s.status === 'connected', `${name} to join`, 15_000);
  if (!isTouch) {
    await page.mouse.move(900, 300);
    await page.keyboard.down('d');
    await page.mouse.down();
  }
  await page.waitForTimeout(PLAY_MS);
  if (!isTouch) {
    await page.mouse.up();
    await page.keyboard.up('d');
  }
  await page.screenshot({ path });
}

requireBuiltClient();
mkdirSync(values.out, { recursive: true });
const server = await startServer({ args: [] });
const bots = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    join(REPO_ROOT, 'bots', 'src', 'run-bots.ts'),
    '--server',
    server.url,
    '--count',
    values.bots,
    '--name',
    'bot',
  ],
  { cwd: REPO_ROOT, stdio: 'ignore' },
);
let browser: Browser | null = null;
try {
  browser = await launchChromium();
  for (const shot of SHOTS) {
    const game = await openGamePage(browser, server.url, shot.context);
    const path = join(values.out, shot.file);
    await playAndShoot(game.page, shot.name, path, shot.context.hasTouch === true);
    process.stdout.write(`wrote ${path}\n`);
    await game.close();
  }
} finally {
  await browser?.close();
  bots.kill('SIGTERM');
  await server.stop();
}
