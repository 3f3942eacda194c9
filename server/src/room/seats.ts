import type { ServerConfig } from '../config.js';
import type { Entity } from '../sim/world.js';
import type { Session } from './session.js';

type SeatsConfig = Pick<ServerConfig, 'maxPlayers' | 'resumeGraceMs' | 'maxDetachedPerIp'>;

/** A player whose connection dropped, kept for a resume until `expiresAtMs`. */
interface DetachedPlayer {
  entity: Entity;
  expiresAtMs: number;
  /** The address its connection came from (address.ts), for maxDetachedPerIp. */
  addressKey: string;
}

/**
 * The room's seats: how many players it holds, which session plays each one (by the resume token
 * its Welcome carried), and the players whose connection dropped, kept `resumeGraceMs` for a
 * client that may resume them. Bookkeeping only: the game's join and leave, and closing
 * connections, are the caller's.
 */
export class Seats {
  readonly #config: SeatsConfig;
  /** Playing sessions by the resume token their Welcome carried. */
  readonly #attached = new Map<string, Session>();
  /**
   * Players whose connection dropped, by resume token, kept until `expiresAtMs`. Oldest first
   * (a Map keeps insertion order, and every player gets the same grace period).
   */
  readonly #detached = new Map<string, DetachedPlayer>();
  /** How many detached players each address has. */
  readonly #detachedPerAddress = new Map<string, number>();
  /** Players in the room: attached and detached. */
  #playerCount = 0;

  constructor(config: SeatsConfig) {
    this.#config = config;
  }

  /** Players in the room, including those kept for a client that may resume them. */
  get playerCount(): number {
    return this.#playerCount;
  }

  /** Players kept in the world for a client that may still resume them. */
  get detachedCount(): number {
    return this.#detached.size;
  }

  /**
   * Whether a new player may join: below maxPlayers (a resumed player takes no new seat). A full
   * room with detached players has no free seat, but `evictOldest` can make one.
   */
  get hasFreeSeat(): boolean {
    return this.#playerCount < this.#config.maxPlayers;
  }

  /** Whether a dropped player waits for a resume at all. */
  get hasGracePeriod(): boolean {
    return this.#config.resumeGraceMs > 0;
  }

  /** Whether `token` names a player here, playing or kept for a resume. */
  holds(token: string): boolean {
    return this.#attached.has(token) || this.#detached.has(token);
  }

  /** The game let a new player join. */
  addPlayer(): void {
    this.#playerCount++;
  }

  /** A player left the game: its client left on purpose, or its grace period is over. */
  removePlayer(): void {
    this.#playerCount--;
  }

  /** `session` plays its player under `token` (the one its Welcome carried). */
  attach(token: string, session: Session): void {
    this.#attached.set(token, session);
  }

  /** The session attached under `token` closed. */
  release(token: string): void {
    this.#attached.delete(token);
  }

  /**
   * Keeps a dropped player for a Hello with `token`, from `nowMs` until its grace period ends, and
   * returns true; or returns false, keeping nothing, when its address (address.ts) already has
   * maxDetachedPerIp players kept: the caller removes it at once. One address cannot fill the
   * room with players nobody plays.
   */
  detach(token: string, entity: Entity, nowMs: number, addressKey: string): boolean {
    const kept = this.#detachedPerAddress.get(addressKey) ?? 0;
    if (kept >= this.#config.maxDetachedPerIp) return false;
    this.#detachedPerAddress.set(addressKey, kept + 1);
    this.#detached.set(token, {
      entity,
      expiresAtMs: nowMs + this.#config.resumeGraceMs,
      addressKey,
    });
    return true;
  }

  /**
   * Gives up the detached player that has waited longest, handing it to `onEvicted` (which
   * removes it from the game), so that a newcomer gets its seat: a player someone is playing comes
   * before one that may never be resumed. Returns false when no player is detached.
   */
  evictOldest(tick: number, onEvicted: (entity: Entity, tick: number) => void): boolean {
    for (const [token, detached] of this.#detached) {
      this.#forget(token, detached);
      onEvicted(detached.entity, tick);
      return true;
    }
    return false;
  }

  #forget(token: string, detached: DetachedPlayer): void {
    this.#detached.delete(token);
    const count = (this.#detachedPerAddress.get(detached.addressKey) ?? 1) - 1;
    if (count === 0) this.#detachedPerAddress.delete(detached.addressKey);
    else this.#detachedPerAddress.set(detached.addressKey, count);
  }

  /**
   * The player a Hello's resume token names, taken from its detached slot or from the session
   * still holding it (closed with SessionReplaced: a half-open connection, or a second tab).
   * Null for no token, or one that is unknown or expired: the client then joins as a new player.
   * `onReplaced` gets the holder, already stripped of its player and token, to close it.
   */
  take(token: string | null, onReplaced: (holder: Session) => void): Entity | null {
    if (token === null) return null;
    const detached = this.#detached.get(token);
    if (detached) {
      this.#forget(token, detached);
      return detached.entity;
    }
    const holder = this.#attached.get(token);
    if (!holder?.entity) return null;
    const player = holder.entity;
    this.#attached.delete(token);
    holder.entity = null;
    holder.resumeToken = null;
    onReplaced(holder);
    return player;
  }

  /**
   * Forgets the detached players whose grace period is over at `nowMs`, handing each to
   * `onExpired` as it goes (one at a time: a throwing callback leaves the rest for the next tick).
   */
  expire(nowMs: number, tick: number, onExpired: (entity: Entity, tick: number) => void): void {
    for (const [token, detached] of this.#detached) {
      if (detached.expiresAtMs > nowMs) continue;
      this.#forget(token, detached);
      onExpired(detached.entity, tick);
    }
  }
}
