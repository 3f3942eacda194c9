import { describe, expect, it, onTestFinished } from 'vitest';
import { CloseCode } from '@tickwire/protocol';
import { testGame } from '../game/test-game.js';
import { MetricsScrape, quantileBetween } from '../process/metrics-scrape.js';
import { TestPeer, createTestRoom } from '../room/test-support.js';
import { ServerMetrics, TICK_DURATION_BUCKETS_S } from './prometheus.js';

async function scrape(metrics: ServerMetrics): Promise<MetricsScrape> {
  return new MetricsScrape((await metrics.render()).body);
}

const GAME = testGame.spec.name;
const TICK_MS = 1000 / 30;

function roomWithMetrics() {
  const metrics = new ServerMetrics({ version: '9.9.9', uwsBuild: 'test' });
  const { room, clock } = createTestRoom(testGame, { tickHz: 30 }, metrics.tickTimings(GAME));
  metrics.addRoom(room);
  return { metrics, room, clock };
}

describe('Prometheus metrics', () => {
  it('name everything by Prometheus conventions, with bounded labels, and start counters at 0', async () => {
    const { metrics } = roomWithMetrics();
    const m = await scrape(metrics);
    for (const [name, type] of m.types) {
      if (type === 'counter') expect(name, `${name} is a counter`).toMatch(/_total$/);
    }
    expect(m.types.get('tickwire_tick_duration_seconds')).toBe('histogram');
    expect(m.types.get('tickwire_tick_interval_seconds')).toBe('histogram');
    expect(m.types.get('nodejs_eventloop_lag_p99_seconds')).toBe('gauge');
    expect(m.types.get('process_cpu_seconds_total')).toBe('counter');
    expect(m.types.get('process_resident_memory_bytes')).toBe('gauge');
    // The version this build speaks (it serves version 2 too: PROTOCOL.md 1.4).
    expect(m.value('tickwire_build_info', { version: '9.9.9', protocol: '4' })).toBe(1);
    expect(m.value('tickwire_tick_budget_seconds', { game: GAME })).toBeCloseTo(1 / 30, 6);
    // A series exists from the first scrape, at 0, so that rate() sees the first increase.
    expect(m.samples.some((s) => s.name === 'tickwire_snapshots_sent_total')).toBe(true);
    expect(m.value('tickwire_snapshots_sent_total', { game: GAME })).toBe(0);
    for (const sample of m.samples) {
      expect(
        Object.keys(sample.labels).every((l) =>
          [
            'game',
            'code',
            'reason',
            'le',
            'version',
            'protocol',
            'uws',
            'kind',
            'space',
            'type',
            'major',
            'minor',
            'patch',
          ].includes(l),
        ),
        `${sample.name} ${JSON.stringify(sample.labels)}`,
      ).toBe(true);
    }
  });

  it('count ticks, players, snapshots, bytes and kicks as the room runs, growing between scrapes', async () => {
    const { metrics, room, clock } = roomWithMetrics();
    onTestFinished(() => room.stop());
    const a = new TestPeer(room, '192.0.2.1');
    const b = new TestPeer(room, '192.0.2.2');
    a.hello('a');
    b.hello('b');
    room.start();
    clock.advance(10 * TICK_MS + 1);
    const first = await scrape(metrics);
    expect(first.value('tickwire_ticks_total', { game: GAME })).toBe(10);
    expect(first.value('tickwire_players', { game: GAME })).toBe(2);
    expect(first.value('tickwire_connections')).toBe(2);
    expect(first.value('tickwire_snapshots_sent_total', { game: GAME })).toBe(
      room.counters.snapshotsSent,
    );
    expect(first.value('tickwire_snapshots_sent_total', { game: GAME })).toBeGreaterThan(0);
    expect(first.value('tickwire_snapshot_bytes_total', { game: GAME })).toBe(
      room.counters.bytesSent,
    );
    expect(first.value('tickwire_tick_duration_seconds_count', { game: GAME })).toBe(10);
    // Nine intervals between ten ticks, each one tick period on the manual clock.
    expect(first.value('tickwire_tick_interval_seconds_count', { game: GAME })).toBe(9);
    expect(first.value('tickwire_tick_interval_seconds_sum', { game: GAME })).toBeCloseTo(
      9 / 30,
      6,
    );

    a.connection.deliver(new Uint8Array([0xc1])); // never valid msgpack
    clock.advance(10 * TICK_MS);
    const second = await scrape(metrics);
    expect(second.value('tickwire_ticks_total', { game: GAME })).toBe(20);
    expect(
      second.value('tickwire_kicks_total', {
        code: String(CloseCode.MalformedFrame),
        reason: 'MalformedFrame',
      }),
    ).toBe(1);
    expect(second.value('tickwire_connections')).toBe(1);
    expect(second.value('tickwire_snapshots_sent_total', { game: GAME })).toBe(
      room.counters.snapshotsSent,
    );
    // Counters only grow; a third scrape with nothing new reads the same.
    const third = await scrape(metrics);
    expect(third.value('tickwire_kicks_total')).toBe(1);
    expect(third.value('tickwire_ticks_total')).toBe(20);
  });

  it('estimate a quantile between two scrapes from the histogram, as Prometheus does', async () => {
    const metrics = new ServerMetrics({ version: '1', uwsBuild: 'test' });
    const sink = metrics.tickTimings('g');
    for (let i = 0; i < 50; i++) sink.tickDuration(0.0012); // before the window: not counted
    const before = await scrape(metrics);
    for (let i = 0; i < 98; i++) sink.tickDuration(0.0022);
    sink.tickDuration(0.02);
    sink.tickDuration(0.02);
    const after = await scrape(metrics);
    const p50 = quantileBetween(before, after, 'tickwire_tick_duration_seconds', 0.5);
    const p99 = quantileBetween(before, after, 'tickwire_tick_duration_seconds', 0.99);
    // Within the buckets that hold the values: (2, 2.5] ms and (17.5, 20] ms.
    expect(p50).toBeGreaterThan(0.002);
    expect(p50).toBeLessThanOrEqual(0.0025);
    expect(p99).toBeGreaterThan(0.0175);
    expect(p99).toBeLessThanOrEqual(0.02);
    expect(Number.isNaN(quantileBetween(after, after, 'tickwire_tick_duration_seconds', 0.5))).toBe(
      true,
    );
    // The buckets resolve a third of a 30 Hz budget and the budget itself.
    expect(TICK_DURATION_BUCKETS_S.filter((b) => b <= 0.005).length).toBeGreaterThanOrEqual(8);
    expect(TICK_DURATION_BUCKETS_S).toContain(0.01);
    expect(TICK_DURATION_BUCKETS_S).toContain(0.0125);
  });

  it('count records withheld under a byte budget, and the staleness of each snapshot in a histogram', async () => {
    const metrics = new ServerMetrics({ version: '9.9.9', uwsBuild: 'test' });
    // Six players and 150 rocks all in one view, and a budget far below what a view takes.
    const { room, clock } = createTestRoom(testGame, {
      tickHz: 30,
      worldWidth: 1000,
      worldHeight: 800,
      pelletCount: 150,
      maxBytesPerClientS: 600,
    });
    metrics.addRoom(room);
    onTestFinished(() => room.stop());
    const peers = Array.from({ length: 6 }, (_, i) => new TestPeer(room, `192.0.2.${i + 1}`));
    peers.forEach((peer, i) => peer.hello(`p${i}`));
    room.start();
    const before = await scrape(metrics);
    expect(before.types.get('tickwire_view_staleness_ticks')).toBe('histogram');
    clock.advance(60 * TICK_MS + 1);
    const after = await scrape(metrics);
    const sent = room.counters.snapshotsSent;
    expect(sent).toBeGreaterThan(0);
    expect(after.value('tickwire_view_staleness_ticks_count', { game: GAME })).toBe(sent);
    const buckets = after.buckets('tickwire_view_staleness_ticks', { game: GAME });
    expect(buckets.get(Number.POSITIVE_INFINITY)).toBe(sent);
    // Cumulative, as Prometheus reads them.
    const counts = [...buckets.entries()].sort((x, y) => x[0] - y[0]).map(([, n]) => n);
    expect(counts).toEqual([...counts].sort((x, y) => x - y));
    expect(room.counters.recordsWithheld).toBeGreaterThan(0);
    expect(after.value('tickwire_records_withheld_total', { game: GAME })).toBe(
      room.counters.recordsWithheld,
    );
    expect(
      quantileBetween(before, after, 'tickwire_view_staleness_ticks', 0.99, { game: GAME }),
    ).toBeGreaterThan(0);
    expect(after.value('tickwire_view_staleness_ticks_sum', { game: GAME })).toBeGreaterThan(0);
  });
});
