/**
 * The registry: what every process of a cluster knows about the others. Which processes are up
 * (and where players reach them), which rooms exist (where, of what game, how full), and the seat
 * reservations matchmaking hands out. memory-registry.ts keeps it in this process (one process,
 * no setup); redis-registry.ts keeps it in Redis for many processes and machines.
 *
 * Liveness is by heartbeat: every process publishes itself and its rooms every
 * HEARTBEAT_INTERVAL_MS, and what it published lives for `ttlMs` unless published again. A
 * process killed with SIGKILL, and its rooms, drop out of every answer within the TTL.
 *
 * No call reads every room of the cluster: a room is read by id or code, quick play reads the open
 * rooms of one game fullest first and stops at the first with a seat, and a listing reads at most
 * `limit` rooms of one game.
 */

/** A server process as the cluster sees it. */
export interface ProcessRecord {
  /** Unique per process run (a restarted process has a new id). */
  id: string;
  /**
   * The WebSocket URL players reach this process at (ws://host:port/ws), when configured with
   * --public-url; null: the host name the player used for matchmaking, with `port`.
   */
  publicUrl: string | null;
  /** The game port this process listens on. */
  port: number;
  /** Players in its rooms (the load new rooms are placed by: the least loaded gets the room). */
  players: number;
  rooms: number;
  /** When it published this record (ms since the epoch, its own clock). */
  publishedAtMs: number;
}

/** Who holds a seat: verified by a token when auth is on, else as the player typed it. */
export interface SeatHolder {
  /** The verified player id (the token's `sub`), or null without auth. */
  playerId: string | null;
  /** The verified name (the token's `name`), or null: the name in the Hello is used. */
  name: string | null;
}

export interface RoomRecord {
  /** Unique in the cluster: 'r' + 10 base-32 characters. */
  id: string;
  /** The game type (GameSpec.name): every room runs one. */
  game: string;
  /** The process that holds (or will create) the room. */
  processId: string;
  /** Private rooms are joined only by this code (6 characters); public rooms have none. */
  code: string | null;
  isPrivate: boolean;
  capacity: number;
  /**
   * Players in the room (those joining included), as its process last published, plus the seats
   * claimed that its process had not admitted yet when it published.
   */
  players: number;
  /**
   * In a publish: how many seats from matchmaking the room has admitted since it opened
   * (cumulative). The registry counts the claims it saw for the room the same way, and adds any it
   * saw beyond this to `players`: a claim made while a publish was on its way is not lost.
   */
  seatsAdmitted: number;
  /** Verified player ids that may join; null: anyone. */
  allowedPlayerIds: readonly string[] | null;
  createdAtMs: number;
}

/** A seat reservation: single use, valid until `expiresAtMs` at the process that holds the room. */
export interface SeatGrant {
  /** Carried in Hello (at most MAX_SEAT_LENGTH characters). */
  seat: string;
  room: RoomRecord;
  /** The process the client must connect to. */
  process: ProcessRecord;
  expiresAtMs: number;
}

/** A seat taken by the Hello that carried it: the room to put the player in, and who it is. */
export interface ClaimedSeat {
  room: RoomRecord;
  holder: SeatHolder;
}

/** Why a seat in a given room could not be reserved. */
export type SeatRefusal = 'no-such-room' | 'full' | 'not-allowed';

export interface Registry {
  /** 'memory' or 'redis', for the logs and /healthz. */
  readonly kind: string;

  /**
   * The heartbeat: this process and every room it holds, each kept for `ttlMs` from now. Rooms
   * published earlier by this process and absent now are removed. A room's `players` becomes its
   * published count plus the claims of its seats the registry saw beyond `seatsAdmitted`.
   */
  publish(process: ProcessRecord, rooms: readonly RoomRecord[], ttlMs: number): Promise<void>;

  /**
   * Takes this process and its rooms out of the registry at once (draining for a restart, or
   * stopping): no new seat goes to it from any process after this resolves.
   */
  withdraw(processId: string): Promise<void>;

  /** Processes alive now (published within their TTL), in no particular order. */
  processes(): Promise<ProcessRecord[]>;

  /**
   * Registers a room that `room.processId` will create when the first seat reaches it, kept for
   * `ttlMs` unless its process publishes it. False when a private room's code is taken. The
   * process's `rooms` count goes up by one at once (until it publishes again), so that rooms
   * created within one heartbeat spread over the processes instead of piling onto one.
   */
  addRoom(room: RoomRecord, ttlMs: number): Promise<boolean>;

  room(id: string): Promise<RoomRecord | null>;
  roomByCode(code: string): Promise<RoomRecord | null>;

  /** Public rooms of `game` with their player counts, fullest first, at most `limit`. */
  publicRooms(game: string, limit: number): Promise<RoomRecord[]>;

  /**
   * Atomically reserves a seat in room `roomId` for `holder`: refused when players plus unexpired
   * reservations already fill its capacity, when the room or its process is gone, or when the
   * room admits only given players and `holder.playerId` is not one of them. Two racing calls for
   * the last seat never both succeed.
   */
  reserveSeat(roomId: string, holder: SeatHolder, ttlMs: number): Promise<SeatGrant | SeatRefusal>;

  /**
   * Quick play, atomically: a seat in the fullest public room of `game` that still has one (and
   * admits `holder`), on a live process; null when no room has a seat.
   */
  reserveQuickSeat(game: string, holder: SeatHolder, ttlMs: number): Promise<SeatGrant | null>;

  /**
   * Takes the seat for a Hello that reached `processId`: null when it is unknown, used, expired or
   * for a room of another process. A seat is claimed once; the room's player count goes up by
   * one until its process publishes it again.
   */
  claimSeat(seat: string, processId: string): Promise<ClaimedSeat | null>;

  /** Releases connections (Redis) or timers; the registry is unusable after. */
  close(): Promise<void>;
}

/**
 * The registry could not be reached (Redis down or timing out). Matchmaking answers 503 with the
 * message; running rooms carry on.
 */
export class RegistryUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegistryUnavailableError';
  }
}

/** How often each process publishes itself and its rooms. */
export const HEARTBEAT_INTERVAL_MS = 1000;
/** How long a published record lives without another heartbeat: a killed process is gone by then. */
export const REGISTRY_TTL_MS = 5000;
