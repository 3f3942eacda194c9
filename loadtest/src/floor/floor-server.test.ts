import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  PLAYER_PROTOCOL_VERSION,
  PLAYER_SUBPROTOCOL,
  decodeWelcome,
  encodeHello,
  peekSnapshotHead,
  type Welcome,
} from '@tickwire/protocol';
import { scrapeMetrics, type MetricsScrape } from '../../../server/src/process/metrics-scrape.js';
import type { ServerProcess } from '../../../server/src/process/spawn-server.js';
import { arenaServerArgs } from '../bench/arena-server-args.js';
import type { MetricName, MetricSink } from '../scenario/metrics.js';
import { seededRandom } from '../scenario/random-walk.js';
import { ScenarioPlayer } from '../scenario/player.js';
import { startInputClock } from '../swarm/input-clock.js';
import { connectPlayer, type PlayerLink } from '../swarm/node-socket.js';
import { startBenchFloor } from '../bench/server-process.js';

// The real floor (its own process, a real port, real uWS) with the bench's real clients: the
// load tests' ScenarioPlayer on the swarm's socket driver and input clock, as the Fleet drives
// them in `npm run bench`.

const FRAME_BYTES = 70;
const CLIENTS = 4;
/** Real processes and sockets on a shared machine: generous deadlines, never asserted on. */
const DEADLINE_MS = 20_000;

/** Polls `isDone` until it holds, failing after the deadline with `what`. */
async function waitFor(isDone: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = performance.now() + DEADLINE_MS;
  while (!(await isDone())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every metric the players report, summed by name. */
function countingSink(): MetricSink & { totals: Map<MetricName, number> } {
  const totals = new Map<MetricName, number>();
  return {
    totals,
    add: (metric, value) => void totals.set(metric, (totals.get(metric) ?? 0) + value),
  };
}

const delta = (before: MetricsScrape, after: MetricsScrape, name: string): number =>
  after.value(name) - before.value(name);

describe('the floor server', () => {
  let floor: ServerProcess;

  beforeAll(async () => {
    floor = await startBenchFloor(arenaServerArgs(4), FRAME_BYTES, null);
  }, DEADLINE_MS + 10_000);
  afterAll(async () => {
    await floor?.stop();
  });

  it(
    "plays the bench's peeking clients: one frame a tick each, of the size asked, acknowledged, and nothing goes wrong",
    async () => {
      const sink = countingSink();
      const problems: string[] = [];
      const random = seededRandom(4);
      const players = Array.from(
        { length: CLIENTS },
        (_, i) =>
          new ScenarioPlayer(
            {
              name: `floor${i}`,
              isVerifying: false,
              random,
              metrics: sink,
              onProblem: (message) => problems.push(message),
            },
            performance.now(),
          ),
      );
      const clock = startInputClock(players, 20, () => performance.now());
      const links: PlayerLink[] = players.map((player) => {
        player.beginJoin(performance.now());
        return connectPlayer(
          player,
          { url: floor.wsUrl, seat: null },
          { joinTimeoutMs: DEADLINE_MS, nowMs: () => performance.now() },
        );
      });
      try {
        await Promise.all(links.map((link) => link.joined));
        expect(players.map((p) => p.welcome?.schema.game)).toEqual(Array(CLIENTS).fill('arena'));

        const before = await scrapeMetrics(floor.url);
        const snapshotsBefore = sink.totals.get('tickwire_snapshots') ?? 0;
        // A second of inputs from every client read by the floor, and a second of frames to each.
        let after = before;
        await waitFor(async () => {
          after = await scrapeMetrics(floor.url);
          return (
            delta(before, after, 'tickwire_messages_received_total') >= CLIENTS * 20 &&
            (sink.totals.get('tickwire_snapshots') ?? 0) - snapshotsBefore >= CLIENTS * 30
          );
        }, 'a second of inputs and frames');

        // One frame per joined client per tick, none skipped: both counts come from one scrape.
        const ticks = delta(before, after, 'tickwire_ticks_total');
        expect(ticks).toBeGreaterThan(0);
        expect(delta(before, after, 'tickwire_snapshots_sent_total')).toBe(CLIENTS * ticks);
        expect(delta(before, after, 'tickwire_snapshot_bytes_total')).toBe(
          CLIENTS * ticks * FRAME_BYTES,
        );
        expect(delta(before, after, 'tickwire_snapshots_skipped_total')).toBe(0);

        const t = sink.totals;
        expect(t.get('tickwire_snapshot_bytes')).toBe(
          (t.get('tickwire_snapshots') ?? 0) * FRAME_BYTES,
        );
        expect({
          resyncs: t.get('tickwire_resyncs') ?? 0,
          desyncs: t.get('tickwire_desyncs') ?? 0,
          kicks: t.get('tickwire_kicks') ?? 0,
          joinFailures: t.get('tickwire_join_failures') ?? 0,
          problems,
        }).toEqual({ resyncs: 0, desyncs: 0, kicks: 0, joinFailures: 0, problems: [] });
      } finally {
        clock.stop();
        for (const player of players) player.leave();
        await Promise.all(links.map((link) => link.closed));
      }
    },
    DEADLINE_MS * 3,
  );

  it(
    'sends the Welcome, then frames of consecutive ticks from Welcome.serverTick',
    async () => {
      const ws = new WebSocket(floor.wsUrl, [PLAYER_SUBPROTOCOL], { perMessageDeflate: false });
      const frames: Uint8Array[] = [];
      ws.on('message', (data: Buffer) => frames.push(new Uint8Array(data)));
      ws.on('open', () =>
        ws.send(
          encodeHello({ protocolVersion: PLAYER_PROTOCOL_VERSION, name: 'raw', resumeToken: null }),
        ),
      );
      try {
        await waitFor(() => frames.length >= 11, 'a Welcome and ten frames');
        const welcome: Welcome = decodeWelcome(frames[0] as Uint8Array);
        const ticks = frames.slice(1, 11).map((frame) => {
          expect(frame.byteLength).toBe(FRAME_BYTES);
          return peekSnapshotHead(frame)?.tick;
        });
        expect(ticks).toEqual(Array.from({ length: 10 }, (_, i) => welcome.serverTick + i));
      } finally {
        const closed = new Promise((resolve) => ws.once('close', resolve));
        ws.close(1000);
        await closed;
      }
    },
    DEADLINE_MS * 2,
  );

  it('refuses a client that offers no tickwire subprotocol', async () => {
    const ws = new WebSocket(floor.wsUrl, { perMessageDeflate: false });
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      ws.once('open', () => resolve(undefined));
      ws.once('error', () => undefined);
    });
    ws.terminate();
    expect(status).toBe(400);
  });
});
