import { CloseCode, MessageId } from '../wire/ids.js';
import { PLAYER_PROTOCOL_VERSION, PROTOCOL_VERSION, subprotocolOf } from '../wire/version.js';
import { ProtocolError } from '../wire/errors.js';
import { MAX_ENTITY_ID } from '../wire/limits.js';
import {
  HelloFlag,
  encodeHello,
  encodeInput,
  encodePing,
  encodeResync,
  encodeWatch,
} from '../messages/client.js';
import type { Controls, Input } from '../messages/client.js';
import { decodeServerMessage } from '../messages/server.js';
import type { Kick, Pong, ServerMessage, Welcome } from '../messages/server.js';
import type { RoomSummary } from '../messages/summary.js';
import { watchFor, type WatchTarget } from './watch-target.js';
import type { Snapshot } from '../messages/snapshot.js';
import type { CompiledSchema } from '../schema/schema.js';
import { ReplicaError } from '../replica/replica.js';
import type { ClosedStatus, ConnectionStatus } from './connection-status.js';
import { globalNowMs, globalScheduler } from './environment.js';
import type { Scheduler, WebSocketConstructor, WebSocketLike } from './environment.js';

/**
 * Where a connection's state goes: the client's replica holder (the browser's game state, a bot's
 * view). The connection holds no game state itself.
 */
export interface SyncTarget {
  /** The server accepted us: start a fresh replica for this room (and this player). */
  onWelcome(welcome: Welcome, receivedAtMs: number): void;
  /** Applies a snapshot. MUST throw ReplicaError, and change nothing, when it cannot apply it. */
  applySnapshot(snapshot: Snapshot, receivedAtMs: number): void;
  /** Tick of the newest applied snapshot (acknowledged in every Input); 0 before the first. */
  readonly ackTick: number;
  /** Forgets every baseline, so the server's next snapshot must be a full one. */
  resetReplica(): void;
  /** A Pong for the Ping sent at `pong.clientTimeMs` arrived at `receivedAtMs`. */
  onPong?(pong: Pong, receivedAtMs: number): void;
  /** An Input went out at `sentAtMs` (prediction tags it with the tick it should land in). */
  onInputSent?(input: Input, sentAtMs: number): void;
  /**
   * The room's Summary (players online, spectators, leaderboard) arrived: once a second, and
   * right after the first snapshot. Only on a connection opened with `summary: true`.
   */
  onSummary?(summary: RoomSummary, receivedAtMs: number): void;
}

/** Bytes and frames through one connection (WebSocket payloads, not TCP bytes). */
export interface TrafficCounters {
  bytesIn: number;
  bytesOut: number;
  framesIn: number;
  framesOut: number;
  snapshotsApplied: number;
}

/** Counters at zero. */
export function emptyTraffic(): TrafficCounters {
  return { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0, snapshotsApplied: 0 };
}

/** Adds `from` into `into`, counter by counter. */
export function addTraffic(into: TrafficCounters, from: Readonly<TrafficCounters>): void {
  into.bytesIn += from.bytesIn;
  into.bytesOut += from.bytesOut;
  into.framesIn += from.framesIn;
  into.framesOut += from.framesOut;
  into.snapshotsApplied += from.snapshotsApplied;
}

