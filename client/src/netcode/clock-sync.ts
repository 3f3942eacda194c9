// Estimates the server's clock from Ping/Pong samples (README.md, "Netcode").
//
// All times are milliseconds. Client times are readings of one monotonic client clock (e.g.
// performance.now()) that the caller passes in: this class never reads a clock itself, so tests
// drive it with plain numbers.

export interface ClockSyncOptions {
  /** How many recent accepted samples to keep. Default 16. */
  windowSize?: number;
  /**
   * How many of the window's lowest-RTT samples the offset is averaged over. Default 4: the
   * fastest round trips queued least, so their one-way delays are closest to rtt/2.
   */
  offsetSampleCount?: number;
  /** Samples needed before `isSynced`. Until then every new estimate is applied at once. Default 3. */
  minSyncedSamples?: number;
  /** Fastest change of the applied offset once synced, in ms per second of client time. Default 10. */
  maxSlewMsPerSecond?: number;
  /** An estimate this far (ms) from the applied offset is applied at once instead. Default 250. */
  snapThresholdMs?: number;
}

interface PongSample {
  readonly rttMs: number;
  /** Server clock minus client clock, assuming the reply took rtt/2. */
  readonly offsetMs: number;
}

/**
 * Server-time estimate from Pong samples.
 *
 * Invariant: `serverNowMs` never returns less than it returned before, whatever the samples do
 * (until `reset`). Once synced, the applied offset moves towards a new estimate by at most
 * `maxSlewMsPerSecond`; since that is far below 1000 ms/s, server time keeps advancing while it
 * slews down. A snap (error over `snapThresholdMs`) that would move server time backwards holds
 * it still instead until the clock catches up.
 */
export class ClockSync {
  readonly #windowSize: number;
  readonly #offsetSampleCount: number;
  readonly #minSyncedSamples: number;
  readonly #maxSlewMsPerMs: number;
  readonly #snapThresholdMs: number;

  /** Oldest first; at most windowSize. */
  #samples: PongSample[] = [];
  #acceptedCount = 0;
  #targetOffsetMs = 0;
  #appliedOffsetMs = 0;
  /** Client time up to which the applied offset has been slewed; null before the first sample. */
  #slewedUntilClientMs: number | null = null;
  /** Largest value serverNowMs has returned since the first sample. */
  #floorServerMs = -Infinity;
  #rttMs = 0;
  #jitterMs = 0;

  constructor(options: ClockSyncOptions = {}) {
    this.#windowSize = positiveInteger(options.windowSize ?? 16, 'windowSize');
    this.#offsetSampleCount = positiveInteger(options.offsetSampleCount ?? 4, 'offsetSampleCount');
    this.#minSyncedSamples = positiveInteger(options.minSyncedSamples ?? 3, 'minSyncedSamples');
    const slewMsPerSecond = options.maxSlewMsPerSecond ?? 10;
    // MUST stay below 1000 ms/s, or slewing down could make server time run backwards.
    if (!(slewMsPerSecond >= 0 && slewMsPerSecond < 1000)) {
      throw new RangeError(`maxSlewMsPerSecond must be in [0, 1000), got ${slewMsPerSecond}`);
    }
    this.#maxSlewMsPerMs = slewMsPerSecond / 1000;
    this.#snapThresholdMs = options.snapThresholdMs ?? 250;
  }

  /** True once enough samples were accepted for the estimates to be trusted. */
  get isSynced(): boolean {
    return this.#acceptedCount >= this.#minSyncedSamples;
  }

  /** Samples accepted since construction or `reset`. */
  get sampleCount(): number {
    return this.#acceptedCount;
  }

  /** Median RTT over the window; 0 before the first sample. */
  get rttMs(): number {
    return this.#rttMs;
  }

  /** Mean absolute deviation of the window's RTTs from their median; 0 before two samples. */
  get jitterMs(): number {
    return this.#jitterMs;
  }

