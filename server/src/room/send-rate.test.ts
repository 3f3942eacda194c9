import { describe, expect, it } from 'vitest';
import { MessageId, encodeResync, type Snapshot } from '@tickwire/protocol';
import { DROP, FIRE, testGame, type TestLogic } from '../game/test-game.js';
import { Rng } from '../sim/rng.js';
import { ReplicaPeer, TestPeer, createTestRoom } from './test-support.js';

// The room's snapshot cadence apart from its tick (--send-hz): it simulates and applies inputs
// every tick, and sends snapshots only on the ticks whose number is a multiple of
// tickHz / sendHz (here 60 / 20 = 3).

const TICK_HZ = 60;
const SEND_HZ = 20;
const TICKS_PER_SEND = TICK_HZ / SEND_HZ;
const TICK_MS = 1000 / TICK_HZ;
const STILL = { moveDir: -1, heading: 0, buttons: 0 };
const EAST = { moveDir: 0, heading: 0, buttons: 0 };

function roomAt60Sending20(overrides: Parameters<typeof createTestRoom>[1] = {}) {
  const created = createTestRoom(testGame, {
    tickHz: TICK_HZ,
    sendHz: SEND_HZ,
    pelletCount: 5,
    checksums: true,
    ...overrides,
  });
  const { room, clock } = created;
  /** Runs ticks first..last, a tick period apart on the manual clock. */
  const run = (first: number, last: number, beforeEach?: (tick: number) => void): void => {
    for (let tick = first; tick <= last; tick++) {
      beforeEach?.(tick);
      clock.spend(TICK_MS);
      room.tick(tick);
    }
  };
  return { ...created, run };
}

