import { WebSocket } from 'k6/websockets';
import { Matchmaker, PLAYER_SUBPROTOCOL, isHttpUrl } from '@tickwire/protocol';
import type { MetricSink } from '../../src/scenario/metrics.js';
import { ScenarioPlayer, type PlayerClose, type PlayerSocket } from '../../src/scenario/player.js';
import type { LoadSettings, ScenarioPlan } from '../../src/scenario/plans.js';
import { quickPlayWithRetry } from '../../src/scenario/quick-play.js';
import { seededRandom } from '../../src/scenario/random-walk.js';
import { closedSocketOf } from './close-code.js';
import { clearInterval, setInterval } from './global-timers.js';
import { k6Fetch } from './k6-fetch.js';
import { isInShare } from '../../src/scenario/shares.js';

/**
 * One VU's iteration: its players join (through matchmaking, or straight to a ws:// URL), play
 * until the scenario's last stage ends, storm when the plan says, then leave. Everything runs on
 * the VU's event loop: sockets from k6/websockets, matchmaking over http.asyncRequest, and ONE
 * interval timer for all the VU's players. The iteration ends when the timer is cleared and every
 * socket has closed, which is how k6 knows the VU is done.
 *
 * A slot whose connection the server closed (a kick, or a join refused before its Welcome) is
 * refilled as the Node swarm refills it: REFILL_PAUSE_MS later a new player joins in its place
 * (through matchmaking when the URL is http), again and again until the run's end, so kicks do
 * not wear the load down. A join that fails before any socket opened (no seat, refused connect)
 * counts as a failed join and is retried the same way.
 */

export interface VuPlayersOptions {
  plan: ScenarioPlan;
  settings: LoadSettings;
  metrics: MetricSink;
  /** exec.vu.idInTest (from 1). */
  vuId: number;
  /** exec.vu.iterationInScenario. */
  iteration: number;
  /** Index of this VU's first player among all players (verify and storm shares go by it). */
  firstPlayerIndex: number;
  playerCount: number;
  /** exec.scenario.startTime: when the scenario started, ms since the epoch. */
  scenarioStartMs: number;
  /** When the plan's last stage ends, ms since the epoch: the players leave then. */
  endMs: number;
}

/** One WebSocket of a slot. */
interface Connection {
  readonly ws: WebSocket;
  /** Its open event came: the player has it, and any close of it is a close, not a failed join. */
  hasOpened: boolean;
  /**
   * No longer the slot's: its events are dropped, and if it opens it is closed at once. Set at
   * the run's end on a connection still CONNECTING, which MUST NOT be closed before it opens.
   */
  isDetached: boolean;
  /** Message of its last `error` event (k6 before v1.5 carries close codes there: close-code.ts). */
  lastError: string | null;
}

/** A player and its current connection. */
interface PlayerSlot {
  player: ScenarioPlayer;
  /** Among all players of the test. */
  readonly index: number;
  /** Among this VU's players. */
  readonly number: number;
  /** Players this slot has had before this one (refills). */
  refills: number;
  /** The process that holds its room: a resume goes back there. */
  wsUrl: string | null;
  connection: Connection | null;
  /** When the storm dropped it: the resume's time counts from then. */
  droppedAtMs: number | null;
  /** When a new player takes the slot, after the server closed the last one's connection. */
  refillAtMs: number | null;
}

/** WebSocket readyState (k6 follows the browser's). */
const OPEN = 1;
const NORMAL_CLOSURE = 1000;
/** After the server closed a player's connection, a new player joins in its slot this much later. */
const REFILL_PAUSE_MS = 1000;
/** Protocol problems logged per VU iteration; the metrics count every one. */
const MAX_LOGGED_PROBLEMS = 5;

/** The player's frames as k6 sends them: an ArrayBuffer of exactly the frame's bytes. */
function toArrayBuffer(frame: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(frame.byteLength);
  copy.set(frame);
  return copy.buffer;
}

export class VuPlayers {
  readonly #options: VuPlayersOptions;
  readonly #slots: PlayerSlot[] = [];
  readonly #matchmaker: Matchmaker | null;
  #timer: number | undefined;
  #isFinished = false;
  #nextStormMs = Number.POSITIVE_INFINITY;
  #stormIndex = 0;
  #problemsLogged = 0;

