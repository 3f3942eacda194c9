import { randomUUID } from 'node:crypto';
import {
  CloseCode,
  SPECTATOR_PLAYER_ID,
  encodeWelcome,
  type AnyEntityOf,
  type CompiledSchema,
  type GameSpec,
  type Hello,
  type InputOf,
} from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import type { GameLogic } from '../game/game.js';
import type { Logger } from '../log.js';
import type { Entity, World } from '../sim/world.js';
import type { Kicker } from './kicker.js';
import type { Seats } from './seats.js';
import type { Session } from './session.js';

export interface MembershipDeps<G extends GameSpec> {
  config: ServerConfig;
  world: World<G>;
  schema: CompiledSchema;
  logic: GameLogic<G>;
  seats: Seats;
  kicker: Kicker;
  log: Logger;
}

/**
 * Joins and leaves: Hellos and closed sessions, queued by the socket callbacks, become the game's
 * joins, resumes and leaves when the tick drains them. The seats keep the books.
 */
export class Membership<G extends GameSpec = GameSpec> {
  readonly #config: ServerConfig;
  readonly #world: World<G>;
  readonly #schema: CompiledSchema;
  readonly #logic: GameLogic<G>;
  readonly #seats: Seats;
  readonly #kicker: Kicker;
  readonly #log: Logger;
  readonly #joins: { session: Session; hello: Hello }[] = [];
  readonly #leaves: Session[] = [];
  /** Spectators welcomed and not closed since. */
  #spectatorCount = 0;
  /** Hellos of spectators among #joins: they take no seat. */
  #pendingSpectatorJoins = 0;