export interface ConnectionOptions {
  url: string;
  name: string;
  WebSocket: WebSocketConstructor;
  sync: SyncTarget;
  onStatus: (status: ConnectionStatus) => void;
  /** Token from an earlier Welcome, to get that player back. Default none. */
  resumeToken?: string | null;
  /** Player id the token belonged to, to tell a resumed player from a new one. */
  resumePlayerId?: number | null;
  /**
   * Seat reservation from matchmaking (MatchAnswer.seat), sent in the Hello: it names the room.
   * Single use. Default none: the server's default room, where it allows direct joins.
   */
  seat?: string | null;
  /**
   * Join as a spectator (protocol version 4): no player, no Input; the view follows the camera
   * set by `watch()` (the world's centre until then). Welcome.playerId is 0. Default false.
   */
  spectate?: boolean;
  /** Ask for the room's Summary once a second (protocol version 4; `onSummary`). Default false. */
  summary?: boolean;
  /** A spectator's first camera, sent with its first Watch (see `watch()`). Default none. */
  watch?: WatchTarget | null;
  scheduler?: Scheduler;
  /** Monotonic client clock in milliseconds. Default `performance.now()`. */
  nowMs?: () => number;
  /** How often to send Input while nothing changes. Default 50 ms (20 Hz). */
  inputIntervalMs?: number;
  /**
   * Shortest time between two Inputs. A change sooner than this waits for the rest of it, so a
   * bot calling setControls in a loop still stays under the server's rate limit (60 messages/s).
   * Default 20 ms.
   */
  minInputIntervalMs?: number;
  /** Ping period once the clock has its first samples. Default 1000 ms. */
  pingIntervalMs?: number;
  /** Where protocol trouble is reported (resyncs, bad server frames). Default: nowhere. */
  onWarning?: (message: string) => void;
  /**
   * Whether a change of controls is sent at once (as soon as the input rate allows) rather than
   * with the next regular Input. Default: any change. A game may say that only some fields are
   * urgent (the arena: movement and buttons, not the aim that follows the mouse). `sent` and
   * `now` hold every input field of the game (unset ones at their default).
   */
  isUrgentChange?: (sent: Readonly<Controls>, now: Readonly<Controls>) => boolean;
}

function anyChange(sent: Readonly<Controls>, now: Readonly<Controls>): boolean {
  for (const name in now) if (sent[name] !== now[name]) return true;
  return false;
}

/** Pings sent quickly after joining, so clock sync has samples within a second. */
const EARLY_PINGS = 5;
const EARLY_PING_INTERVAL_MS = 200;
/** An Input this late (ms since the last) is sent from the snapshot callback: see #onSnapshot. */
const LATE_INPUT_MS = 500;
/** WebSocket.OPEN. */
const READY_STATE_OPEN = 1;
/** Close code this client uses when the player leaves. */
const NORMAL_CLOSURE = 1000;
/**
 * Shortest time between two Resyncs. Deltas keep failing until the full snapshot arrives, and a
 * persistent bug (a checksum the client computes wrongly) fails every delta after each full one:
 * unthrottled, that is a Resync every other tick, which the server's rate limit answers with 4005.
 */
const RESYNC_INTERVAL_MS = 1000;
/** The longest close reason a close frame carries, in UTF-8 bytes (RFC 6455, 5.5.1). */
const MAX_CLOSE_REASON_BYTES = 123;

/**
 * One WebSocket connection to a tickwire server: handshake (with a resume token when
 * reconnecting), snapshot intake (with Resync when a baseline is missing), Input at a fixed rate
 * and on every movement change (never faster than the server allows), Ping/Pong for clock sync,
 * traffic counters, and status events. One object per connection attempt: ReconnectingConnection
 * makes a new one after a drop.
 *
 * Snapshots are applied inside the message callback. That is safe (the event loop runs one
 * callback at a time and the ArrayBuffer stays valid), and it keeps the replica current in a
 * background tab, where rendering stops.
 */
export class Connection {
  readonly traffic: TrafficCounters = emptyTraffic();
  readonly #url: string;
  readonly #name: string;
  readonly #WebSocket: WebSocketConstructor;
  readonly #sync: SyncTarget;
  readonly #onStatus: (status: ConnectionStatus) => void;
  readonly #resumeToken: string | null;
  readonly #resumePlayerId: number | null;
  readonly #seat: string | null;
  readonly #isSpectator: boolean;
  /** Hello flags; 0 speaks version 3, exactly as before version 4. */
  readonly #helloFlags: number;
  readonly #scheduler: Scheduler;
  readonly #nowMs: () => number;
  readonly #inputIntervalMs: number;
  readonly #minInputIntervalMs: number;
  readonly #pingIntervalMs: number;
  readonly #onWarning: (message: string) => void;
  readonly #isUrgentChange: (sent: Readonly<Controls>, now: Readonly<Controls>) => boolean;

