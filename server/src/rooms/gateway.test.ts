import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  MessageId,
  PLAYER_PROTOCOL_VERSION,
  decodeServerMessage,
  encodeHello,
  encodePing,
  type CompiledSchema,
  type ServerMessage,
} from '@tickwire/protocol';
import type { ClaimedSeat, RoomRecord } from '../cluster/registry.js';
import { testGame } from '../game/test-game.js';
import { createLogger } from '../log.js';
import { ManualClock } from '../loop/clock.js';
import { Room } from '../room/room.js';
import { testConfig } from '../room/test-support.js';
import { MemoryConnection } from '../transport/memory.js';
import { Gateway, type SeatClaims } from './gateway.js';

// The gateway: the handshake before any room, and the choice of room (resume token, seat from
// matchmaking, or the default room), with seats checked asynchronously (a Redis round trip).

const RECORD: RoomRecord = {
  id: 'rtest',
  game: 'engine-test',
  processId: 'ptest',
  code: null,
  isPrivate: false,
  capacity: 10,
  players: 0,
  seatsAdmitted: 0,
  allowedPlayerIds: null,
  createdAtMs: 0,
};

/** Seat claims the test settles by hand, as a slow registry would. */
class PendingClaims implements SeatClaims {
  readonly pending: {
    seat: string;
    resolve(c: ClaimedSeat | null): void;
    reject(e: Error): void;
  }[] = [];

  claim(seat: string): Promise<ClaimedSeat | null> {
    return new Promise((resolve, reject) => this.pending.push({ seat, resolve, reject }));
  }
}

function setup(options: { withDefaultRoom: boolean }) {
  const clock = new ManualClock(0);
  const config = testConfig({ handshakeTimeoutMs: 1000 });
  const log = createLogger('error', () => {});
  const room = new Room({ config, game: testGame, clock, schedule: clock.schedule, log });
  const claims = new PendingClaims();
  const opened: RoomRecord[] = [];
  const claimed: string[] = [];
  const gateway = new Gateway({
    config,
    clock,
    schedule: clock.schedule,
    log,
    rooms: {
      defaultRoom: options.withDefaultRoom ? (room as unknown as Room) : null,
      byResumeToken: (token) => (room.holdsResumeToken(token) ? (room as unknown as Room) : null),
      forSeat: (record) => {
        opened.push(record);
        return room as unknown as Room;
      },
      seatClaimed: (roomId) => claimed.push(roomId),
    },
    seats: claims,
    pongSource: { serverTimeMs: () => 12_345, currentTick: 0 },
  });
  gateway.start();
  return { clock, room, claims, gateway, opened, claimed };
}

function hello(seat: string | null, resumeToken: string | null = null): Uint8Array {
  return encodeHello({ protocolVersion: PLAYER_PROTOCOL_VERSION, name: 'p', resumeToken, seat });
}

