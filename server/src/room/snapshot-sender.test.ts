import { describe, expect, it } from 'vitest';
import { CloseCode } from '@tickwire/protocol';
import { testGame } from '../game/test-game.js';
import { ReplicaPeer, createTestRoom } from './test-support.js';
import { UnackedTicks } from './session.js';
import { UNACKED_SKIP_MS } from './snapshot-sender.js';

// A client that stops reading is judged by what it acknowledges, not only by the bytes the server
// holds for it (issue 10, defect 5): the kernel's socket buffers hide a stopped reader from the
// send buffer for minutes. Here nothing is ever buffered (the in-memory connection reports 0
// bytes), so only the acknowledgements can tell.

// 25 Hz: 40 ms ticks, exact in floating point, so the bounds below fall on whole ticks.
const TICK_HZ = 25;
const TICK_MS = 1000 / TICK_HZ;
const SLOW_CONSUMER_MS = 2000;

/** A room with `peers` joined at tick 1; returns a function that runs the next tick. */
function setUp(peerCount: number): {
  peers: ReplicaPeer[];
  room: { readonly counters: { readonly snapshotsSkipped: number } };
  step: () => number;
} {
  const { room, clock } = createTestRoom(testGame, {
    tickHz: TICK_HZ,
    slowConsumerMs: SLOW_CONSUMER_MS,
  });
  const peers = Array.from({ length: peerCount }, () => new ReplicaPeer(room));
  for (const p of peers) p.hello('p');
  let tick = 1;
  room.tick(tick);
  for (const p of peers) p.read();
  const step = (): number => {
    clock.advance(TICK_MS);
    room.tick(++tick);
    return tick;
  };
  return { peers, room, step };
}

describe('UnackedTicks', () => {
  it('keeps the ticks sent and not acknowledged, oldest first, through partial acknowledgements', () => {
    const unacked = new UnackedTicks();
    // Nothing is kept until the first Input.
    unacked.sent(9, 0);
    expect(unacked.oldestTick).toBe(0);
    unacked.acknowledge(0);
    expect(unacked.oldestSentAtMs).toBeNull();
    for (let t = 10; t <= 20; t++) unacked.sent(t, t * 40);
    expect(unacked.oldestTick).toBe(10);
    unacked.acknowledge(14);
    expect(unacked.oldestTick).toBe(15);
    expect(unacked.oldestSentAtMs).toBe(15 * 40);
    // An older acknowledgement changes nothing.
    unacked.acknowledge(12);
    expect(unacked.oldestTick).toBe(15);
    // Skipped ticks leave gaps: the oldest unacknowledged is the next one actually sent.
    unacked.sent(40, 0);
    unacked.acknowledge(20);
    expect(unacked.oldestTick).toBe(40);
    unacked.acknowledge(40);
    expect(unacked.oldestTick).toBe(0);
  });

  it('ignores the acknowledgement of a tick never sent: it proves nothing', () => {
    const unacked = new UnackedTicks();
    unacked.acknowledge(0);
    unacked.sent(5, 0);
    unacked.acknowledge(1000);
    expect(unacked.oldestTick).toBe(5);
    unacked.sent(6, 0);
    unacked.acknowledge(6);
    expect(unacked.oldestTick).toBe(0);
  });

  it('grows past its first capacity without losing order', () => {
    const unacked = new UnackedTicks();
    unacked.acknowledge(0);
    unacked.sent(1, 0);
    unacked.acknowledge(1);
    for (let t = 2; t < 302; t++) unacked.sent(t, 0);
    expect(unacked.oldestTick).toBe(2);
    unacked.acknowledge(250);
    expect(unacked.oldestTick).toBe(251);
    unacked.acknowledge(301);
    expect(unacked.oldestTick).toBe(0);
  });
});

