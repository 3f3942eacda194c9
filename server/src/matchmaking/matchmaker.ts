import { newRoomCode, newRoomId, normalizeRoomCode } from '../cluster/ids.js';
import {
  REGISTRY_TTL_MS,
  type ProcessRecord,
  type Registry,
  type RoomRecord,
  type SeatGrant,
  type SeatHolder,
} from '../cluster/registry.js';

/** A matchmaking request that cannot be served: its HTTP status, a word for code, a sentence for people. */
export class MatchError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, message: string) {
    super(message);
    this.name = 'MatchError';
    this.status = status;
    this.error = error;
  }
}

export interface MatchmakerOptions {
  registry: Registry;
  /** The games rooms may run (the build's games). */
  games: readonly string[];
  /** The game of a request that names none. */
  defaultGame: string;
  /** Capacity of a room created with none given, and the most a request may ask for. */
  maxPlayers: number;
  /** Rooms one process holds at most: a process that has them gets no new room. */
  maxRooms: number;
  seatTtlMs: number;
}

export interface CreateRoomOptions {
  game?: string;
  isPrivate?: boolean;
  capacity?: number;
  /** Verified player ids that may join; the creator is added. */
  allowedPlayerIds?: readonly string[] | null;
}

export type JoinTarget = { roomId: string } | { code: string };

/** Public rooms at most in a listing. */
export const MAX_LISTED_ROOMS = 50;
/** Tries for a private room code nobody holds (a collision is one in half a billion). */
const CODE_ATTEMPTS = 5;
/**
 * Times a quick play looks for a seat: again after waiting for a room another request opens, or
 * after losing the room it opened to racing quick plays.
 */
const MAX_QUICK_PLAY_ATTEMPTS = 20;

/** A room created for a request was taken (filled, or gone) before the request's own seat. */
class RoomTakenError extends MatchError {
  constructor(refusal: string) {
    super(
      503,
      'unavailable',
      `the new room was taken before its first seat (${refusal}): try again`,
    );
  }
}

/**
 * Matchmaking over the registry, the same on every process: quick play (the fullest public room
 * with a seat, else a new room), create, join by id or code, list. A new room goes to the least
 * loaded live process, which opens it when the first seat reaches it. Every answer is a seat
 * reservation: single use, valid for --seat-ttl-ms, at the process that holds the room.
 */
export class Matchmaker {
  readonly #options: MatchmakerOptions;
  /** The room a quick play of each game is opening now, on this process. */
  readonly #opening = new Map<string, Promise<SeatGrant>>();

  constructor(options: MatchmakerOptions) {
    this.#options = options;
  }

  get games(): readonly string[] {
    return this.#options.games;
  }

  /** How long a seat it hands out stays valid. */
  get seatTtlMs(): number {
    return this.#options.seatTtlMs;
  }

  /** `game` as named in a request, checked; the default game when none is named. */
  gameOf(game: string | undefined): string {
    const { games, defaultGame } = this.#options;
    if (game === undefined) return defaultGame;
    if (!games.includes(game)) {
      throw new MatchError(
        400,
        'bad-request',
        `unknown game "${game}": this server runs ${games.join(', ')}`,
      );
    }
    return game;
  }

