import { newSeatToken } from './ids.js';
import type {
  ClaimedSeat,
  ProcessRecord,
  Registry,
  RoomRecord,
  SeatGrant,
  SeatHolder,
  SeatRefusal,
} from './registry.js';

/** Rooms a quick play looks at, fullest first, before it gives up and a new room is opened. */
const MAX_QUICK_PLAY_CANDIDATES = 64;
/** How often expired processes, rooms and seats are swept out. */
const EXPIRY_SWEEP_MS = 100;

interface Expiring<T> {
  value: T;
  expiresAtMs: number;
}

interface Reservation {
  roomId: string;
  processId: string;
  holder: SeatHolder;
  expiresAtMs: number;
}

/**
 * The registry of a single process: the same rules as the Redis registry (TTLs, atomic seats),
 * kept in maps. Every call completes synchronously (JavaScript runs one call at a time, so two
 * reservations never interleave); the promises are for the interface.
 */
export class MemoryRegistry implements Registry {
  readonly kind = 'memory';
  readonly #nowMs: () => number;
  readonly #processes = new Map<string, Expiring<ProcessRecord>>();
  readonly #rooms = new Map<string, Expiring<RoomRecord>>();
  readonly #roomIdsByCode = new Map<string, string>();
  readonly #seats = new Map<string, Reservation>();
  /** The unexpired reservations of each room, by seat token (counted against its capacity). */
  readonly #seatsByRoom = new Map<string, Set<string>>();
  #sweptAtMs = -Infinity;
  /** The room ids each process published last: a publish removes those it no longer lists. */
  readonly #publishedRoomIds = new Map<string, Set<string>>();

  constructor(nowMs: () => number = Date.now) {
    this.#nowMs = nowMs;
  }

  publish(process: ProcessRecord, rooms: readonly RoomRecord[], ttlMs: number): Promise<void> {
    const expiresAtMs = this.#nowMs() + ttlMs;
    this.#processes.set(process.id, { value: { ...process }, expiresAtMs });
    const published = new Set(rooms.map((room) => room.id));
    // Only rooms it published before: a room added for it and not opened yet stays.
    for (const id of this.#publishedRoomIds.get(process.id) ?? []) {
      if (!published.has(id)) this.#deleteRoom(id);
    }
    this.#publishedRoomIds.set(process.id, published);
    for (const room of rooms) {
      // A stored room's seatsAdmitted counts the claims seen here; those its process had not
      // admitted when it published are still players to be.
      const claims = Math.max(
        this.#rooms.get(room.id)?.value.seatsAdmitted ?? 0,
        room.seatsAdmitted,
      );
      const players = room.players + claims - room.seatsAdmitted;
      this.#setRoom({ ...room, players, seatsAdmitted: claims }, expiresAtMs);
    }
    return Promise.resolve();
  }

  withdraw(processId: string): Promise<void> {
    this.#processes.delete(processId);
    this.#publishedRoomIds.delete(processId);
    for (const [id, entry] of this.#rooms) {
      if (entry.value.processId === processId) this.#deleteRoom(id);
    }
    return Promise.resolve();
  }