describe('Room with --send-hz below --tick-hz', () => {
  it('welcomes at the next send tick and sends snapshots only every tickHz/sendHz ticks', () => {
    const { room, run } = roomAt60Sending20();
    const c = new TestPeer(room);
    c.hello('ann');
    run(1, 2);
    // No send tick yet: the Hello waits, so the Welcome's tick is the first snapshot's.
    expect(c.connection.outbox).toHaveLength(0);
    run(3, 3);
    const [welcome, first] = c.messages();
    expect(welcome?.id).toBe(MessageId.Welcome);
    expect(welcome?.id === MessageId.Welcome && welcome.message).toMatchObject({
      tickHz: TICK_HZ,
      serverTick: 3,
      serverTimeMs: 3 * TICK_MS,
    });
    expect(first?.id === MessageId.Snapshot && first.message.tick).toBe(3);

    const ticksSent: number[] = [];
    run(4, 30, () => {
      ticksSent.push(...c.snapshots().map((s) => s.tick));
    });
    ticksSent.push(...c.snapshots().map((s) => s.tick));
    expect(ticksSent).toEqual([6, 9, 12, 15, 18, 21, 24, 27, 30]);
    expect(room.counters).toMatchObject({ snapshotsSent: 10, snapshotsSkipped: 0 });
  });

  it('applies an input at the next tick, not the next send tick, and echoes it at the send', () => {
    const { room, run } = roomAt60Sending20();
    const c = new ReplicaPeer(room);
    c.hello();
    run(1, 3);
    c.read();
    const ship = room.world.byId[c.playerId];
    if (!ship) throw new Error('no ship');
    const x3 = ship.x as number;
    c.input(EAST); // seq 1, acknowledging tick 3
    run(4, 4);
    const speed = room.schema.constants.speed as number;
    // Applied and stepped at tick 4, although nothing is sent until tick 6.
    expect(ship).toMatchObject({ vx: speed, x: x3 + speed });
    expect(c.read()).toEqual([]);
    run(5, 6);
    const [at6] = c.read();
    expect(at6).toMatchObject({ tick: 6, baselineTick: 3, inputAck: 1 });
    // Three steps between the two snapshots, and the replica (which extrapolates linear motion
    // by the tick difference) agrees: it checked the view checksum too.
    expect(c.entity(c.playerId)).toMatchObject({ x: x3 + 3 * speed, vx: speed });
  });

  it('deltas from the newest acknowledged send while it is at most 31 ticks old', () => {
    const { room, run } = roomAt60Sending20();
    const c = new ReplicaPeer(room);
    c.hello();
    run(1, 3);
    c.read();
    const snapshots: Snapshot[] = [];
    run(4, 36, () => {
      // Every Input acknowledges tick 3 only, as a client whose reads stalled would.
      c.input(STILL, 3);
      snapshots.push(...c.read());
    });
    snapshots.push(...c.read());
    const byTick = new Map(snapshots.map((s) => [s.tick, s.baselineTick]));
    // Ticks 6..33 are at most 30 ticks (10 sends) from tick 3; tick 36 is 33 ticks away.
    expect(byTick.get(6)).toBe(3);
    expect(byTick.get(33)).toBe(3);
    expect(byTick.get(36)).toBe(0);
    // Every baseline age is a whole number of send intervals.
    for (const s of snapshots) expect((s.tick - s.baselineTick) % TICKS_PER_SEND).toBe(0);
  });

  it('answers a Resync between send ticks with a full snapshot at the next one', () => {
    const { room, run } = roomAt60Sending20();
    const c = new ReplicaPeer(room);
    c.hello();
    run(1, 6);
    c.read();
    c.input(STILL);
    run(7, 9);
    expect(c.read()).toMatchObject([{ tick: 9, baselineTick: 6 }]);
    c.connection.deliver(encodeResync({ tick: 9 }));
    run(10, 10);
    expect(c.read()).toEqual([]);
    c.replica?.reset();
    run(11, 12);
    expect(c.read()).toMatchObject([{ tick: 12, baselineTick: 0 }]);
  });

  it('does no snapshot work on the ticks between sends, in broadcast mode too', () => {
    const { room, run } = roomAt60Sending20({ snapshotMode: 'broadcast' });
    const peers = [new TestPeer(room), new TestPeer(room)];
    for (const p of peers) p.hello();
    run(1, 3);
    for (const p of peers) p.messages();
    const sent = room.counters.snapshotsSent;
    run(4, 5);
    expect(room.counters).toMatchObject({ snapshotsSent: sent, snapshotsSkipped: 0 });
    for (const p of peers) expect(p.connection.outbox).toHaveLength(0);
    run(6, 6);
    for (const p of peers) expect(p.snapshots().map((s) => s.tick)).toEqual([6]);
  });

  it.each([
    [60, 20],
    [60, 15],
    [30, 10],
  ])(
    'keeps every replica exact at %i Hz ticks and %i Hz sends through shots, drops, joins and leaves',
    (tickHz, sendHz) => {
      // Whatever happens between two sends (shots fired and gone, rocks spawned, players leaving
      // and joining), each client's replica applies every delta and matches the checksum.
      const { room, clock } = createTestRoom(testGame, {
        tickHz,
        sendHz,
        pelletCount: 20,
        checksums: true,
      });
      const logic = room.logic as TestLogic;
      const rng = new Rng(tickHz * 1000 + sendHz);
      const peers: ReplicaPeer[] = [];
      const join = (): void => {
        const peer = new ReplicaPeer(room);
        peer.hello(`p${peers.length}`);
        peers.push(peer);
      };
      for (let i = 0; i < 4; i++) join();
      const interval = tickHz / sendHz;
      let applied = 0;
      for (let tick = 1; tick <= 20 * interval + 200; tick++) {
        for (const peer of peers) {
          applied += peer.read().length;
          if (peer.welcome === null || !peer.connection.isOpen || rng.next() < 0.3) continue;
          const buttons = (rng.next() < 0.2 ? FIRE : 0) | (rng.next() < 0.05 ? DROP : 0);
          peer.input({ moveDir: rng.int(257) - 1, heading: rng.int(256), buttons });
        }
        if (rng.next() < 0.05) logic.spawnRock(tick);
        if (rng.next() < 0.02) peers.find((p) => p.connection.isOpen)?.connection.drop();
        if (rng.next() < 0.02) join();
        clock.spend(1000 / tickHz);
        room.tick(tick);
      }
      for (const peer of peers) {
        applied += peer.read().length;
        for (const [i, s] of peer.applied.entries()) {
          expect(s.tick % interval).toBe(0);
          const previous = peer.applied[i - 1];
          if (previous) expect((s.tick - previous.tick) % interval).toBe(0);
        }
      }
      expect(applied).toBeGreaterThan(50);
      expect(room.counters.snapshotsSkipped).toBe(0);
    },
  );

  it('sends every tick by default', () => {
    const { room } = createTestRoom(testGame, { tickHz: 60 });
    const c = new TestPeer(room);
    c.hello();
    for (let tick = 1; tick <= 4; tick++) room.tick(tick);
    expect(c.snapshots().map((s) => s.tick)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a send rate that does not divide the tick rate', () => {
    expect(() => createTestRoom(testGame, { tickHz: 60, sendHz: 25 })).toThrow(
      /--send-hz 25 does not divide the tick rate --tick-hz 60/,
    );
  });
});
