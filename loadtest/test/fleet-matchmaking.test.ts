import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Matchmaker, MatchmakingError, type MatchAnswer } from '@tickwire/protocol';
import { arenaServerArgs } from '../src/bench/arena-server-args.js';
import { BENCH_GAME, Fleet } from '../src/bench/fleet.js';
import { startServer, type ServerProcess } from '../../server/src/process/spawn-server.js';

// The bench fleet seated by matchmaking (what `npm run loadtest:cluster` ramps), against the real
// server on one process (the in-memory registry) with matchmaking only: every client gets its
// seat from POST /match/quickplay, connects to the answer's URL and joins with the seat.

/** Long enough that a seat the test holds outlives the next statement, short for the retries. */
const SEAT_TTL_MS = 2000;

/** Polls `isDone` until it holds, failing after `deadlineMs` with `what`. */
async function waitFor(isDone: () => boolean, what: string, deadlineMs = 20_000): Promise<void> {
  const end = performance.now() + deadlineMs;
  while (!isDone()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the fleet through matchmaking', () => {
  let server: ServerProcess;
  let fleet: Fleet | null = null;

  beforeAll(async () => {
    server = await startServer({
      args: [
        ...arenaServerArgs(7),
        ...['--direct-join', 'false', '--max-players', '3', '--max-rooms', '3'],
        ...['--seat-ttl-ms', String(SEAT_TTL_MS)],
        // One address (this fleet) stands in for many players.
        ...['--match-requests-per-sec', '0'],
      ],
    });
  });
  afterAll(async () => {
    await fleet?.close();
    await server?.stop();
  });

  it('seats every client by quick play, retries a 503, spreads the verifying clients, and every snapshot verifies', async () => {
    fleet = new Fleet({
      matchmakingUrl: server.url,
      clients: 9,
      inputHz: 20,
      decodingClients: Number.MAX_SAFE_INTEGER,
      decodingStride: 2,
      seed: 7,
    });
    // One at a time: each quick play sees the rooms the previous ones filled (3 + 3 + 2).
    await fleet.grow(8, 1);
    expect(fleet.matchRetries).toBe(0);

    // Seats nobody uses take what is left: the process may open no fourth room, so the next quick
    // play is answered 503 until they expire.
    const matchmaker = new Matchmaker(server.url);
    const unused: MatchAnswer[] = [];
    const refusal = await (async () => {
      for (;;) {
        try {
          unused.push(await matchmaker.quickPlay(BENCH_GAME));
        } catch (error) {
          return error;
        }
      }
    })();
    expect(refusal).toBeInstanceOf(MatchmakingError);
    expect((refusal as MatchmakingError).status).toBe(503);
    expect(unused.length).toBe(1);

    await fleet.grow(9, 1);
    expect(fleet.matchRetries).toBeGreaterThan(0);
    expect(fleet.joinedClients).toBe(9);
    // Clients 0, 2, 4, 6 and 8.
    expect(fleet.decodingClientCount).toBe(5);
    const placements = fleet.placements();
    expect(new Set(placements.map((p) => p.url))).toEqual(new Set([server.wsUrl]));
    const clientsByRoom = new Map<string | null, number>();
    for (const p of placements) clientsByRoom.set(p.roomId, (clientsByRoom.get(p.roomId) ?? 0) + 1);
    expect([...clientsByRoom.values()]).toEqual([3, 3, 3]);
    // The last client took the seat that expired.
    expect(placements.at(-1)?.roomId).toBe(unused[0]?.room.id);

    fleet.startMeasuring();
    const current = fleet;
    await waitFor(() => current.window.snapshots >= 9 * 30, 'a second of snapshots per client');
    const window = fleet.stopMeasuring();
    expect(window.entityUpdates).toBeGreaterThan(0);
    expect({
      desyncs: fleet.desyncs,
      decodeErrors: fleet.decodeErrors,
      disconnects: fleet.disconnects,
      errors: fleet.errors,
    }).toEqual({ desyncs: 0, decodeErrors: 0, disconnects: 0, errors: [] });
  });
});
