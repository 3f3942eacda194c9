import { describe, expect, it } from 'vitest';
import { arena } from '../../games/arena/server.js';
import { TestPeer, createTestRoom, gatewayOf } from '../src/room/test-support.js';
import { withSimulatedNetwork } from '../src/transport/simulated-network.js';

// Issue 10, defect 8: with --sim-latency-ms, the room hears of a client's close one latency after
// the socket closed. The snapshots it sends meanwhile go to a closed connection, which reports
// Dropped, and were logged as uWS drops ("the skip threshold is too close to maxBackpressure") at
// error level, for every ordinary close.
describe('a client that closes behind a simulated latency', () => {
  it('is not reported as a uWS drop while the room still thinks it plays', () => {
    const { room, clock, logs } = createTestRoom(arena, { pelletCount: 0 });
    const latency = { latencyMs: 100, jitterMs: 0, lossPercent: 0 };
    const peer = new TestPeer(
      withSimulatedNetwork(gatewayOf(room), latency, clock, clock.schedule),
    );
    const tickMs = 1000 / 30;
    let tick = 0;
    const runFor = (ms: number): void => {
      for (let t = 0; t < ms; t += tickMs) {
        clock.advance(tickMs);
        room.tick(++tick);
      }
    };
    peer.hello('leaver');
    runFor(400);
    expect(peer.snapshots().length).toBeGreaterThan(0);
    expect(room.playerCount).toBe(1);

    peer.connection.hangUp();
    runFor(400);

    expect(room.sessionCount).toBe(0);
    const errors = logs.filter((line) => line.includes('"level":"error"'));
    expect(errors).toEqual([]);
    expect(logs.some((line) => line.includes('uWS dropped a snapshot'))).toBe(false);
    expect(room.counters.kicks).toEqual({});
  });
});
