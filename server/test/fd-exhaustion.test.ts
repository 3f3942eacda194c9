import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsScrape, startServer, type ServerProcess } from './support/server-process.js';
import { TestClient, sleep, waitFor } from './support/test-client.js';

// Issue 10, defect 1: with its descriptors used up, GET /metrics threw EMFILE (from
// process.memoryUsage()) out of the HTTP handler and the process died. The limit is small so that
// a CI-sized flood reaches it.
const FD_LIMIT = 64;
const FLOOD_SOCKETS = 80;

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ fdLimit: FD_LIMIT, args: ['--static', ''] });
});

afterAll(async () => {
  await server.stop();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Descriptors the server holds now (Linux: its /proc/PID/fd), or -1 once it is gone. */
function descriptorsOf(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

interface RawResponse {
  status: number;
  body: string;
}

/**
 * One HTTP/1.1 GET on its own TCP connection, written by hand so nothing retries or pools: it
 * resolves with the response, or with null if the connection ends without one.
 */
function rawGet(port: number, path: string): Promise<RawResponse | null> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /content-length: *(\d+)/i.exec(text.slice(0, end));
      if (length && text.length - end - 4 >= Number(length[1])) {
        socket.destroy();
        finish();
      }
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    let isDone = false;
    function finish(): void {
      if (isDone) return;
      isDone = true;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const end = text.indexOf('\r\n\r\n');
      resolve(status ? { status: Number(status[1]), body: text.slice(end + 4) } : null);
    }
  });
}

/**
 * Waits for `request` while the server sits at its descriptor limit: a connection waits in the
 * listen backlog until the server has a descriptor to accept it with, so flood sockets are closed
 * one at a time, oldest (accepted) first, until the answer comes or the server dies.
 */
async function requestAtTheLimit<T>(request: Promise<T>, flood: Socket[]): Promise<T | 'died'> {
  let answer: { value: T } | null = null;
  void request.then((value) => (answer = { value }));
  while (answer === null) {
    if (!isAlive(server.pid)) return 'died';
    await sleep(40);
    if (answer !== null) break;
    flood.shift()?.destroy();
  }
  return (answer as { value: T }).value;
}

describe('with every file descriptor in use', () => {
  it('/metrics and /healthz answer, the process stays up and a playing client keeps its snapshots', async () => {
    const player = new TestClient(server.wsUrl);
    await player.join('player');
    const atStart = descriptorsOf(server.pid);

    const flood: Socket[] = [];
    for (let i = 0; i < FLOOD_SOCKETS; i++) flood.push(await openSocket(server.port));
    await waitFor(() => descriptorsOf(server.pid) >= FD_LIMIT, 'the server at its fd limit');
    const atLimit = descriptorsOf(server.pid);

    // Behind the flood sockets still waiting in the backlog; accepted with the last descriptor.
    const metrics = await requestAtTheLimit(rawGet(server.port, '/metrics'), flood);
    const died = metrics === 'died' || !isAlive(server.pid);
    expect(died, `the server died:\n${server.output().slice(-2000)}`).toBe(false);
    expect(metrics).not.toBeNull();
    const metricsResponse = metrics as RawResponse;
    expect(metricsResponse.status).toBe(200);
    // Prometheus text, with the tick's figures in it (what EMFILE kept from being read is left out).
    const body = new MetricsScrape(metricsResponse.body);
    expect(body.value('tickwire_ticks_total')).toBeGreaterThan(0);

    const snapshotsBefore = player.snapshots.length;
    const healthStartMs = performance.now();
    const health = await requestAtTheLimit(rawGet(server.port, '/healthz'), flood);
    const healthMs = performance.now() - healthStartMs;
    expect(health).not.toBe('died');
    expect((health as RawResponse | null)?.status).toBe(200);

    // The tick carried on throughout: the player is still sent snapshots.
    await waitFor(
      () => player.snapshots.length >= snapshotsBefore + 5,
      'snapshots after the flood',
    );
    expect(player.errors).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
    console.log(
      `fd limit ${FD_LIMIT}: ${atStart} in use with one player, ${atLimit} after ${FLOOD_SOCKETS} sockets; ` +
        `/metrics rss ${body.value('process_resident_memory_bytes')}, ${body.samples.length} samples; ` +
        `/healthz in ${healthMs.toFixed(0)} ms, ${FLOOD_SOCKETS - flood.length} flood sockets closed by then`,
    );

    for (const socket of flood) socket.destroy();
    await player.close();
  });
});
