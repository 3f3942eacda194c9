import type { MetricSink } from '../scenario/metrics.js';
import { IDLE_INPUT_HZ } from '../scenario/player.js';
import {
  planDurationS,
  targetPlayersAt,
  type LoadSettings,
  type ScenarioPlan,
} from '../scenario/plans.js';
import { seededRandom } from '../scenario/random-walk.js';
import { SwarmPlayers } from './swarm-players.js';

/**
 * One generator following a scenario plan: it asks for joins and leaves so that its share of the
 * plan's target plays at every moment (k6's ramping-vus, in players), storms when the plan says,
 * and makes every player leave (close 1000) when the plan ends. How each player joins, resumes
 * and leaves is SwarmPlayers' (swarm-players.ts). Its players report to `metrics`.
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
  /**
   * When the run started, on `nowMs`'s clock (default: when `run` is called). Generators given
   * the same moment follow the plan, storm and end together.
   */
  startMs?: number;
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

/** Generator `index`'s part of `total` players over `count` generators (the parts sum to it). */
export function shareOf(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

/**
 * The last storm due `elapsedS` into the run (0: none yet). Storm k (from 1) comes k × `everyS`
 * after the start, numbered as k6's vu-players.ts numbers them, so a player's index plus the
 * storm's number picks the same victims in both runtimes.
 */
export function stormNumberAt(elapsedS: number, everyS: number): number {
  return Math.floor(elapsedS / everyS);
}

export class Swarm {
  readonly #o: SwarmOptions;
  readonly #nowMs: () => number;
  readonly #players: SwarmPlayers;
  readonly #durationS: number;
  #startMs = 0;
  /** The last storm that came (0: none yet). */
  #lastStorm = 0;
  #target = 0;
  #isStopping = false;
  #controlTimer: NodeJS.Timeout | null = null;
  #finished: Promise<void> | null = null;
  #onPlanEnd: (() => void) | null = null;

  constructor(options: SwarmOptions) {
    this.#o = options;
    this.#nowMs = options.nowMs ?? (() => performance.now());
    this.#players = new SwarmPlayers({
      settings: options.settings,
      generator: options.generator,
      isIdle: options.isIdle,
      random: seededRandom(options.seed),
      metrics: options.metrics,
      nowMs: this.#nowMs,
      ...(options.onProblem === undefined ? {} : { onProblem: options.onProblem }),
    });
    this.#durationS = planDurationS(options.plan);
  }

  /** The plan has ended (or `stop`): players are leaving. */
  get isStopping(): boolean {
    return this.#isStopping;
  }

  counts(): SwarmCounts {
    return { ...this.#players.counts(), target: this.#target };
  }

  /** Runs the plan; resolves once it has ended (or `stop`) and every player has left. */
  run(): Promise<void> {
    if (this.#finished) return this.#finished;
    this.#startMs = this.#o.startMs ?? this.#nowMs();
    const storm = this.#o.plan.storm;
    // A generator that starts late does not storm for the moments it missed (nor does a k6 VU).
    if (storm !== null)
      this.#lastStorm = stormNumberAt((this.#nowMs() - this.#startMs) / 1000, storm.everyS);
    this.#players.start(this.#o.isIdle ? IDLE_INPUT_HZ : this.#o.settings.inputHz);
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
    const staying = this.#players.stayingCount;
    if (staying < this.#target) this.#players.join(this.#target - staying, nowMs);
    else if (staying > this.#target) this.#players.leave(staying - this.#target);
    const storm = this.#o.plan.storm;
    if (storm === null) return;
    // On the run's clock, which every generator shares (startMs): they all storm at once. A
    // storm missed by a late timer comes late; one missed entirely (a stall past the next) is
    // skipped.
    const due = stormNumberAt(elapsedS, storm.everyS);
    if (due > this.#lastStorm) {
      this.#lastStorm = due;
      this.#players.storm(due, storm.share, nowMs);
    }
  }

  async #leaveAll(): Promise<void> {
    this.#isStopping = true;
    if (this.#controlTimer) clearInterval(this.#controlTimer);
    this.#controlTimer = null;
    this.#target = 0;
    await this.#players.leaveAll();
  }
}
