import { CloseCode } from '../wire/ids.js';
import type { Welcome } from '../messages/server.js';
import { Connection, addTraffic, emptyTraffic } from './connection.js';
import type { ConnectionOptions, TrafficCounters } from './connection.js';
import type { WatchTarget } from './watch-target.js';
import type { Controls } from '../messages/client.js';
import type { ClosedStatus, ConnectionStatus } from './connection-status.js';
import { globalNowMs, globalScheduler } from './environment.js';
import type { Scheduler } from './environment.js';
import { MatchmakingError, isRetryableMatchmakingError } from './matchmaking.js';

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
 * player was taken over elsewhere (reconnecting would take it back, and the two would fight), or
 * the server wants a seat from matchmaking (which only a connection with `rematch` can get).
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
  CloseCode.SeatRequired,
  CloseCode.WrongRole,
]);

/**
 * Close codes that send a connection with `rematch` back to matchmaking for a new seat: the
 * server is going away (4016), or it will not take this client without a seat (4015: the resume
 * token was refused, or the seat was). The first attempt goes at once: waiting cannot help.
 */
const REMATCH_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.ServerRestarting,
  CloseCode.SeatRequired,
]);

/**
 * Codes that ask the client to wait a few seconds: the first retry waits at least this long. The
 * connection limits are among them: during a reconnect the cap may be held by this client's own
 * connection that the server has not seen drop yet, which frees it within the idle timeout.
 */
const SLOW_DOWN_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.RateLimited,
  CloseCode.RoomFull,
  CloseCode.SpectatorsFull,
  CloseCode.TooManyConnections,
  CloseCode.TooManyConnectionsFromAddress,
]);
const SLOW_DOWN_DELAY_MS = 2000;
/**
 * Reconnect attempts in a row that cannot even open a WebSocket before a connection with
 * `rematch` gives its player up and asks matchmaking: the process is gone (killed, crashed), so
 * its player is too. One failed attempt may be a blip of the network; two, about a second, are not.
 */
const UNREACHABLE_ATTEMPTS_BEFORE_REMATCH = 2;
/**
 * A connection must stay up this long before a later drop starts the backoff over; a client
 * kicked again and again right after joining keeps backing off instead of hammering the server.
 */
const STABLE_CONNECTION_MS = 10_000;

/**
 * Whether a connection that ended with `status` is worth trying again at the same URL. (4015
 * SeatRequired is not; a connection with `rematch` goes back to matchmaking instead.)
 */
export function isRetryableClose(status: ClosedStatus): boolean {
  return !status.isClientInitiated && !FINAL_CLOSE_CODES.has(status.closeCode);
}

/** Where a rematch sends the connection: a new server and a seat for it. */
export interface RematchTarget {
  url: string;
  seat: string;
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
  /**
   * Asks matchmaking for a new seat (see createRematch). With it, a connection closed with 4016
   * ServerRestarting or 4015 SeatRequired connects to the answer's URL with its seat, as a new
   * player; a rejection that isRetryableMatchmakingError (503, no answer) is retried with backoff
   * within giveUpAfterMs, any other ends the connection. Without it, 4015 is final and 4016 is
   * retried at the same URL like 4008.
   */
  rematch?: () => Promise<RematchTarget>;
};

/**
 * A connection that comes back: when it drops after joining, it reconnects with backoff and the
 * resume token from the last Welcome, so the server gives back the same player (within its grace
 * period). With `rematch`, a server that restarts (4016) or wants a seat (4015) sends it back
 * through matchmaking to a new seat, maybe on another server, as a new player. Status events say
 * what is happening: 'reconnecting' with the attempt, when it starts and whether it is a rematch,
 * then 'connected' with `isResumed`. A drop that cannot be helped by retrying (see
 * isRetryableClose), or trying for longer than giveUpAfterMs, ends in 'closed'.
 *
 * The first connection is not retried (a server that cannot be reached or refuses the join is
 * reported at once), except that 4015/4016 send it to `rematch` too: its seat may have expired,
 * or its server started draining, before it connected.
 */
export class ReconnectingConnection {
  readonly #options: ReconnectingConnectionOptions;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #giveUpAfterMs: number;
  readonly #random: () => number;
  readonly #scheduler: Scheduler;
  readonly #nowMs: () => number;
  readonly #rematch: (() => Promise<RematchTarget>) | null;
  /** Traffic of the connections before the current one. */
  readonly #finishedTraffic: TrafficCounters = emptyTraffic();

  #connection: Connection | null = null;
  #status: ConnectionStatus = { phase: 'idle' };
  /** Where the next attempt connects: the first URL, or the last rematch's. */
  #url: string;
  /** The seat the next attempt carries; null once used (seats are single use). */
  #seat: string | null;
  #welcome: Welcome | null = null;
  /** The player to take back on the next attempt; null after a rematch (a new player). */
  #resume: { token: string; playerId: number } | null = null;
  #controls: Controls | null = null;
  /** A spectator's camera: every new connection starts with it. */
  #watch: WatchTarget | null;
  #attempt = 0;
  #droppedAtMs: number | null = null;
  #connectedAtMs = -Infinity;
  #cancelRetry: (() => void) | null = null;
  /** Reconnect attempts in a row whose WebSocket never opened (see UNREACHABLE_ATTEMPTS_...). */
  #unreachableAttempts = 0;
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
    this.#rematch = options.rematch ?? null;
    this.#url = options.url;
    this.#seat = options.seat ?? null;
    this.#watch = options.watch ?? null;
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