  #socket: WebSocketLike | null = null;
  #status: ConnectionStatus = { phase: 'idle' };
  #hasOpened = false;
  #welcome: Welcome | null = null;
  #kick: Kick | null = null;
  #stopInputTimer: (() => void) | null = null;
  #cancelDeferredInput: (() => void) | null = null;
  #cancelPing: (() => void) | null = null;
  #pingsSent = 0;
  /** What the player holds now; fields the game has and these lack are sent at their default. */
  #controls: Controls = {};
  #lastSentControls: Controls | null = null;
  #lastInputAtMs = -Infinity;
  #inputSeq = 0;
  /** When the last Resync went out (client clock), or null before the first. */
  #lastResyncAtMs: number | null = null;
  /** The socket's last error message, when the environment gives one. */
  #socketError = '';
  /** A spectator's camera, and whether it changed since the last Watch. */
  #watch: WatchTarget | null;
  #isWatchChanged = false;

  constructor(options: ConnectionOptions) {
    this.#url = options.url;
    this.#name = options.name;
    this.#WebSocket = options.WebSocket;
    this.#sync = options.sync;
    this.#onStatus = options.onStatus;
    this.#resumeToken = options.resumeToken ?? null;
    this.#resumePlayerId = options.resumePlayerId ?? null;
    this.#seat = options.seat ?? null;
    this.#isSpectator = options.spectate ?? false;
    this.#helloFlags =
      (this.#isSpectator ? HelloFlag.Spectate : 0) | (options.summary ? HelloFlag.Summary : 0);
    this.#watch = options.watch ?? null;
    this.#isWatchChanged = this.#watch !== null;
    this.#scheduler = options.scheduler ?? globalScheduler;
    this.#nowMs = options.nowMs ?? globalNowMs;
    this.#inputIntervalMs = options.inputIntervalMs ?? 50;
    this.#minInputIntervalMs = options.minInputIntervalMs ?? 20;
    this.#pingIntervalMs = options.pingIntervalMs ?? 1000;
    this.#onWarning = options.onWarning ?? (() => {});
    this.#isUrgentChange = options.isUrgentChange ?? anyChange;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get welcome(): Welcome | null {
    return this.#welcome;
  }

  /** Whether this connection joined (or joins) as a spectator. */
  get isSpectator(): boolean {
    return this.#isSpectator;
  }

  /** The protocol version this connection speaks: 4 with spectate or summary, else 3. */
  get protocolVersion(): number {
    return this.#helloFlags === 0 ? PLAYER_PROTOCOL_VERSION : PROTOCOL_VERSION;
  }

  /**
   * Points a spectator's camera (`spectate: true`): at an entity to follow, or at a point in wire
   * units (rounded and clamped to the world). Sent at once, or as soon as the input rate allows;
   * then repeated with every Watch, which carries the snapshot acknowledgement as Input does for
   * a player. Throws on a connection that is not a spectator.
   */
  watch(target: WatchTarget): void {
    if (!this.#isSpectator) throw new Error('Connection.watch: not a spectator (spectate: true)');
    if ('followId' in target) {
      const { followId } = target;
      if (!Number.isInteger(followId) || followId < 1 || followId > MAX_ENTITY_ID) {
        throw new RangeError(`Connection.watch: followId ${followId} is not an entity id`);
      }
    } else if (!Number.isFinite(target.x) || !Number.isFinite(target.y)) {
      throw new RangeError('Connection.watch: x and y must be finite');
    }
    this.#watch = target;
    this.#isWatchChanged = true;
    if (this.#status.phase === 'connected') this.#sendInputSoon();
  }
  /** Opens the socket. Everything after this is reported through `onStatus`. */
  open(): void {
    if (this.#status.phase !== 'idle') throw new Error('Connection.open: already opened');
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#url, subprotocolOf(this.protocolVersion));
    } catch (error) {
      // The constructor throws SyntaxError for a malformed URL or a forbidden port.
      this.#setStatus(this.#closedStatus(1006, errorMessage(error), false));
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.#onOpen();
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onclose = (event) => this.#onClose(event.code, event.reason);
    // Every error is followed by a close event. Browsers say nothing in the error event; Node's
    // `ws` says why (ECONNREFUSED, ...): keep that for a close that gives no reason.
    socket.onerror = (event) => {
      const message = (event as { message?: unknown } | null)?.message;
      if (typeof message === 'string' && message !== '') this.#socketError = message;
    };
    this.#socket = socket;
    this.#setStatus({ phase: 'connecting', url: this.#url });
  }

  /**
   * Sets what the player asks for: the game's input fields by name (Welcome.schema.input); any
   * it leaves out are sent at their default. An urgent change (`isUrgentChange`; by default any
   * change) is sent at once, or as soon as the input rate allows; any other waits for the next
   * regular Input.
   */
  setControls(controls: Controls): void {
    this.#controls = { ...controls };
    // A spectator steers nothing: it sends Watch, never Input.
    if (this.#isSpectator) return;
    if (this.#status.phase === 'connected' && this.#hasUrgentChange()) {
      this.#sendInputSoon();
    }
  }

  /** Leaves the game. The status becomes 'closed' at once. */
  close(): void {
    if (this.#status.phase === 'closed' || this.#status.phase === 'idle') return;
    this.#socket?.close(NORMAL_CLOSURE, 'leaving');
    this.#finish(this.#closedStatus(NORMAL_CLOSURE, '', true));
  }

  /** Drops the socket without a close frame, as a network failure would (tests, tools). */
  abort(): void {
    if (this.#status.phase === 'closed' || this.#status.phase === 'idle') return;
    this.#socket?.close();
    this.#finish(this.#closedStatus(1006, 'connection aborted by the client', false));
  }

  #onOpen(): void {
    this.#hasOpened = true;
    const protocolVersion = this.protocolVersion;
    this.#send(
      encodeHello({
        protocolVersion,
        name: this.#name,
        // A spectator has no player to resume (its Welcome's token is empty).
        resumeToken: this.#isSpectator ? null : this.#resumeToken,
        seat: this.#seat,
        // No flags means version 3 (protocolVersion), whose Hello encodeHello writes without them.
        flags: this.#helloFlags,
      }),
    );
    this.#ping();
    this.#setStatus({ phase: 'handshaking', url: this.#url });
  }

  #onMessage(data: unknown): void {
    if (this.#status.phase === 'closed') return;
    if (!(data instanceof ArrayBuffer)) {
      this.#fail(CloseCode.MalformedFrame, 'the server sent a text frame');
      return;
    }
    const receivedAtMs = this.#nowMs();
    this.traffic.bytesIn += data.byteLength;
    this.traffic.framesIn++;
    let decoded: ServerMessage;
    try {
      decoded = decodeServerMessage(new Uint8Array(data), this.#welcome?.schema ?? null);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      // Whatever the decoder's reason (an unknown id included), a frame the client cannot read
      // is a malformed frame to it (PROTOCOL.md section 10); a Snapshot before the Welcome is
      // readable but out of order.
      const closeCode =
        error.closeCode === CloseCode.HandshakeViolation
          ? CloseCode.HandshakeViolation
          : CloseCode.MalformedFrame;
      this.#fail(closeCode, `unreadable server message: ${error.message}`);
      return;
    }
    switch (decoded.id) {
      case MessageId.Welcome:
        this.#onWelcome(decoded.message, receivedAtMs);
        return;
      case MessageId.Snapshot:
        this.#onSnapshot(decoded.message, receivedAtMs);
        return;
      case MessageId.Kick:
        // The close frame follows with the same code; keep the reason for it.
        this.#kick = decoded.message;
        return;
      case MessageId.Pong:
        this.#sync.onPong?.(decoded.message, receivedAtMs);
        return;
      case MessageId.Summary:
        if (this.#welcome === null) {
          this.#fail(CloseCode.HandshakeViolation, 'the server sent a Summary before Welcome');
          return;
        }
        this.#sync.onSummary?.(decoded.message, receivedAtMs);
        return;
    }
  }

  #onWelcome(welcome: Welcome, receivedAtMs: number): void {
    if (this.#welcome !== null) {
      this.#fail(CloseCode.HandshakeViolation, 'the server sent a second Welcome');
      return;
    }
    this.#welcome = welcome;
    this.#sync.onWelcome(welcome, receivedAtMs);
    this.#setStatus({
      phase: 'connected',
      url: this.#url,
      playerId: welcome.playerId,
      isResumed:
        !this.#isSpectator &&
        this.#resumeToken !== null &&
        welcome.playerId === this.#resumePlayerId,
    });
    this.#stopInputTimer = this.#scheduler.every(this.#inputIntervalMs, () => {
      if (this.#nowMs() - this.#lastInputAtMs >= this.#minInputIntervalMs) this.#sendInput();
    });
    this.#sendInput();
  }

  #onSnapshot(snapshot: Snapshot, receivedAtMs: number): void {
    if (this.#welcome === null) {
      this.#fail(CloseCode.HandshakeViolation, 'the server sent a Snapshot before Welcome');
      return;
    }
    try {
      this.#sync.applySnapshot(snapshot, receivedAtMs);
      this.traffic.snapshotsApplied++;
    } catch (error) {
      if (!(error instanceof ReplicaError)) throw error;
      this.#onReplicaError(error);
      return;
    }
    // Browsers throttle a hidden tab's timers (to once a second, and to once a minute after a few
    // minutes), but not its message callbacks. The server closes a client that has acknowledged
    // nothing for --slow-consumer-ms (PROTOCOL.md 7.1: an Input at least once a second), so when
    // the input timer is late, the snapshot that just arrived sends the acknowledgement itself.
    if (this.#nowMs() - this.#lastInputAtMs >= LATE_INPUT_MS) this.#sendInput();
  }

  #onReplicaError(error: ReplicaError): void {
    if (error.code !== 'MissingBaseline') {
      // A desync or a contradictory delta: a bug somewhere, but the game can go on from a full
      // snapshot. Forget every baseline so nothing built on the bad view survives.
      this.#onWarning(`${error.code} at tick ${error.tick}: ${error.message}; resyncing`);
      this.#sync.resetReplica();
    }
    // Deltas on the missing baseline keep coming until the server has read the Resync, and every
    // one of them fails: ask once, and again only when RESYNC_INTERVAL_MS has passed. A failure
    // within that time waits for the next one after it (deltas come every tick), so no timer.
    const nowMs = this.#nowMs();
    if (this.#lastResyncAtMs !== null && nowMs - this.#lastResyncAtMs < RESYNC_INTERVAL_MS) return;
    this.#lastResyncAtMs = nowMs;
    this.#send(encodeResync({ tick: error.tick }));
  }

  #onClose(code: number, reason: string): void {
    if (this.#status.phase === 'closed') return;
    // The Kick names the code and reason even when the close frame's reason was cut short.
    const closeCode = this.#kick?.closeCode ?? code;
    const closeReason =
      this.#kick !== null && this.#kick.reason !== ''
        ? this.#kick.reason
        : reason || this.#socketError;
    this.#finish(this.#closedStatus(closeCode, closeReason, false));
  }

  /** Closes the connection because the server broke the protocol. */
  #fail(closeCode: number, message: string): void {
    this.#onWarning(message);
    // The close frame carries the reason cut to 123 bytes; the full message goes to the status.
    this.#socket?.close(closeCode, truncateUtf8(message, MAX_CLOSE_REASON_BYTES));
    this.#finish(this.#closedStatus(closeCode, message, true));
  }

  #finish(status: ClosedStatus): void {
    this.#stopInputTimer?.();
    this.#stopInputTimer = null;
    this.#cancelDeferredInput?.();
    this.#cancelDeferredInput = null;
    this.#cancelPing?.();
    this.#cancelPing = null;
    if (this.#socket !== null) {
      this.#socket.onopen = null;
      this.#socket.onmessage = null;
      this.#socket.onclose = null;
      this.#socket.onerror = null;
    }
    this.#setStatus(status);
  }

