import { RateLimiter } from '../net/rate-limiter.js';

export interface RequestLimitsOptions {
  /** Matchmaking requests one address may make a second, on average; 0 = no limit. */
  ratePerSec: number;
  /** Requests above the rate one address may make at once. */
  burst: number;
  /**
   * Joins by a code that names no room one address may make a minute: a private room's code is
   * its only key, and guessing one is a flood of misses.
   */
  missesPerMinute: number;
  nowMs: () => number;
}

interface AddressBuckets {
  requests: RateLimiter;
  misses: RateLimiter;
  lastSeenMs: number;
}

/** Addresses not seen for this long are forgotten (their buckets are full again by then). */
const FORGET_AFTER_MS = 60_000;
/** Every this many requests, forgotten addresses are swept, so the map stays bounded. */
const SWEEP_EVERY = 1000;

/**
 * Per-address token buckets for matchmaking (an IPv4 address or an IPv6 /64, as the connection
 * limits count them): one for every request, and a stricter one for joins by an unknown code.
 * Without them one client could open rooms faster than heartbeats count them (filling every
 * process's --max-rooms), or guess private rooms' codes.
 */
export class RequestLimits {
  readonly #options: RequestLimitsOptions;
  readonly #byAddress = new Map<string, AddressBuckets>();
  #sinceSweep = 0;

  constructor(options: RequestLimitsOptions) {
    this.#options = options;
  }

  /** Takes a request from `address`; false when it is over its rate (answer 429). */
  allowRequest(address: string): boolean {
    if (this.#options.ratePerSec === 0) return true;
    return this.#buckets(address).requests.take(this.#options.nowMs());
  }

  /** Whether `address` may try another code: false once it has missed too often. */
  allowCodeGuess(address: string): boolean {
    if (this.#options.ratePerSec === 0) return true;
    const buckets = this.#buckets(address);
    // Peek without spending: a miss spends (codeMissed), a hit costs nothing.
    const probe = buckets.misses.take(this.#options.nowMs());
    if (probe) buckets.misses.refund();
    return probe;
  }

  /** A join by code from `address` named no room. */
  codeMissed(address: string): void {
    if (this.#options.ratePerSec === 0) return;
    this.#buckets(address).misses.take(this.#options.nowMs());
  }

  #buckets(address: string): AddressBuckets {
    const nowMs = this.#options.nowMs();
    if (++this.#sinceSweep >= SWEEP_EVERY) {
      this.#sinceSweep = 0;
      for (const [key, buckets] of this.#byAddress) {
        if (nowMs - buckets.lastSeenMs > FORGET_AFTER_MS) this.#byAddress.delete(key);
      }
    }
    let buckets = this.#byAddress.get(address);
    if (!buckets) {
      const { ratePerSec, burst, missesPerMinute } = this.#options;
      buckets = {
        requests: new RateLimiter(ratePerSec, burst, nowMs),
        misses: new RateLimiter(missesPerMinute / 60, missesPerMinute, nowMs),
        lastSeenMs: nowMs,
      };
      this.#byAddress.set(address, buckets);
    }
    buckets.lastSeenMs = nowMs;
    return buckets;
  }
}