  /**
   * Points a spectator's camera (Connection.watch): sent now when connected, and kept, so that
   * every reconnect's first Watch carries it. Throws unless opened with `spectate: true`.
   */
  watch(target: WatchTarget): void {
    if (!this.#options.spectate) {
      throw new Error('ReconnectingConnection.watch: not a spectator (spectate: true)');
    }
    this.#watch = target;
    this.#connection?.watch(target);
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
    const seat = this.#seat;
    this.#seat = null;
    const connection = new Connection({
      ...this.#options,
      url: this.#url,
      seat,
      resumeToken: this.#resume?.token ?? null,
      resumePlayerId: this.#resume?.playerId ?? null,
      watch: this.#watch,
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
      // A spectator's Welcome names no player (id 0, an empty token): nothing to resume.
      if (this.#welcome && !this.#options.spectate) {
        this.#resume = { token: this.#welcome.resumeToken, playerId: this.#welcome.playerId };
      }
      this.#setStatus(status);
      return;
    }
    if (status.phase !== 'closed') {
      this.#setStatus(status);
      return;
    }
    const isReconnecting = this.#droppedAtMs !== null;
    const nowMs = this.#nowMs();
    this.#unreachableAttempts =
      isReconnecting && !status.hasOpened ? this.#unreachableAttempts + 1 : 0;
    // Back to matchmaking: the server sends us there, or the seat a rematch gave was spent on an
    // attempt that never joined (there is no player to resume on that server).
    const isRematch =
      this.#rematch !== null &&
      !status.isClientInitiated &&
      (REMATCH_CLOSE_CODES.has(status.closeCode) ||
        (isReconnecting && this.#resume === null && isRetryableClose(status)) ||
        this.#unreachableAttempts >= UNREACHABLE_ATTEMPTS_BEFORE_REMATCH);
    const canRetry =
      !this.#isClosedForGood &&
      (status.hasJoined || isReconnecting || isRematch) &&
      (isRematch || isRetryableClose(status)) &&
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
    if (isRematch) {
      const isFirst = this.#attempt === 1 && REMATCH_CLOSE_CODES.has(status.closeCode);
      this.#scheduleRematch(status, isFirst ? 0 : this.#backoffMs(), null);
      return;
    }
    let delayMs = this.#backoffMs();
    if (SLOW_DOWN_CLOSE_CODES.has(status.closeCode)) {
      delayMs = Math.max(delayMs, SLOW_DOWN_DELAY_MS);
    }
    this.#setStatus({
      phase: 'reconnecting',
      url: status.url,
      attempt: this.#attempt,
      retryAtMs: nowMs + delayMs,
      lost: status,
      isRematch: false,
      rematchError: null,
    });
    // A status listener may have closed it.
    if (this.#isClosedForGood) return;
    this.#cancelRetry = this.#scheduler.after(delayMs, () => {
      this.#cancelRetry = null;
      this.#connect();
    });
  }

  #backoffMs(): number {
    return backoffDelayMs(this.#attempt, this.#baseDelayMs, this.#maxDelayMs, this.#random);
  }

  /** Says a rematch is coming, and asks for the seat after `delayMs` (at once for 0). */
  #scheduleRematch(lost: ClosedStatus, delayMs: number, rematchError: string | null): void {
    this.#setStatus({
      phase: 'reconnecting',
      url: lost.url,
      attempt: this.#attempt,
      retryAtMs: this.#nowMs() + delayMs,
      lost,
      isRematch: true,
      rematchError,
    });
    if (this.#isClosedForGood) return;
    if (delayMs <= 0) {
      void this.#requestSeat(lost);
      return;
    }
    this.#cancelRetry = this.#scheduler.after(delayMs, () => {
      this.#cancelRetry = null;
      void this.#requestSeat(lost);
    });
  }

  async #requestSeat(lost: ClosedStatus): Promise<void> {
    const rematch = this.#rematch as () => Promise<RematchTarget>;
    let target: RematchTarget;
    try {
      target = await rematch();
    } catch (error) {
      if (this.#isClosedForGood) return;
      const message = error instanceof Error ? error.message : String(error);
      const droppedAtMs = this.#droppedAtMs ?? this.#nowMs();
      if (
        !isRetryableMatchmakingError(error) ||
        this.#nowMs() - droppedAtMs >= this.#giveUpAfterMs
      ) {
        this.#setStatus({ ...lost, matchmakingError: message });
        return;
      }
      this.#attempt++;
      const retryAfterMs = error instanceof MatchmakingError ? (error.retryAfterMs ?? 0) : 0;
      this.#scheduleRematch(lost, Math.max(this.#backoffMs(), retryAfterMs), message);
      return;
    }
    if (this.#isClosedForGood) return;
    this.#url = target.url;
    this.#seat = target.seat;
    this.#resume = null;
    this.#connect();
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.#options.onStatus(status);
  }
}
