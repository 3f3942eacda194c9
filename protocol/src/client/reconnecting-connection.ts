import { CloseCode } from '../wire/ids.js';
import type { Welcome } from '../messages/server.js';
import { Connection, addTraffic, emptyTraffic } from './connection.js';
import type { ConnectionOptions, TrafficCounters } from './connection.js';
import type { Controls } from '../messages/client.js';
import type { ClosedStatus, ConnectionStatus } from './connection-status.js';
import { globalNowMs, globalScheduler } from './environment.js';
import type { Scheduler } from './environment.js';

export interface ReconnectOptions {
  /** Delay before the first retry; it doubles with each failed attempt. Default 250 ms. */
  baseDelayMs?: number;
  /** Longest delay between attempts. Default 5000 ms. */
  maxDelayMs?: number;
  /**
   * Stop trying this long after the connection dropped. Default 60 s: well past the server's
   * default resume grace period (15 s), after which the player would start over anyway.
   */
  giveUpAfterMs?: number;
  /** Random source for the jitter. Default Math.random. */
  random?: () => number;
}

/**
 * Close codes after which trying again cannot help: this client and this server disagree, or the
 * player was taken over elsewhere (reconnecting would take it back, and the two would fight).
 */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  1002,
  1003,
  1007,
  1008,
  1009,
  CloseCode.MalformedFrame,
  CloseCode.UnknownMessage,
  CloseCode.UnsupportedVersion,
  CloseCode.HandshakeViolation,
  CloseCode.SubprotocolRequired,
  CloseCode.FrameTooLarge,
  CloseCode.SessionReplaced,
  CloseCode.OriginNotAllowed,
]);

/**
 * Codes that ask the client to wait a few seconds: the first retry waits at least this long. The
 * connection limits are among them: during a reconnect the cap may be held by this client's own
 * connection that the server has not seen drop yet, which frees it within the idle timeout.
 */
const SLOW_DOWN_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.RateLimited,
  CloseCode.RoomFull,
  CloseCode.TooManyConnections,
  CloseCode.TooManyConnectionsFromAddress,
]);
const SLOW_DOWN_DELAY_MS = 2000;
/**
 * A connection must stay up this long before a later drop starts the backoff over; a client
 * kicked again and again right after joining keeps backing off instead of hammering the server.
 */
const STABLE_CONNECTION_MS = 10_000;

/** Whether a connection that ended with `status` is worth trying again. */
export function isRetryableClose(status: ClosedStatus): boolean {
  return !status.isClientInitiated && !FINAL_CLOSE_CODES.has(status.closeCode);
}

/**
 * Delay before reconnect attempt `attempt` (1, 2, ...): exponential, capped, with "equal jitter"
 * (half fixed, half random) so a server restart is not met by every client at the same instant.
 */
export function backoffDelayMs(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceilingMs = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return ceilingMs / 2 + (random() * ceilingMs) / 2;
}

export type ReconnectingConnectionOptions = Omit<
  ConnectionOptions,
  'resumeToken' | 'resumePlayerId'
> & {
  reconnect?: ReconnectOptions;
};

/**
 * A connection that comes back: when it drops after joining, it reconnects with backoff and the
 * resume token from the last Welcome, so the server gives back the same player (within its grace
 * period). Status events say what is happening: 'reconnecting' with the attempt and when it
 * starts, then 'connected' with `isResumed`. A drop that cannot be helped by retrying (see
 * isRetryableClose), or trying for longer than giveUpAfterMs, ends in 'closed'.
 *
 * The first connection is not retried: a server that cannot be reached or refuses the join is
 * reported at once.
 */
export class ReconnectingConnection {
  readonly #options: ReconnectingConnectionOptions;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #giveUpAfterMs: number;
  readonly #random: () => number;
  readonly #scheduler: Scheduler;
  readonly #nowMs: () => number;
  /** Traffic of the connections before the current one. */
  readonly #finishedTraffic: TrafficCounters = emptyTraffic();

  #connection: Connection | null = null;
  #status: ConnectionStatus = { phase: 'idle' };
  #welcome: Welcome | null = null;
  #controls: Controls | null = null;
  #attempt = 0;
  #droppedAtMs: number | null = null;
  #connectedAtMs = -Infinity;
  #cancelRetry: (() => void) | null = null;
  #reconnects = 0;
  #isClosedForGood = false;

