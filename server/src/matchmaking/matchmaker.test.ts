import { describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../cluster/memory-registry.js';
import type { ProcessRecord, Registry, SeatHolder } from '../cluster/registry.js';
import { MatchError, Matchmaker } from './matchmaker.js';

// Matchmaking's rules over the in-memory registry: placement of new rooms, best fit, the race a
// new public room loses to quick plays, and the errors' statuses.

const ANYONE: SeatHolder = { playerId: null, name: null };

function processRecord(id: string, players: number, rooms = 0): ProcessRecord {
  return { id, publicUrl: null, port: 1000, players, rooms, publishedAtMs: 0 };
}

function setup(registry: Registry = new MemoryRegistry()) {
  const matchmaker = new Matchmaker({
    registry,
    games: ['arena', 'stars'],
    defaultGame: 'arena',
    maxPlayers: 2,
    maxRooms: 3,
    seatTtlMs: 10_000,
  });
  return { registry, matchmaker };
}

describe('the matchmaker', () => {
  it('puts new rooms on the least loaded process, spreading rooms made within one heartbeat', async () => {
    const { registry, matchmaker } = setup();
    await registry.publish(processRecord('p-busy', 50), [], 60_000);
    await registry.publish(processRecord('p-idle-1', 0), [], 60_000);
    await registry.publish(processRecord('p-idle-2', 0), [], 60_000);
    const placed = [];
    for (let i = 0; i < 4; i++) placed.push((await matchmaker.create({}, ANYONE)).process.id);
    // Both idle processes, alternately (each new room counts at once), never the busy one.
    expect(placed.sort()).toEqual(['p-idle-1', 'p-idle-1', 'p-idle-2', 'p-idle-2']);
  });

  it('a process holding --max-rooms gets no new room; none left: 503', async () => {
    const { registry, matchmaker } = setup();
    await registry.publish(processRecord('p-full', 0, 3), [], 60_000);
    const error = await matchmaker.create({}, ANYONE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatchError);
    expect(error).toMatchObject({ status: 503, error: 'unavailable' });
  });

  it('quick play looks again when racing quick plays fill its new room first', async () => {
    const registry = new MemoryRegistry();
    let raced = false;
    // Between adding the room and reserving the creator's seat, two other quick plays take both
    // seats of the new room (capacity 2), as they can on a busy cluster.
    const racing: Registry = {
      kind: 'racing',
      publish: (...args) => registry.publish(...args),
      withdraw: (...args) => registry.withdraw(...args),
      processes: () => registry.processes(),
      addRoom: (...args) => registry.addRoom(...args),
      room: (...args) => registry.room(...args),
      roomByCode: (...args) => registry.roomByCode(...args),
      publicRooms: (...args) => registry.publicRooms(...args),
      reserveQuickSeat: (...args) => registry.reserveQuickSeat(...args),
      claimSeat: (...args) => registry.claimSeat(...args),
      close: () => registry.close(),
      reserveSeat: async (...args) => {
        if (!raced) {
          raced = true;
          await registry.reserveQuickSeat('arena', ANYONE, 10_000);
          await registry.reserveQuickSeat('arena', ANYONE, 10_000);
        }
        return registry.reserveSeat(...args);
      },
    };
    const { matchmaker } = setup(racing);
    await registry.publish(processRecord('p1', 0), [], 60_000);
    const grant = await matchmaker.quickPlay('arena', ANYONE);
    expect(raced).toBe(true);
    expect(grant.room.players).toBe(0);
    const listed = await registry.publicRooms('arena', 10);
    // The first room went to the racers; the quick play got a seat in a second one.
    expect(listed).toHaveLength(2);
  });

  it('concurrent quick plays with no seat anywhere fill the rooms one opens, not a room each', async () => {
    const { registry, matchmaker } = setup();
    await registry.publish(processRecord('p1', 0), [], 60_000);
    await registry.publish(processRecord('p2', 0), [], 60_000);
    const grants = await Promise.all(
      Array.from({ length: 10 }, () => matchmaker.quickPlay('arena', ANYONE)),
    );
    const rooms = new Set(grants.map((g) => g.room.id));
    // Capacity 2: ten players need five rooms.
    expect(rooms.size).toBe(5);
  });

  it('a room limited to given players: 401 without a verified id, 403 with another one', async () => {
    const { registry, matchmaker } = setup();
    await registry.publish(processRecord('p1', 0), [], 60_000);
    const alice = { playerId: 'alice', name: 'Alice' };
    const created = await matchmaker.create({ isPrivate: true, allowedPlayerIds: ['bob'] }, alice);
    const code = created.room.code as string;
    await expect(matchmaker.join({ code }, ANYONE)).rejects.toMatchObject({ status: 401 });
    await expect(
      matchmaker.join({ code }, { playerId: 'carol', name: null }),
    ).rejects.toMatchObject({
      status: 403,
    });
    await expect(matchmaker.join({ code }, { playerId: 'bob', name: null })).resolves.toMatchObject(
      {
        room: { id: created.room.id },
      },
    );
  });
});
