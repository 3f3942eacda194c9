/**
 * A mergeable histogram for a trend metric: buckets on a logarithmic scale, so every percentile
 * it gives is within RELATIVE_ACCURACY of the sample it stands for (the DDSketch construction:
 * bucket i holds (γ^(i-1), γ^i] with γ = (1 + α) / (1 - α), and answers 2γ^i / (γ + 1)).
 * Count, sum, min and max are exact. Generators merge theirs by adding bucket counts, which
 * exact sample arrays cannot do in bounded memory: a 3,000-player swarm takes 90,000 snapshot
 * intervals a second, while a histogram of milliseconds from 1 µs to an hour has at most about
 * 1,100 buckets.
 */

/** α: the largest relative error of a percentile (1 %). */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);
/** Samples at or below this (and negative ones) count in the zero bucket: they answer 0. */
const SMALLEST_POSITIVE = 1e-6;

/** What crosses a process boundary (IPC: JSON): buckets as [key, count] pairs, sparse. */
export interface HistogramData {
  count: number;
  sum: number;
  min: number;
  max: number;
  zeroCount: number;
  /** Flat pairs: key, count, key, count... only keys with a count. */
  buckets: number[];
}

export class LogHistogram {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  #zeroCount = 0;
  /** counts[k] is bucket key `k + #offset`. */
  #counts: number[] = [];
  #offset = 0;

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value <= SMALLEST_POSITIVE) {
      this.#zeroCount++;
      return;
    }
    this.#addToBucket(Math.ceil(Math.log(value) / LN_GAMMA), 1);
  }

  #addToBucket(key: number, n: number): void {
    const counts = this.#counts;
    if (counts.length === 0) {
      this.#offset = key;
      counts.push(n);
      return;
    }
    let i = key - this.#offset;
    if (i < 0) {
      // Grow downwards: rare (a new smallest value), so an unshift of the gap is fine.
      counts.unshift(...new Array<number>(-i).fill(0));
      this.#offset = key;
      i = 0;
    }
    while (counts.length <= i) counts.push(0);
    counts[i] = (counts[i] as number) + n;
  }

  merge(other: LogHistogram | HistogramData): void {
    const data = other instanceof LogHistogram ? other.toData() : other;
    if (data.count === 0) return;
    this.count += data.count;
    this.sum += data.sum;
    if (data.min < this.min) this.min = data.min;
    if (data.max > this.max) this.max = data.max;
    this.#zeroCount += data.zeroCount;
    for (let i = 0; i + 1 < data.buckets.length; i += 2)
      this.#addToBucket(data.buckets[i] as number, data.buckets[i + 1] as number);
  }

  toData(): HistogramData {
    const buckets: number[] = [];
    this.#counts.forEach((n, i) => {
      if (n > 0) buckets.push(i + this.#offset, n);
    });
    return {
      count: this.count,
      sum: this.sum,
      min: this.min,
      max: this.max,
      zeroCount: this.#zeroCount,
      buckets,
    };
  }

  /** Mean of the samples (exact), NaN when empty. */
  get mean(): number {
    return this.count > 0 ? this.sum / this.count : Number.NaN;
  }

  /**
   * The p-th percentile (0..100) as k6 computes it from sorted samples (linear interpolation at
   * rank p/100 × (count - 1)), with each sample read from its bucket; NaN when empty.
   */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = (Math.min(100, Math.max(0, p)) / 100) * (this.count - 1);
    const below = Math.floor(rank);
    const lower = this.#valueAtRank(below);
    if (rank === below) return lower;
    return lower + (this.#valueAtRank(below + 1) - lower) * (rank - below);
  }

  /** The sample of 0-based rank `rank` in sorted order, estimated; clamped to the exact min/max. */
  #valueAtRank(rank: number): number {
    if (rank <= 0) return this.min;
    if (rank >= this.count - 1) return this.max;
    let seen = this.#zeroCount;
    if (rank < seen) return Math.max(this.min, 0);
    const counts = this.#counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] as number;
      if (rank < seen) {
        const estimate = (2 * Math.exp((i + this.#offset) * LN_GAMMA)) / (GAMMA + 1);
        return Math.min(this.max, Math.max(this.min, estimate));
      }
    }
    return this.max;
  }
}
