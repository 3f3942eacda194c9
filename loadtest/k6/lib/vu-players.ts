import { WebSocket } from 'k6/websockets';
import { Matchmaker, SUBPROTOCOL, isHttpUrl } from '@tickwire/protocol';
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

/** A player and its current connection. */
interface PlayerSlot {
  player: ScenarioPlayer;
  /** Among all players of the test. */
  index: number;
  /** The process that holds its room: a resume goes back there. */
  wsUrl: string | null;
  /** The connection whose events count; events of any other are stale and dropped. */
  socket: WebSocket | null;
  /** Message of the connection's last `error` event (older k6 carries close codes there). */
  lastError: string | null;
  /** When the storm dropped it: the resume's time counts from then. */
  droppedAtMs: number | null;
}

/** WebSocket readyState values (k6 follows the browser's). */
const CONNECTING = 0;
const OPEN = 1;
const NORMAL_CLOSURE = 1000;
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
      // Seeded per VU, iteration and player: a rerun walks the same way.
      const random = seededRandom(o.vuId * 1_000_003 + o.iteration * 7919 + i);
      const player = new ScenarioPlayer(
        {
          name: `k6-${o.vuId}-${i}`,
          isVerifying: isInShare(index, o.settings.verifyShare),
          random,
          metrics: o.metrics,
          onProblem: (message) => this.#logProblem(message),
        },
        nowMs,
      );
      const slot: PlayerSlot = {
        player,
        index,
        wsUrl: null,
        socket: null,
        lastError: null,
        droppedAtMs: null,
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

  #onTimer(nowMs: number): void {
    if (nowMs >= this.#options.endMs) {
      this.#finish();
      return;
    }
    if (nowMs >= this.#nextStormMs) this.#storm(nowMs);
    for (const slot of this.#slots) slot.player.tick(nowMs);
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

  /** The end: the timer stops and every player leaves, so the iteration can end. */
  #finish(): void {
    this.#isFinished = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const slot of this.#slots) {
      slot.droppedAtMs = null;
      // A join (or resume) still waiting for its seat or its Welcome never made it: a failure,
      // or a run against a server that never answers would pass every threshold.
      if (slot.player.phase === 'joining')
        slot.player.joinFailed('no Welcome by the end of the run');
      slot.player.leave();
      const socket = slot.socket;
      if (socket !== null && socket.readyState === CONNECTING) {
        // Not opened yet, so not the player's to close: closed here, its events dropped.
        slot.socket = null;
        socket.close(NORMAL_CLOSURE, 'leaving');
      }
    }
  }

  #join(slot: PlayerSlot, isResume: boolean, startedMs: number): void {
    slot.player.beginJoin(startedMs, isResume);
    if (isResume || this.#matchmaker === null) {
      this.#open(slot, slot.wsUrl ?? this.#options.settings.url, null);
      return;
    }
    quickPlayWithRetry(this.#matchmaker, this.#options.settings.game, {
      // Once the test is over, the retries' deadline has passed.
      nowMs: () => (this.#isFinished ? Number.POSITIVE_INFINITY : Date.now()),
    }).then(
      (answer) => {
        if (this.#isFinished) return;
        slot.wsUrl = answer.url;
        this.#open(slot, answer.url, answer.seat);
      },
      (error: unknown) => {
        if (this.#isFinished) return;
        slot.player.joinFailed(error instanceof Error ? error.message : String(error));
      },
    );
  }

  #open(slot: PlayerSlot, url: string, seat: string | null): void {
    slot.wsUrl = url;
    // k6 sends the subprotocols of its second argument (since v0.52), although @types/k6 types
    // that argument as null ("reserved for future use"): without tickwire.v3 the server closes 4009.
    const ws = new WebSocket(url, SUBPROTOCOL as unknown as null);
    ws.binaryType = 'arraybuffer';
    slot.socket = ws;
    slot.lastError = null;
    const socket: PlayerSocket = {
      // k6 throws on send unless the socket is open (the player may tick while its close runs).
      send: (frame) => {
        if (ws.readyState === OPEN) ws.send(toArrayBuffer(frame));
      },
      close: (code, reason) => ws.close(code, reason),
    };
    ws.onopen = () => {
      if (slot.socket !== ws) return;
      slot.player.opened(socket, seat, Date.now());
    };
    ws.onmessage = (event) => {
      if (slot.socket !== ws || event === undefined) return;
      const data = event.data;
      // The server sends binary frames only; k6 hands them over as ArrayBuffers.
      if (data instanceof ArrayBuffer) slot.player.received(new Uint8Array(data), Date.now());
    };
    ws.onerror = (event) => {
      if (slot.socket !== ws) return;
      slot.lastError = typeof event?.error === 'string' ? event.error : 'error';
    };
    ws.onclose = (event?: unknown) => {
      if (slot.socket !== ws) return;
      slot.socket = null;
      const { code, reason } = closedSocketOf(event, slot.lastError);
      this.#onClosed(slot, slot.player.closed(code, reason));
    };
  }

  #onClosed(slot: PlayerSlot, closed: PlayerClose): void {
    const droppedAtMs = slot.droppedAtMs;
    slot.droppedAtMs = null;
    if (this.#isFinished || !closed.byPlayer || droppedAtMs === null) return;
    // The storm's drop completed: resume at the same process with the token, timed from the drop.
    this.#join(slot, true, droppedAtMs);
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