  constructor(options: VuPlayersOptions) {
    this.#options = options;
    const { settings } = options;
    this.#matchmaker = isHttpUrl(settings.url)
      ? new Matchmaker(settings.url, { fetch: k6Fetch, token: settings.token })
      : null;
  }

  /** Joins every player and starts the VU's timer. */
  start(nowMs: number): void {
    const o = this.#options;
    for (let i = 0; i < o.playerCount; i++) {
      const index = o.firstPlayerIndex + i;
      const slot: PlayerSlot = {
        player: this.#newPlayer(index, i, 0, nowMs),
        index,
        number: i,
        refills: 0,
        wsUrl: null,
        connection: null,
        droppedAtMs: null,
        refillAtMs: null,
      };
      this.#slots.push(slot);
      this.#join(slot, false, nowMs);
    }
    const storm = o.plan.storm;
    if (storm !== null) {
      const everyMs = storm.everyS * 1000;
      // Storms are on the scenario's clock, so every VU storms at the same moment.
      this.#stormIndex = Math.floor((nowMs - o.scenarioStartMs) / everyMs) + 1;
      this.#nextStormMs = o.scenarioStartMs + this.#stormIndex * everyMs;
    }
    this.#timer = setInterval(() => this.#onTimer(Date.now()), 1000 / o.settings.inputHz);
  }

