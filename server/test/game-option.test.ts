import { describe, expect, it } from 'vitest';
import { startServer } from './support/server-process.js';
import { TestClient } from './support/test-client.js';

// `--game NAME` picks the game the server build runs, from games/server.ts.
describe('--game', () => {
  it('runs the arena by default, and says so in /healthz and the Welcome', async () => {
    const server = await startServer({ args: ['--static', '', '--pellets', '5'] });
    try {
      expect(server.output()).toMatch(/"msg":"listening".*"game":"arena"/);
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as { game: string };
      expect(health.game).toBe('arena');
      const c = new TestClient(server.wsUrl);
      const welcome = await c.join('who');
      expect(welcome.schema.game).toBe('arena');
      expect(c.errors).toEqual([]);
      await c.close();
    } finally {
      await server.stop();
    }
  });

  it('refuses to start with a game this build does not have, naming the ones it has', async () => {
    await expect(startServer({ args: ['--static', '', '--game', 'chess'] })).rejects.toThrow(
      /exited with 1[\s\S]*unknown game \\"chess\\": this build runs arena/,
    );
  });
});
