import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  quantileBetween,
  scrapeMetrics,
  startServer,
  type MetricsScrape,
  type ServerProcess,
} from './support/server-process.js';
import { TestClient, sleep, waitFor } from './support/test-client.js';

// 4000 pellets in a small world: a full view is ~45 KB, so a client that stops reading (and so
// stops acknowledging) fills the kernel's socket buffers within seconds and then the server's.
let server: ServerProcess;
const SKIP_BYTES = 64 * 1024;

beforeAll(async () => {
  server = await startServer({
    args: [
      '--world',
      '1200x800',
      '--pellets',
      '4000',
      '--eat-pellets',
      'false',
      '--checksums',
      '--skip-bytes',
      String(SKIP_BYTES),
      '--slow-consumer-ms',
      '30000',
      '--static',
      '',
    ],
  });
});

afterAll(async () => {
  await server.stop();
});

function metrics(): Promise<MetricsScrape> {
  return scrapeMetrics(server.url);
}

function rssBytes(m: MetricsScrape): number {
  return m.value('process_resident_memory_bytes');
}

function snapshotsSkipped(m: MetricsScrape): number {
  return m.value('tickwire_snapshots_skipped_total');
}

describe('a client that stops reading', () => {
  it('is skipped, not dropped: others are unaffected, memory stays bounded, and it converges when it reads again', async () => {
    const witness = new TestClient(server.wsUrl);
    const mover = new TestClient(server.wsUrl);
    const slow = new TestClient(server.wsUrl);
    await witness.join('witness');
    await mover.join('mover');
    await slow.join('slow');
    const before = await metrics();

    // The world keeps moving: the mover changes direction every 100 ms; the witness acks.
    let turn = 0;
    const driver = setInterval(() => {
      mover.input((turn++ * 40) % 256);
      witness.input(-1);
    }, 100);

    slow.stopReading();
    const pausedAt = witness.snapshots.length;
    const arrivals: number[] = [];
    const seen = witness.snapshots.length;
    const watcher = setInterval(() => arrivals.push(witness.snapshots.length), 50);
    let peakBuffered = 0;
    let peakRss = 0;
    for (let i = 0; i < 12; i++) {
      await sleep(500);
      const m = await metrics();
      peakBuffered = Math.max(peakBuffered, m.value('tickwire_send_buffer_max_bytes'));
      peakRss = Math.max(peakRss, rssBytes(m));
    }
    clearInterval(watcher);
    const during = await metrics();

    // The server skipped the slow reader instead of letting uWS drop sends.
    expect(snapshotsSkipped(during) - snapshotsSkipped(before)).toBeGreaterThan(30);
    // Its send buffer stopped growing just past the skip threshold (one snapshot over at most).
    expect(peakBuffered).toBeLessThan(SKIP_BYTES + 64 * 1024);
    // Memory bounded: no unbounded queue for the slow reader.
    expect(peakRss - rssBytes(before)).toBeLessThan(64 * 1024 * 1024);
    // The witness got every tick meanwhile: ~6 s at 30 Hz, no stall longer than a few ticks.
    const received = witness.snapshots.length - pausedAt;
    expect(received).toBeGreaterThan(160);
    const gaps = arrivals.map((n, i) => (i === 0 ? n - seen : n - (arrivals[i - 1] as number)));
    let longestStall = 0;
    let run = 0;
    for (const g of gaps) {
      run = g === 0 ? run + 1 : 0;
      longestStall = Math.max(longestStall, run);
    }
    expect(longestStall * 50).toBeLessThanOrEqual(300);
    expect(quantileBetween(before, during, 'tickwire_tick_duration_seconds', 0.99)).toBeLessThan(
      0.033,
    );

    // Reading again: everything buffered decodes (no corrupt frame), then it converges.
    const stalledAt = slow.snapshots.length;
    slow.startReading();
    await waitFor(() => slow.snapshots.length > stalledAt + 10, 'slow client reads again');
    const serverTick = (await metrics()).value('tickwire_ticks_total');
    for (let i = 0; i < 10; i++) {
      slow.input(-1);
      await sleep(50);
    }
    await waitFor(
      () => (slow.replica?.tick ?? 0) >= serverTick,
      'slow client catches up to the current tick',
    );
    clearInterval(driver);
    // Every frame decoded and every checksum (the server's view of it) matched.
    expect(slow.errors).toEqual([]);
    expect(witness.errors).toEqual([]);
    expect(slow.closeCode).toBeNull();
    // After catching up and acknowledging, it is back on deltas.
    await sleep(300);
    expect(slow.snapshots.slice(-5).every((s) => s.baselineTick !== 0)).toBe(true);
    await Promise.all([witness.close(), mover.close(), slow.close()]);
  });
});
