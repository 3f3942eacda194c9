import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  MessageId,
  PROTOCOL_VERSION,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  encodePing,
  encodeResync,
  Replica,
  type ServerMessage,
} from '@tickwire/protocol';
import { MemoryConnection } from '../transport/memory.js';
import { createTestRoom } from './test-support.js';

const hello = (name = 'p'): Uint8Array =>
  encodeHello({ protocolVersion: PROTOCOL_VERSION, name, resumeToken: null });

function messages(connection: MemoryConnection): ServerMessage[] {
  return connection.drain().map(decodeServerMessage);
}

function snapshotsOf(list: ServerMessage[]) {
  return list.flatMap((m) => (m.id === MessageId.Snapshot ? [m.message] : []));
}

describe('ArenaRoom (in-memory transport)', () => {
  it('queues Hello and welcomes at the next tick, not inside the callback', () => {
    const { room } = createTestRoom({ pelletCount: 0 });
    const c = new MemoryConnection(room);
    c.deliver(hello('ann'));
    expect(c.outbox).toHaveLength(0);
    expect(room.world.players.size).toBe(0);
    room.tick(1);
    const [welcome, snapshot] = messages(c);
    expect(welcome?.id).toBe(MessageId.Welcome);
    expect(snapshot?.id).toBe(MessageId.Snapshot);
    expect(room.world.players.size).toBe(1);
  });

  it('applies only the newest queued input, at the tick, and echoes its seq', () => {
    const { room } = createTestRoom({ pelletCount: 0 });
    const c = new MemoryConnection(room);
    c.deliver(hello());
    room.tick(1);
    c.drain();
    c.deliver(encodeInput({ seq: 1, ackTick: 1, moveDir: 0, aim: 0, buttons: 0 }));
    c.deliver(encodeInput({ seq: 2, ackTick: 1, moveDir: 64, aim: 9, buttons: 0 }));
    const player = [...room.world.players.values()][0];
    expect(player?.vy).toBe(0);
    room.tick(2);
    expect(player).toMatchObject({ vx: 0, vy: 27, aim: 9 });
    const [snapshot] = snapshotsOf(messages(c));
    expect(snapshot?.inputAck).toBe(2);
    expect(snapshot?.baselineTick).toBe(1);
  });

  it('answers Ping at once, even before Hello', () => {
    const { room, clock } = createTestRoom();
    const c = new MemoryConnection(room);
    clock.spend(250);
    c.deliver(encodePing({ clientTimeMs: 42 }));
    const [pong] = messages(c);
    expect(pong).toEqual({
      id: MessageId.Pong,
      message: { clientTimeMs: 42, serverTimeMs: 250, serverTick: 0 },
    });
  });

  it('skips a client whose send buffer is full, then closes it as a slow consumer', () => {
    const { room, clock } = createTestRoom({
      pelletCount: 0,
      snapshotSkipBytes: 1000,
      slowConsumerMs: 500,
    });
    const slow = new MemoryConnection(room);
    const fine = new MemoryConnection(room);
    slow.deliver(hello('slow'));
    fine.deliver(hello('fine'));
    room.tick(1);
    slow.drain();
    fine.drain();
    slow.buffered = 5000;
    for (let tick = 2; tick <= 10; tick++) {
      clock.spend(100);
      room.tick(tick);
    }
    expect(snapshotsOf(messages(fine))).toHaveLength(9);
    const toSlow = messages(slow);
    expect(snapshotsOf(toSlow)).toHaveLength(0);
    expect(slow.closeCode).toBe(CloseCode.SlowConsumer);
    expect(toSlow.at(-1)).toMatchObject({
      id: MessageId.Kick,
      message: { closeCode: CloseCode.SlowConsumer },
    });
    expect(room.counters.snapshotsSkipped).toBeGreaterThanOrEqual(5);
  });

  it('a skipped client that reads again gets a delta from its last ack, and Resync forces a full view', () => {
    const { room, clock } = createTestRoom({ pelletCount: 5, snapshotSkipBytes: 1000 });
    const c = new MemoryConnection(room);
    c.deliver(hello());
    room.tick(1);
    c.drain();
    c.deliver(encodeInput({ seq: 1, ackTick: 1, moveDir: 0, aim: 0, buttons: 0 }));
    c.buffered = 5000;
    for (let tick = 2; tick <= 5; tick++) {
      clock.spend(33);
      room.tick(tick);
    }
    c.buffered = 0;
    room.tick(6);
    const [delta] = snapshotsOf(messages(c));
    expect(delta).toMatchObject({ tick: 6, baselineTick: 1 });
    c.deliver(encodeResync({ tick: 6 }));
    room.tick(7);
    const [full] = snapshotsOf(messages(c));
    expect(full?.baselineTick).toBe(0);
    expect(full?.entered.length).toBeGreaterThan(0);
  });

  it('closes joiners over capacity with RoomFull', () => {
    const { room } = createTestRoom({ maxPlayers: 1 });
    const a = new MemoryConnection(room);
    const b = new MemoryConnection(room);
    a.deliver(hello('a'));
    b.deliver(hello('b'));
    room.tick(1);
    expect(a.isOpen).toBe(true);
    expect(b.closeCode).toBe(CloseCode.RoomFull);
  });

  it('stays in sync through a stall of the real loop (tick numbers never jump)', () => {
    const { room, clock } = createTestRoom({
      pelletCount: 30,
      checksums: true,
      maxCatchUpTicks: 3,
    });
    const c = new MemoryConnection(room);
    c.deliver(hello());
    room.start();
    clock.advance(100);
    c.deliver(encodeInput({ seq: 1, ackTick: 0, moveDir: 32, aim: 0, buttons: 0 }));
    let replica: Replica | null = null;
    const ticks: number[] = [];
    const read = (): void => {
      for (const m of messages(c)) {
        if (m.id === MessageId.Welcome) replica = new Replica(m.message);
        if (m.id === MessageId.Snapshot && replica) {
          (replica as Replica).apply(m.message); // throws on a checksum mismatch
          ticks.push(m.message.tick);
          c.deliver(
            encodeInput({
              seq: ticks.length + 1,
              ackTick: m.message.tick,
              moveDir: 32,
              aim: 0,
              buttons: 0,
            }),
          );
        }
      }
    };
    for (let i = 0; i < 10; i++) {
      clock.advance(33);
      read();
    }
    clock.spend(2000); // the process stalls for 2 s
    for (let i = 0; i < 30; i++) {
      clock.advance(33);
      read();
    }
    room.stop();
    expect(room.loopStats.skippedTicks).toBeGreaterThan(50);
    expect(ticks.length).toBeGreaterThan(35);
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => (ticks[0] as number) + i));
  });

  it('removes the player of a client that leaves with 1000 at the next tick, grace or not', () => {
    const { room } = createTestRoom({ pelletCount: 0, resumeGraceMs: 15_000 });
    const a = new MemoryConnection(room);
    a.deliver(hello());
    room.tick(1);
    a.hangUp();
    room.tick(2);
    expect(room.world.players.size).toBe(0);
    expect(room.detachedPlayerCount).toBe(0);
  });

  it('removes the player of a lost connection at the next tick when resuming is off', () => {
    const { room } = createTestRoom({ pelletCount: 0, resumeGraceMs: 0 });
    const a = new MemoryConnection(room);
    a.deliver(hello());
    room.tick(1);
    a.drop();
    expect(room.world.players.size).toBe(1);
    room.tick(2);
    expect(room.world.players.size).toBe(0);
  });

  describe('resume', () => {
    function join(
      room: ReturnType<typeof createTestRoom>['room'],
      tick: number,
      token: string | null,
    ) {
      const c = new MemoryConnection(room);
      c.deliver(
        encodeHello({ protocolVersion: PROTOCOL_VERSION, name: 'ann', resumeToken: token }),
      );
      room.tick(tick);
      const welcome = messages(c).find((m) => m.id === MessageId.Welcome);
      if (welcome?.id !== MessageId.Welcome) throw new Error('no Welcome');
      return { c, welcome: welcome.message };
    }

    it('keeps a dropped player, standing still, for the grace period and gives it back', () => {
      const { room, clock } = createTestRoom({ pelletCount: 0, resumeGraceMs: 15_000 });
      const first = join(room, 1, null);
      first.c.deliver(encodeInput({ seq: 1, ackTick: 0, moveDir: 0, aim: 7, buttons: 0 }));
      room.tick(2);
      first.c.drop();
      room.tick(3);
      const player = room.world.players.get(first.welcome.playerId);
      expect(player).toMatchObject({ vx: 0, vy: 0, aim: 7 });
      expect(room.detachedPlayerCount).toBe(1);

      clock.advance(14_000);
      room.tick(4);
      const second = join(room, 5, first.welcome.resumeToken);
      expect(second.welcome.playerId).toBe(first.welcome.playerId);
      expect(second.welcome.resumeToken).not.toBe(first.welcome.resumeToken);
      expect(room.world.players.get(second.welcome.playerId)).toBe(player);
      expect(room.detachedPlayerCount).toBe(0);
      // The resumed session plays: its inputs move the same entity.
      second.c.deliver(encodeInput({ seq: 1, ackTick: 0, moveDir: 64, aim: 7, buttons: 0 }));
      room.tick(6);
      expect(player?.vy).toBeGreaterThan(0);
      // A token resumes once.
      const third = join(room, 7, first.welcome.resumeToken);
      expect(third.welcome.playerId).not.toBe(first.welcome.playerId);
    });

    it('removes the player when the grace period is over; the old token then starts a new player', () => {
      const { room, clock } = createTestRoom({ pelletCount: 0, resumeGraceMs: 15_000 });
      const first = join(room, 1, null);
      first.c.drop();
      room.tick(2);
      expect(room.world.players.size).toBe(1);
      clock.advance(15_001);
      room.tick(3);
      expect(room.world.players.size).toBe(0);
      const again = join(room, 4, first.welcome.resumeToken);
      expect(room.world.players.size).toBe(1);
      expect(room.world.players.has(again.welcome.playerId)).toBe(true);
    });

    it('takes the player from a connection still holding it, which is closed with SessionReplaced', () => {
      const { room } = createTestRoom({ pelletCount: 0 });
      const first = join(room, 1, null);
      const second = join(room, 2, first.welcome.resumeToken);
      expect(second.welcome.playerId).toBe(first.welcome.playerId);
      expect(first.c.closeCode).toBe(CloseCode.SessionReplaced);
      room.tick(3);
      expect(room.world.players.size).toBe(1);
      expect(snapshotsOf(messages(second.c))).toHaveLength(1);
    });
  });
});
