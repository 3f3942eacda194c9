import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startServer, type ServerProcess } from '../../../server/test/support/server-process.js';
import { launchChromium } from './browser.js';
import { openGamePage, requireBuiltClient, type GamePage } from './game-page.js';

/** A Chromium and a real server shared by the tests of one describe block. */
export interface BrowserSuite {
  /** Throws outside the block's tests (before it started, or if it could not start). */
  readonly browser: Browser;
  readonly server: ServerProcess;
  /** Opens the client at `url` (see openGamePage); the page is closed after the test. */
  open(url: string, context?: BrowserContextOptions): Promise<GamePage>;
}

/**
 * Starts Chromium and the real server (with `serverArgs`) before the tests of the enclosing
 * describe block and stops both after them. Pages opened with `open` are closed after each test:
 * software-rendered WebGL pages left running slow the next test down.
 */
export function useBrowserAndServer(serverArgs: string[]): BrowserSuite {
  let browser: Browser | undefined;
  let server: ServerProcess | undefined;
  const pages: GamePage[] = [];

  beforeAll(async () => {
    requireBuiltClient();
    browser = await launchChromium();
    server = await startServer({ args: serverArgs });
  });

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    get browser(): Browser {
      if (!browser) throw new Error('no browser: the suite has not started');
      return browser;
    },
    get server(): ServerProcess {
      if (!server) throw new Error('no server: the suite has not started');
      return server;
    },
    async open(url, context) {
      const page = await openGamePage(this.browser, url, context);
      pages.push(page);
      return page;
    },
  };
}