describe('a client that acknowledges nothing', () => {
  it(`is sent nothing once a snapshot it has not acknowledged is ${UNACKED_SKIP_MS} ms old, and sending resumes when it acknowledges`, () => {
    const { peers, room, step } = setUp(2);
    const [reader, silent] = peers as [ReplicaPeer, ReplicaPeer];
    // It acknowledges the tick-1 snapshot, then reads and acknowledges nothing more.
    silent.input({});
    const firstTick = 2;
    let lastTick = 1;
    // 1.6 s: past UNACKED_SKIP_MS, short of SLOW_CONSUMER_MS.
    for (let i = 0; i < 40; i++) {
      lastTick = step();
      reader.read();
      reader.input({});
    }
    // The silent client got the ticks up to UNACKED_SKIP_MS after its first, then nothing.
    const got = silent.read().map((s) => s.tick);
    const skipTicks = (UNACKED_SKIP_MS * TICK_HZ) / 1000;
    expect(got.at(-1)).toBe(firstTick + skipTicks);
    expect(got).toHaveLength(skipTicks + 1);
    expect(room.counters.snapshotsSkipped).toBe(lastTick - (firstTick + skipTicks));
    // The reader got every tick.
    expect(reader.applied.map((s) => s.tick)).toEqual(
      Array.from({ length: lastTick }, (_, i) => i + 1),
    );
    // It reads what it was sent and acknowledges it: the next tick is sent again.
    silent.input({});
    const resumedAt = step();
    expect(silent.read().map((s) => s.tick)).toEqual([resumedAt]);
    expect(silent.connection.closeCode).toBeNull();
  });

  it(`is closed with SlowConsumer once a snapshot sent slowConsumerMs ago is still unacknowledged, though nothing is buffered`, () => {
    const { peers, step } = setUp(2);
    const [reader, silent] = peers as [ReplicaPeer, ReplicaPeer];
    silent.input({});
    let closedAt = 0;
    for (let i = 0; i < 200 && closedAt === 0; i++) {
      const tick = step();
      reader.read();
      reader.input({});
      // It keeps sending Inputs, acknowledging only the one snapshot it read: not reading.
      silent.input({});
      if (silent.connection.closeCode !== null) closedAt = tick;
    }
    expect(silent.connection.closeCode).toBe(CloseCode.SlowConsumer);
    expect(silent.connection.closeReason).toContain('acknowledged');
    // Tick 1 was acknowledged; tick 2 went unacknowledged: closed just past slowConsumerMs later.
    expect(((closedAt - 2) * 1000) / TICK_HZ).toBeGreaterThan(SLOW_CONSUMER_MS);
    expect(((closedAt - 2 - 1) * 1000) / TICK_HZ).toBeLessThanOrEqual(SLOW_CONSUMER_MS);
    expect(reader.connection.closeCode).toBeNull();
  });
});

describe('clients judged by bytes only', () => {
  it('a spectator that never sends an Input is sent every tick (PROTOCOL.md 7.1)', () => {
    const { peers, step } = setUp(1);
    const spectator = peers[0] as ReplicaPeer;
    const ticks = 5 * TICK_HZ;
    for (let i = 0; i < ticks; i++) step();
    expect(spectator.read()).toHaveLength(ticks);
    expect(spectator.connection.closeCode).toBeNull();
  });

  it('a client with a full send buffer is skipped, and closed after slowConsumerMs of it', () => {
    const { peers, room, step } = setUp(1);
    const peer = peers[0] as ReplicaPeer;
    peer.connection.buffered = 1024 * 1024;
    let skippedTicks = 0;
    while (peer.connection.closeCode === null && skippedTicks < 200) {
      step();
      peer.read();
      peer.input({});
      skippedTicks++;
    }
    expect(peer.applied).toHaveLength(1);
    expect(peer.connection.closeCode).toBe(CloseCode.SlowConsumer);
    expect((skippedTicks - 1) * TICK_MS).toBeGreaterThan(SLOW_CONSUMER_MS);
    expect((skippedTicks - 1) * TICK_MS).toBeLessThan(SLOW_CONSUMER_MS + TICK_MS + 1);
    expect(room.counters.snapshotsSkipped).toBe(skippedTicks);
  });
});

describe('clients that acknowledge late but read', () => {
  /**
   * A client whose Inputs leave every `inputEveryTicks` ticks, each reaching the server
   * `oneWayTicks` after it left and acknowledging the newest snapshot that had reached the client
   * by then (sent `oneWayTicks` before it left).
   */
  function run(inputEveryTicks: number, oneWayTicks: number, ticks: number): ReplicaPeer {
    const { peers, step } = setUp(1);
    const peer = peers[0] as ReplicaPeer;
    const arrived: { tick: number; atTick: number }[] = [];
    const inFlight: { ackTick: number; atTick: number }[] = [];
    for (let i = 0; i < ticks; i++) {
      const tick = step();
      for (const s of peer.read()) arrived.push({ tick: s.tick, atTick: tick + oneWayTicks });
      while (inFlight[0] && inFlight[0].atTick <= tick) {
        peer.input({}, (inFlight.shift() as { ackTick: number }).ackTick);
      }
      if (tick % inputEveryTicks === 0) {
        const seen = arrived.filter((a) => a.atTick <= tick).at(-1)?.tick ?? 0;
        inFlight.push({ ackTick: seen, atTick: tick + oneWayTicks });
      }
    }
    return peer;
  }

  it('150 ms each way with Inputs at 20 Hz: every tick is sent', () => {
    const ticks = 20 * TICK_HZ;
    // 150 ms = 3.75 ticks each way and an Input every 50 ms = 1.25 ticks: both rounded up.
    const peer = run(2, 4, ticks);
    expect(peer.applied).toHaveLength(ticks + 1);
    expect(peer.connection.closeCode).toBeNull();
  });

  it('a background tab (Inputs at 1 Hz) 150 ms each way: never closed, sent most ticks', () => {
    const ticks = 20 * TICK_HZ;
    const peer = run(TICK_HZ, 4, ticks);
    expect(peer.connection.closeCode).toBeNull();
    // Skipped at most the round trip's worth of ticks of each second.
    expect(peer.applied.length).toBeGreaterThan(ticks * 0.6);
  });
});
