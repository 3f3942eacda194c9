import {
  CloseCode,
  helloRole,
  type AnyEntityOf,
  type CompiledSchema,
  type GameSpec,
  type Hello,
  type InputOf,
} from '@tickwire/protocol';
import { sendIntervalTicks, type ServerConfig } from '../config.js';
import type { Clock, Schedule } from '../loop/clock.js';
import { createTickLoop, type TickLoop } from '../loop/tick-loop.js';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';
import type { Game, GameLogic } from '../game/game.js';
import { createGameInstance, type GameInstance } from '../game/game-instance.js';
import type { World } from '../sim/world.js';
import type { EntityState } from '../sync/entity-state.js';
import { SnapshotSender } from './snapshot-sender.js';
import { SendStatus, type Connection } from '../transport/types.js';
import { Kicker } from './kicker.js';
import { Membership } from './membership.js';
import { MessageIntake } from './message-intake.js';
import { RoomSummaries } from './room-summary.js';
import { Seats } from './seats.js';
import type { Session } from './session.js';
import { TickTimings, UNMEASURED, type TickTimingSink } from './tick-timings.js';

export interface RoomDeps<G extends GameSpec = GameSpec> {
  config: ServerConfig;
  game: Game<G>;
  clock: Clock;
  schedule: Schedule;
  log: Logger;
  /** Where tick durations and intervals go (the server's metrics); none by default. */
  tickTimings?: TickTimingSink;
}

/** WebSocket close code of a client that leaves on purpose. */
const NORMAL_CLOSURE = 1000;

/**
 * A room, for any game: one world, its sessions and its tick. The gateway (rooms/gateway.ts)
 * takes each connection through its Hello and admits it here; from then on socket callbacks
 * (onMessage, onClose) only decode, validate and queue; the tick drains the queues, runs the
 * game, and sends each client its snapshot. What a client may send is checked in
 * message-intake.ts, joins and leaves in membership.ts, the resume bookkeeping in seats.ts,
 * snapshots in snapshot-sender.ts.
 */
export class Room<G extends GameSpec = GameSpec> {
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
  readonly #sender: SnapshotSender;
  readonly #kicker: Kicker;
  readonly #seats: Seats;
  readonly #membership: Membership<G>;
  readonly #intake: MessageIntake;
  /** Snapshots go out on the ticks whose number is a multiple of this (--send-hz). */
  readonly #sendIntervalTicks: number;
  /**
   * Summaries go out on the ticks whose number is a multiple of this: tickHz, once a second. It
   * is a send tick too: the config refuses a send rate that does not divide the tick rate, so
   * the send interval divides tickHz.
   */
  readonly #summaryIntervalTicks: number;
  readonly #summaries: RoomSummaries;
  /** Sessions whose Hello asked for summaries, from their Welcome until they close. */
  readonly #subscribers = new Set<Session>();
  /** Subscribers welcomed this tick (they get a Summary now, whatever the tick). */
  readonly #newSubscribers: Session[] = [];
  #tick = 0;

  readonly #timings: TickTimings;

  /** Snapshots sent, skipped and full; bytes sent; messages received; kicks by close code. */
  get counters(): SnapshotSender['counters'] & {
    messagesReceived: number;
    kicks: Record<number, number>;
  } {
    return {
      ...this.#sender.counters,
      messagesReceived: this.#intake.messagesReceived,
      kicks: this.#kicker.countsByCode,
    };
  }

