import { randomUUID } from 'node:crypto';
import {
  CloseCode,
  MessageId,
  PROTOCOL_VERSION,
  ProtocolError,
  SUPPORTED_PROTOCOL_VERSIONS,
  decodeClientMessage,
  encodeKick,
  encodePong,
  encodeWelcome,
  MAX_REASON_LENGTH,
  type AnyEntityOf,
  type ClientMessage,
  type Controls,
  type CompiledSchema,
  type GameSpec,
  type Hello,
  type InputOf,
} from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import type { Clock, Schedule } from '../loop/clock.js';
import { createTickLoop, type TickLoop } from '../loop/tick-loop.js';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';
import { SampleWindow } from '../metrics/samples.js';
import type { Game, GameLogic } from '../game/game.js';
import { createGameInstance, type GameInstance } from '../game/game-instance.js';
import type { Entity, World } from '../sim/world.js';
import type { EntityState } from '../sync/entity-state.js';
import { SnapshotSender } from './snapshot-sender.js';
import type { Connection, ConnectionHandler } from '../transport/types.js';
import { Session } from './session.js';

export interface RoomDeps<G extends GameSpec = GameSpec> {
  config: ServerConfig;
  game: Game<G>;
  clock: Clock;
  schedule: Schedule;
  log: Logger;
}

/** WebSocket close code of a client that leaves on purpose. */
const NORMAL_CLOSURE = 1000;

/** Samples kept for tick timing percentiles: two minutes at 30 Hz. */
const TIMING_WINDOW = 3600;

/**
 * A room, for any game: one world, its sessions and its tick. Socket callbacks (onOpen,
 * onMessage, onClose) only decode, validate and queue; the tick drains the queues, runs the
 * game, and sends each client its snapshot.
 */
export class Room<G extends GameSpec = GameSpec> implements ConnectionHandler {
  readonly world: World<G>;
  readonly schema: CompiledSchema;
  readonly state: EntityState;
  readonly game: Game<G>;
  readonly logic: GameLogic<G>;
  readonly #instance: GameInstance<G>;
  readonly #config: ServerConfig;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #loop: TickLoop;
  readonly #sessions = new Map<number, Session>();
  readonly #joins: { session: Session; hello: Hello }[] = [];
  readonly #leaves: Session[] = [];
  readonly #sender: SnapshotSender;
  /** Playing sessions by the resume token their Welcome carried. */
  readonly #attached = new Map<string, Session>();
  /** Players whose connection dropped, by resume token, kept until `expiresAtMs`. */
  readonly #detached = new Map<string, { entity: Entity; expiresAtMs: number }>();
  /** Players in the room: attached and detached. */
  #playerCount = 0;
  #tick = 0;
  #lastTickStartMs = Number.NaN;

  /** Clears the timing windows (GET /metrics?reset=1), e.g. at the start of a benchmark window. */
  resetTimings(): void {
    this.tickDurationsMs.clear();
    this.tickIntervalsMs.clear();
  }

  readonly tickDurationsMs = new SampleWindow(TIMING_WINDOW);
  readonly tickIntervalsMs = new SampleWindow(TIMING_WINDOW);
  readonly #received = { messagesReceived: 0, kicks: {} as Record<number, number> };