  processes(): Promise<ProcessRecord[]> {
    return Promise.resolve(this.#liveProcesses());
  }

  addRoom(room: RoomRecord, ttlMs: number): Promise<boolean> {
    this.#expire();
    if (room.code !== null && this.#roomIdsByCode.has(room.code)) return Promise.resolve(false);
    this.#setRoom(room, this.#nowMs() + ttlMs);
    const process = this.#processes.get(room.processId);
    if (process) process.value.rooms++;
    return Promise.resolve(true);
  }

  room(id: string): Promise<RoomRecord | null> {
    this.#expire();
    const room = this.#rooms.get(id)?.value;
    return Promise.resolve(room ? { ...room } : null);
  }

  roomByCode(code: string): Promise<RoomRecord | null> {
    this.#expire();
    const id = this.#roomIdsByCode.get(code);
    const room = id === undefined ? undefined : this.#rooms.get(id)?.value;
    return Promise.resolve(room ? { ...room } : null);
  }

  publicRooms(game: string, limit: number): Promise<RoomRecord[]> {
    this.#expire();
    return Promise.resolve(this.#openRooms(game, false).slice(0, limit));
  }

  reserveSeat(roomId: string, holder: SeatHolder, ttlMs: number): Promise<SeatGrant | SeatRefusal> {
    this.#expire();
    const room = this.#rooms.get(roomId)?.value;
    const process = room && this.#processes.get(room.processId)?.value;
    if (!room || !process) return Promise.resolve('no-such-room');
    if (!admits(room, holder)) return Promise.resolve('not-allowed');
    if (this.#taken(room) >= room.capacity) return Promise.resolve('full');
    return Promise.resolve(this.#grant(room, process, holder, ttlMs));
  }

  reserveQuickSeat(game: string, holder: SeatHolder, ttlMs: number): Promise<SeatGrant | null> {
    this.#expire();
    // As in Redis: at most MAX_QUICK_PLAY_CANDIDATES looked at, then the caller opens a room.
    for (const room of this.#openRooms(game, true).slice(0, MAX_QUICK_PLAY_CANDIDATES)) {
      const process = this.#processes.get(room.processId)?.value;
      if (process && admits(room, holder) && this.#taken(room) < room.capacity) {
        return Promise.resolve(this.#grant(room, process, holder, ttlMs));
      }
    }
    return Promise.resolve(null);
  }

  claimSeat(seat: string, processId: string): Promise<ClaimedSeat | null> {
    this.#expire();
    const reservation = this.#seats.get(seat);
    if (!reservation || reservation.processId !== processId) return Promise.resolve(null);
    this.#deleteSeat(seat);
    if (reservation.expiresAtMs <= this.#nowMs()) return Promise.resolve(null);
    const entry = this.#rooms.get(reservation.roomId);
    if (!entry) return Promise.resolve(null);
    entry.value.players++;
    entry.value.seatsAdmitted++;
    return Promise.resolve({ room: { ...entry.value }, holder: reservation.holder });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #grant(room: RoomRecord, process: ProcessRecord, holder: SeatHolder, ttlMs: number): SeatGrant {
    const seat = newSeatToken();
    const expiresAtMs = this.#nowMs() + ttlMs;
    this.#seats.set(seat, { roomId: room.id, processId: room.processId, holder, expiresAtMs });
    let roomSeats = this.#seatsByRoom.get(room.id);
    if (!roomSeats) {
      roomSeats = new Set();
      this.#seatsByRoom.set(room.id, roomSeats);
    }
    roomSeats.add(seat);
    return { seat, room: { ...room }, process: { ...process }, expiresAtMs };
  }

  /** Players plus unexpired reservations. */
  #taken(room: RoomRecord): number {
    return room.players + (this.#seatsByRoom.get(room.id)?.size ?? 0);
  }

  #deleteSeat(seat: string): void {
    const reservation = this.#seats.get(seat);
    if (!reservation) return;
    this.#seats.delete(seat);
    const roomSeats = this.#seatsByRoom.get(reservation.roomId);
    roomSeats?.delete(seat);
    if (roomSeats?.size === 0) this.#seatsByRoom.delete(reservation.roomId);
  }

  /** Rooms of `game` on live processes, fullest first; public only unless `isQuickPlay` says so. */
  #openRooms(game: string, isQuickPlay: boolean): RoomRecord[] {
    const rooms: RoomRecord[] = [];
    for (const { value: room } of this.#rooms.values()) {
      if (room.game !== game || room.isPrivate || !this.#processes.has(room.processId)) continue;
      if (isQuickPlay && room.players >= room.capacity) continue;
      rooms.push({ ...room });
    }
    return rooms.sort((a, b) => b.players - a.players || a.createdAtMs - b.createdAtMs);
  }

  #setRoom(room: RoomRecord, expiresAtMs: number): void {
    const previous = this.#rooms.get(room.id);
    const previousCode = previous?.value.code ?? null;
    if (previousCode !== null) this.#roomIdsByCode.delete(previousCode);
    this.#rooms.set(room.id, { value: { ...room }, expiresAtMs });
    if (room.code !== null) this.#roomIdsByCode.set(room.code, room.id);
  }

  #deleteRoom(id: string): void {
    const entry = this.#rooms.get(id);
    if (!entry) return;
    this.#rooms.delete(id);
    if (entry.value.code !== null) this.#roomIdsByCode.delete(entry.value.code);
    for (const seat of this.#seatsByRoom.get(id) ?? []) this.#seats.delete(seat);
    this.#seatsByRoom.delete(id);
  }

  #liveProcesses(): ProcessRecord[] {
    this.#expire();
    return [...this.#processes.values()].map((entry) => ({ ...entry.value }));
  }

  /** Drops what outlived its TTL: processes, rooms and seats. */
  #expire(): void {
    const now = this.#nowMs();
    // A sweep walks everything: at most one per EXPIRY_SWEEP_MS (claims check expiry themselves).
    if (now - this.#sweptAtMs < EXPIRY_SWEEP_MS) return;
    this.#sweptAtMs = now;
    for (const [id, entry] of this.#processes) {
      if (entry.expiresAtMs <= now) {
        this.#processes.delete(id);
        this.#publishedRoomIds.delete(id);
      }
    }
    for (const [id, entry] of this.#rooms) {
      if (entry.expiresAtMs <= now) this.#deleteRoom(id);
    }
    for (const [seat, reservation] of this.#seats) {
      if (reservation.expiresAtMs <= now) this.#deleteSeat(seat);
    }
  }
}

/** Whether `room` lets `holder` in: rooms limited to given players need a verified id among them. */
export function admits(room: RoomRecord, holder: SeatHolder): boolean {
  return (
    room.allowedPlayerIds === null ||
    (holder.playerId !== null && room.allowedPlayerIds.includes(holder.playerId))
  );
}