  constructor(deps: RoomDeps<G>) {
    const { config, game } = deps;
    this.#config = config;
    this.#sendIntervalTicks = sendIntervalTicks(config);
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#timings = new TickTimings(deps.tickTimings ?? UNMEASURED);
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
    this.#summaryIntervalTicks = config.tickHz;
    this.#summaries = new RoomSummaries(this.world as World, this.#instance.ranking);
    this.#kicker = new Kicker(deps.log);
    this.#seats = new Seats(config);
    this.#membership = new Membership({
      config,
      world: this.world,
      schema: this.schema,
      logic: this.logic,
      seats: this.#seats,
      kicker: this.#kicker,
      log: deps.log,
    });
    this.#intake = new MessageIntake({
      config,
      clock: deps.clock,
      schema: this.schema,
      kicker: this.#kicker,
      pongSource: this,
    });
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

  /** The tick period, 1000 / --tick-hz. */
  get tickPeriodMs(): number {
    return 1000 / this.#config.tickHz;
  }

  /** Connections admitted to this room (joining or playing). */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Whether a Hello with this resume token would get a player of this room back. */
  holdsResumeToken(token: string): boolean {
    return this.#seats.holds(token);
  }

  /** Players in the room, including those kept for a client that may resume them. */
  get playerCount(): number {
    return this.#seats.playerCount;
  }

  /**
   * Players, and admitted clients that join at the next tick: the seats taken, as the registry
   * counts them.
   */
  get seatsTaken(): number {
    return this.#seats.playerCount + this.#membership.pendingJoinCount;
  }

  /** Players kept in the world for a client that may still resume them. */
  get detachedPlayerCount(): number {
    return this.#seats.detachedCount;
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

  /** Closes every connection of the room with `code` (ServerShutdown, ServerRestarting). */
  closeAll(code: CloseCode, reason: string): void {
    for (const session of [...this.#sessions.values()]) this.#kicker.kick(session, code, reason);
  }

  // ---- socket callbacks: decode, validate, queue ----

  /**
   * A connection whose Hello the gateway accepted joins (or resumes, by the Hello's token) at the
   * next tick. `name` is the verified name of its seat's holder, else the Hello's.
   */
  admit(session: Session, hello: Hello, name: string | null): void {
    this.#sessions.set(session.connection.id, session);
    session.phase = 'joining';
    session.name = name ?? hello.name.trim();
    session.protocolVersion = hello.protocolVersion;
    const { isSpectator, wantsSummary } = helloRole(hello);
    session.isSpectator = isSpectator;
    session.wantsSummary = wantsSummary;
    if (session.isSpectator) {
      // Until its first Watch, a spectator looks at the world's centre.
      session.camera.x = this.world.maxX >> 1;
      session.camera.y = this.world.maxY >> 1;
    }
    this.#membership.queueJoin(session, hello);
  }

  onMessage(connection: Connection, frame: Uint8Array, isBinary: boolean): void {
    const session = this.#sessions.get(connection.id);
    if (!session || session.phase === 'closed') return;
    this.#intake.receive(session, frame, isBinary);
  }

  onClose(connection: Connection, code: number): void {
    const session = this.#sessions.get(connection.id);
    if (!session) return;
    this.#sessions.delete(connection.id);
    if (session.isSpectator && session.phase === 'playing') this.#membership.spectatorLeft();
    this.#subscribers.delete(session);
    session.phase = 'closed';
    // A client that closes with 1000 (Normal Closure) is leaving, not lost: no grace period.
    session.isLeavingOnPurpose = code === NORMAL_CLOSURE;
    if (session.entity) this.#membership.queueLeave(session);
    this.#log.debug('connection closed', { connection: connection.id, code });
  }

  // ---- the tick ----

  /** One tick: joins and leaves, inputs, simulation, snapshots. Public for tests with a manual loop. */
  tick(tick: number): void {
    const startMs = this.#clock.nowMs();
    this.#timings.started(startMs);
    this.#tick = tick;
    // Snapshots go out every sendIntervalTicks ticks (--send-hz). Joins wait for a send tick:
    // a Welcome is followed by its first snapshot in the same tick, and every snapshot tick a
    // client sees is a multiple of the interval (PROTOCOL.md 7.4). Inputs, acknowledgements and
    // the step run every tick.
    const isSendTick = tick % this.#sendIntervalTicks === 0;

    if (isSendTick) this.#membership.drainJoins(tick, this.#onWelcomed);
    this.#membership.drainLeaves(tick, startMs);

    for (const session of this.#sessions.values()) {
      if (session.phase !== 'playing') continue;
      const entity = session.entity;
      const input = session.pendingInput;
      if (entity && input) {
        this.logic.applyInput(entity as AnyEntityOf<G>, input.controls as InputOf<G>, tick);
        session.appliedInputSeq = input.seq;
        session.pendingInput = null;
      }
      // An Input (player) or a Watch (spectator) arrived. Before the Resync check: an
      // acknowledgement proves the client reads, Resync or not.
      if (session.hasPendingAck) {
        session.unacked.acknowledge(session.pendingAckTick);
        session.hasPendingAck = false;
      }
      if (session.isResyncRequested) {
        session.sync.reset();
        // What it was sent is void: the client will never acknowledge those snapshots, and a
        // snapshot over a second old still waiting for one would get it skipped until 4006.
        session.unacked.forgetSent();
        session.isResyncRequested = false;
      } else if (session.pendingAckTick > 0) {
        session.sync.acknowledge(session.pendingAckTick);
      }
      session.pendingAckTick = 0;
    }

    this.#instance.step(tick);

    if (!isSendTick) {
      // Nothing is composed, encoded or counted: no snapshot is due, none is skipped.
      this.#timings.finished(startMs, this.#clock.nowMs());
      return;
    }
    this.#sender.beginTick(tick);
    for (const session of this.#sessions.values()) {
      if (session.phase !== 'playing') continue;
      const outcome = this.#sender.send(session, tick, startMs);
      if (outcome === 'too-slow' || outcome === 'unacknowledged') {
        const ms = this.#config.slowConsumerMs;
        this.#kicker.kick(
          session,
          CloseCode.SlowConsumer,
          outcome === 'too-slow'
            ? `no snapshot could be sent for ${ms} ms`
            : `no snapshot acknowledged for ${ms} ms`,
        );
      }
    }
    // Every frame composed first, then all sent (snapshot-sender.ts, flush).
    for (const session of this.#sender.flush(tick, startMs)) {
      this.#log.error(
        'uWS dropped a snapshot: the skip threshold is too close to maxBackpressure',
        {
          connection: session.connection.id,
        },
      );
      this.#kicker.kick(session, CloseCode.SlowConsumer, 'send buffer overflow');
    }
    this.#sendSummaries(tick);
    this.#timings.finished(startMs, this.#clock.nowMs());
  }

  /** Joined this tick with the summary flag: their first Summary follows their first snapshot. */
  readonly #onWelcomed = (session: Session): void => {
    // uWS may close a connection while its Welcome is sent (onClose has run already): adding it
    // now would keep it in #subscribers for good.
    if (!session.wantsSummary || session.phase === 'closed') return;
    this.#subscribers.add(session);
    this.#newSubscribers.push(session);
  };

  /**
   * On a summary tick (once a second, on a send tick) every subscriber gets the Summary; on any
   * other send tick only those welcomed in it. One encoding per tick either way (RoomSummaries),
   * and nothing at all on a tick without a subscriber to send to. A Summary follows the snapshot
   * of its tick (PROTOCOL.md 5.10): a client whose snapshot was skipped or dropped this tick
   * (congested, 7.2, as SnapshotSender judges it) is not sent this one either; the next
   * supersedes it.
   */
  #sendSummaries(tick: number): void {
    const isSummaryTick = tick % this.#summaryIntervalTicks === 0;
    const targets = isSummaryTick ? this.#subscribers : this.#newSubscribers;
    if ((isSummaryTick ? this.#subscribers.size : this.#newSubscribers.length) > 0) {
      const frame = this.#summaries.frame(
        tick,
        this.#seats.playerCount - this.#seats.detachedCount,
        this.#membership.spectatorCount,
      );
      for (const session of targets) {
        if (session.lastSnapshotSentTick !== tick) continue;
        if (session.connection.send(frame) === SendStatus.Dropped) {
          this.#kicker.kick(session, CloseCode.SlowConsumer, 'send buffer overflow');
        }
      }
    }
    this.#newSubscribers.length = 0;
  }
}
