// The Registry contract (registry.ts) as tests, run against every implementation: the in-memory
// one on a fake clock (memory-registry.test.ts) and the Redis one on a real redis-server in real
// time (redis-registry.test.ts). Expiry is waited for by polling with a deadline, never asserted
// as a duration; anything that must still be there is written with a TTL far beyond the test.
import { afterEach, describe, expect, it } from 'vitest';
import { newProcessId, newRoomCode, newRoomId } from './ids.js';
import type {
  ProcessRecord,
  Registry,
  RoomRecord,
  SeatGrant,
  SeatHolder,
  SeatRefusal,
} from './registry.js';

export interface RegistryHarness {
  /** A new registry that shares no records with those made before; the suite closes it. */
  create(): Promise<Registry>;
  /** Lets `ms` of the registry's time go by: a fake clock jumps, real time is waited out. */
  elapse(ms: number): Promise<void>;
  /**
   * The TTL of records the suite waits to see expire. A read right after a write must still see
   * them: short, but far longer than one round trip to the registry.
   */
  shortTtlMs: number;
}

/** Records that must outlive the test. */
const LONG_TTL_MS = 600_000;
/** How many short TTLs a wait for expiry may take before the test fails. */
const EXPIRY_DEADLINE_TTLS = 10;

const anyone: SeatHolder = { playerId: null, name: null };
const alice: SeatHolder = { playerId: 'alice', name: 'Alice' };
const bob: SeatHolder = { playerId: 'bob', name: null };

export function processRecord(overrides: Partial<ProcessRecord> = {}): ProcessRecord {
  return {
    id: newProcessId(),
    publicUrl: null,
    port: 9001,
    players: 0,
    rooms: 0,
    publishedAtMs: 1_700_000_000_000,
    ...overrides,
  };
}

let createdAtMs = 1_700_000_000_000;

export function roomRecord(processId: string, overrides: Partial<RoomRecord> = {}): RoomRecord {
  return {
    id: newRoomId(),
    game: 'arena',
    processId,
    code: null,
    isPrivate: false,
    capacity: 4,
    players: 0,
    seatsAdmitted: 0,
    allowedPlayerIds: null,
    // Distinct, rising: no two rooms tie on age (implementations may order ties differently).
    createdAtMs: createdAtMs++,
    ...overrides,
  };
}

export function privateRoomRecord(
  processId: string,
  overrides: Partial<RoomRecord> = {},
): RoomRecord {
  return roomRecord(processId, { isPrivate: true, code: newRoomCode(), ...overrides });
}

export function isGrant(outcome: SeatGrant | SeatRefusal | null): outcome is SeatGrant {
  return outcome !== null && typeof outcome !== 'string';
}

/** The grant, or a failed test saying what came instead. */
export function granted(outcome: SeatGrant | SeatRefusal | null): SeatGrant {
  if (!isGrant(outcome)) throw new Error(`expected a seat, got ${String(outcome)}`);
  return outcome;
}

const byId = <T extends { id: string }>(records: T[]): T[] =>
  [...records].sort((a, b) => a.id.localeCompare(b.id));

