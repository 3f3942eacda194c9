import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  MessageId,
  PLAYER_PROTOCOL_VERSION,
  compileGame,
  encodePing,
  encodeResync,
  packFrame,
  speedPerTick,
  unpackFrame,
  type Controls,
} from '@tickwire/protocol';
import { arena } from '../../../games/arena/server.js';
import { playerIn } from './arena-support.js';
import { FIRE, type ArenaSpec } from '../../../games/arena/shared.js';
import type { Room } from '../../src/room/room.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import {
  ReplicaPeer,
  TestPeer,
  createTestRoom,
  snapshotsOf,
  testConfig,
} from '../../src/room/test-support.js';

// The engine's Room running the arena, on the in-memory transport: sessions, handshake, inputs,
// acks and resyncs, slow readers, capacity, resume. The arena's own rules (firing, hits) are in
// arena-projectiles.test.ts.

/** FNV-1a, 32 bits: what a client in any language computes over the schema's bytes. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

describe('Room running the arena (in-memory transport)', () => {
  it('queues Hello and welcomes at the next tick, not inside the callback', () => {
    const { room } = createTestRoom(arena, { pelletCount: 0 });
    const c = new TestPeer(room);
    c.hello('ann');
    expect(c.connection.outbox).toHaveLength(0);
    expect(room.world.count('player')).toBe(0);
    room.tick(1);
    const [welcome, snapshot] = c.messages();
    expect(welcome?.id).toBe(MessageId.Welcome);
    expect(snapshot?.id).toBe(MessageId.Snapshot);
    expect(room.world.count('player')).toBe(1);
  });

  it('applies only the newest queued input, at the tick, and echoes its seq', () => {
    const { room } = createTestRoom(arena, { pelletCount: 0 });
    const c = new TestPeer(room);
    c.hello();
    room.tick(1);
    c.messages();
    c.input({ moveDir: 0, aim: 0, buttons: 0 }, 1);
    c.input({ moveDir: 64, aim: 9, buttons: 0 }, 1);
    const player = playerIn(room, c.playerId);
    expect(player?.vy).toBe(0);
    room.tick(2);
    const speed = speedPerTick(DEFAULT_CONFIG.playerSpeedUnitsPerSec, DEFAULT_CONFIG.tickHz);
    expect(room.schema.constants.playerSpeed).toBe(speed);
    expect(player).toMatchObject({ vx: 0, vy: speed, aim: 9 });
    const [snapshot] = c.snapshots();
    expect(snapshot?.inputAck).toBe(2);
    expect(snapshot?.baselineTick).toBe(1);
  });

  it('answers Ping at once, even before Hello', () => {
    const { room, clock } = createTestRoom(arena);
    const c = new TestPeer(room);
    clock.spend(250);
    c.connection.deliver(encodePing({ clientTimeMs: 42 }));
    const [pong] = c.messages();
    expect(pong).toEqual({
      id: MessageId.Pong,
      message: { clientTimeMs: 42, serverTimeMs: 250, serverTick: 0 },
    });
  });

  it('skips a client whose send buffer is full, then closes it as a slow consumer', () => {
    const { room, clock } = createTestRoom(arena, {
      pelletCount: 0,
      snapshotSkipBytes: 1000,
      slowConsumerMs: 500,
    });
    const slow = new TestPeer(room);
    const fine = new TestPeer(room);
    slow.hello('slow');
    fine.hello('fine');
    room.tick(1);
    slow.messages();
    fine.messages();
    slow.connection.buffered = 5000;
    for (let tick = 2; tick <= 10; tick++) {
      clock.spend(100);
      room.tick(tick);
    }
    expect(fine.snapshots()).toHaveLength(9);
    const toSlow = slow.messages();
    expect(snapshotsOf(toSlow)).toHaveLength(0);
    expect(slow.connection.closeCode).toBe(CloseCode.SlowConsumer);
    expect(toSlow.at(-1)).toMatchObject({
      id: MessageId.Kick,
      message: { closeCode: CloseCode.SlowConsumer },
    });
    expect(room.counters.snapshotsSkipped).toBeGreaterThanOrEqual(5);
  });

  it('a skipped client that reads again gets a delta from its last ack, and Resync forces a full view', () => {
    const { room, clock } = createTestRoom(arena, { pelletCount: 5, snapshotSkipBytes: 1000 });
    const c = new TestPeer(room);
    c.hello();
    room.tick(1);
    c.messages();
    c.input({ moveDir: 0, aim: 0, buttons: 0 }, 1);
    c.connection.buffered = 5000;
    for (let tick = 2; tick <= 5; tick++) {
      clock.spend(33);
      room.tick(tick);
    }
    c.connection.buffered = 0;
    room.tick(6);
    const [delta] = c.snapshots();
    expect(delta).toMatchObject({ tick: 6, baselineTick: 1 });
    c.connection.deliver(encodeResync({ tick: 6 }));
    room.tick(7);
    const [full] = c.snapshots();
    expect(full?.baselineTick).toBe(0);
    expect(full?.entered.length).toBeGreaterThan(0);
  });

  it('closes joiners over capacity with RoomFull', () => {
    const { room } = createTestRoom(arena, { maxPlayers: 1 });
    const a = new TestPeer(room);
    const b = new TestPeer(room);
    a.hello('a');
    b.hello('b');
    room.tick(1);
    expect(a.connection.isOpen).toBe(true);
    expect(b.connection.closeCode).toBe(CloseCode.RoomFull);
  });

  it('stays in sync through a stall of the real loop (tick numbers never jump)', () => {
    const { room, clock } = createTestRoom(arena, {
      pelletCount: 30,
      checksums: true,
      maxCatchUpTicks: 3,
    });
    const c = new ReplicaPeer(room);
    c.hello();
    room.start();
    clock.advance(100);
    const ticks: number[] = [];
    const read = (): void => {
      // Replica.apply throws on a checksum mismatch.
      for (const s of c.read()) ticks.push(s.tick);
      if (c.welcome) c.input({ moveDir: 32, aim: 0, buttons: 0 });
    };
    read();
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
    const { room } = createTestRoom(arena, { pelletCount: 0, resumeGraceMs: 15_000 });
    const a = new TestPeer(room);
    a.hello();
    room.tick(1);
    a.connection.hangUp();
    room.tick(2);
    expect(room.world.count('player')).toBe(0);
    expect(room.detachedPlayerCount).toBe(0);
  });

  it('removes the player of a lost connection at the next tick when resuming is off', () => {
    const { room } = createTestRoom(arena, { pelletCount: 0, resumeGraceMs: 0 });
    const a = new TestPeer(room);
    a.hello();
    room.tick(1);
    a.connection.drop();
    expect(room.world.count('player')).toBe(1);
    room.tick(2);
    expect(room.world.count('player')).toBe(0);
  });

  describe('the handshake speaks protocol v2', () => {
    it('answers a v1 Hello with a Kick and close 4002 naming version 2', () => {
      const { room } = createTestRoom(arena);
      const c = new TestPeer(room);
      c.hello('old', null, 1);
      const [kick] = c.messages();
      expect(kick).toMatchObject({
        id: MessageId.Kick,
        message: { closeCode: CloseCode.UnsupportedVersion },
      });
      expect(c.connection.closeCode).toBe(CloseCode.UnsupportedVersion);
      expect(c.connection.closeReason).toMatch(/protocol version 1 is not supported.*speaks 2/);
      room.tick(1);
      expect(room.world.count('player')).toBe(0);
    });

    it('sends the schema and its fingerprint in the Welcome', () => {
      const { room } = createTestRoom(arena, { pelletCount: 0 });
      const c = new TestPeer(room);
      c.hello();
      room.tick(1);
      const [frame] = c.connection.outbox;
      if (!frame) throw new Error('no Welcome');
      const fields = unpackFrame(frame) as unknown[];
      expect(fields).toHaveLength(13);
      expect(fields[0]).toBe(MessageId.Welcome);
      expect(fields[1]).toBe(PLAYER_PROTOCOL_VERSION);
      // The schema is the frame's last element: its bytes are what follows the first twelve.
      const headBytes = fields
        .slice(0, 12)
        .reduce<number>((n, value) => n + packFrame([value]).length - 1, 1);
      const schemaBytes = frame.subarray(headBytes);
      expect(fields[11]).toBe(fnv1a(schemaBytes));
      // ... and it is the arena's declaration, with this server's constants.
      const settings = { ...testConfig({ pelletCount: 0 }) };
      const constants = arena.constants({
        tickHz: settings.tickHz,
        worldWidth: settings.worldWidth,
        worldHeight: settings.worldHeight,
        seed: settings.seed,
        config: settings,
      });
      const expected = compileGame(arena.spec, constants);
      expect(fields[11]).toBe(expected.fingerprint);
      expect(fields[12]).toEqual(expected.wire);
      const [welcome] = c.messages();
      if (welcome?.id !== MessageId.Welcome) throw new Error('no Welcome');
      expect(welcome.message.schema.game).toBe('arena');
      expect(welcome.message.schema.kinds.map((k) => k.name)).toEqual([
        'player',
        'pellet',
        'projectile',
      ]);
      expect(welcome.message.schema.constants).toMatchObject({
        playerSpeed: constants.playerSpeed,
        fireCooldownTicks: constants.fireCooldownTicks,
        maxHp: 100,
      });
    });

    it.each<[string, Controls]>([
      ['moveDir', { moveDir: 256, aim: 0, buttons: 0 }],
      ['moveDir', { moveDir: -2, aim: 0, buttons: 0 }],
      ['aim', { moveDir: 0, aim: 256, buttons: 0 }],
      ['aim', { moveDir: 0, aim: -1, buttons: 0 }],
      // Only bit 0 (fire) is named: the others MUST be 0.
      ['buttons', { moveDir: 0, aim: 0, buttons: 2 }],
    ])('closes an Input with %s out of the schema range with 4000 naming it', (field, controls) => {
      const { room } = createTestRoom(arena, { pelletCount: 0 });
      const c = new TestPeer(room);
      c.hello();
      room.tick(1);
      c.messages();
      c.input(controls, 1);
      expect(c.connection.closeCode).toBe(CloseCode.MalformedFrame);
      expect(c.connection.closeReason).toMatch(new RegExp(`Input\\.${field}\\b`));
      const [kick] = c.messages();
      expect(kick).toMatchObject({ id: MessageId.Kick, message: { closeCode: 4000 } });
    });

    it('closes an Input with fewer fields than the schema has with 4000', () => {
      const { room } = createTestRoom(arena, { pelletCount: 0 });
      const c = new TestPeer(room);
      c.hello();
      room.tick(1);
      c.connection.deliver(packFrame([MessageId.Input, 1, 1, 0, 0]));
      expect(c.connection.closeCode).toBe(CloseCode.MalformedFrame);
      expect(c.connection.closeReason).toMatch(/^Input/);
    });
  });

  describe('resume', () => {
    function join(room: Room<ArenaSpec>, tick: number, token: string | null) {
      const c = new ReplicaPeer(room);
      c.hello('ann', token);
      room.tick(tick);
      c.read();
      if (!c.welcome) throw new Error('no Welcome');
      return { c, welcome: c.welcome };
    }

    it('keeps a dropped player, with the idle controls (standing, not firing), and gives it back', () => {
      const { room, clock } = createTestRoom(arena, {
        pelletCount: 0,
        resumeGraceMs: 15_000,
        worldWidth: 2000,
        worldHeight: 2000,
      });
      const first = join(room, 1, null);
      const player = playerIn(room, first.welcome.playerId);
      if (player?.kind !== 'player') throw new Error('no player');
      player.x = 4000; // in the middle, nowhere near an edge
      player.y = 4000;
      first.c.input({ moveDir: 0, aim: 7, buttons: FIRE });
      room.tick(2);
      expect(player.vx).toBeGreaterThan(0);
      expect(room.world.count('projectile')).toBe(1);
      player.score = 12;
      first.c.connection.drop();
      room.tick(3);
      // The schema's idle controls: no direction, default aim, no button.
      expect(room.schema.idleControls).toEqual({ moveDir: -1, aim: 0, buttons: 0 });
      expect(player).toMatchObject({ vx: 0, vy: 0, aim: 0 });
      expect(room.detachedPlayerCount).toBe(1);
      const at = { x: player.x, y: player.y };
      for (let tick = 4; tick <= 40; tick++) {
        clock.advance(300);
        room.tick(tick);
      }
      // It stood still the whole time and fired nothing more (its one shot's lifetime is over).
      expect({ x: player.x, y: player.y }).toEqual(at);
      expect(room.world.count('projectile')).toBe(0);

      const second = join(room, 41, first.welcome.resumeToken);
      expect(second.welcome.playerId).toBe(first.welcome.playerId);
      expect(second.welcome.resumeToken).not.toBe(first.welcome.resumeToken);
      expect(playerIn(room, second.welcome.playerId)).toBe(player);
      expect(room.detachedPlayerCount).toBe(0);
      // The client sees its own entity as it was kept: same fields, same score.
      expect(second.c.entity(player.id)).toMatchObject({ score: 12, hp: 100, x: at.x, y: at.y });
      // The resumed session plays: its inputs move and fire with the same entity.
      second.c.input({ moveDir: 64, aim: 7, buttons: FIRE });
      room.tick(42);
      expect(player.vy).toBeGreaterThan(0);
      expect(room.world.count('projectile')).toBe(1);
      // A token resumes once.
      const third = join(room, 43, first.welcome.resumeToken);
      expect(third.welcome.playerId).not.toBe(first.welcome.playerId);
    });

    it('removes the player when the grace period is over; the old token then starts a new player', () => {
      const { room, clock } = createTestRoom(arena, { pelletCount: 0, resumeGraceMs: 15_000 });
      const first = join(room, 1, null);
      first.c.connection.drop();
      room.tick(2);
      expect(room.world.count('player')).toBe(1);
      clock.advance(15_001);
      room.tick(3);
      expect(room.world.count('player')).toBe(0);
      const again = join(room, 4, first.welcome.resumeToken);
      expect(room.world.count('player')).toBe(1);
      expect(room.world.byId[again.welcome.playerId]?.kind).toBe('player');
    });

    it('takes the player from a connection still holding it, which is closed with SessionReplaced', () => {
      const { room } = createTestRoom(arena, { pelletCount: 0 });
      const first = join(room, 1, null);
      const second = join(room, 2, first.welcome.resumeToken);
      expect(second.welcome.playerId).toBe(first.welcome.playerId);
      expect(first.c.connection.closeCode).toBe(CloseCode.SessionReplaced);
      room.tick(3);
      expect(room.world.count('player')).toBe(1);
      expect(second.c.read()).toHaveLength(1);
    });
  });
});
