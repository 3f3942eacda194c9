import { MAX_NAME_LENGTH, type Controls } from '../messages/client.js';
import type { Welcome } from '../messages/server.js';
import type { CompiledSchema } from '../schema/schema.js';
import { MAX_INT_FIELD, MIN_INT_FIELD } from '../schema/field-types.js';
import type { EntityRecord } from '../messages/snapshot.js';
import type { ViewState } from '../replica/replica.js';
import { emptyTraffic } from '../client/connection.js';
import type { ConnectionOptions, TrafficCounters } from '../client/connection.js';
import type { WatchTarget } from '../client/watch-target.js';
import type { RoomSummary } from '../messages/summary.js';
import { ReconnectingConnection } from '../client/reconnecting-connection.js';
import type { ReconnectOptions, RematchTarget } from '../client/reconnecting-connection.js';
import type { ClosedStatus, ConnectionStatus } from '../client/connection-status.js';
import type { Scheduler, WebSocketConstructor } from '../client/environment.js';
import {
  Matchmaker,
  isHttpUrl,
  isRetryableMatchmakingError,
  type MatchmakingError,
} from '../client/matchmaking.js';
import { globalNowMs, globalScheduler } from '../client/environment.js';
import type {
  FetchLike,
  JoinRoomRequest,
  MatchAnswer,
  MatchmakerOptions,
  RoomInfo,
} from '../client/matchmaking.js';
import { createRematch } from '../client/rematch.js';
import { describeClose } from './close-description.js';
import { Emitter } from './emitter.js';
import { ViewTracker } from './view-tracker.js';
import type { ReplicaCounters } from './view-tracker.js';

/** What a bot reports, with the bot itself last so one listener can serve many bots. */
export interface BotEvents {
  /** Every Welcome: the first join, and each reconnect (the view starts over after it). */
  welcome: (welcome: Welcome, bot: Bot) => void;
  /** A snapshot was applied: `view` is the bot's whole view at `view.tick`. */
  snapshot: (view: ViewState, bot: Bot) => void;
  /** The own player's record changed (moved, turned, scored) or appeared. */
  self: (self: EntityRecord, bot: Bot) => void;
  status: (status: ConnectionStatus, bot: Bot) => void;
  /** Protocol trouble the connection recovered from (a resync) or closed on. */
  warning: (message: string, bot: Bot) => void;
  /** The room's Summary arrived (a bot connected with `summary: true`): about once a second. */
  summary: (summary: RoomSummary, bot: Bot) => void;
}

export interface ConnectOptions {
  /** Player name: 1..16 characters, not only spaces, no control characters. */
  name: string;
  /**
   * The WebSocket class. Default `globalThis.WebSocket` (browsers, Node 22+); on Node 20 pass
   * the `ws` package's: `import WebSocket from 'ws'`.
   */
  WebSocket?: WebSocketConstructor;
  /** Timers; tests pass a manual one. Default the host's setTimeout/setInterval. */
  scheduler?: Scheduler;
  /** Monotonic clock in ms. Default `performance.now()`. */
  nowMs?: () => number;
  /** Backoff of the reconnects after a drop (see ReconnectOptions). */
  reconnect?: ReconnectOptions;
  /** Which control changes are sent at once (see ConnectionOptions). Default: any change. */
  isUrgentChange?: ConnectionOptions['isUrgentChange'];
  /** Through matchmaking (an http(s) URL): the game quick play asks for. Default the server's. */
  game?: string;
  /**
   * Through matchmaking: join this room (its id from a listing, or a private room's code)
   * instead of quick play.
   */
  room?: JoinRoomRequest;
  /** Through matchmaking: a bearer token (JWT) for a server that runs with auth. */
  token?: MatchmakerOptions['token'];
  /** Through matchmaking: the fetch function. Default `globalThis.fetch` (Node 20+, browsers). */
  fetch?: FetchLike;
  /**
   * Join as a spectator (protocol version 4): no player, no input; the view follows the camera
   * (`watch`, or `bot.watch()`; the world's centre until then). Default false.
   */
  spectate?: boolean;
  /** A spectating bot's first camera. */
  watch?: WatchTarget;
  /** Ask for the room's Summary once a second (protocol version 4). Default false. */
  summary?: boolean;
  onWelcome?: BotEvents['welcome'];
  onSnapshot?: BotEvents['snapshot'];
  onSelf?: BotEvents['self'];
  onStatus?: BotEvents['status'];
  onWarning?: BotEvents['warning'];
  onSummary?: BotEvents['summary'];
}