/** What the server sent since the last call, decoded (snapshots by the Welcome's schema). */
function received(connection: MemoryConnection): ServerMessage[] {
  let schema: CompiledSchema | null = null;
  return connection.drain().map((frame) => {
    const message = decodeServerMessage(frame, schema);
    if (message.id === MessageId.Welcome) schema = message.message.schema;
    return message;
  });
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('the gateway', () => {
  it('a seat being checked: frames wait, then reach the room in order once the seat is good', async () => {
    const { room, claims, gateway, opened, claimed } = setup({ withDefaultRoom: false });
    const client = new MemoryConnection(gateway);
    client.deliver(hello('s-good'));
    client.deliver(encodePing({ clientTimeMs: 7 }));
    expect(client.drain()).toEqual([]);
    expect(claims.pending.map((p) => p.seat)).toEqual(['s-good']);
    claims.pending[0]?.resolve({ room: RECORD, holder: { playerId: 'u1', name: 'Verified' } });
    await flush();
    expect(opened.map((r) => r.id)).toEqual(['rtest']);
    expect(claimed).toEqual(['rtest']);
    // The Ping was answered by the room (its clock), after the admission.
    const pong = received(client).find((m) => m.id === MessageId.Pong);
    expect(pong?.message).toMatchObject({ clientTimeMs: 7 });
    room.tick(1);
    const welcome = received(client).find((m) => m.id === MessageId.Welcome);
    expect(welcome).toBeDefined();
    expect(room.sessionCount).toBe(1);
  });

  it('a seat the registry does not know, or cannot check: 4015 with a Kick, no room', async () => {
    const { room, claims, gateway } = setup({ withDefaultRoom: true });
    const unknown = new MemoryConnection(gateway);
    unknown.deliver(hello('s-unknown'));
    const down = new MemoryConnection(gateway);
    down.deliver(hello('s-down'));
    claims.pending[0]?.resolve(null);
    claims.pending[1]?.reject(new Error('redis down'));
    await flush();
    expect([unknown.closeCode, down.closeCode]).toEqual([
      CloseCode.SeatRequired,
      CloseCode.SeatRequired,
    ]);
    expect(down.closeReason).toContain('could not be checked');
    expect(received(unknown)[0]).toMatchObject({ id: MessageId.Kick });
    expect(room.sessionCount).toBe(0);
  });

  it('a client that leaves while its seat is checked never reaches the room; the seat still counts', async () => {
    const { room, claims, gateway, claimed } = setup({ withDefaultRoom: false });
    const client = new MemoryConnection(gateway);
    client.deliver(hello('s-late'));
    client.drop();
    claims.pending[0]?.resolve({ room: RECORD, holder: { playerId: null, name: null } });
    await flush();
    expect(room.sessionCount).toBe(0);
    expect(gateway.connectionCount).toBe(0);
    // The registry counted the claim as a player: the room must count it as admitted, or its
    // published count would stay one too high for good.
    expect(claimed).toEqual(['rtest']);
  });

  it('a flood while the seat is checked is closed with 4005', () => {
    const { gateway } = setup({ withDefaultRoom: false });
    const client = new MemoryConnection(gateway);
    client.deliver(hello('s-flood'));
    for (let i = 0; i < 17; i++) client.deliver(encodePing({ clientTimeMs: i }));
    expect(client.closeCode).toBe(CloseCode.RateLimited);
  });

  it('without a default room, a Hello with no seat gets 4015; a Ping before Hello is answered', () => {
    const { gateway } = setup({ withDefaultRoom: false });
    const client = new MemoryConnection(gateway);
    client.deliver(encodePing({ clientTimeMs: 3 }));
    expect(received(client)[0]).toMatchObject({
      id: MessageId.Pong,
      message: { clientTimeMs: 3, serverTimeMs: 12_345, serverTick: 0 },
    });
    client.deliver(hello(null));
    expect(client.closeCode).toBe(CloseCode.SeatRequired);
  });

  it('a resume token goes to the room holding its player, whatever seat comes with it', async () => {
    const { room, claims, gateway } = setup({ withDefaultRoom: true });
    const first = new MemoryConnection(gateway);
    first.deliver(hello(null));
    room.tick(1);
    const welcome = received(first).find((m) => m.id === MessageId.Welcome);
    if (welcome?.id !== MessageId.Welcome) throw new Error('no Welcome');
    first.drop();
    room.tick(2);
    const back = new MemoryConnection(gateway);
    back.deliver(hello('s-ignored', welcome.message.resumeToken));
    room.tick(3);
    const again = received(back).find((m) => m.id === MessageId.Welcome);
    expect(again?.id === MessageId.Welcome && again.message.playerId).toBe(
      welcome.message.playerId,
    );
    expect(claims.pending).toEqual([]);
    await flush();
  });

  it('restarting: a new Hello, and a connection still in the handshake, get 4016', () => {
    const { gateway } = setup({ withDefaultRoom: true });
    const waiting = new MemoryConnection(gateway);
    gateway.refuseJoins('restarting');
    expect(waiting.closeCode).toBe(CloseCode.ServerRestarting);
    const late = new MemoryConnection(gateway);
    late.deliver(hello(null));
    expect(late.closeCode).toBe(CloseCode.ServerRestarting);
  });

  it("no Hello within the handshake timeout: 4004, from the gateway's own timer", () => {
    const { clock, gateway } = setup({ withDefaultRoom: true });
    const idle = new MemoryConnection(gateway);
    clock.advance(900);
    expect(idle.isOpen).toBe(true);
    clock.advance(400);
    expect(idle.closeCode).toBe(CloseCode.HandshakeTimeout);
  });
});