export function describeRegistryContract(name: string, harness: RegistryHarness): void {
  describe(`Registry contract: ${name}`, () => {
    const open: Registry[] = [];
    const shortTtlMs = harness.shortTtlMs;

    afterEach(async () => {
      await Promise.all(open.splice(0).map((registry) => registry.close()));
    });

    async function create(): Promise<Registry> {
      const registry = await harness.create();
      open.push(registry);
      return registry;
    }

    /** A registry with one live process (published for the whole test). */
    async function withProcess(): Promise<{ registry: Registry; process: ProcessRecord }> {
      const registry = await create();
      const process = processRecord();
      await registry.publish(process, [], LONG_TTL_MS);
      return { registry, process };
    }

    /** Polls `check` until it holds; fails after EXPIRY_DEADLINE_TTLS short TTLs. */
    async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
      const stepMs = Math.max(10, Math.floor(shortTtlMs / 5));
      for (let waitedMs = 0; !(await check()); waitedMs += stepMs) {
        if (waitedMs > EXPIRY_DEADLINE_TTLS * shortTtlMs) {
          throw new Error(`${what}: not so after ${waitedMs} ms (TTL ${shortTtlMs} ms)`);
        }
        await harness.elapse(stepMs);
      }
    }

    describe('processes', () => {
      it('lists the processes published within their TTL, as last published', async () => {
        const registry = await create();
        const first = processRecord({ publicUrl: 'ws://a.example:9001/ws', players: 3 });
        const second = processRecord({ port: 9002, rooms: 2 });
        await registry.publish(first, [], LONG_TTL_MS);
        await registry.publish(second, [], LONG_TTL_MS);
        expect(byId(await registry.processes())).toEqual(byId([first, second]));

        const updated = { ...first, players: 7, rooms: 1, publishedAtMs: first.publishedAtMs + 1 };
        await registry.publish(updated, [], LONG_TTL_MS);
        expect(byId(await registry.processes())).toEqual(byId([updated, second]));
      });

      it('drops a process that stops publishing, and its rooms, once the TTL passes', async () => {
        const { registry, process: survivor } = await withProcess();
        const process = processRecord();
        const room = roomRecord(process.id, { players: 1 });
        const hidden = privateRoomRecord(process.id);
        await registry.publish(process, [room, hidden], shortTtlMs);
        expect((await registry.processes()).map((p) => p.id)).toContain(process.id);
        expect(await registry.room(room.id)).toEqual(room);

        await eventually('the process expired', async () =>
          (await registry.processes()).every((p) => p.id !== process.id),
        );
        await eventually('its room expired', async () => (await registry.room(room.id)) === null);
        expect(await registry.processes()).toEqual([survivor]);
        expect(await registry.roomByCode(hidden.code ?? '')).toBeNull();
        expect(await registry.publicRooms('arena', 10)).toEqual([]);
        expect(await registry.reserveQuickSeat('arena', anyone, LONG_TTL_MS)).toBeNull();
        expect(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS)).toBe('no-such-room');
      });

      it('keeps a process published again for the new TTL', async () => {
        const registry = await create();
        const process = processRecord();
        await registry.publish(process, [], shortTtlMs);
        await registry.publish(process, [], LONG_TTL_MS);
        await harness.elapse(3 * shortTtlMs);
        expect(await registry.processes()).toEqual([process]);
      });
    });

    describe('rooms', () => {
      it('finds rooms by id and private rooms by code', async () => {
        const { registry, process } = await withProcess();
        const room = roomRecord(process.id, { players: 2, allowedPlayerIds: ['alice', 'bob'] });
        const hidden = privateRoomRecord(process.id, { capacity: 2 });
        expect(await registry.addRoom(room, LONG_TTL_MS)).toBe(true);
        expect(await registry.addRoom(hidden, LONG_TTL_MS)).toBe(true);

        expect(await registry.room(room.id)).toEqual(room);
        expect(await registry.room(hidden.id)).toEqual(hidden);
        expect(await registry.roomByCode(hidden.code ?? '')).toEqual(hidden);
        expect(await registry.room(newRoomId())).toBeNull();
        expect(await registry.roomByCode(newRoomCode())).toBeNull();
      });

      it('refuses a private room whose code another room holds', async () => {
        const { registry, process } = await withProcess();
        const first = privateRoomRecord(process.id);
        const clash = privateRoomRecord(process.id, { code: first.code });
        expect(await registry.addRoom(first, LONG_TTL_MS)).toBe(true);
        expect(await registry.addRoom(clash, LONG_TTL_MS)).toBe(false);
        expect(await registry.room(clash.id)).toBeNull();
        expect(await registry.roomByCode(first.code ?? '')).toEqual(first);
        expect(await registry.addRoom(privateRoomRecord(process.id), LONG_TTL_MS)).toBe(true);
      });

      it('drops an added room its process never publishes once the TTL passes', async () => {
        const { registry, process } = await withProcess();
        const room = privateRoomRecord(process.id);
        expect(await registry.addRoom(room, shortTtlMs)).toBe(true);
        expect(await registry.room(room.id)).toEqual(room);
        await eventually('the room expired', async () => (await registry.room(room.id)) === null);
        expect(await registry.roomByCode(room.code ?? '')).toBeNull();
        // Its code is free again.
        const again = privateRoomRecord(process.id, { code: room.code });
        expect(await registry.addRoom(again, LONG_TTL_MS)).toBe(true);
      });

      it('counts an added room in its process until the process publishes again', async () => {
        const { registry, process } = await withProcess();
        const room = roomRecord(process.id);
        expect(await registry.addRoom(room, LONG_TTL_MS)).toBe(true);
        expect(await registry.addRoom(privateRoomRecord(process.id), LONG_TTL_MS)).toBe(true);
        expect(await registry.processes()).toEqual([{ ...process, rooms: 2 }]);
        const grant = granted(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS));
        expect(grant.process).toEqual({ ...process, rooms: 2 });
        // Added for a process that is not up: no process appears.
        expect(await registry.addRoom(roomRecord(newProcessId()), LONG_TTL_MS)).toBe(true);

        await registry.publish({ ...process, rooms: 1 }, [room], LONG_TTL_MS);
        expect(await registry.processes()).toEqual([{ ...process, rooms: 1 }]);
      });

      it('publish replaces the rooms the process published before, and their counts', async () => {
        const { registry, process } = await withProcess();
        const kept = roomRecord(process.id, { players: 1 });
        const closed = privateRoomRecord(process.id, { players: 2 });
        await registry.publish(process, [kept, closed], LONG_TTL_MS);
        expect(await registry.room(closed.id)).toEqual(closed);

        await registry.publish(process, [{ ...kept, players: 3 }], LONG_TTL_MS);
        expect(await registry.room(kept.id)).toEqual({ ...kept, players: 3 });
        expect(await registry.room(closed.id)).toBeNull();
        expect(await registry.roomByCode(closed.code ?? '')).toBeNull();
        const sameCode = privateRoomRecord(process.id, { code: closed.code });
        expect(await registry.addRoom(sameCode, LONG_TTL_MS)).toBe(true);
      });

      it('publish keeps a room added for the process that it has not opened yet', async () => {
        // Matchmaking on any process adds a room for another; that process opens it (and starts
        // publishing it) only when the first seat reaches it, a heartbeat or more later.
        const { registry, process } = await withProcess();
        const pending = roomRecord(process.id);
        expect(await registry.addRoom(pending, LONG_TTL_MS)).toBe(true);
        const grant = granted(await registry.reserveSeat(pending.id, anyone, LONG_TTL_MS));
        await registry.publish(process, [], LONG_TTL_MS);
        expect(await registry.room(pending.id)).toEqual(pending);
        const claimed = await registry.claimSeat(grant.seat, process.id);
        expect(claimed?.room.id).toBe(pending.id);
      });

      it('lists the public rooms of a game fullest first, at most `limit`', async () => {
        const { registry, process } = await withProcess();
        const one = roomRecord(process.id, { players: 1 });
        const three = roomRecord(process.id, { players: 3 });
        const two = roomRecord(process.id, { players: 2 });
        const full = roomRecord(process.id, { players: 4 });
        const hidden = privateRoomRecord(process.id, { players: 3 });
        const stars = roomRecord(process.id, { game: 'stars', players: 5, capacity: 8 });
        await registry.publish(process, [one, three, two, full, hidden, stars], LONG_TTL_MS);

        expect(await registry.publicRooms('arena', 50)).toEqual([full, three, two, one]);
        expect(await registry.publicRooms('arena', 2)).toEqual([full, three]);
        expect(await registry.publicRooms('stars', 50)).toEqual([stars]);
        expect(await registry.publicRooms('other', 50)).toEqual([]);
      });

      it('leaves out rooms whose process stopped publishing', async () => {
        const { registry, process } = await withProcess();
        const live = roomRecord(process.id, { players: 1 });
        await registry.publish(process, [live], LONG_TTL_MS);
        const gone = processRecord();
        await registry.publish(gone, [], shortTtlMs);
        // Added with a long TTL: the room outlives its process's records.
        const orphan = roomRecord(gone.id, { players: 3 });
        expect(await registry.addRoom(orphan, LONG_TTL_MS)).toBe(true);
        expect(await registry.publicRooms('arena', 50)).toEqual([orphan, live]);

        await eventually('the process expired', async () =>
          (await registry.processes()).every((p) => p.id !== gone.id),
        );
        expect(await registry.publicRooms('arena', 50)).toEqual([live]);
        expect(granted(await registry.reserveQuickSeat('arena', anyone, LONG_TTL_MS)).room.id).toBe(
          live.id,
        );
        expect(await registry.reserveSeat(orphan.id, anyone, LONG_TTL_MS)).toBe('no-such-room');
      });
    });

    describe('quick play', () => {
      it('takes the fullest public room of the game that has a seat', async () => {
        const { registry, process } = await withProcess();
        const one = roomRecord(process.id, { players: 1 });
        const three = roomRecord(process.id, { players: 3 });
        const full = roomRecord(process.id, { players: 4 });
        const hidden = privateRoomRecord(process.id, { players: 3 });
        const stars = roomRecord(process.id, { game: 'stars', players: 3 });
        await registry.publish(process, [one, three, full, hidden, stars], LONG_TTL_MS);

        const grant = granted(await registry.reserveQuickSeat('arena', alice, LONG_TTL_MS));
        expect(grant.room).toEqual(three);
        expect(grant.process).toEqual(process);
        expect(grant.seat).toMatch(/^s[\w-]{32}$/);
        expect(grant.expiresAtMs).toBeGreaterThan(0);

        // `three` is full with that reservation: the rest go to `one` (3 seats), then none.
        const next: string[] = [];
        for (let i = 0; i < 4; i++) {
          const outcome = await registry.reserveQuickSeat('arena', anyone, LONG_TTL_MS);
          next.push(outcome === null ? 'none' : outcome.room.id);
        }
        expect(next).toEqual([one.id, one.id, one.id, 'none']);
      });

      it('offers only rooms that admit the holder', async () => {
        const { registry, process } = await withProcess();
        const friends = roomRecord(process.id, { players: 2, allowedPlayerIds: ['alice'] });
        const everyone = roomRecord(process.id, { players: 0 });
        await registry.publish(process, [friends, everyone], LONG_TTL_MS);
        const roomOf = async (holder: SeatHolder): Promise<string | undefined> =>
          (await registry.reserveQuickSeat('arena', holder, LONG_TTL_MS))?.room.id;
        expect(await roomOf(bob)).toBe(everyone.id);
        expect(await roomOf(anyone)).toBe(everyone.id);
        expect(await roomOf(alice)).toBe(friends.id);
      });

      it('answers null when no public room of the game has a seat', async () => {
        const { registry, process } = await withProcess();
        expect(await registry.reserveQuickSeat('arena', anyone, LONG_TTL_MS)).toBeNull();
        const full = roomRecord(process.id, { players: 4 });
        const reserved = roomRecord(process.id, { capacity: 1 });
        const hidden = privateRoomRecord(process.id);
        const stars = roomRecord(process.id, { game: 'stars' });
        await registry.publish(process, [full, reserved, hidden, stars], LONG_TTL_MS);
        granted(await registry.reserveSeat(reserved.id, anyone, LONG_TTL_MS));
        expect(await registry.reserveQuickSeat('arena', anyone, LONG_TTL_MS)).toBeNull();
      });
    });

    describe('seats', () => {
      it('counts unexpired reservations against capacity', async () => {
        const { registry, process } = await withProcess();
        const room = roomRecord(process.id, { capacity: 3, players: 1 });
        await registry.publish(process, [room], LONG_TTL_MS);
        const first = granted(await registry.reserveSeat(room.id, alice, LONG_TTL_MS));
        expect(first.room).toEqual(room);
        expect(first.process).toEqual(process);
        const second = granted(await registry.reserveSeat(room.id, bob, LONG_TTL_MS));
        expect(second.seat).not.toBe(first.seat);
        expect(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS)).toBe('full');
      });

      it('refuses rooms that do not exist or whose process is gone', async () => {
        const { registry } = await withProcess();
        expect(await registry.reserveSeat(newRoomId(), anyone, LONG_TTL_MS)).toBe('no-such-room');
        // A room added for a process that never published.
        const orphan = roomRecord(newProcessId());
        expect(await registry.addRoom(orphan, LONG_TTL_MS)).toBe(true);
        expect(await registry.reserveSeat(orphan.id, anyone, LONG_TTL_MS)).toBe('no-such-room');
      });

      it('admits only the listed players to a room that lists them', async () => {
        const { registry, process } = await withProcess();
        const room = roomRecord(process.id, { allowedPlayerIds: ['alice', 'carol'] });
        const nobody = roomRecord(process.id, { allowedPlayerIds: [] });
        await registry.publish(process, [room, nobody], LONG_TTL_MS);
        expect(await registry.reserveSeat(room.id, bob, LONG_TTL_MS)).toBe('not-allowed');
        expect(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS)).toBe('not-allowed');
        expect(granted(await registry.reserveSeat(room.id, alice, LONG_TTL_MS)).room).toEqual(room);
        expect(await registry.reserveSeat(nobody.id, alice, LONG_TTL_MS)).toBe('not-allowed');
      });

      it('frees the seat of an expired reservation, which can no longer be claimed', async () => {
        const { registry, process } = await withProcess();
        const room = roomRecord(process.id, { capacity: 1 });
        await registry.publish(process, [room], LONG_TTL_MS);
        const expiring = granted(await registry.reserveSeat(room.id, alice, shortTtlMs));
        let later: SeatGrant | null = null;
        await eventually('the seat is free again', async () => {
          const outcome = await registry.reserveSeat(room.id, bob, LONG_TTL_MS);
          if (isGrant(outcome)) later = outcome;
          return later !== null;
        });
        expect(await registry.claimSeat(expiring.seat, process.id)).toBeNull();
        expect((await registry.claimSeat(granted(later).seat, process.id))?.holder).toEqual(bob);
      });

      it('is claimed once, only at the process of its room', async () => {
        const { registry, process } = await withProcess();
        const other = processRecord();
        await registry.publish(other, [], LONG_TTL_MS);
        const room = roomRecord(process.id, { players: 2 });
        await registry.publish(process, [room], LONG_TTL_MS);
        const { seat } = granted(await registry.reserveSeat(room.id, alice, LONG_TTL_MS));

        expect(await registry.claimSeat(seat, other.id)).toBeNull();
        // The claim counts as a player and as a seat the registry has seen claimed.
        expect(await registry.claimSeat(seat, process.id)).toEqual({
          room: { ...room, players: 3, seatsAdmitted: 1 },
          holder: alice,
        });
        expect(await registry.claimSeat(seat, process.id)).toBeNull();
        expect(await registry.claimSeat('s' + 'x'.repeat(32), process.id)).toBeNull();
        expect(await registry.room(room.id)).toEqual({ ...room, players: 3, seatsAdmitted: 1 });
      });

      it('counts a claimed seat as a player until the room is published again', async () => {
        const { registry, process } = await withProcess();
        const room = roomRecord(process.id, { capacity: 2, players: 0 });
        const rival = roomRecord(process.id, { players: 1 });
        await registry.publish(process, [room, rival], LONG_TTL_MS);
        const first = granted(await registry.reserveSeat(room.id, alice, LONG_TTL_MS));
        const second = granted(await registry.reserveSeat(room.id, bob, LONG_TTL_MS));
        expect(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS)).toBe('full');

        // A claim turns a reservation into a player: still full, never counted twice.
        await registry.claimSeat(first.seat, process.id);
        expect(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS)).toBe('full');
        await registry.claimSeat(second.seat, process.id);
        expect(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS)).toBe('full');
        // The claims order the listing, and quick play passes the room it filled.
        expect(await registry.publicRooms('arena', 50)).toEqual([
          { ...room, players: 2, seatsAdmitted: 2 },
          rival,
        ]);
        expect(granted(await registry.reserveQuickSeat('arena', anyone, LONG_TTL_MS)).room.id).toBe(
          rival.id,
        );

        // The process's own count, with both claims admitted, replaces them: one player left.
        await registry.publish(
          process,
          [{ ...room, players: 1, seatsAdmitted: 2 }, rival],
          LONG_TTL_MS,
        );
        expect(granted(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS)).room).toEqual({
          ...room,
          players: 1,
          seatsAdmitted: 2,
        });
      });

      it('keeps a claim that a publish on its way did not see: a full room stays full', async () => {
        const { registry, process } = await withProcess();
        const room = roomRecord(process.id, { capacity: 2, players: 1, seatsAdmitted: 1 });
        await registry.publish(process, [room], LONG_TTL_MS);
        const seat = granted(await registry.reserveSeat(room.id, alice, LONG_TTL_MS));
        await registry.claimSeat(seat.seat, process.id);
        // The heartbeat read the room before that player was admitted, and lands after the claim.
        await registry.publish(process, [room], LONG_TTL_MS);
        expect(await registry.reserveSeat(room.id, bob, LONG_TTL_MS)).toBe('full');
        expect((await registry.room(room.id))?.players).toBe(2);
        // The next heartbeat has seen it: the same count, and still no seat.
        await registry.publish(process, [{ ...room, players: 2, seatsAdmitted: 2 }], LONG_TTL_MS);
        expect(await registry.reserveSeat(room.id, bob, LONG_TTL_MS)).toBe('full');
      });
    });

    describe('withdraw', () => {
      it('takes the process and all its rooms out at once', async () => {
        const { registry, process } = await withProcess();
        const other = processRecord();
        await registry.publish(other, [], LONG_TTL_MS);
        const published = roomRecord(process.id, { players: 3 });
        const hidden = privateRoomRecord(process.id);
        await registry.publish(process, [published, hidden], LONG_TTL_MS);
        const pending = roomRecord(process.id, { players: 2 });
        expect(await registry.addRoom(pending, LONG_TTL_MS)).toBe(true);
        const elsewhere = roomRecord(other.id);
        expect(await registry.addRoom(elsewhere, LONG_TTL_MS)).toBe(true);
        const { seat } = granted(await registry.reserveSeat(published.id, alice, LONG_TTL_MS));

        await registry.withdraw(process.id);
        expect(await registry.processes()).toEqual([{ ...other, rooms: 1 }]);
        for (const room of [published, hidden, pending]) {
          expect(await registry.room(room.id)).toBeNull();
          expect(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS)).toBe('no-such-room');
        }
        expect(await registry.roomByCode(hidden.code ?? '')).toBeNull();
        expect(await registry.claimSeat(seat, process.id)).toBeNull();
        expect(await registry.publicRooms('arena', 50)).toEqual([elsewhere]);
        expect(granted(await registry.reserveQuickSeat('arena', anyone, LONG_TTL_MS)).room.id).toBe(
          elsewhere.id,
        );
        const sameCode = privateRoomRecord(other.id, { code: hidden.code });
        expect(await registry.addRoom(sameCode, LONG_TTL_MS)).toBe(true);
      });
    });
  });
}