/** A player driven by code. Made by `connect`. Positions are wire units, angles wire angles. */
export interface Bot {
  /** The URL given to connect: a WebSocket endpoint, or the matchmaking base. */
  readonly url: string;
  readonly name: string;
  /**
   * Through matchmaking: the room of the last seat (a new one after the server restarted); null
   * for a direct ws:// connection, and until matchmaking answers.
   */
  readonly room: RoomInfo | null;
  /** The newest view (every entity the server lets this player see), or null before the first. */
  readonly view: ViewState | null;
  /** The own player's record in `view`, or null. */
  readonly self: EntityRecord | null;
  /**
   * The current session's Welcome (world size, tick rate, the game's schema with its kinds,
   * input and constants), or null before joining.
   */
  readonly welcome: Welcome | null;
  readonly playerId: number | null;
  readonly status: ConnectionStatus;
  /**
   * What the bot asks for now: every input field of the game, those never set at their default
   * (before the first Welcome, only what setInput set).
   */
  readonly input: Controls;
  /** Bytes, frames and applied snapshots over every connection so far. */
  readonly traffic: TrafficCounters;
  /** Checksums verified and snapshots refused, over every connection so far. */
  readonly replicaCounters: ReplicaCounters;
  /** Successful reconnects so far. */
  readonly reconnects: number;
  /**
   * Resolves with the first Welcome; rejects with an Error naming the close code and reason
   * when the connection ends before joining (server unreachable, room full, bad name...).
   */
  readonly welcomed: Promise<Welcome>;
  /** Resolves with the final status once the bot is closed for good (no more reconnects). */
  readonly closed: Promise<ClosedStatus>;
  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof BotEvents>(name: K, listener: BotEvents[K]): () => void;
  /**
   * Sets some of the game's input fields by name (Welcome.schema.input: the arena's `moveDir`,
   * `aim`, `buttons`), in wire units; the others keep their values. Throws RangeError for a name
   * the game does not have or a value outside its range. Before the first Welcome the schema is
   * not known yet: values must be integers, and what the game does not take is dropped at the
   * Welcome with a warning. Call it as often as you like: the connection sends an urgent change
   * at once (see `isUrgentChange`) and otherwise keeps to the server's input rate.
   */
  setInput(input: Controls): void;
  /** The newest room Summary (with `summary: true`), or null before the first. */
  readonly summary: RoomSummary | null;
  /** Whether the bot joins as a spectator (`spectate: true`): its playerId is then 0. */
  readonly isSpectator: boolean;
  /**
   * Points a spectating bot's camera: follow an entity, or look at a point (wire units). Kept
   * across reconnects. Throws unless the bot spectates.
   */
  watch(target: WatchTarget): void;
  /** Leaves the game (close code 1000); `closed` resolves at once. */
  close(): void;
}

/** How long a bot keeps asking matchmaking for its first seat while it answers "later". */
const FIRST_SEAT_GIVE_UP_MS = 30_000;

/**
 * Connects a bot to a tickwire server. With an http(s) URL (`http://localhost:8080`) it goes
 * through matchmaking: quick play of `options.game`, or the room `options.room`; when that server
 * restarts (4016) or wants a new seat (4015), it asks matchmaking again and carries on as a new
 * player. With a WebSocket URL (`ws://localhost:8080/ws`) it joins that process's default room
 * directly (where the server allows direct joins). Throws at once for a bad name or a missing
 * WebSocket class; everything later is reported by `welcomed`, `status` and the events.
 */
export function connect(url: string, options: ConnectOptions): Bot {
  const WebSocket = options.WebSocket ?? globalWebSocket();
  if (!WebSocket) {
    throw new Error(
      "tickwire connect(): this environment has no global WebSocket. On Node 20, pass the ws package's: " +
        "import WebSocket from 'ws'; connect(url, { name, WebSocket })",
    );
  }
  checkName(options.name);
  const bot = new ConnectedBot(url, options, WebSocket);
  bot.open();
  return bot;
}

class ConnectedBot implements Bot {
  readonly url: string;
  readonly name: string;
  readonly welcomed: Promise<Welcome>;
  readonly closed: Promise<ClosedStatus>;
  readonly #options: ConnectOptions;
  readonly #WebSocket: WebSocketConstructor;
  readonly #events = new Emitter<BotEvents>();
  readonly #tracker: ViewTracker;
  /** Null until matchmaking has answered (made at once for a ws:// URL). */
  #connection: ReconnectingConnection | null = null;
  /** The status before there is a connection: matchmaking, or closed while it answered. */
  #ownStatus: ConnectionStatus = { phase: 'idle' };
  #room: RoomInfo | null = null;
  #input: Controls = {};
  #watch: WatchTarget | null;
  #resolveWelcomed: (welcome: Welcome) => void = () => {};
  #rejectWelcomed: (error: Error) => void = () => {};
  #resolveClosed: (status: ClosedStatus) => void = () => {};

