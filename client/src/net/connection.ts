import {
  CloseCode,
  MessageId,
  NO_DIRECTION,
  PROTOCOL_VERSION,
  ProtocolError,
  ReplicaError,
  SUBPROTOCOL,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  encodeResync,
} from '@tickwire/protocol';
import type { Kick, ServerMessage, Snapshot, Welcome } from '@tickwire/protocol';
import type { ClosedStatus, ConnectionStatus } from './connection-status.js';
import { browserScheduler } from './socket.js';
import type { Scheduler, WebSocketConstructor, WebSocketLike } from './socket.js';

/**
 * Where snapshots go: the client's replica holder. It lives outside net/ (in game/) so the
 * renderer reads state without knowing about sockets.
 */
export interface SyncTarget {
  /** The server accepted us: start a fresh replica for this room. */
  onWelcome(welcome: Welcome, receivedAtMs: number): void;
  /** Applies a snapshot. MUST throw ReplicaError, and change nothing, when it cannot apply it. */
  applySnapshot(snapshot: Snapshot, receivedAtMs: number): void;
  /** Tick of the newest applied snapshot (acknowledged in every Input); 0 before the first. */
  readonly ackTick: number;
  /** Forgets every baseline, so the server's next snapshot must be a full one. */
  resetReplica(): void;
}

/** What the player is asking for, in wire units. */
export interface Controls {
  /** Wire angle 0..255, or NO_DIRECTION to stand still. */
  moveDir: number;
  /** Wire angle 0..255. */
  aim: number;
}

export interface ConnectionOptions {
  url: string;
  name: string;
  WebSocket: WebSocketConstructor;
  sync: SyncTarget;
  onStatus: (status: ConnectionStatus) => void;
  scheduler?: Scheduler;
  /** Monotonic client clock in milliseconds. Default `performance.now()`. */
  nowMs?: () => number;
  /** How often to send Input while nothing changes. Default 50 ms (20 Hz). */
  inputIntervalMs?: number;
}

const DEFAULT_INPUT_INTERVAL_MS = 50;
/** WebSocket.OPEN; the DOM constant is not on the injected constructor type. */
const READY_STATE_OPEN = 1;
/** Close code this client uses when the player leaves. */
const NORMAL_CLOSURE = 1000;

/**
 * One WebSocket connection to a tickwire server: handshake, snapshot intake (with Resync when a
 * baseline is missing), Input sending at a fixed rate and on every movement change, and status
 * events for the UI. One object per connection attempt: to reconnect, make a new one.
 *
 * Snapshots are applied inside the message callback. That is safe in a browser (the event loop
 * runs one callback at a time and the ArrayBuffer stays valid), and it keeps the replica
 * current in a background tab, where the render loop does not run.
 */
export class Connection {
  readonly #url: string;
  readonly #name: string;
  readonly #WebSocket: WebSocketConstructor;
  readonly #sync: SyncTarget;
  readonly #onStatus: (status: ConnectionStatus) => void;
  readonly #scheduler: Scheduler;
  readonly #nowMs: () => number;
  readonly #inputIntervalMs: number;

  #socket: WebSocketLike | null = null;
  #status: ConnectionStatus = { phase: 'idle' };
  #hasOpened = false;
  #welcome: Welcome | null = null;
  #kick: Kick | null = null;
  #stopInputTimer: (() => void) | null = null;
  #controls: Controls = { moveDir: NO_DIRECTION, aim: 0 };
  #lastSentMoveDir: number | null = null;
  #inputSeq = 0;
  /** Tick named in the last Resync, until a snapshot applies again. */
  #resyncTick: number | null = null;

  constructor(options: ConnectionOptions) {
    this.#url = options.url;
    this.#name = options.name;
    this.#WebSocket = options.WebSocket;
    this.#sync = options.sync;
    this.#onStatus = options.onStatus;
    this.#scheduler = options.scheduler ?? browserScheduler;
    this.#nowMs = options.nowMs ?? (() => performance.now());
    this.#inputIntervalMs = options.inputIntervalMs ?? DEFAULT_INPUT_INTERVAL_MS;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get welcome(): Welcome | null {
    return this.#welcome;
  }