  // Made once, not per drain: the tick hands them to the seats every tick, allocation-free.
  readonly #onReplaced = (holder: Session): void => {
    this.#kicker.kick(
      holder,
      CloseCode.SessionReplaced,
      'this player was resumed by another connection',
    );
  };

  readonly #onGraceOver = (entity: Entity, tick: number): void => {
    this.#leave(entity, tick);
    this.#log.debug('resume grace period over: player removed', { player: entity.id });
  };

  readonly #onEvicted = (entity: Entity, tick: number): void => {
    this.#leave(entity, tick);
    this.#log.debug('room full: a player waiting for a resume gave its seat to a newcomer', {
      player: entity.id,
    });
  };

  constructor(deps: MembershipDeps<G>) {
    this.#config = deps.config;
    this.#world = deps.world;
    this.#schema = deps.schema;
    this.#logic = deps.logic;
    this.#seats = deps.seats;
    this.#kicker = deps.kicker;
    this.#log = deps.log;
  }

  /** Hellos waiting for the next tick: players about to join (or resume); not spectators. */
  get pendingJoinCount(): number {
    return this.#joins.length - this.#pendingSpectatorJoins;
  }

  /** Spectators in the room (welcomed, not closed). */
  get spectatorCount(): number {
    return this.#spectatorCount;
  }

  /** A session sent its Hello: it joins (or resumes) at the next tick. */
  queueJoin(session: Session, hello: Hello): void {
    this.#joins.push({ session, hello });
    if (session.isSpectator) this.#pendingSpectatorJoins++;
  }

  /** A welcomed spectator's connection closed. */
  spectatorLeft(): void {
    this.#spectatorCount--;
  }

  /** A session holding a player closed: its player is dealt with at the next tick. */
  queueLeave(session: Session): void {
    this.#leaves.push(session);
  }

  /**
   * Welcomes the sessions whose Hello came since the last send tick; `onWelcomed` is told of each
   * (after its Welcome is sent).
   */
  drainJoins(tick: number, onWelcomed: (session: Session) => void): void {
    for (const { session, hello } of this.#joins) {
      if (session.phase !== 'joining') continue;
      if (session.isSpectator) {
        if (this.#welcomeSpectator(session, hello, tick)) onWelcomed(session);
        continue;
      }
      const resumed = this.#seats.take(hello.resumeToken, this.#onReplaced);
      let player: Entity | null = resumed;
      if (!player && !this.#seats.hasFreeSeat) {
        // A newcomer comes before a player nobody plays: otherwise players dropped on purpose,
        // by one address or many, keep everyone out for the whole grace period.
        this.#seats.evictOldest(tick, this.#onEvicted);
      }
      if (!player && this.#seats.hasFreeSeat) {
        player = this.#logic.join(session.name, tick) as Entity | null;
        if (player) this.#seats.addPlayer();
      }
      if (!player) {
        this.#kicker.kick(
          session,
          CloseCode.RoomFull,
          `the room is full (${this.#config.maxPlayers} players)`,
        );
        continue;
      }
      session.entity = player;
      session.phase = 'playing';
      // A fresh token on every Welcome: a token resumes a player once.
      const resumeToken = randomUUID();
      session.resumeToken = resumeToken;
      this.#seats.attach(resumeToken, session);
      this.#sendWelcome(session, hello, player.id, resumeToken, tick);
      onWelcomed(session);
      this.#log.debug(resumed ? 'player resumed' : 'player joined', {
        connection: session.connection.id,
        player: player.id,
        name: session.name,
      });
    }
    this.#joins.length = 0;
    this.#pendingSpectatorJoins = 0;
  }

  /**
   * A spectator takes no seat and no entity: its Welcome names player 0 (never an entity id) and
   * an empty resume token (there is no player to resume).
   */
  #welcomeSpectator(session: Session, hello: Hello, tick: number): boolean {
    const max = this.#config.maxSpectators;
    if (this.#spectatorCount >= max) {
      this.#kicker.kick(
        session,
        CloseCode.SpectatorsFull,
        `the room has as many spectators as it allows (${max})`,
      );
      return false;
    }
    this.#spectatorCount++;
    session.phase = 'playing';
    this.#sendWelcome(session, hello, SPECTATOR_PLAYER_ID, '', tick);
    this.#log.debug('spectator joined', { connection: session.connection.id, name: session.name });
    return true;
  }

  #sendWelcome(
    session: Session,
    hello: Hello,
    playerId: number,
    resumeToken: string,
    tick: number,
  ): void {
    const c = this.#config;
    session.connection.send(
      encodeWelcome({
        // The version the client spoke (2, 3 or 4: the Welcome is the same in each).
        protocolVersion: hello.protocolVersion,
        playerId,
        tickHz: c.tickHz,
        serverTick: tick,
        serverTimeMs: (tick * 1000) / c.tickHz,
        worldWidth: c.worldWidth,
        worldHeight: c.worldHeight,
        viewWidth: c.viewWidth,
        viewHeight: c.viewHeight,
        resumeToken,
        schema: this.#schema,
      }),
    );
  }

  /**
   * Sessions that closed: their players stand still and wait `resumeGraceMs` for a Hello with
   * their resume token (unless the client left on purpose, with close code 1000, or its address
   * already has maxDetachedPerIp players waiting); players whose wait is over leave the world.
   */
  drainLeaves(tick: number, nowMs: number): void {
    const seats = this.#seats;
    for (const session of this.#leaves) {
      const entity = session.entity;
      const token = session.resumeToken;
      session.entity = null;
      session.resumeToken = null;
      if (!entity) continue;
      if (token !== null) seats.release(token);
      if (
        token !== null &&
        seats.hasGracePeriod &&
        !session.isLeavingOnPurpose &&
        seats.detach(token, entity, nowMs, session.addressKey)
      ) {
        this.#applyIdle(entity, tick);
      } else {
        this.#leave(entity, tick);
      }
    }
    this.#leaves.length = 0;
    seats.expire(nowMs, tick, this.#onGraceOver);
  }

  #applyIdle(entity: Entity, tick: number): void {
    if (this.#world.has(entity)) {
      // A client that is away holds every control at its default (stand still, press nothing).
      this.#logic.applyInput(
        entity as AnyEntityOf<G>,
        this.#schema.idleControls as InputOf<G>,
        tick,
      );
    }
  }

  #leave(entity: Entity, tick: number): void {
    this.#seats.removePlayer();
    this.#logic.leave(entity as AnyEntityOf<G>, tick);
  }
}
