import type { MetricSink } from '../scenario/metrics.js';
import { IDLE_INPUT_HZ, ScenarioPlayer, type PlayerClose } from '../scenario/player.js';
import {
  planDurationS,
  targetPlayersAt,
  type LoadSettings,
  type ScenarioPlan,
} from '../scenario/plans.js';
import { seededRandom } from '../scenario/random-walk.js';
import { startInputClock, type InputClock } from './input-clock.js';
import { connectPlayer, type JoinTarget, type PlayerLink } from './node-socket.js';
import { seatSource, type SeatSource } from './seats.js';
import { isInShare } from '../scenario/shares.js';

/**
 * One generator's players, following a scenario plan: it starts and ends players so that its
 * share of the plan's target plays at every moment (k6's ramping-vus, in players), joins them
 * through matchmaking or straight to a process, drops and resumes them in the storm, and makes
 * every one leave (close 1000) when the plan ends. Its players report to `metrics`.
 */

export interface SwarmOptions {
  plan: ScenarioPlan;
  settings: LoadSettings;
  /** This generator of `count`: it plays its share of every target (see shareOf). */
  generator: { index: number; count: number };
  seed: number;
  /** Players stand still and send an Input (with the acknowledgement) twice a second. */
  isIdle: boolean;
  metrics: MetricSink;
  onProblem?: (message: string) => void;
  nowMs?: () => number;
}

export interface SwarmCounts {
  /** Joined and not closed. */
  playing: number;
  /** Waiting for a seat or a Welcome, or resuming. */
  joining: number;
  /** This generator's share of the plan's target now. */
  target: number;
}

/** How often the swarm moves towards the plan's target (and checks the storm). */
const CONTROL_MS = 100;
/** Joins (matchmaking request + connect + Welcome) one generator has under way at most. */
const MAX_JOINS_IN_FLIGHT = 100;
/** After a failed join, new joins wait this long (a refusing server is not hammered). */
const JOIN_BACKOFF_MS = 1000;
/** A join (or resume) with no Welcome this long after its connect fails. */
const JOIN_TIMEOUT_MS = 15_000;
/** At the end, players that have not closed this long after leaving are dropped. */
const LEAVE_TIMEOUT_MS = 3000;

