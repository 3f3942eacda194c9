import {
  MessageId,
  POSITION_SCALE,
  PLAYER_PROTOCOL_VERSION,
  ProtocolError,
  Replica,
  ReplicaError,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  encodePing,
  encodeResync,
  peekSnapshotHead,
  type Controls,
  type Snapshot,
  type ViewState,
  type Welcome,
} from '@tickwire/protocol';
import type { MetricSink } from './metrics.js';
import { SnapshotStream } from './snapshot-stream.js';
import { createRandomWalk, stepRandomWalk, type RandomWalk } from './random-walk.js';

/**
 * One simulated player of a load test, for any runtime: the k6 scripts, the Node swarm and the
 * bench drive the same class over their own sockets and timers. It speaks the protocol with the
 * protocol package's codec and replica, sends the benchmark's random-walk input, and reports
 * every measurement to a MetricSink.
 *
 * Not the reference client (`Connection`): a load player has no status UI, clock sync or
 * prediction, owns no timers (its driver calls `tick` for thousands of players from one timer),
 * and may skip decoding snapshots it only has to acknowledge (`isVerifying: false`), so one generator
 * core drives more of them.
 *
 * Plain module: no Node, no k6, no DOM. Clocks come in as arguments (k6 has only Date.now()).
 */

/** What a player needs of its socket; the driver forwards the socket's events to the player. */
export interface PlayerSocket {
  send(frame: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export interface PlayerOptions {
  /** Player name (at most 16 bytes of UTF-8). */
  name: string;
  /**
   * Decode, apply and verify every snapshot (the player keeps a verified view; a checksum
   * mismatch or an invalid delta counts as a desync). Without it the player reads each
   * snapshot's tick from the frame's head and acknowledges it, which costs the server the same.
   */
  isVerifying: boolean;
  /**
   * Stand still: every Input carries each field's default (the arena: moveDir -1, not firing),
   * for measuring idle connections; the driver then calls `tick` twice a second (IDLE_INPUT_HZ).
   */
  isIdle?: boolean;
  random: () => number;
  metrics: MetricSink;
  /**
   * Every applied snapshot with the view before and after it, and its frame's size (the bench
   * counts changed entities and the bytes that carried them).
   */
  onApplied?: (
    snapshot: Snapshot,
    before: ViewState | null,
    after: ViewState,
    sizeBytes: number,
  ) => void;
  /** Protocol trouble in words, and which kind, for the report's first errors. */
  onProblem?: (message: string, kind: PlayerProblem) => void;
}

/**
 * Close code of a deliberate drop (the reconnect storm): any code but 1000 is a lost connection
 * to the server, which keeps the player for a resume (PROTOCOL.md, "Resuming"); 3000 is the
 * lowest a browser-like WebSocket lets a client send.
 */
export const DROP_CLOSE_CODE = 3000;
const NORMAL_CLOSURE = 1000;
/**
 * Inputs per second of an idle player: twice a second keeps its acknowledgement younger than
 * the second of baselines the server keeps (PROTOCOL.md 7.1 asks for one at least every second;
 * one a second arrives about 30 ticks old at 30 Hz, at the edge of that history).
 */
export const IDLE_INPUT_HZ = 2;
/** Time between Pings once joined. */
const PING_INTERVAL_MS = 1000;
/** Shortest time between two Resyncs (deltas fail until the full snapshot arrives). */
const RESYNC_INTERVAL_MS = 1000;
/** Distance from a world edge, in world units, at which the random walk turns back. */
const WALK_MARGIN = 100;

/** 'new': not started yet. */
export type PlayerPhase = 'new' | 'joining' | 'playing' | 'closed';

/**
 * What went wrong: a join that got no Welcome, a close the player did not ask for, a frame no
 * decoder could read, a snapshot that would not apply (the last two count as tickwire_desyncs).
 */
export type PlayerProblem = 'join-failed' | 'kicked' | 'unreadable' | 'desync';

/** How a connection ended, for the driver. */
export interface PlayerClose {
  code: number;
  reason: string;
  /** The player closed it (left or dropped on purpose). */
  byPlayer: boolean;
  /** It had its Welcome. */
  wasJoined: boolean;
}

export class ScenarioPlayer {
  readonly name: string;
  readonly isVerifying: boolean;
  phase: PlayerPhase = 'new';
  welcome: Welcome | null = null;
  /** The verified view (isVerifying), or null. */
  replica: Replica | null = null;
  /** From the newest Welcome: what a resume sends. */
  resumeToken: string | null = null;
  playerId: number | null = null;
  readonly #options: PlayerOptions;
  readonly #metrics: MetricSink;
  readonly #walk: RandomWalk;
  #socket: PlayerSocket | null = null;
  #joinStartedMs = 0;
  /** The player id a resume asked back, or null for a fresh join. */
  #resumingPlayerId: number | null = null;
  #isClosingOnPurpose = false;
  /**
   * A delta has arrived on this connection: the server holds a baseline of ours, so a full
   * snapshot from now on is a resync. Until our first acknowledgement reaches it, every snapshot
   * is full (one or two ticks, more under load): those are not.
   */
  /** This connection's snapshots, from its Welcome; null before it. */
  #stream: SnapshotStream | null = null;
  /** Newest snapshot tick received (acknowledged when not verifying). */
  #receivedTick = 0;
  #seq = 0;
  #nextPingMs = 0;
  #lastResyncMs = -Infinity;
  /** The newest clock reading the driver passed in (closed() gets none). */
  #lastNowMs = 0;

  constructor(options: PlayerOptions, nowMs: number) {
    this.name = options.name;
    this.isVerifying = options.isVerifying;
    this.#options = options;
    this.#metrics = options.metrics;
    this.#walk = createRandomWalk(options.random, nowMs);
  }

  /** Joined and not closed. */
  get isPlaying(): boolean {
    return this.phase === 'playing';
  }

  /**
   * Starts a join: call before the matchmaking request (or the connect, without matchmaking),
   * where the join time starts. With `resume`, the next Hello carries the resume token and the
   * time counts as a resume.
   */
  beginJoin(nowMs: number, resume = false): void {
    this.phase = 'joining';
    this.#joinStartedMs = nowMs;
    this.#resumingPlayerId = resume && this.resumeToken !== null ? this.playerId : null;
    this.#isClosingOnPurpose = false;
    this.#socket = null;
  }

  /** The join failed before a socket opened (no seat, connection refused): counted once. */
  joinFailed(why: string): void {
    if (this.phase !== 'joining') return;
    this.phase = 'closed';
    this.#metrics.add('tickwire_join_failures', 1);
    this.#options.onProblem?.(`${this.name}: ${why}`, 'join-failed');
  }

  /** The socket opened: sends the Hello (with the seat, or the resume token) and a first Ping. */
  opened(socket: PlayerSocket, seat: string | null, nowMs: number): void {
    this.#lastNowMs = nowMs;
    this.#socket = socket;
    this.welcome = null;
    this.#stream = null;
    this.#receivedTick = 0;
    this.#seq = 0;
    socket.send(
      encodeHello({
        protocolVersion: PLAYER_PROTOCOL_VERSION,
        name: this.name,
        resumeToken: this.#resumingPlayerId !== null ? this.resumeToken : null,
        seat,
      }),
    );
    this.#ping(nowMs);
  }

  /** One binary frame from the server. */
  received(frame: Uint8Array, nowMs: number): void {
    this.#lastNowMs = nowMs;
    if (this.welcome !== null && !this.isVerifying) {
      const head = peekSnapshotHead(frame);
      if (head !== null) {
        if (head.tick > this.#receivedTick) this.#receivedTick = head.tick;
        this.#countSnapshot(frame.byteLength, nowMs, head.baselineTick);
        return;
      }
    }
    let decoded;
    try {
      decoded = decodeServerMessage(frame, this.welcome?.schema ?? null);
    } catch (error) {
      const why = error instanceof ProtocolError ? error.message : String(error);
      this.#metrics.add('tickwire_desyncs', 1);
      this.#options.onProblem?.(`${this.name}: unreadable frame: ${why}`, 'unreadable');
      return;
    }
    switch (decoded.id) {
      case MessageId.Welcome:
        this.#onWelcome(decoded.message, nowMs);
        return;
      case MessageId.Snapshot:
        this.#onSnapshot(decoded.message, frame.byteLength, nowMs);
        return;
      case MessageId.Pong:
        this.#metrics.add('tickwire_rtt_ms', nowMs - decoded.message.clientTimeMs);
        return;
      case MessageId.Kick:
        // The close frame follows with the same code: counted there.
        return;
    }
  }

  /** The socket closed (either side). */
  closed(code: number, reason: string): PlayerClose {
    const result: PlayerClose = {
      code,
      reason,
      byPlayer: this.#isClosingOnPurpose,
      wasJoined: this.welcome !== null,
    };
    if (this.phase === 'closed' && this.#socket === null) return result;
    this.#socket = null;
    // The open gap since the last snapshot counts (SnapshotStream.ended).
    if (result.wasJoined) this.#stream?.ended(this.#lastNowMs);
    if (!result.byPlayer) {
      this.#metrics.add('tickwire_kicks', 1, { code: String(code) });
      if (!result.wasJoined && this.phase === 'joining') {
        this.#metrics.add('tickwire_join_failures', 1);
        this.#options.onProblem?.(
          `${this.name}: closed with ${code}${reason ? ` (${reason})` : ''} before its Welcome`,
          'join-failed',
        );
      } else {
        this.#options.onProblem?.(
          `${this.name}: closed by the server with ${code} ${reason}`,
          'kicked',
        );
      }
    }
    this.phase = 'closed';
    return result;
  }

  /**
   * Called at the input rate (the benchmark: 20 Hz): sends an Input carrying the acknowledgement,
   * and a Ping when one is due.
   */
  tick(nowMs: number): void {
    this.#lastNowMs = nowMs;
    const welcome = this.welcome;
    const socket = this.#socket;
    if (welcome === null || socket === null || this.phase !== 'playing') return;
    const controls: Controls = {};
    // A game whose input steers by moveDir and aim (the arena) walks; other fields stay at
    // their defaults (never firing: BENCHMARKS.md's scenario has no projectiles). An idle player
    // sends only defaults (the arena: standing still).
    const heading = this.#options.isIdle === true ? null : this.#walkHeading(welcome, nowMs);
    for (const f of welcome.schema.input)
      controls[f.name] =
        heading !== null && (f.name === 'moveDir' || f.name === 'aim') ? heading : f.default;
    socket.send(
      encodeInput(welcome.schema, {
        seq: ++this.#seq,
        ackTick: this.replica !== null ? this.replica.tick : this.#receivedTick,
        controls,
      }),
    );
    if (nowMs >= this.#nextPingMs) this.#ping(nowMs);
  }

  /** The random walk's heading for now, turning back at the world's edges. */
  #walkHeading(welcome: Welcome, nowMs: number): number {
    const me = this.replica?.latest?.entities.get(welcome.playerId);
    const maxX = welcome.worldWidth * POSITION_SCALE;
    const maxY = welcome.worldHeight * POSITION_SCALE;
    const x = me?.x;
    const y = me?.y;
    return stepRandomWalk(
      this.#walk,
      this.#options.random,
      nowMs,
      typeof x === 'number' ? x : maxX / 2,
      typeof y === 'number' ? y : maxY / 2,
      { maxX, maxY, margin: WALK_MARGIN * POSITION_SCALE },
    );
  }

  /** Leaves the game (close code 1000: the server removes the player at once). */
  leave(): void {
    this.#closeOnPurpose(NORMAL_CLOSURE, 'leaving');
  }

  /** Drops the connection as a lost network would, keeping the resume token (the storm). */
  drop(): void {
    this.#closeOnPurpose(DROP_CLOSE_CODE, 'load test drop');
  }

  #closeOnPurpose(code: number, reason: string): void {
    if (this.#socket === null) {
      this.phase = 'closed';
      return;
    }
    this.#isClosingOnPurpose = true;
    this.#socket.close(code, reason);
  }

  #onWelcome(welcome: Welcome, nowMs: number): void {
    this.#stream = new SnapshotStream(this.#metrics, nowMs);
    this.welcome = welcome;
    const elapsed = nowMs - this.#joinStartedMs;
    if (this.#resumingPlayerId !== null) {
      this.#metrics.add('tickwire_resume_ms', elapsed);
      this.#metrics.add('tickwire_resumed', welcome.playerId === this.#resumingPlayerId ? 1 : 0);
    } else {
      this.#metrics.add('tickwire_join_ms', elapsed);
    }
    this.resumeToken = welcome.resumeToken;
    this.playerId = welcome.playerId;
    this.replica = this.isVerifying
      ? new Replica({
          schema: welcome.schema,
          worldWidth: welcome.worldWidth,
          worldHeight: welcome.worldHeight,
        })
      : null;
    this.phase = 'playing';
    // The first Input goes out at once: until it acknowledges something the server sends full
    // snapshots.
    this.tick(nowMs);
  }

