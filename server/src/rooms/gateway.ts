import {
  CloseCode,
  MessageId,
  SUPPORTED_PROTOCOL_VERSIONS,
  decodeHandshakeMessage,
  helloRole,
  type Hello,
  type HandshakeMessage,
} from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import type { Clock, Schedule } from '../loop/clock.js';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';
import type { ClaimedSeat, RoomRecord } from '../cluster/registry.js';
import { addressKey } from '../room/address.js';
import { ConnectionLimits } from '../room/connection-limits.js';
import { Kicker } from '../room/kicker.js';
import {
  admitFrame,
  answerPing,
  kickForDecodeError,
  type PongSource,
} from '../room/message-intake.js';
import type { Room } from '../room/room.js';
import { Session } from '../room/session.js';
import type { Connection, ConnectionHandler } from '../transport/types.js';

/** The rooms of this process, as the gateway finds them for a Hello. */
export interface RoomLocator {
  /** The room a Hello without a seat joins (direct join); null when there is none. */
  readonly defaultRoom: Room | null;
  /** The room of this process holding a player under `token` (playing or kept for a resume). */
  byResumeToken(token: string): Room | null;
  /**
   * The room a claimed seat names: running here, or created now (its first seat). null when this
   * process cannot take another room.
   */
  forSeat(record: RoomRecord): Room | null;
  /**
   * A seat for the room was claimed (its client admitted, or gone meanwhile): the room counts it,
   * so that its published player count stays exact (RoomRecord.seatsAdmitted).
   */
  seatClaimed(roomId: string): void;
}

/** Where seats from matchmaking are checked and taken (the registry, for this process). */
export interface SeatClaims {
  claim(seat: string): Promise<ClaimedSeat | null>;
}

export interface GatewayDeps {
  config: Pick<
    ServerConfig,
    | 'maxConnections'
    | 'maxConnectionsPerIp'
    | 'maxPendingConnections'
    | 'maxFrameBytes'
    | 'maxMessagesPerSec'
    | 'messageBurst'
    | 'handshakeTimeoutMs'
  >;
  clock: Clock;
  schedule: Schedule;
  log: Logger;
  rooms: RoomLocator;
  /** null: no matchmaking here, a Hello's seat is refused. */
  seats: SeatClaims | null;
  /** Answers a Ping before Hello (no room yet): the default room's clock, or the process's. */
  pongSource: PongSource;
}

/** How often handshake timeouts are checked. */
const SWEEP_INTERVAL_MS = 250;
/**
 * Frames a client may send while its seat is being checked (a Redis round trip): the reference
 * client sends a Ping right after its Hello. They are replayed into the room once admitted.
 */
const MAX_FRAMES_WHILE_CLAIMING = 16;

interface Route {
  session: Session;
  room: Room | null;
  /** Frames received while the seat is being checked, copied (uWS frees them on return). */
  queued: { frame: Uint8Array; isBinary: boolean }[] | null;
}

/**
 * Every connection of the process comes through here first: the connection limits, the
 * handshake (what may come before Hello, its timeout, the protocol version), and the choice of
 * room: the room a resume token names, the room the seat from matchmaking names, or the default
 * room. From then on its frames go straight to its room.
 */
