import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../src/bench/fleet.js';
import { startServer, type ServerProcess } from '../../server/src/process/spawn-server.js';
import {
  quantileBetween,
  scrapeMetrics,
  type MetricsScrape,
} from '../../server/src/process/metrics-scrape.js';

// --max-bytes-per-client-s on the real server, with real WebSocket clients: a crowd (every
// player sees every other, and every pellet) whose views take more than the budget. Every
// client verifies every snapshot's checksum.

const CLIENTS = 60;
const BUDGET = 1000;
const TICK_HZ = 30;
/** Snapshots the window waits for: about three seconds of every client's. */
const WINDOW_SNAPSHOTS = CLIENTS * TICK_HZ * 3;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds, checking every 20 ms; fails after `deadlineMs`. */
async function until(done: () => boolean, what: string, deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('a per-client byte budget (--max-bytes-per-client-s), real server and clients', () => {
  let server: ServerProcess;
  const fleets: Fleet[] = [];

  beforeAll(async () => {
    server = await startServer({
      args: [
        ...['--game', 'arena', '--world', '1000x800', '--view', '1600x1000'],
        ...['--pellets', '200', '--eat-pellets', 'false', '--score-every-ms', '1000'],
        ...['--tick-hz', String(TICK_HZ), '--checksums', '--static', ''],
        ...['--max-bytes-per-client-s', String(BUDGET), '--handshake-timeout-ms', '60000'],
      ],
    });
  });
  afterAll(async () => {
    for (const fleet of fleets) await fleet.close();
    await server?.stop();
  });

  it('holds each client to its budget, every replica verifies, and views lag (staleness > 0)', async () => {
    const fleet = new Fleet({
      url: server.wsUrl,
      clients: CLIENTS,
      inputHz: 20,
      decodingClients: CLIENTS,
      seed: 11,
    });
    fleets.push(fleet);
    await fleet.connect(20);
    expect(fleet.joinedClients).toBe(CLIENTS);
    // A second past the joins' full views (the pellets always go, whatever the budget).
    fleet.startMeasuring();
    await until(() => fleet.window.snapshots >= CLIENTS * TICK_HZ, 'a warm-up second', 30_000);
    fleet.stopMeasuring();

    const before: MetricsScrape = await scrapeMetrics(server.url);
    const startedMs = performance.now();
    fleet.startMeasuring();
    await until(() => fleet.window.snapshots >= WINDOW_SNAPSHOTS, 'the window', 60_000);
    const window = fleet.stopMeasuring();
    const seconds = (performance.now() - startedMs) / 1000;
    const after: MetricsScrape = await scrapeMetrics(server.url);

    expect({
      desyncs: fleet.desyncs,
      decodeErrors: fleet.decodeErrors,
      disconnects: fleet.disconnects,
      errors: fleet.errors,
    }).toEqual({ desyncs: 0, decodeErrors: 0, disconnects: 0, errors: [] });

    // Every byte of every frame is charged to the budget, frame heads included; a client may
    // start the window with a quarter second's credit, and the measuring clock is the
    // generator's, not the server's ticks: a frame head a tick of slack.
    const bytesPerClientPerSec = window.bytes / CLIENTS / seconds;
    expect(bytesPerClientPerSec).toBeLessThanOrEqual(BUDGET + TICK_HZ * 16);
    // The budget binds: records waited, and views lagged.
    const withheld =
      after.value('tickwire_records_withheld_total') -
      before.value('tickwire_records_withheld_total');
    expect(withheld).toBeGreaterThan(0);
    const stalenessP99 = quantileBetween(before, after, 'tickwire_view_staleness_ticks', 0.99);
    expect(stalenessP99).toBeGreaterThan(0);
    const observed =
      after.value('tickwire_view_staleness_ticks_count') -
      before.value('tickwire_view_staleness_ticks_count');
    expect(observed).toBeGreaterThan(0);
  });
});
