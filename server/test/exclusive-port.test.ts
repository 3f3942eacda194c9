import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './support/server-process.js';

// uSockets sets SO_REUSEPORT unless told otherwise: a second server started on a busy port used to
// share it silently, the kernel alternating connections between two separate worlds. The server
// listens exclusively now (also so that no one can take its port while it pauses accepting).

let first: ServerProcess;

beforeAll(async () => {
  first = await startServer({ args: ['--static', ''] });
});

afterAll(async () => {
  await first.stop();
});

describe('a second server on a busy port', () => {
  it('fails to start with a clear error, and the first keeps its port', async () => {
    const second = startServer({ args: ['--static', '', '--port', String(first.port)] });
    await expect(second).rejects.toThrow(/exited with 1 before listening/);
    await expect(second).rejects.toThrow(
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${first.port}: the port is in use`),
    );
    const health = (await (await fetch(`${first.url}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
  });
});