  #newPlayer(index: number, number: number, refills: number, nowMs: number): ScenarioPlayer {
    const o = this.#options;
    return new ScenarioPlayer(
      {
        name: `k6-${o.vuId}-${number}`,
        isVerifying: isInShare(index, o.settings.verifyShare),
        // Seeded per VU, iteration, player and refill: a rerun walks the same way.
        random: seededRandom(o.vuId * 1_000_003 + o.iteration * 7919 + number + refills * 104_729),
        metrics: o.metrics,
        onProblem: (message) => this.#logProblem(message),
      },
      nowMs,
    );
  }

  #onTimer(nowMs: number): void {
    if (nowMs >= this.#options.endMs) {
      this.#finish();
      return;
    }
    if (nowMs >= this.#nextStormMs) this.#storm(nowMs);
    for (const slot of this.#slots) {
      if (slot.refillAtMs !== null && nowMs >= slot.refillAtMs) this.#refill(slot, nowMs);
      slot.player.tick(nowMs);
    }
  }

  /** The storm: every playing player in this storm's share drops and resumes at once. */
  #storm(nowMs: number): void {
    const storm = this.#options.plan.storm;
    if (storm === null) return;
    for (const slot of this.#slots) {
      if (!slot.player.isPlaying || !isInShare(slot.index + this.#stormIndex, storm.share))
        continue;
      slot.droppedAtMs = nowMs;
      // Closes with 3000; the resume starts when the close completes (#onClosed).
      slot.player.drop();
    }
    this.#stormIndex++;
    this.#nextStormMs = this.#options.scenarioStartMs + this.#stormIndex * storm.everyS * 1000;
  }

  /** A new player in the slot of one the server closed: a fresh join, not a resume. */
  #refill(slot: PlayerSlot, nowMs: number): void {
    slot.refillAtMs = null;
    slot.refills++;
    slot.player = this.#newPlayer(slot.index, slot.number, slot.refills, nowMs);
    slot.wsUrl = null;
    this.#join(slot, false, nowMs);
  }

  /** The end: the timer stops and every player leaves, so the iteration can end. */
  #finish(): void {
    this.#isFinished = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const slot of this.#slots) {
      slot.droppedAtMs = null;
      slot.refillAtMs = null;
      // A join (or resume) still waiting for its seat or its Welcome never made it: a failure,
      // or a run against a server that never answers would pass every threshold.
      if (slot.player.phase === 'joining')
        slot.player.joinFailed('no Welcome by the end of the run');
      const connection = slot.connection;
      if (connection !== null && !connection.hasOpened) {
        // MUST NOT close a socket still CONNECTING: k6's close() then blocks this VU until the
        // handshake ends (k6-sandbox/websocket.ts), for good if it never does. Its onopen closes it.
        connection.isDetached = true;
        slot.connection = null;
      }
      // Closes an open connection with 1000 (the server removes the player at once).
      slot.player.leave();
    }
  }

  #join(slot: PlayerSlot, isResume: boolean, startedMs: number): void {
    const player = slot.player;
    player.beginJoin(startedMs, isResume);
    if (isResume || this.#matchmaker === null) {
      this.#open(slot, slot.wsUrl ?? this.#options.settings.url, null);
      return;
    }
    quickPlayWithRetry(this.#matchmaker, this.#options.settings.game, {
      // Once the test is over, the retries' deadline has passed.
      nowMs: () => (this.#isFinished ? Number.POSITIVE_INFINITY : Date.now()),
    }).then(
      (answer) => {
        if (this.#isFinished || slot.player !== player) return;
        this.#open(slot, answer.url, answer.seat);
      },
      (error: unknown) => {
        if (this.#isFinished || slot.player !== player) return;
        player.joinFailed(error instanceof Error ? error.message : String(error));
        this.#refillLater(slot);
      },
    );
  }

  #open(slot: PlayerSlot, url: string, seat: string | null): void {
    slot.wsUrl = url;
    const player = slot.player;
    // k6 sends the subprotocols of its second argument (since v0.52), although @types/k6 types
    // that argument as null ("reserved for future use"): without tickwire.v3 the server closes 4009.
    const ws = new WebSocket(url, PLAYER_SUBPROTOCOL as unknown as null);
    ws.binaryType = 'arraybuffer';
    const connection: Connection = { ws, hasOpened: false, isDetached: false, lastError: null };
    slot.connection = connection;
    const socket: PlayerSocket = {
      // k6 throws on send unless the socket is open (the player may tick while its close runs).
      send: (frame) => {
        if (ws.readyState === OPEN) ws.send(toArrayBuffer(frame));
      },
      // The player closes only a socket it has, which is one that has opened.
      close: (code, reason) => ws.close(code, reason),
    };
    ws.onopen = () => {
      connection.hasOpened = true;
      if (connection.isDetached) {
        ws.close(NORMAL_CLOSURE, 'leaving');
        return;
      }
      player.opened(socket, seat, Date.now());
    };
    ws.onmessage = (event) => {
      if (connection.isDetached || event === undefined) return;
      const data = event.data;
      // The server sends binary frames only; k6 hands them over as ArrayBuffers.
      if (data instanceof ArrayBuffer) player.received(new Uint8Array(data), Date.now());
    };
    ws.onerror = (event) => {
      if (connection.isDetached) return;
      connection.lastError = typeof event?.error === 'string' ? event.error : 'error';
    };
    ws.onclose = (event?: unknown) => {
      if (connection.isDetached) return;
      connection.isDetached = true;
      slot.connection = null;
      if (!connection.hasOpened) {
        // Refused, or the handshake failed: no connection ever was, so no kick (as the Node swarm
        // counts it): a failed join, with k6's reason.
        const { code } = closedSocketOf(event, connection.lastError);
        player.joinFailed(connection.lastError ?? `closed with ${code} before it opened`);
        this.#refillLater(slot);
        return;
      }
      const { code, reason } = closedSocketOf(event, connection.lastError);
      this.#onClosed(slot, player.closed(code, reason));
    };
  }

  #onClosed(slot: PlayerSlot, closed: PlayerClose): void {
    const droppedAtMs = slot.droppedAtMs;
    slot.droppedAtMs = null;
    if (this.#isFinished) return;
    if (!closed.byPlayer) {
      this.#refillLater(slot);
      return;
    }
    // The storm's drop completed: resume at the same process with the token, timed from the drop.
    if (droppedAtMs !== null) this.#join(slot, true, droppedAtMs);
  }

  /**
   * A new player takes the slot after a pause: the server closed its player, or its join failed
   * (no seat, refused connect), as the Node swarm retries after a failed join or a kick.
   */
  #refillLater(slot: PlayerSlot): void {
    if (!this.#isFinished) slot.refillAtMs = Date.now() + REFILL_PAUSE_MS;
  }

  #logProblem(message: string): void {
    if (this.#problemsLogged > MAX_LOGGED_PROBLEMS) return;
    this.#problemsLogged++;
    console.warn(
      this.#problemsLogged > MAX_LOGGED_PROBLEMS
        ? `VU ${this.#options.vuId}: more problems, not logged (the metrics count them)`
        : `VU ${this.#options.vuId}: ${message}`,
    );
  }
}