  /** The offset estimate from the current window (server minus client clock), not yet slewed to. */
  get targetOffsetMs(): number {
    return this.#targetOffsetMs;
  }

  /**
   * Adds one Ping/Pong round trip: the client clock when the Ping was sent (the Pong's echoed
   * clientTimeMs) and when the Pong arrived, and the server's clock in the Pong. Returns false,
   * changing nothing, for an impossible sample (non-finite, negative RTT or server time).
   */
  addSample(sentAtMs: number, receivedAtMs: number, serverTimeMs: number): boolean {
    const rttMs = receivedAtMs - sentAtMs;
    if (!Number.isFinite(rttMs) || !Number.isFinite(serverTimeMs)) return false;
    if (rttMs < 0 || serverTimeMs < 0) return false;

    // Slew up to the moment the estimate changes, towards the estimate that held until then.
    this.#advance(receivedAtMs);
    this.#samples.push({ rttMs, offsetMs: serverTimeMs + rttMs / 2 - receivedAtMs });
    if (this.#samples.length > this.#windowSize) this.#samples.shift();
    this.#acceptedCount++;
    this.#estimate();

    const errorMs = this.#targetOffsetMs - this.#appliedOffsetMs;
    if (this.#slewedUntilClientMs === null || !this.isSynced) {
      // Warming up: early estimates may be far off, and slewing out their error would take long.
      this.#appliedOffsetMs = this.#targetOffsetMs;
    } else if (Math.abs(errorMs) > this.#snapThresholdMs) {
      this.#appliedOffsetMs = this.#targetOffsetMs;
    }
    this.#slewedUntilClientMs ??= receivedAtMs;
    return true;
  }

  /**
   * The server clock now, given the client clock now. Before the first sample this is the
   * client time itself (nothing better is known); check `isSynced`.
   */
  serverNowMs(clientNowMs: number): number {
    if (this.#slewedUntilClientMs === null) return clientNowMs;
    this.#advance(clientNowMs);
    const serverMs = Math.max(clientNowMs + this.#appliedOffsetMs, this.#floorServerMs);
    this.#floorServerMs = serverMs;
    return serverMs;
  }

  /** Forgets everything, e.g. after reconnecting to a server whose loop restarted. */
  reset(): void {
    this.#samples = [];
    this.#acceptedCount = 0;
    this.#targetOffsetMs = 0;
    this.#appliedOffsetMs = 0;
    this.#slewedUntilClientMs = null;
    this.#floorServerMs = -Infinity;
    this.#rttMs = 0;
    this.#jitterMs = 0;
  }

  /** Moves the applied offset towards the target for the client time elapsed since last time. */
  #advance(clientNowMs: number): void {
    if (this.#slewedUntilClientMs === null || clientNowMs <= this.#slewedUntilClientMs) return;
    const stepMs = (clientNowMs - this.#slewedUntilClientMs) * this.#maxSlewMsPerMs;
    const errorMs = this.#targetOffsetMs - this.#appliedOffsetMs;
    this.#appliedOffsetMs += Math.sign(errorMs) * Math.min(Math.abs(errorMs), stepMs);
    this.#slewedUntilClientMs = clientNowMs;
  }

  #estimate(): void {
    const rtts = this.#samples.map((s) => s.rttMs).sort((a, b) => a - b);
    const medianRttMs = median(rtts);
    this.#rttMs = medianRttMs;
    this.#jitterMs = rtts.reduce((sum, r) => sum + Math.abs(r - medianRttMs), 0) / rtts.length;

    const fastest = [...this.#samples]
      .sort((a, b) => a.rttMs - b.rttMs)
      .slice(0, this.#offsetSampleCount);
    this.#targetOffsetMs = fastest.reduce((sum, s) => sum + s.offsetMs, 0) / fastest.length;
  }
}

/** Median of a non-empty ascending array. */
function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