  #onSnapshot(snapshot: Snapshot, byteLength: number, nowMs: number): void {
    if (snapshot.tick > this.#receivedTick) this.#receivedTick = snapshot.tick;
    const replica = this.replica;
    if (replica !== null) {
      const before = replica.latest;
      try {
        const after = replica.apply(snapshot);
        this.#options.onApplied?.(snapshot, before, after, byteLength);
      } catch (error) {
        if (!(error instanceof ReplicaError)) throw error;
        this.#onReplicaError(error, nowMs);
      }
    }
    this.#countSnapshot(byteLength, nowMs, snapshot.baselineTick);
  }

  #onReplicaError(error: ReplicaError, nowMs: number): void {
    if (error.code !== 'MissingBaseline') {
      this.#metrics.add('tickwire_desyncs', 1);
      this.#options.onProblem?.(
        `${this.name}: ${error.code} at tick ${error.tick}: ${error.message}`,
        'desync',
      );
      this.replica?.reset();
    }
    if (nowMs - this.#lastResyncMs < RESYNC_INTERVAL_MS) return;
    this.#lastResyncMs = nowMs;
    this.#socket?.send(encodeResync({ tick: error.tick }));
  }

  /** Counts a snapshot that arrived, decoded or only peeked at (its size, timing, baseline). */
  #countSnapshot(byteLength: number, nowMs: number, baselineTick: number): void {
    const isFirst = this.#stream?.arrived(byteLength, nowMs, baselineTick) ?? false;
    // Acknowledge the first (full) snapshot at once: until an acknowledgement arrives the server
    // sends full snapshots, and a player that waits for its next input (half a second when idle)
    // would cost it that long in full views.
    if (isFirst) this.tick(nowMs);
  }

  #ping(nowMs: number): void {
    this.#socket?.send(encodePing({ clientTimeMs: nowMs }));
    this.#nextPingMs = nowMs + PING_INTERVAL_MS;
  }
}