  /** Snapshots sent, skipped and full; bytes sent; messages received; kicks by close code. */
  get counters(): SnapshotSender['counters'] & {
    messagesReceived: number;
    kicks: Record<number, number>;
  } {
    return { ...this.#sender.counters, ...this.#received };
  }

  constructor(deps: RoomDeps<G>) {
    const { config, game } = deps;
    this.#config = config;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.game = game;
    const reported = new Set<string>();
    this.#instance = createGameInstance(game, config, (field, problem) => {
      // Once per field: a game bug that repeats every tick must not flood the log.
      if (reported.has(field)) return;
      reported.add(field);
      this.#log.error('the game wrote a value its schema does not allow', { field, problem });
    });
    this.schema = this.#instance.schema;
    this.world = this.#instance.world;
    this.state = this.#instance.state;
    this.logic = this.#instance.logic;
    this.#sender = new SnapshotSender(config, this.world as World, this.state);
    this.#loop = createTickLoop({
      clock: deps.clock,
      schedule: deps.schedule,
      tickHz: config.tickHz,
      maxCatchUpTicks: config.maxCatchUpTicks,
      onTick: (tick) => this.tick(tick),
      onError: (error, tick) => this.#log.error('tick failed', { tick, ...errorFields(error) }),
    });
  }

  get currentTick(): number {
    return this.#tick;
  }

  get loopStats(): TickLoop['stats'] {
    return this.#loop.stats;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Players in the room, including those kept for a client that may resume them. */
  get playerCount(): number {
    return this.#playerCount;
  }

  /** Players kept in the world for a client that may still resume them. */
  get detachedPlayerCount(): number {
    return this.#detached.size;
  }

  /** Bytes waiting in send buffers: the largest per connection and the total (for /metrics). */
  sendBufferStats(): { maxBytes: number; totalBytes: number } {
    let maxBytes = 0;
    let totalBytes = 0;
    for (const session of this.#sessions.values()) {
      const bytes = session.connection.bufferedBytes();
      totalBytes += bytes;
      if (bytes > maxBytes) maxBytes = bytes;
    }
    return { maxBytes, totalBytes };
  }

  start(): void {
    this.#loop.start();
  }

  stop(): void {
    this.#loop.stop();
  }

  /**
   * The clock Ping/Pong and Welcome speak: milliseconds since tick 0 was due, on the tick
   * schedule, so tick T is due at exactly T * 1000 / tickHz. When the loop drops time on
   * overload the schedule moves forward, and this clock steps back by the time dropped.
   */
  serverTimeMs(): number {
    return this.#clock.nowMs() - this.#loop.tickTimeMs(0);
  }

  /** Closes every connection with ServerShutdown. */
  closeAll(reason: string): void {
    for (const session of [...this.#sessions.values()]) {
      this.#kick(session, CloseCode.ServerShutdown, reason);
    }
  }

  // ---- socket callbacks: decode, validate, queue ----

  onOpen(connection: Connection): void {
    const { maxMessagesPerSec, messageBurst } = this.#config;
    this.#sessions.set(
      connection.id,
      new Session(connection, this.#clock.nowMs(), maxMessagesPerSec, messageBurst),
    );
  }

  onMessage(connection: Connection, frame: Uint8Array, isBinary: boolean): void {
    const session = this.#sessions.get(connection.id);
    if (!session || session.phase === 'closed') return;
    this.#received.messagesReceived++;
    if (!isBinary) {
      this.#kick(
        session,
        CloseCode.MalformedFrame,
        'text frames are not part of the protocol; send binary msgpack',
      );
      return;
    }
    if (frame.byteLength > this.#config.maxFrameBytes) {
      this.#kick(
        session,
        CloseCode.FrameTooLarge,
        `frame of ${frame.byteLength} bytes; the limit is ${this.#config.maxFrameBytes}`,
      );
      return;
    }
    if (!session.rate.take(this.#clock.nowMs())) {
      this.#kick(
        session,
        CloseCode.RateLimited,
        `more than ${this.#config.maxMessagesPerSec} messages per second`,
      );
      return;
    }
    let message: ClientMessage;
    try {
      message = decodeClientMessage(this.schema, frame);
    } catch (error) {
      const code = error instanceof ProtocolError ? error.closeCode : CloseCode.MalformedFrame;
      this.#kick(session, code, error instanceof Error ? error.message : 'malformed frame');
      return;
    }
    this.#accept(session, message);
  }

  onClose(connection: Connection, code: number): void {
    const session = this.#sessions.get(connection.id);
    if (!session) return;
    this.#sessions.delete(connection.id);
    session.phase = 'closed';
    // A client that closes with 1000 (Normal Closure) is leaving, not lost: no grace period.
    session.isLeavingOnPurpose = code === NORMAL_CLOSURE;
    if (session.entity) this.#leaves.push(session);
    this.#log.debug('connection closed', { connection: connection.id, code });
  }

  #accept(session: Session, message: ClientMessage): void {
    switch (message.id) {
      case MessageId.Hello: {
        if (session.phase !== 'handshake') {
          this.#kick(session, CloseCode.HandshakeViolation, 'Hello sent twice');
          return;
        }
        const { protocolVersion } = message.message;
        if (!SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) {
          this.#kick(
            session,
            CloseCode.UnsupportedVersion,
            `protocol version ${protocolVersion} is not supported; this server speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
          );
          return;
        }
        session.phase = 'joining';
        session.name = message.message.name.trim();
        this.#joins.push({ session, hello: message.message });
        return;
      }
      case MessageId.Ping: {
        // Answered at once, not at the next tick: queueing it would add up to a tick to the RTT.
        session.connection.send(
          encodePong({
            clientTimeMs: message.message.clientTimeMs,
            serverTimeMs: this.serverTimeMs(),
            serverTick: this.#tick,
          }),
        );
        return;
      }
      case MessageId.Input: {
        if (session.phase === 'handshake') {
          this.#kick(session, CloseCode.HandshakeViolation, 'Input before Hello');
          return;
        }
        const input = message.message;
        if (input.seq <= session.lastReceivedSeq) {
          this.#kick(
            session,
            CloseCode.MalformedFrame,
            `Input.seq ${input.seq} does not increase (last ${session.lastReceivedSeq})`,
          );
          return;
        }
        session.lastReceivedSeq = input.seq;
        const pending = session.pendingInput;
        if (pending) this.#keepPresses(pending.controls, input.controls);
        session.pendingInput = input;
        if (input.ackTick > session.pendingAckTick) session.pendingAckTick = input.ackTick;
        return;
      }
      case MessageId.Resync: {
        if (session.phase === 'handshake') {
          this.#kick(session, CloseCode.HandshakeViolation, 'Resync before Hello');
          return;
        }
        session.isResyncRequested = true;
        return;
      }
    }
  }

  /**
   * Two Inputs in one tick: the tick applies only the newest, but a button pressed in the older
   * one must not be lost (a tap between two Inputs would be). Flags fields are OR-ed into the
   * newer Input, so every press reaches the game's applyInput.
   */
  #keepPresses(older: Readonly<Controls>, newer: Controls): void {
    for (const field of this.schema.input) {
      if (field.type !== 'flags') continue;
      newer[field.name] = ((newer[field.name] as number) | (older[field.name] as number)) >>> 0;
    }
  }

  #kick(session: Session, code: CloseCode, reason: string): void {
    const { connection } = session;
    if (!connection.isOpen) return;
    this.#received.kicks[code] = (this.#received.kicks[code] ?? 0) + 1;
    this.#log.info('closing connection', { connection: connection.id, code, reason });
    connection.send(encodeKick({ closeCode: code, reason: reason.slice(0, MAX_REASON_LENGTH) }));
    connection.close(code, reason);
  }

  // ---- the tick ----

  /** One tick: joins and leaves, inputs, simulation, snapshots. Public for tests with a manual loop. */
  tick(tick: number): void {
    const startMs = this.#clock.nowMs();
    if (!Number.isNaN(this.#lastTickStartMs))
      this.tickIntervalsMs.add(startMs - this.#lastTickStartMs);
    this.#lastTickStartMs = startMs;
    this.#tick = tick;

    this.#drainJoins(tick);
    this.#drainLeaves(tick, startMs);

    for (const session of this.#sessions.values()) {
      if (session.phase === 'handshake') {
        if (startMs - session.openedAtMs > this.#config.handshakeTimeoutMs) {
          this.#kick(
            session,
            CloseCode.HandshakeTimeout,
            `no Hello within ${this.#config.handshakeTimeoutMs} ms`,
          );
        }
        continue;
      }
      const entity = session.entity;
      if (!entity) continue;
      const input = session.pendingInput;
      if (input) {
        this.logic.applyInput(entity as AnyEntityOf<G>, input.controls as InputOf<G>, tick);
        session.appliedInputSeq = input.seq;
        session.pendingInput = null;
      }
      if (session.isResyncRequested) {
        session.sync.reset();
        session.isResyncRequested = false;
      } else if (session.pendingAckTick > 0) {
        session.sync.acknowledge(session.pendingAckTick);
      }
      session.pendingAckTick = 0;
    }

    this.#instance.step(tick);

    this.#sender.beginTick(tick);
    for (const session of this.#sessions.values()) {
      if (session.phase !== 'playing') continue;
      const outcome = this.#sender.send(session, tick, startMs);
      if (outcome === 'too-slow') {
        const ms = this.#config.slowConsumerMs;
        this.#kick(session, CloseCode.SlowConsumer, `no snapshot could be sent for ${ms} ms`);
      } else if (outcome === 'dropped') {
        this.#log.error(
          'uWS dropped a snapshot: the skip threshold is too close to maxBackpressure',
          {
            connection: session.connection.id,
          },
        );
        this.#kick(session, CloseCode.SlowConsumer, 'send buffer overflow');
      }
    }
    this.tickDurationsMs.add(this.#clock.nowMs() - startMs);
  }

  /**
   * Sessions that closed: their players stand still and wait `resumeGraceMs` for a Hello with
   * their resume token (unless the client left on purpose, with close code 1000); players whose
   * wait is over leave the world.
   */
  #drainLeaves(tick: number, nowMs: number): void {
    for (const session of this.#leaves) {
      const entity = session.entity;
      const token = session.resumeToken;
      session.entity = null;
      session.resumeToken = null;
      if (!entity) continue;
      if (token !== null) this.#attached.delete(token);
      if (token !== null && this.#config.resumeGraceMs > 0 && !session.isLeavingOnPurpose) {
        this.#applyIdle(entity, tick);
        this.#detached.set(token, { entity, expiresAtMs: nowMs + this.#config.resumeGraceMs });
      } else {
        this.#leave(entity, tick);
      }
    }
    this.#leaves.length = 0;
    for (const [token, { entity, expiresAtMs }] of this.#detached) {
      if (expiresAtMs > nowMs) continue;
      this.#detached.delete(token);
      this.#leave(entity, tick);
      this.#log.debug('resume grace period over: player removed', { player: entity.id });
    }
  }

  #applyIdle(entity: Entity, tick: number): void {
    if (this.world.has(entity)) {
      // A client that is away holds every control at its default (stand still, press nothing).
      this.logic.applyInput(entity as AnyEntityOf<G>, this.schema.idleControls as InputOf<G>, tick);
    }
  }

  #leave(entity: Entity, tick: number): void {
    this.#playerCount--;
    this.logic.leave(entity as AnyEntityOf<G>, tick);
  }

  /**
   * The player a Hello's resume token names, taken from its detached slot or from the session
   * still holding it (closed with SessionReplaced: a half-open connection, or a second tab).
   * Null for no token, or one that is unknown or expired: the client then joins as a new player.
   */
  #resume(token: string | null): Entity | null {
    if (token === null) return null;
    const detached = this.#detached.get(token);
    if (detached) {
      this.#detached.delete(token);
      return detached.entity;
    }
    const holder = this.#attached.get(token);
    if (!holder?.entity) return null;
    const player = holder.entity;
    this.#attached.delete(token);
    holder.entity = null;
    holder.resumeToken = null;
    this.#kick(holder, CloseCode.SessionReplaced, 'this player was resumed by another connection');
    return player;
  }

  #drainJoins(tick: number): void {
    for (const { session, hello } of this.#joins) {
      if (session.phase !== 'joining') continue;
      const resumed = this.#resume(hello.resumeToken);
      let player: Entity | null = resumed;
      if (!player && this.#playerCount < this.#config.maxPlayers) {
        player = this.logic.join(session.name, tick) as Entity | null;
        if (player) this.#playerCount++;
      }
      if (!player) {
        this.#kick(
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
      this.#attached.set(resumeToken, session);
      const c = this.#config;
      session.connection.send(
        encodeWelcome({
          protocolVersion: PROTOCOL_VERSION,
          playerId: player.id,
          tickHz: c.tickHz,
          serverTick: tick,
          serverTimeMs: (tick * 1000) / c.tickHz,
          worldWidth: c.worldWidth,
          worldHeight: c.worldHeight,
          viewWidth: c.viewWidth,
          viewHeight: c.viewHeight,
          resumeToken,
          schema: this.schema,
        }),
      );
      this.#log.debug(resumed ? 'player resumed' : 'player joined', {
        connection: session.connection.id,
        player: player.id,
        name: session.name,
      });
    }
    this.#joins.length = 0;
  }
}
