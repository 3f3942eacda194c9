import { describe, expect, it } from 'vitest';
import { startServer } from './support/server-process.js';

// The uWebSockets.js package swaps in a slow ws-based emulation when its native binary does not
// load; UWS_USE_FALLBACK=1 makes it do so on purpose.
describe('uWebSockets.js build detection', () => {
  it('logs the native build it loaded', async () => {
    const server = await startServer({ args: ['--static', ''] });
    try {
      expect(server.output()).toMatch(/"msg":"uWebSockets.js loaded","kind":"native"/);
    } finally {
      await server.stop();
    }
  });

  it('refuses to start on the ws fallback, saying why and how to override', async () => {
    await expect(
      startServer({ args: ['--static', ''], env: { UWS_USE_FALLBACK: '1' } }),
    ).rejects.toThrow(/exited with 1[\s\S]*slow ws-based fallback[\s\S]*--allow-uws-fallback/);
  });

  it('starts on the fallback when allowed, and says so', async () => {
    const server = await startServer({
      args: ['--static', '', '--allow-uws-fallback'],
      env: { UWS_USE_FALLBACK: '1' },
    });
    try {
      expect(server.output()).toMatch(/"kind":"fallback"/);
      expect(server.output()).toMatch(/running on the uWS fallback/);
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