  constructor(options: ReconnectingConnectionOptions) {
    this.#options = options;
    this.#baseDelayMs = options.reconnect?.baseDelayMs ?? 250;
    this.#maxDelayMs = options.reconnect?.maxDelayMs ?? 5000;
    this.#giveUpAfterMs = options.reconnect?.giveUpAfterMs ?? 60_000;
    this.#random = options.reconnect?.random ?? Math.random;
    this.#scheduler = options.scheduler ?? globalScheduler;
    this.#nowMs = options.nowMs ?? globalNowMs;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The Welcome of the current (or last) connection; null before the first. */
  get welcome(): Welcome | null {
    return this.#welcome;
  }

  /** Successful reconnects so far. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Traffic over every connection so far, this one included. */
  get traffic(): TrafficCounters {
    const total = { ...this.#finishedTraffic };
    if (this.#connection) addTraffic(total, this.#connection.traffic);
    return total;
  }

  open(): void {
    if (this.#status.phase !== 'idle')
      throw new Error('ReconnectingConnection.open: already opened');
    this.#connect();
  }

  setControls(controls: Controls): void {
    this.#controls = controls;
    this.#connection?.setControls(controls);
  }

  /** Leaves the game for good. */
  close(): void {
    this.#isClosedForGood = true;
    this.#cancelRetry?.();
    this.#cancelRetry = null;
    if (this.#connection && this.#connection.status.phase !== 'closed') {
      this.#connection.close();
    } else if (this.#status.phase === 'reconnecting') {
      this.#setStatus({ ...this.#status.lost, isClientInitiated: true, closeCode: 1000 });
    }
  }

  /** Drops the current connection as a network failure would: it then reconnects. */
  abort(): void {
    this.#connection?.abort();
  }

  #connect(): void {
    if (this.#connection) addTraffic(this.#finishedTraffic, this.#connection.traffic);
    const connection = new Connection({
      ...this.#options,
      resumeToken: this.#welcome?.resumeToken ?? null,
      resumePlayerId: this.#welcome?.playerId ?? null,
      onStatus: (status) => {
        if (connection === this.#connection) this.#onStatus(status);
      },
    });
    this.#connection = connection;
    if (this.#controls) connection.setControls(this.#controls);
    connection.open();
  }

  #onStatus(status: ConnectionStatus): void {
    if (status.phase === 'connected') {
      if (this.#droppedAtMs !== null) this.#reconnects++;
      this.#droppedAtMs = null;
      this.#connectedAtMs = this.#nowMs();
      this.#welcome = this.#connection?.welcome ?? null;
      this.#setStatus(status);
      return;
    }
    if (status.phase !== 'closed') {
      this.#setStatus(status);
      return;
    }
    const isReconnecting = this.#droppedAtMs !== null;
    const nowMs = this.#nowMs();
    const canRetry =
      !this.#isClosedForGood &&
      (status.hasJoined || isReconnecting) &&
      isRetryableClose(status) &&
      (this.#droppedAtMs === null || nowMs - this.#droppedAtMs < this.#giveUpAfterMs);
    if (!canRetry) {
      this.#setStatus(status);
      return;
    }
    if (this.#droppedAtMs === null && nowMs - this.#connectedAtMs >= STABLE_CONNECTION_MS) {
      this.#attempt = 0;
    }
    this.#droppedAtMs ??= nowMs;
    this.#attempt++;
    let delayMs = backoffDelayMs(this.#attempt, this.#baseDelayMs, this.#maxDelayMs, this.#random);
    if (SLOW_DOWN_CLOSE_CODES.has(status.closeCode)) {
      delayMs = Math.max(delayMs, SLOW_DOWN_DELAY_MS);
    }
    this.#setStatus({
      phase: 'reconnecting',
      url: status.url,
      attempt: this.#attempt,
      retryAtMs: nowMs + delayMs,
      lost: status,
    });
    this.#cancelRetry = this.#scheduler.after(delayMs, () => {
      this.#cancelRetry = null;
      this.#connect();
    });
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.#options.onStatus(status);
  }
}