  #ping(): void {
    this.#cancelPing = null;
    this.#send(encodePing({ clientTimeMs: this.#nowMs() }));
    this.#pingsSent++;
    const delayMs = this.#pingsSent < EARLY_PINGS ? EARLY_PING_INTERVAL_MS : this.#pingIntervalMs;
    this.#cancelPing = this.#scheduler.after(delayMs, () => this.#ping());
  }

  /**
   * Every input field of the game, from the controls set or at its default: what an Input
   * carries, and what prediction and `isUrgentChange` see, so none of them meets a missing field.
   */
  #fullControls(schema: CompiledSchema): Controls {
    const controls: Controls = {};
    for (const f of schema.input) controls[f.name] = this.#controls[f.name] ?? f.default;
    return controls;
  }

  #hasUrgentChange(): boolean {
    const sent = this.#lastSentControls;
    if (this.#welcome === null) return false;
    if (this.#isSpectator) return this.#isWatchChanged;
    return sent === null || this.#isUrgentChange(sent, this.#fullControls(this.#welcome.schema));
  }

  /** Sends an Input now, or when the minimum interval since the last one is over. */
  #sendInputSoon(): void {
    if (this.#cancelDeferredInput !== null) return;
    const waitMs = this.#lastInputAtMs + this.#minInputIntervalMs - this.#nowMs();
    if (waitMs <= 0) {
      this.#sendInput();
      return;
    }
    this.#cancelDeferredInput = this.#scheduler.after(waitMs, () => {
      this.#cancelDeferredInput = null;
      // The regular Input may have carried the change meanwhile.
      if (this.#hasUrgentChange()) this.#sendInputSoon();
    });
  }

  #sendInput(): void {
    if (this.#isSpectator) {
      this.#sendWatch();
      return;
    }
    const schema = (this.#welcome as Welcome).schema;
    const nowMs = this.#nowMs();
    this.#inputSeq += 1;
    const input: Input = {
      seq: this.#inputSeq,
      ackTick: this.#sync.ackTick,
      controls: this.#fullControls(schema),
    };
    this.#send(encodeInput(schema, input));
    this.#lastSentControls = input.controls;
    this.#lastInputAtMs = nowMs;
    this.#sync.onInputSent?.(input, nowMs);
  }

  /** A spectator's Input: its camera and its acknowledgement, at the Input rate. */
  #sendWatch(): void {
    const welcome = this.#welcome as Welcome;
    this.#send(encodeWatch(watchFor(this.#watch, welcome, this.#sync.ackTick)));
    this.#isWatchChanged = false;
    this.#lastInputAtMs = this.#nowMs();
  }

  #send(frame: Uint8Array): void {
    if (this.#socket?.readyState !== READY_STATE_OPEN) return;
    this.#socket.send(frame);
    this.traffic.bytesOut += frame.byteLength;
    this.traffic.framesOut++;
  }

  #closedStatus(closeCode: number, reason: string, isClientInitiated: boolean): ClosedStatus {
    return {
      phase: 'closed',
      url: this.#url,
      closeCode,
      reason,
      hasOpened: this.#hasOpened,
      hasJoined: this.#welcome !== null,
      isClientInitiated,
    };
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.#onStatus(status);
  }
}

/**
 * `text` cut to at most `maxBytes` of UTF-8, never in the middle of a character. (Counted by hand:
 * the protocol package uses no TextEncoder, which is not in every runtime it targets.)
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) as number;
    // A lone surrogate is sent as U+FFFD: 3 bytes, like any other BMP code point above 0x7ff.
    const charBytes = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    if (bytes + charBytes > maxBytes) break;
    bytes += charBytes;
    end += char.length;
  }
  return text.slice(0, end);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
