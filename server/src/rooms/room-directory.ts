import type { CloseCode } from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import type { Game } from '../game/game.js';
import type { Clock, Schedule } from '../loop/clock.js';
import type { Logger } from '../log.js';
import type { RoomRecord } from '../cluster/registry.js';
import { newRoomId } from '../cluster/ids.js';
import { Room } from '../room/room.js';
import type { TickTimingSink } from '../room/tick-timings.js';
import type { RoomLocator } from './gateway.js';

export interface RoomDirectoryDeps {
  config: ServerConfig;
  /** The games this build runs, by name: a room runs any of them. */
  games: ReadonlyMap<string, Game>;
  clock: Clock;
  schedule: Schedule;
  log: Logger;
  processId: string;
  /** Where a room of `game` reports its tick timings. */
  tickTimings(game: string): TickTimingSink;
  /** A room started or was disposed (the metrics follow them). */
  onRoomStarted?(room: Room): void;
  onRoomDisposed?(room: Room): void;
}

interface HostedRoom {
  readonly record: RoomRecord;
  readonly room: Room;
  /** When it last had no connection and no player, or null while it has some. */
  emptySinceMs: number | null;
  /** Seats from matchmaking admitted since it opened (RoomRecord.seatsAdmitted). */
  seatsAdmitted: number;
}

/** How often empty rooms are looked for. */
const SWEEP_INTERVAL_MS = 1000;

/**
 * The rooms this process holds, each a Room with its own tick loop, by id. Rooms open on demand
 * (the first seat matchmaking gave for them reaches this process), and close once they have
 * stayed empty for --room-empty-ms. The default room (direct joins, --game) is never closed.
 */
export class RoomDirectory implements RoomLocator {
  readonly #deps: RoomDirectoryDeps;
  readonly #rooms = new Map<string, HostedRoom>();
  #default: HostedRoom | null = null;
  #cancelSweep: (() => void) | null = null;

  constructor(deps: RoomDirectoryDeps) {
    this.#deps = deps;
  }

  get defaultRoom(): Room | null {
    return this.#default?.room ?? null;
  }

  get size(): number {
    return this.#rooms.size;
  }

  /** Players in every room, those kept for a resume included. */
  get playerCount(): number {
    let players = 0;
    for (const { room } of this.#rooms.values()) players += room.playerCount;
    return players;
  }

  /** Opens the default room: a public room of --game, of --max-players, kept while the process runs. */
  openDefault(): Room {
    const { config, processId } = this.#deps;
    const id = newRoomId();
    const room = this.open({
      id,
      game: config.game,
      processId,
      code: null,
      isPrivate: false,
      capacity: config.maxPlayers,
      players: 0,
      seatsAdmitted: 0,
      allowedPlayerIds: null,
      createdAtMs: Date.now(),
    });
    if (!room) throw new Error(`cannot open the default room of "${config.game}"`);
    this.#default = this.#rooms.get(id) ?? null;
    return room;
  }

  /**
   * Opens a room as its record describes (game, capacity) and starts its tick. null when this
   * process already holds --max-rooms rooms or does not run the game.
   */
  open(record: RoomRecord): Room | null {
    const { config, games, log } = this.#deps;
    const game = games.get(record.game);
    if (!game || this.#rooms.size >= config.maxRooms) return null;
    const room = new Room({
      config: { ...config, game: record.game, maxPlayers: record.capacity },
      game,
      clock: this.#deps.clock,
      schedule: this.#deps.schedule,
      log,
      tickTimings: this.#deps.tickTimings(record.game),
    });
    this.#rooms.set(record.id, {
      record: { ...record },
      room,
      emptySinceMs: null,
      seatsAdmitted: 0,
    });
    room.start();
    this.#deps.onRoomStarted?.(room);
    log.info('room opened', {
      room: record.id,
      game: record.game,
      capacity: record.capacity,
      isPrivate: record.isPrivate,
    });
    return room;
  }

  get(id: string): Room | null {
    return this.#rooms.get(id)?.room ?? null;
  }

  forSeat(record: RoomRecord): Room | null {
    const running = this.get(record.id);
    if (running) return running;
    const room = this.open(record);
    const hosted = this.#rooms.get(record.id);
    // The registry has counted every claim of this room, this one included (record.seatsAdmitted);
    // the new room starts from there, so that seatClaimed() lands on the same count. (It may be
    // reopened under the same id: closed while a seat for it was outstanding.)
    if (hosted) hosted.seatsAdmitted = Math.max(0, record.seatsAdmitted - 1);
    return room;
  }

  seatClaimed(roomId: string): void {
    const hosted = this.#rooms.get(roomId);
    if (hosted) hosted.seatsAdmitted++;
  }

  byResumeToken(token: string): Room | null {
    for (const { room } of this.#rooms.values()) {
      if (room.holdsResumeToken(token)) return room;
    }
    return null;
  }

  /** The rooms as the registry lists them, with their seats taken now. */
  records(): RoomRecord[] {
    return [...this.#rooms.values()].map(({ record, room, seatsAdmitted }) => ({
      ...record,
      players: room.seatsTaken,
      seatsAdmitted,
    }));
  }

  /** Starts closing rooms that stay empty. */
  start(): void {
    const sweep = (): void => {
      this.sweep();
      this.#cancelSweep = this.#deps.schedule(SWEEP_INTERVAL_MS, sweep);
    };
    this.#cancelSweep ??= this.#deps.schedule(SWEEP_INTERVAL_MS, sweep);
  }

  /** Closes the rooms (not the default one) that have been empty for --room-empty-ms. */
  sweep(): void {
    const nowMs = this.#deps.clock.nowMs();
    for (const [id, hosted] of this.#rooms) {
      if (hosted === this.#default) continue;
      const { room } = hosted;
      if (room.sessionCount > 0 || room.playerCount > 0) {
        hosted.emptySinceMs = null;
        continue;
      }
      hosted.emptySinceMs ??= nowMs;
      if (nowMs - hosted.emptySinceMs >= this.#deps.config.roomEmptyMs) {
        this.#rooms.delete(id);
        room.stop();
        this.#deps.onRoomDisposed?.(room);
        this.#deps.log.info('room closed: empty', { room: id, game: hosted.record.game });
      }
    }
  }

  /** Closes every connection of every room with `code`. */
  closeAll(code: CloseCode, reason: string): void {
    for (const { room } of this.#rooms.values()) room.closeAll(code, reason);
  }

  /** Stops every room's tick and the sweep. */
  stop(): void {
    this.#cancelSweep?.();
    this.#cancelSweep = null;
    for (const { room } of this.#rooms.values()) room.stop();
  }
}
