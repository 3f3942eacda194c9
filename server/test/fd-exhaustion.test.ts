import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../src/http/raw-client.js';
import { scrapeMetrics, startServer, type ServerProcess } from './support/server-process.js';
import { TestClient, waitFor } from './support/test-client.js';

// Issue 10, defects 1 and 2, with the server's descriptors used up by idle TCP connections (one
// address, no request sent). Defect 1: GET /metrics threw EMFILE out of the HTTP handler and the
// process died. Defect 2: uSockets retried the failing accept() forever, the process spun at
// 100 % CPU and /healthz waited ~10 s for the idle sockets to time out. The limit is small so
// that a CI-sized flood reaches it.
const FD_LIMIT = 64;
/** Far more than the limit, all at once: some wait in the backlog and retry while it pauses. */
const FLOOD_SOCKETS = 300;
/** Clock ticks per second in /proc/PID/stat (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SEC = 100;

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ fdLimit: FD_LIMIT, args: ['--static', '', '--admin-port', '0'] });
});

afterAll(async () => {
  await server.stop();
});

/** The server's CPU time so far, in seconds (user + system, from /proc/PID/stat). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
}

/** Opens a TCP connection that holds on without a request (kept in `held` while it lives). */
function openIdleSocket(port: number, held: Set<Socket>): void {
  const socket = connect(port, '127.0.0.1');
  held.add(socket);
  socket.once('error', () => held.delete(socket));
  socket.once('close', () => held.delete(socket));
}

/** GET path on a new connection; null when refused, reset or not answered in time. */
async function tryGet(
  port: number,
  path: string,
): Promise<{ status: number; body: string } | null> {
  let client: RawClient | null = null;
  try {
    client = await RawClient.connect(port);
    client.send(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    return await client.readResponse(`GET ${path}`);
  } catch {
    return null;
  } finally {
    client?.destroy();
  }
}

describe('with every file descriptor in use', () => {
  it('the server warns at startup, stops accepting instead of spinning, answers /healthz, and the players play on', async () => {
    expect(server.output()).toContain('the file descriptor limit is below --max-connections');
    const player = new TestClient(server.wsUrl);
    await player.join('player');
    const adminPort = Number(new URL(server.adminUrl as string).port);

    const flood = new Set<Socket>();
    for (let i = 0; i < FLOOD_SOCKETS; i++) openIdleSocket(server.port, flood);
    try {
      // The process reached its limit and paused accepting (it says so, and counts it).
      await waitFor(
        () => server.output().includes('out of file descriptors: not accepting connections'),
        'the server to pause accepting at its descriptor limit',
      );

      // It does not spin: over the next second it uses a fraction of a core (it used all of it).
      const cpuBefore = cpuSeconds(server.pid);
      const startedMs = performance.now();
      const snapshotsBefore = player.snapshots.length;
      await waitFor(() => performance.now() - startedMs >= 1000, 'a second of the flood');
      const cpuShare =
        (cpuSeconds(server.pid) - cpuBefore) / ((performance.now() - startedMs) / 1000);
      expect(cpuShare).toBeLessThan(0.5);

      // /healthz answers on the game port while the flood holds its sockets (it hung ~10 s), and
      // on the operator port; /metrics too, counting the pause.
      let health: { status: number; body: string } | null = null;
      await waitFor(
        async () => (health = await tryGet(server.port, '/healthz')) !== null,
        '/healthz answered on the game port',
        5000,
      );
      expect(health).toMatchObject({ status: 200 });
      // And keeps answering while the flood holds on: after a pause the server listens again
      // with descriptors left for accepting (a reserve that took them all paused it for good).
      let answered = 0;
      for (let i = 0; i < 10; i++)
        if ((await tryGet(server.port, '/healthz'))?.status === 200) answered++;
      expect(answered).toBeGreaterThanOrEqual(8);
      expect((await tryGet(adminPort, '/healthz'))?.status).toBe(200);
      const metrics = await scrapeMetrics(server.adminUrl as string);
      expect(metrics.value('tickwire_accept_pauses_total')).toBeGreaterThanOrEqual(1);
      expect(metrics.value('process_max_fds')).toBe(FD_LIMIT);

      // The tick carried on throughout: the player is still sent snapshots, and nothing broke.
      await waitFor(
        () => player.snapshots.length >= snapshotsBefore + 30,
        'a second of snapshots during the flood',
      );
      expect(player.errors).toEqual([]);
      expect(player.closeCode).toBeNull();
      console.log(
        `fd limit ${FD_LIMIT}: ${flood.size} of ${FLOOD_SOCKETS} idle sockets held; ` +
          `CPU ${(cpuShare * 100).toFixed(1)} % of a core at the limit; ` +
          `${metrics.value('tickwire_accept_pauses_total')} pauses`,
      );
    } finally {
      for (const socket of flood) socket.destroy();
      await player.close();
    }
  });

  it('/metrics renders with no descriptor left (prom-client leaves out what it cannot read)', () => {
    const script = fileURLToPath(
      new URL('./support/render-metrics-at-fd-limit.ts', import.meta.url),
    );
    const run = spawnSync(
      'bash',
      [
        '-c',
        `ulimit -n 256 && exec "$@"`,
        'bash',
        process.execPath,
        '--conditions=source',
        '--import',
        'tsx',
        script,
      ],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({
      atLimit: true,
      rendered: true,
      hasTicks: true,
    });
  });
});