  constructor(url: string, options: ConnectOptions, WebSocket: WebSocketConstructor) {
    this.url = url;
    this.name = options.name;
    this.#options = options;
    this.#WebSocket = WebSocket;
    this.welcomed = new Promise<Welcome>((resolve, reject) => {
      this.#resolveWelcomed = resolve;
      this.#rejectWelcomed = reject;
    });
    // A bot that never awaits `welcomed` must not die of an unhandled rejection; one that does
    // still sees the rejection.
    this.welcomed.catch(() => {});
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));

    if (options.onWelcome) this.on('welcome', options.onWelcome);
    if (options.onSnapshot) this.on('snapshot', options.onSnapshot);
    if (options.onSelf) this.on('self', options.onSelf);
    if (options.onStatus) this.on('status', options.onStatus);
    if (options.onWarning) this.on('warning', options.onWarning);
    if (options.onSummary) this.on('summary', options.onSummary);

    this.#tracker = new ViewTracker({
      onWelcome: (welcome) => {
        this.#keepInputOf(welcome.schema);
        this.#resolveWelcomed(welcome);
        this.#events.emit('welcome', welcome, this);
      },
      onView: (view) => this.#events.emit('snapshot', view, this),
      onSelf: (self) => this.#events.emit('self', self, this),
      onSummary: (summary) => this.#events.emit('summary', summary, this),
    });
    this.#watch = options.watch ?? null;
  }

  open(): void {
    if (!isHttpUrl(this.url)) {
      this.#connect(this.url, null, null);
      return;
    }
    const options = this.#options;
    const matchmaker = new Matchmaker(this.url, {
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    });
    this.#setOwnStatus({ phase: 'connecting', url: this.url });
    const room = options.room ?? null;
    const ask = (): Promise<MatchAnswer> =>
      room !== null ? matchmaker.join(room) : matchmaker.quickPlay(options.game);
    const scheduler = options.scheduler ?? globalScheduler;
    const nowMs = options.nowMs ?? globalNowMs;
    const giveUpAtMs = nowMs() + FIRST_SEAT_GIVE_UP_MS;
    // The first seat is asked for again while matchmaking says "later" (429, 503, no answer):
    // a swarm started from one address, or a cluster whose Redis is restarting.
    const askUntilSeated = async (): Promise<MatchAnswer> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await ask();
        } catch (error) {
          // Only when the server answered "later": one that cannot be reached at all is
          // reported at once, as a first connection is (see ReconnectingConnection).
          const isLater =
            isRetryableMatchmakingError(error) && (error as MatchmakingError).status !== 0;
          if (!isLater || nowMs() >= giveUpAtMs) throw error;
          const retryAfterMs = (error as MatchmakingError).retryAfterMs ?? 0;
          const delayMs = Math.max(retryAfterMs, Math.min(2000, 125 * 2 ** attempt));
          await new Promise<void>((resolve) => scheduler.after(delayMs, resolve));
          if (this.#ownStatus.phase === 'closed') throw error;
        }
      }
    };
    const seat = askUntilSeated();
    seat.then(
      (answer) => {
        if (this.#ownStatus.phase === 'closed') return;
        this.#room = answer.room;
        const rematch = createRematch(matchmaker, {
          room,
          game: answer.room.game,
          onAnswer: (next: MatchAnswer) => (this.#room = next.room),
        });
        this.#connect(answer.url, answer.seat, rematch);
      },
      (error: unknown) => {
        if (this.#ownStatus.phase === 'closed') return;
        this.#setOwnStatus({
          phase: 'closed',
          url: this.url,
          // No WebSocket was opened: 1006, as for a server that cannot be reached.
          closeCode: 1006,
          reason: '',
          hasOpened: false,
          hasJoined: false,
          isClientInitiated: false,
          matchmakingError: error instanceof Error ? error.message : String(error),
        });
      },
    );
  }

  /** Opens the connection to `url` with `seat`, going back to matchmaking with `rematch`. */
  #connect(url: string, seat: string | null, rematch: (() => Promise<RematchTarget>) | null): void {
    const options = this.#options;
    const connection = new ReconnectingConnection({
      url,
      seat,
      name: options.name,
      WebSocket: this.#WebSocket,
      sync: this.#tracker,
      scheduler: options.scheduler,
      nowMs: options.nowMs,
      reconnect: options.reconnect,
      isUrgentChange: options.isUrgentChange,
      spectate: options.spectate ?? false,
      summary: options.summary ?? false,
      watch: this.#watch,
      ...(rematch !== null ? { rematch } : {}),
      onWarning: (message) => this.#events.emit('warning', message, this),
      onStatus: (status) => this.#onStatus(status),
    });
    this.#connection = connection;
    if (Object.keys(this.#input).length > 0) connection.setControls(this.#input);
    connection.open();
  }

  get room(): RoomInfo | null {
    return this.#room;
  }

  get view(): ViewState | null {
    return this.#tracker.view;
  }

  get self(): EntityRecord | null {
    return this.#tracker.self;
  }

  get welcome(): Welcome | null {
    return this.#tracker.welcome;
  }

  get playerId(): number | null {
    return this.#tracker.welcome?.playerId ?? null;
  }

  get status(): ConnectionStatus {
    return this.#connection?.status ?? this.#ownStatus;
  }

  get input(): Controls {
    const schema = this.#tracker.welcome?.schema;
    return schema ? { ...schema.idleControls, ...this.#input } : { ...this.#input };
  }

  get traffic(): TrafficCounters {
    return this.#connection?.traffic ?? emptyTraffic();
  }

  get replicaCounters(): ReplicaCounters {
    return { ...this.#tracker.counters };
  }

  get reconnects(): number {
    return this.#connection?.reconnects ?? 0;
  }

  get summary(): RoomSummary | null {
    return this.#tracker.summary;
  }

  get isSpectator(): boolean {
    return this.#options.spectate ?? false;
  }

  watch(target: WatchTarget): void {
    if (!this.isSpectator) throw new Error(`watch: bot "${this.name}" is not a spectator`);
    this.#watch = target;
    this.#connection?.watch(target);
  }

  on<K extends keyof BotEvents>(name: K, listener: BotEvents[K]): () => void {
    return this.#events.on(name, listener);
  }

  setInput(input: Controls): void {
    const schema = this.#tracker.welcome?.schema ?? null;
    for (const [name, value] of Object.entries(input)) {
      const problem = inputProblem(schema, name, value);
      if (problem !== null) throw new RangeError(`setInput: ${problem}`);
    }
    this.#input = { ...this.#input, ...input };
    this.#connection?.setControls(this.#input);
  }

  /** Drops what was set before the schema was known and the game does not take. */
  #keepInputOf(schema: CompiledSchema): void {
    const kept: Controls = {};
    for (const [name, value] of Object.entries(this.#input)) {
      const problem = inputProblem(schema, name, value);
      if (problem === null) kept[name] = value;
      else this.#events.emit('warning', `setInput before the Welcome: ${problem}; dropped`, this);
    }
    if (Object.keys(kept).length === Object.keys(this.#input).length) return;
    this.#input = kept;
    this.#connection?.setControls(kept);
  }

  close(): void {
    if (this.#connection) {
      this.#connection.close();
      return;
    }
    if (this.#ownStatus.phase === 'closed') return;
    this.#setOwnStatus({
      phase: 'closed',
      url: this.url,
      closeCode: 1000,
      reason: '',
      hasOpened: false,
      hasJoined: false,
      isClientInitiated: true,
    });
  }

  #setOwnStatus(status: ConnectionStatus): void {
    this.#ownStatus = status;
    this.#onStatus(status);
  }

  #onStatus(status: ConnectionStatus): void {
    if (status.phase === 'closed') {
      if (!status.hasJoined && this.#tracker.welcome === null) {
        this.#rejectWelcomed(
          new Error(`tickwire bot "${this.name}" did not join: ${describeClose(status)}`),
        );
      }
      this.#resolveClosed(status);
    }
    this.#events.emit('status', status, this);
  }
}

/**
 * What is wrong with setting input `name` to `value`, or null. Without a schema (before the
 * first Welcome) only that the value is an integer a field could hold.
 */
function inputProblem(schema: CompiledSchema | null, name: string, value: number): string | null {
  if (schema === null) {
    return Number.isInteger(value) && value >= MIN_INT_FIELD && value <= MAX_INT_FIELD
      ? null
      : `${name} ${value} is not an integer in wire units`;
  }
  const field = schema.input.find((f) => f.name === name);
  if (!field) {
    return `${schema.game} has no input ${name}; it takes ${schema.input.map((f) => f.name).join(', ')}`;
  }
  if (!Number.isInteger(value) || value < field.min || value > field.max) {
    return `${name} ${value} is outside ${field.min}..${field.max}`;
  }
  return null;
}

/** The checks of PROTOCOL.md's Hello, made here so a bad name fails at the call, not as a 4000. */
function checkName(name: string): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new Error('tickwire connect(): name must be a non-empty string, not only spaces');
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new Error(
      `tickwire connect(): name "${name}" is ${name.length} characters; at most ${MAX_NAME_LENGTH}`,
    );
  }
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      throw new Error('tickwire connect(): name must not contain control characters');
    }
  }
}

function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}
