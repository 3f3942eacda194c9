// A bad network, simulated, for development and tests: the server (--sim-latency-ms ...) and the
// browser client (?latency=...) both delay frames with this one model.
//
// A WebSocket runs over TCP, so the model is TCP's, not UDP's: frames are never lost, reordered
// or duplicated. A "lost" packet is retransmitted, and everything sent after it waits behind it
// (head-of-line blocking): that is what loss looks like to a WebSocket game.

export interface LinkConditions {
  /** Delay added to every frame, one way, in ms. */
  latencyMs: number;
  /** Each frame's delay varies uniformly within ±jitterMs (never below zero). */
  jitterMs: number;
  /** Percentage of frames whose first transmission is lost (0..100). */
  lossPercent: number;
}

/** Extra delay of a lost frame: TCP's minimum retransmission timeout (RFC 6298 allows 200 ms). */
export const RETRANSMIT_DELAY_MS = 200;

export function isSimulating(c: LinkConditions): boolean {
  return c.latencyMs > 0 || c.jitterMs > 0 || c.lossPercent > 0;
}

/** Throws RangeError naming the bad field. */
export function validateLinkConditions(c: LinkConditions): LinkConditions {
  const check = (name: string, value: number, max: number): void => {
    if (!Number.isFinite(value) || value < 0 || value > max) {
      throw new RangeError(`${name} must be a number in 0..${max}, got ${value}`);
    }
  };
  check('latencyMs', c.latencyMs, 10_000);
  check('jitterMs', c.jitterMs, 10_000);
  check('lossPercent', c.lossPercent, 100);
  return c;
}

/**
 * One direction of a simulated link: when each frame sent into it comes out. Times are ms on
 * whatever clock the caller uses.
 */
export class SimulatedLink {
  readonly conditions: LinkConditions;
  readonly #random: () => number;
  #lastDeliveryMs = -Infinity;

  constructor(conditions: LinkConditions, random: () => number = Math.random) {
    this.conditions = validateLinkConditions(conditions);
    this.#random = random;
  }

  /** When a frame sent at `sentAtMs` is delivered: never before an earlier frame. */
  deliveryTimeMs(sentAtMs: number): number {
    const { latencyMs, jitterMs, lossPercent } = this.conditions;
    let delayMs = Math.max(0, latencyMs + jitterMs * (2 * this.#random() - 1));
    if (lossPercent > 0 && this.#random() * 100 < lossPercent) {
      // Retransmitted after the timeout; the retransmission also takes the one-way latency.
      delayMs += RETRANSMIT_DELAY_MS + latencyMs;
    }
    const atMs = Math.max(sentAtMs + delayMs, this.#lastDeliveryMs);
    this.#lastDeliveryMs = atMs;
    return atMs;
  }
}

/** Runs `fn` after `delayMs`; returns a function that cancels it. */
export type ScheduleFn = (delayMs: number, fn: () => void) => () => void;

/**
 * Frames waiting in one direction of a simulated link, delivered in order at their times with
 * one timer at a time.
 */
export class DelayLine<T> {
  readonly #link: SimulatedLink;
  readonly #nowMs: () => number;
  readonly #schedule: ScheduleFn;
  readonly #deliver: (item: T) => void;
  readonly #queue: { atMs: number; item: T }[] = [];
  #cancelTimer: (() => void) | null = null;

  constructor(
    link: SimulatedLink,
    nowMs: () => number,
    schedule: ScheduleFn,
    deliver: (item: T) => void,
  ) {
    this.#link = link;
    this.#nowMs = nowMs;
    this.#schedule = schedule;
    this.#deliver = deliver;
  }

  /** Items sent and not yet delivered. */
  get length(): number {
    return this.#queue.length;
  }

  push(item: T): void {
    this.#queue.push({ atMs: this.#link.deliveryTimeMs(this.#nowMs()), item });
    this.#arm();
  }

  /** Forgets everything queued. */
  clear(): void {
    this.#queue.length = 0;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }

  #arm(): void {
    const head = this.#queue[0];
    if (!head || this.#cancelTimer !== null) return;
    this.#cancelTimer = this.#schedule(Math.max(0, head.atMs - this.#nowMs()), () => {
      this.#cancelTimer = null;
      const now = this.#nowMs();
      while (this.#queue.length > 0 && (this.#queue[0] as { atMs: number }).atMs <= now) {
        const { item } = this.#queue.shift() as { item: T };
        this.#deliver(item);
      }
      this.#arm();
    });
  }
}