  /**
   * Quick play. When no room has a seat, one request opens a room and the others on this process
   * wait for it and take its seats, instead of each opening a room of its own.
   */
  async quickPlay(game: string, holder: SeatHolder): Promise<SeatGrant> {
    const { registry, seatTtlMs } = this.#options;
    for (let attempt = 1; ; attempt++) {
      const grant = await registry.reserveQuickSeat(game, holder, seatTtlMs);
      if (grant) return grant;
      const opening = this.#opening.get(game);
      if (opening && attempt < MAX_QUICK_PLAY_ATTEMPTS) {
        await opening.catch(() => undefined);
        continue;
      }
      const creation = this.create({ game, isPrivate: false }, holder);
      this.#opening.set(game, creation);
      try {
        return await creation;
      } catch (error) {
        // Racing quick plays (on other processes) filled the new room first: look again.
        if (!(error instanceof RoomTakenError) || attempt >= MAX_QUICK_PLAY_ATTEMPTS) throw error;
      } finally {
        if (this.#opening.get(game) === creation) this.#opening.delete(game);
      }
    }
  }

  async create(options: CreateRoomOptions, holder: SeatHolder): Promise<SeatGrant> {
    const { registry, maxPlayers, seatTtlMs } = this.#options;
    const game = this.gameOf(options.game);
    const capacity = options.capacity ?? maxPlayers;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > maxPlayers) {
      throw new MatchError(
        400,
        'bad-request',
        `capacity must be an integer in 1..${maxPlayers}, got ${String(capacity)}`,
      );
    }
    let allowedPlayerIds: string[] | null = null;
    if (options.allowedPlayerIds) {
      if (holder.playerId === null) {
        throw new MatchError(
          400,
          'bad-request',
          'allowedPlayerIds needs player authentication (the server runs without --auth-...)',
        );
      }
      allowedPlayerIds = [...new Set([holder.playerId, ...options.allowedPlayerIds])];
    }
    const process = await this.#leastLoadedProcess();
    const isPrivate = options.isPrivate ?? false;
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const room: RoomRecord = {
        id: newRoomId(),
        game,
        processId: process.id,
        code: isPrivate ? newRoomCode() : null,
        isPrivate,
        capacity,
        players: 0,
        seatsAdmitted: 0,
        allowedPlayerIds,
        createdAtMs: Date.now(),
      };
      // Kept until its process publishes it, or long enough for the seat to be used.
      if (!(await registry.addRoom(room, seatTtlMs + REGISTRY_TTL_MS))) continue;
      // A public room is open to quick play from the moment it is added: racing quick plays can
      // fill it before this seat is reserved.
      const grant = await registry.reserveSeat(room.id, holder, seatTtlMs);
      if (typeof grant === 'string') throw new RoomTakenError(grant);
      return grant;
    }
    throw new MatchError(503, 'unavailable', 'no free room code: try again');
  }

  async join(target: JoinTarget, holder: SeatHolder): Promise<SeatGrant> {
    const { registry, seatTtlMs } = this.#options;
    const room =
      'roomId' in target
        ? await registry.room(target.roomId)
        : await registry.roomByCode(normalizeRoomCode(target.code));
    const what = 'roomId' in target ? `room ${target.roomId}` : `room code ${target.code}`;
    // A private room is joined by its code only: its id, if it leaked, opens nothing.
    if (!room || (room.isPrivate && 'roomId' in target)) {
      throw new MatchError(404, 'no-such-room', `${what} does not exist (any more)`);
    }
    const grant = await registry.reserveSeat(room.id, holder, seatTtlMs);
    switch (grant) {
      case 'no-such-room':
        throw new MatchError(404, 'no-such-room', `${what} does not exist (any more)`);
      case 'full':
        throw new MatchError(409, 'room-full', `${what} is full (${room.capacity} players)`);
      case 'not-allowed':
        throw new MatchError(
          holder.playerId === null ? 401 : 403,
          holder.playerId === null ? 'unauthorized' : 'not-allowed',
          `${what} admits only given players`,
        );
      default:
        return grant;
    }
  }

  /**
   * A draining process's private rooms, opened again on other processes under the same codes
   * (capacity, game and allowed players kept): friends whose clients rejoin by code after 4016
   * land together again instead of in public rooms. Call it after the process withdrew, before
   * telling its players. Rooms that cannot be placed (no process left) are skipped.
   */
  async rehomePrivateRooms(rooms: readonly RoomRecord[]): Promise<number> {
    let rehomed = 0;
    for (const room of rooms) {
      if (!room.isPrivate || room.code === null) continue;
      const process = await this.#leastLoadedProcess().catch(() => null);
      if (!process) break;
      const copy: RoomRecord = {
        ...room,
        id: newRoomId(),
        processId: process.id,
        players: 0,
        seatsAdmitted: 0,
        createdAtMs: Date.now(),
      };
      if (await this.#options.registry.addRoom(copy, this.#options.seatTtlMs + REGISTRY_TTL_MS)) {
        rehomed++;
      }
    }
    return rehomed;
  }

  list(game: string): Promise<RoomRecord[]> {
    return this.#options.registry.publicRooms(game, MAX_LISTED_ROOMS);
  }

  /** The live process with the fewest players (then rooms) that can take another room. */
  async #leastLoadedProcess(): Promise<ProcessRecord> {
    const processes = await this.#options.registry.processes();
    const open = processes.filter((p) => p.rooms < this.#options.maxRooms);
    open.sort((a, b) => a.players - b.players || a.rooms - b.rooms || a.id.localeCompare(b.id));
    const best = open[0];
    if (!best) {
      throw new MatchError(
        503,
        'unavailable',
        processes.length === 0
          ? 'no server process is up'
          : 'every server process holds as many rooms as it may',
      );
    }
    return best;
  }
}