  /** Opens the socket. Everything after this is reported through `onStatus`. */
  open(): void {
    if (this.#status.phase !== 'idle') throw new Error('Connection.open: already opened');
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#url, SUBPROTOCOL);
    } catch (error) {
      // The constructor throws SyntaxError for a malformed URL or a forbidden port.
      this.#setStatus(this.#closedStatus(1006, errorMessage(error), false));
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.#onOpen();
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onclose = (event) => this.#onClose(event.code, event.reason);
    // Every error is followed by a close event, which carries what there is to know.
    socket.onerror = () => {};
    this.#socket = socket;
    this.#setStatus({ phase: 'connecting', url: this.#url });
  }

  /**
   * Sets what the player asks for. A change of movement is sent at once; an aim change waits
   * for the next regular Input (the mouse moves far more often than 20 times a second).
   */
  setControls(controls: Controls): void {
    this.#controls = { moveDir: controls.moveDir, aim: controls.aim };
    if (this.#status.phase === 'connected' && controls.moveDir !== this.#lastSentMoveDir) {
      this.#sendInput();
    }
  }

  /** Leaves the game. The status becomes 'closed' at once. */
  close(): void {
    if (this.#status.phase === 'closed' || this.#status.phase === 'idle') return;
    this.#socket?.close(NORMAL_CLOSURE, 'leaving');
    this.#finish(this.#closedStatus(NORMAL_CLOSURE, '', true));
  }

  #onOpen(): void {
    this.#hasOpened = true;
    this.#send(
      encodeHello({ protocolVersion: PROTOCOL_VERSION, name: this.#name, resumeToken: null }),
    );
    this.#setStatus({ phase: 'handshaking', url: this.#url });
  }

  #onMessage(data: unknown): void {
    if (this.#status.phase === 'closed') return;
    if (!(data instanceof ArrayBuffer)) {
      this.#fail(CloseCode.MalformedFrame, 'the server sent a text frame');
      return;
    }
    let decoded: ServerMessage;
    try {
      decoded = decodeServerMessage(new Uint8Array(data));
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#fail(error.closeCode, `unreadable server message: ${error.message}`);
      return;
    }
    switch (decoded.id) {
      case MessageId.Welcome:
        this.#onWelcome(decoded.message);
        return;
      case MessageId.Snapshot:
        this.#onSnapshot(decoded.message);
        return;
      case MessageId.Kick:
        // The close frame follows with the same code; keep the reason for it.
        this.#kick = decoded.message;
        return;
      case MessageId.Pong:
        // This client sends no Ping yet (clock sync comes with interpolation).
        return;
    }
  }

  #onWelcome(welcome: Welcome): void {
    if (this.#welcome !== null) {
      this.#fail(CloseCode.HandshakeViolation, 'the server sent a second Welcome');
      return;
    }
    this.#welcome = welcome;
    this.#sync.onWelcome(welcome, this.#nowMs());
    this.#setStatus({ phase: 'connected', url: this.#url, playerId: welcome.playerId });
    this.#stopInputTimer = this.#scheduler.every(this.#inputIntervalMs, () => this.#sendInput());
    this.#sendInput();
  }

  #onSnapshot(snapshot: Snapshot): void {
    if (this.#welcome === null) {
      this.#fail(CloseCode.HandshakeViolation, 'the server sent a Snapshot before Welcome');
      return;
    }
    try {
      this.#sync.applySnapshot(snapshot, this.#nowMs());
      this.#resyncTick = null;
    } catch (error) {
      if (!(error instanceof ReplicaError)) throw error;
      this.#onReplicaError(error, this.#welcome.tickHz);
    }
  }

  #onReplicaError(error: ReplicaError, tickHz: number): void {
    if (error.code !== 'MissingBaseline') {
      // A desync or a contradictory delta: a bug somewhere, but the game can go on from a full
      // snapshot. Forget every baseline so nothing built on the bad view survives.
      console.warn(`tickwire: ${error.code} at tick ${error.tick}: ${error.message}; resyncing`);
      this.#sync.resetReplica();
    }
    // Deltas on the missing baseline keep coming until the server has read the Resync: ask once,
    // and again only if a second's worth of ticks goes by without a snapshot that applies.
    if (this.#resyncTick !== null && error.tick - this.#resyncTick < tickHz) return;
    this.#resyncTick = error.tick;
    this.#send(encodeResync({ tick: error.tick }));
  }

  #onClose(code: number, reason: string): void {
    if (this.#status.phase === 'closed') return;
    // The Kick names the code and reason even when the close frame's reason was cut short.
    const closeCode = this.#kick?.closeCode ?? code;
    const closeReason =
      this.#kick !== null && this.#kick.reason !== '' ? this.#kick.reason : reason;
    this.#finish(this.#closedStatus(closeCode, closeReason, false));
  }

  /** Closes the connection because the server broke the protocol. */
  #fail(closeCode: number, message: string): void {
    console.error(`tickwire: ${message}`);
    // A close reason is limited to 123 bytes; the full message goes to the status.
    this.#socket?.close(closeCode, 'protocol error');
    this.#finish(this.#closedStatus(closeCode, message, true));
  }

  #finish(status: ClosedStatus): void {
    this.#stopInputTimer?.();
    this.#stopInputTimer = null;
    if (this.#socket !== null) {
      this.#socket.onopen = null;
      this.#socket.onmessage = null;
      this.#socket.onclose = null;
      this.#socket.onerror = null;
    }
    this.#setStatus(status);
  }

  #sendInput(): void {
    this.#inputSeq += 1;
    const { moveDir, aim } = this.#controls;
    this.#send(
      encodeInput({ seq: this.#inputSeq, ackTick: this.#sync.ackTick, moveDir, aim, buttons: 0 }),
    );
    this.#lastSentMoveDir = moveDir;
  }

  #send(frame: Uint8Array): void {
    if (this.#socket?.readyState === READY_STATE_OPEN) this.#socket.send(frame);
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