/** Generator `index`'s part of `total` players over `count` generators (the parts sum to it). */
export function shareOf(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

/**
 * Whether index `i` falls in the first `share` (0..1) of every run of consecutive indices: which
 * players verify (player number), and which drop in a storm (player number + storm number, so
 * each storm takes others). The k6 scripts choose by the same rule (k6/lib/vu-players.ts).
 */

class Slot {
  readonly player: ScenarioPlayer;
  /** The player's number in this generator (from 0). */
  readonly number: number;
  /** Index in the swarm's slots, -1 once removed. */
  index = -1;
  link: PlayerLink | null = null;
  /** The process the player joined (a resume goes back there). */
  url: string | null = null;
  isLeaving = false;
  /** Why matchmaking last refused it (it was asked again), while it waits for a seat. */
  lastRefusal: string | null = null;
  /** When the storm dropped it (it resumes when its connection has closed), or null. */
  droppedAtMs: number | null = null;

  constructor(player: ScenarioPlayer, number: number) {
    this.player = player;
    this.number = number;
  }

  tick(nowMs: number): void {
    this.player.tick(nowMs);
  }
}

export class Swarm {
  readonly #o: SwarmOptions;
  readonly #nowMs: () => number;
  readonly #random: () => number;
  readonly #seats: SeatSource;
  readonly #durationS: number;
  /** Every player not yet gone: joining, playing, dropped and resuming, leaving. */
  readonly #slots: Slot[] = [];
  #joinsInFlight = 0;
  #playersMade = 0;
  #startMs = 0;
  #nextStormS = Number.POSITIVE_INFINITY;
  #storms = 0;
  #joinsPausedUntilMs = 0;
  #target = 0;
  #isStopping = false;
  #controlTimer: NodeJS.Timeout | null = null;
  #inputClock: InputClock | null = null;
  #finished: Promise<void> | null = null;
  #onPlanEnd: (() => void) | null = null;

  constructor(options: SwarmOptions) {
    this.#o = options;
    this.#nowMs = options.nowMs ?? (() => performance.now());
    this.#random = seededRandom(options.seed);
    this.#seats = seatSource(options.settings.url, options.settings.game, options.settings.token);
    this.#durationS = planDurationS(options.plan);
  }

  /** The plan has ended (or `stop`): players are leaving. */
  get isStopping(): boolean {
    return this.#isStopping;
  }

  counts(): SwarmCounts {
    let playing = 0;
    for (const s of this.#slots) if (s.player.isPlaying && !s.isLeaving) playing++;
    const joining = this.#slots.filter((s) => !s.isLeaving).length - playing;
    return { playing, joining, target: this.#target };
  }

  /** Runs the plan; resolves once it has ended (or `stop`) and every player has left. */
  run(): Promise<void> {
    if (this.#finished) return this.#finished;
    this.#startMs = this.#nowMs();
    const storm = this.#o.plan.storm;
    this.#nextStormS = storm === null ? Number.POSITIVE_INFINITY : storm.everyS;
    const hz = this.#o.isIdle ? IDLE_INPUT_HZ : this.#o.settings.inputHz;
    this.#inputClock = startInputClock(this.#slots, hz, this.#nowMs);
    this.#finished = new Promise<void>((resolve) => {
      this.#onPlanEnd = resolve;
    }).then(() => this.#leaveAll());
    this.#controlTimer = setInterval(() => this.#control(), CONTROL_MS);
    this.#control();
    return this.#finished;
  }

  /** Ends the run now: every player leaves. */
  stop(): void {
    if (this.#onPlanEnd === null) return;
    this.#isStopping = true;
    this.#onPlanEnd();
  }

  #control(): void {
    const nowMs = this.#nowMs();
    const elapsedS = (nowMs - this.#startMs) / 1000;
    if (elapsedS >= this.#durationS) {
      this.stop();
      return;
    }
    const { index, count } = this.#o.generator;
    this.#target = shareOf(targetPlayersAt(this.#o.plan, elapsedS), index, count);
    const staying = this.#slots.filter((s) => !s.isLeaving);
    if (staying.length < this.#target && nowMs >= this.#joinsPausedUntilMs) {
      const room = MAX_JOINS_IN_FLIGHT - this.#joinsInFlight;
      for (let i = Math.min(room, this.#target - staying.length); i > 0; i--) this.#join(nowMs);
    } else if (staying.length > this.#target) {
      // The newest players leave first (k6 stops its highest VUs first); those still joining or
      // resuming leave at a later step, once they play.
      const leaving = staying
        .filter((s) => s.player.isPlaying && s.droppedAtMs === null)
        .sort((a, b) => b.number - a.number)
        .slice(0, staying.length - this.#target);
      for (const slot of leaving) {
        slot.isLeaving = true;
        slot.player.leave();
      }
    }
    // Storms are on the run's clock: every generator storms at the same moments.
    if (elapsedS >= this.#nextStormS) {
      this.#storm(nowMs);
      this.#nextStormS += this.#o.plan.storm?.everyS ?? Number.POSITIVE_INFINITY;
    }
  }

  /** The storm's share of the playing players drop at once; each resumes once closed. */
  #storm(nowMs: number): void {
    const share = this.#o.plan.storm?.share ?? 0;
    const storm = this.#storms++;
    for (const slot of this.#slots) {
      if (!slot.player.isPlaying || slot.isLeaving || slot.droppedAtMs !== null) continue;
      if (!isInShare(slot.number + storm, share)) continue;
      slot.droppedAtMs = nowMs;
      slot.player.drop();
    }
  }

  #join(nowMs: number): void {
    const n = this.#playersMade++;
    const player = new ScenarioPlayer(
      {
        name: `g${this.#o.generator.index}p${n}`,
        isVerifying: isInShare(n, this.#o.settings.verifyShare),
        isIdle: this.#o.isIdle,
        random: this.#random,
        metrics: this.#o.metrics,
        onProblem: (message) => this.#o.onProblem?.(message),
      },
      nowMs,
    );
    const slot = new Slot(player, n);
    this.#add(slot);
    this.#joinsInFlight++;
    player.beginJoin(nowMs);
    this.#seats
      .next((refusal) => {
        slot.lastRefusal = refusal.message;
      })
      .then(
        (seat) => {
          if (this.#isStopping) {
            this.#joinsInFlight--;
            this.#remove(slot);
            return;
          }
          slot.url = seat.url;
          this.#connect(slot, seat);
        },
        (error: unknown) => {
          this.#joinsInFlight--;
          this.#remove(slot);
          if (this.#isStopping) return;
          player.joinFailed(error instanceof Error ? error.message : String(error));
          this.#joinsPausedUntilMs = this.#nowMs() + JOIN_BACKOFF_MS;
        },
      );
  }

  /** Connects a player that has begun its join (or resume); counted in flight until it settles. */
  #connect(slot: Slot, target: JoinTarget): void {
    const link = connectPlayer(slot.player, target, {
      joinTimeoutMs: JOIN_TIMEOUT_MS,
      nowMs: this.#nowMs,
      onClose: (close) => this.#onClosed(slot, close),
    });
    slot.link = link;
    link.joined.then(
      () => {
        this.#joinsInFlight--;
      },
      () => {
        this.#joinsInFlight--;
        this.#remove(slot);
        if (!this.#isStopping) this.#joinsPausedUntilMs = this.#nowMs() + JOIN_BACKOFF_MS;
      },
    );
  }

  #onClosed(slot: Slot, close: PlayerClose): void {
    const droppedAtMs = slot.droppedAtMs;
    slot.droppedAtMs = null;
    if (droppedAtMs !== null && close.byPlayer && !this.#isStopping && slot.url !== null) {
      // The storm: back to the same process with the resume token (tokens are per process),
      // timed from the drop.
      this.#joinsInFlight++;
      slot.player.beginJoin(droppedAtMs, true);
      this.#connect(slot, { url: slot.url, seat: null });
      return;
    }
    this.#remove(slot);
  }

  #add(slot: Slot): void {
    slot.index = this.#slots.length;
    this.#slots.push(slot);
  }

  /** Swap-remove (the input clock's groups need no order); a no-op once removed. */
  #remove(slot: Slot): void {
    const i = slot.index;
    if (i < 0) return;
    const last = this.#slots.pop() as Slot;
    if (last !== slot) {
      this.#slots[i] = last;
      last.index = i;
    }
    slot.index = -1;
  }

  async #leaveAll(): Promise<void> {
    this.#isStopping = true;
    if (this.#controlTimer) clearInterval(this.#controlTimer);
    this.#controlTimer = null;
    this.#target = 0;
    const closing: Promise<void>[] = [];
    for (const slot of [...this.#slots]) {
      const link = slot.link;
      if (slot.player.isPlaying && link !== null) {
        slot.isLeaving = true;
        slot.player.leave();
        closing.push(link.closed);
        continue;
      }
      // Still waiting for a seat or a Welcome: the run is over without it, which is a failed
      // join (else a server that seats nobody would pass every threshold).
      if (slot.player.phase === 'joining') {
        const refused = slot.lastRefusal === null ? '' : ` (matchmaking: ${slot.lastRefusal})`;
        slot.player.joinFailed(`no Welcome by the end of the run${refused}`);
      }
      link?.abandon();
    }
    let timer: NodeJS.Timeout | null = null;
    await Promise.race([
      Promise.all(closing),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LEAVE_TIMEOUT_MS);
      }),
    ]);
    if (timer) clearTimeout(timer);
    for (const slot of [...this.#slots]) slot.link?.abandon();
    this.#inputClock?.stop();
    this.#inputClock = null;
  }
}
