import { describe, expect, it } from 'vitest';
import {
  decodeHolder,
  decodeProcess,
  decodeReservation,
  encodeRoom,
  roomFromFields,
  seatArgs,
  ttl,
} from './redis-codec.js';
import type { RoomRecord } from './registry.js';

// The Redis registry's records as script arguments and back. What a script answers is checked
// field by field: a record another version wrote fails loudly instead of reading as a wrong type.

const ROOM: RoomRecord = {
  id: 'rabc',
  game: 'arena',
  processId: 'p1',
  code: 'K7QW3M',
  isPrivate: true,
  capacity: 8,
  players: 3,
  seatsAdmitted: 5,
  allowedPlayerIds: ['alice', 'bob'],
  createdAtMs: 1_700_000_000_000,
};

/** The hash write_room (redis-scripts.ts) stores for a room, as HGETALL answers it. */
function storedFields(room: RoomRecord): Record<string, string> {
  const [, game, processId, code, isPrivate, capacity, players, allowed, createdAtMs, claims] =
    encodeRoom(room);
  return {
    game: game as string,
    processId: processId as string,
    code: code as string,
    isPrivate: isPrivate as string,
    capacity: capacity as string,
    players: players as string,
    allowedPlayerIds: allowed as string,
    createdAtMs: createdAtMs as string,
    claims: claims as string,
  };
}

describe('the Redis registry codec', () => {
  it('reads back a room as it was written, public or private, limited or not', () => {
    expect(roomFromFields(ROOM.id, storedFields(ROOM))).toEqual(ROOM);
    const open = { ...ROOM, code: null, isPrivate: false, allowedPlayerIds: null };
    expect(roomFromFields(open.id, storedFields(open))).toEqual(open);
  });

  it('refuses a room record with a field missing, not a number, or of the wrong shape', () => {
    const withoutCapacity = storedFields(ROOM);
    delete withoutCapacity['capacity'];
    expect(() => roomFromFields('r1', withoutCapacity)).toThrow(/room r1 \(no capacity\)/);
    expect(() => roomFromFields('r1', { ...storedFields(ROOM), players: 'many' })).toThrow(
      /room r1 \(players\)/,
    );
    expect(() =>
      roomFromFields('r1', { ...storedFields(ROOM), allowedPlayerIds: '[1, 2]' }),
    ).toThrow(/room r1 \(allowedPlayerIds\)/);
  });

  it('reads a process and counts the rooms added for it since it published', () => {
    const record = {
      id: 'p1',
      publicUrl: null,
      port: 8081,
      players: 10,
      rooms: 2,
      publishedAtMs: 5,
    };
    expect(decodeProcess([JSON.stringify(record), 3])).toEqual({ ...record, rooms: 5 });
    expect(() => decodeProcess([JSON.stringify({ ...record, port: '8081' }), 0])).toThrow();
    expect(() => decodeProcess([JSON.stringify(record), '3'])).toThrow();
  });

  it('reads seat holders and reservations, and refuses anything else', () => {
    expect(decodeHolder('{"playerId":null,"name":"Ann"}')).toEqual({ playerId: null, name: 'Ann' });
    expect(() => decodeHolder('{"playerId":7,"name":null}')).toThrow(/seat holder/);
    expect(decodeReservation(['refused', 'full'])).toBe('full');
    expect(() => decodeReservation(['refused', 'busy'])).toThrow(/refusal/);
    expect(() => decodeReservation(['granted', null, null, '12', 's1'])).toThrow(/reservation/);
  });

  it('writes TTLs as whole milliseconds of at least 1, and a fresh seat token per reservation', () => {
    expect([ttl(0), ttl(0.2), ttl(1500.5)]).toEqual(['1', '1', '1501']);
    const [hasId, playerId, holder, seat, seatTtl] = seatArgs(
      { playerId: 'u1', name: null },
      10_000,
    );
    expect([hasId, playerId, seatTtl]).toEqual(['1', 'u1', '10000']);
    expect(JSON.parse(holder as string)).toEqual({ playerId: 'u1', name: null });
    expect(seat).toMatch(/^s[A-Za-z0-9_-]{32}$/);
    expect(seatArgs({ playerId: null, name: null }, 1)[3]).not.toBe(seat);
  });
});