export class Gateway implements ConnectionHandler {
  readonly #deps: GatewayDeps;
  readonly #limits: ConnectionLimits;
  readonly #kicker: Kicker;
  readonly #routes = new Map<number, Route>();
  #cancelSweep: (() => void) | null = null;
  #restartReason: string | null = null;

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
    this.#limits = new ConnectionLimits(deps.config);
    this.#kicker = new Kicker(deps.log);
  }

  /** Open connections, in rooms or not yet. */
  get connectionCount(): number {
    return this.#routes.size;
  }

  /** Closes made here, before a room (limits, handshake, seats), by close code. */
  get kicks(): Readonly<Record<number, number>> {
    return this.#kicker.countsByCode;
  }

  /** Starts checking handshake timeouts. */
  start(): void {
    const sweep = (): void => {
      this.#sweepHandshakes();
      this.#cancelSweep = this.#deps.schedule(SWEEP_INTERVAL_MS, sweep);
    };
    this.#cancelSweep ??= this.#deps.schedule(SWEEP_INTERVAL_MS, sweep);
  }

  stop(): void {
    this.#cancelSweep?.();
    this.#cancelSweep = null;
  }

  /**
   * The process is restarting: every Hello from now on, and every connection that has not joined
   * a room, is closed with ServerRestarting (the rooms close their own players).
   */
  refuseJoins(reason: string): void {
    this.#restartReason = reason;
    for (const route of [...this.#routes.values()]) {
      if (!route.room) this.#kicker.kick(route.session, CloseCode.ServerRestarting, reason);
    }
  }

  /** Closes the connections that are in no room yet (the rooms close their own). */
  closeUnjoined(code: CloseCode, reason: string): void {
    for (const route of [...this.#routes.values()]) {
      if (!route.room) this.#kicker.kick(route.session, code, reason);
    }
  }

  // ---- socket callbacks ----

  /**
   * The connection limits are checked first thing after the upgrade: a connection over a cap is
   * closed before it has a session, so it never reaches a room.
   */
  onOpen(connection: Connection): void {
    const { config, clock } = this.#deps;
    // Refused before a session is made: a flood over the caps costs no session each.
    const refusal = this.#limits.refusal(addressKey(connection.remoteAddress));
    if (refusal) {
      this.#kicker.refuse(connection, refusal.code, refusal.reason);
      return;
    }
    const session = new Session(
      connection,
      clock.nowMs(),
      config.maxMessagesPerSec,
      config.messageBurst,
    );
    this.#routes.set(connection.id, { session, room: null, queued: null });
    const idle = this.#limits.add(session);
    if (idle) {
      this.#kicker.refuse(
        idle.connection,
        CloseCode.TooManyConnections,
        `too many connections without a Hello (${config.maxPendingConnections}); this one waited longest`,
      );
    }
  }

  onMessage(connection: Connection, frame: Uint8Array, isBinary: boolean): void {
    const route = this.#routes.get(connection.id);
    if (!route || route.session.phase === 'closed') return;
    if (route.room) {
      route.room.onMessage(connection, frame, isBinary);
    } else if (route.queued) {
      // The frame checks run now (binary, size, rate), not only at replay: nothing over the
      // frame limit is held while the seat is checked.
      const { config, clock } = this.#deps;
      if (!admitFrame(route.session, frame, isBinary, config, clock, this.#kicker)) return;
      if (route.queued.length >= MAX_FRAMES_WHILE_CLAIMING) {
        this.#kicker.kick(route.session, CloseCode.RateLimited, 'too many messages before Welcome');
        return;
      }
      route.queued.push({ frame: frame.slice(), isBinary });
    } else {
      this.#receiveBeforeHello(route, frame, isBinary);
    }
  }

  onClose(connection: Connection, code: number): void {
    const route = this.#routes.get(connection.id);
    if (!route) return;
    this.#routes.delete(connection.id);
    this.#limits.remove(route.session);
    if (route.room) {
      route.room.onClose(connection, code);
    } else {
      route.session.phase = 'closed';
    }
  }

  // ---- the handshake ----

  #receiveBeforeHello(route: Route, frame: Uint8Array, isBinary: boolean): void {
    const { session } = route;
    const { config, clock } = this.#deps;
    if (!admitFrame(session, frame, isBinary, config, clock, this.#kicker)) return;
    let message: HandshakeMessage;
    try {
      message = decodeHandshakeMessage(frame);
    } catch (error) {
      kickForDecodeError(session, error, this.#kicker);
      return;
    }
    switch (message.id) {
      case MessageId.Hello:
        this.#onHello(route, message.message);
        return;
      case MessageId.Ping:
        answerPing(session, message.message, this.#deps.pongSource);
        return;
      case MessageId.Input:
        this.#kicker.kick(session, CloseCode.HandshakeViolation, 'Input before Hello');
        return;
      case MessageId.Resync:
        this.#kicker.kick(session, CloseCode.HandshakeViolation, 'Resync before Hello');
        return;
      case MessageId.Watch:
        this.#kicker.kick(session, CloseCode.HandshakeViolation, 'Watch before Hello');
        return;
    }
  }

  #onHello(route: Route, hello: Hello): void {
    const { session } = route;
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(hello.protocolVersion)) {
      this.#kicker.kick(
        session,
        CloseCode.UnsupportedVersion,
        `protocol version ${hello.protocolVersion} is not supported; this server speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
      );
      return;
    }
    this.#limits.helloReceived(session);
    if (this.#restartReason !== null) {
      this.#kicker.kick(session, CloseCode.ServerRestarting, this.#restartReason);
      return;
    }
    const { rooms } = this.#deps;
    // A resume comes first: the player is here, whatever seat the client also carries. A
    // spectator has no player to resume: its token (the empty one of its Welcome) is ignored.
    const { isSpectator } = helloRole(hello);
    const resumed =
      hello.resumeToken === null || isSpectator ? null : rooms.byResumeToken(hello.resumeToken);
    if (resumed) {
      this.#admit(route, resumed, hello, null);
      return;
    }
    const seat = hello.seat ?? null;
    if (seat !== null) {
      this.#claim(route, hello, seat);
      return;
    }
    if (rooms.defaultRoom) {
      this.#admit(route, rooms.defaultRoom, hello, null);
      return;
    }
    this.#kicker.kick(
      session,
      CloseCode.SeatRequired,
      'this server takes players from matchmaking only: get a seat (POST /match/quickplay) and send it in Hello',
    );
  }

  #claim(route: Route, hello: Hello, seat: string): void {
    const { session } = route;
    const seats = this.#deps.seats;
    if (!seats) {
      this.#kicker.kick(session, CloseCode.SeatRequired, 'this server hands out no seats');
      return;
    }
    route.queued = [];
    seats.claim(seat).then(
      (claimed) => {
        if (session.phase === 'closed' || !session.connection.isOpen) {
          // Gone while the seat was checked: the claim is spent all the same.
          if (claimed) this.#deps.rooms.seatClaimed(claimed.room.id);
          return;
        }
        if (this.#restartReason !== null) {
          this.#kicker.kick(session, CloseCode.ServerRestarting, this.#restartReason);
          return;
        }
        if (!claimed) {
          this.#kicker.kick(
            session,
            CloseCode.SeatRequired,
            'the seat is unknown, used, expired or for another server: get a new one from matchmaking',
          );
          return;
        }
        const room = this.#deps.rooms.forSeat(claimed.room);
        this.#deps.rooms.seatClaimed(claimed.room.id);
        if (!room) {
          this.#kicker.kick(
            session,
            CloseCode.RoomFull,
            'this server cannot open another room now: try matchmaking again',
          );
          return;
        }
        this.#admit(route, room, hello, claimed.holder.name);
      },
      (error: unknown) => {
        this.#deps.log.warn('could not check a seat', errorFields(error));
        this.#kicker.kick(
          session,
          CloseCode.SeatRequired,
          'the seat could not be checked (matchmaking is unavailable): try again shortly',
        );
      },
    );
  }

  #admit(route: Route, room: Room, hello: Hello, name: string | null): void {
    const queued = route.queued;
    route.room = room;
    route.queued = null;
    room.admit(route.session, hello, name);
    for (const { frame, isBinary } of queued ?? []) {
      if (route.session.phase === 'closed') break;
      room.onMessage(route.session.connection, frame, isBinary);
    }
  }

  #sweepHandshakes(): void {
    const nowMs = this.#deps.clock.nowMs();
    const timeoutMs = this.#deps.config.handshakeTimeoutMs;
    // The limits keep the sessions without a Hello, oldest first: only the timed-out ones, and
    // the first that is not, are looked at (kicking one removes it from the set).
    for (const session of this.#limits.pendingOldestFirst()) {
      if (nowMs - session.openedAtMs <= timeoutMs) break;
      this.#kicker.kick(session, CloseCode.HandshakeTimeout, `no Hello within ${timeoutMs} ms`);
    }
  }
}
