/** A fixed-size window of recent samples with percentiles on demand (not on the hot path). */
export class SampleWindow {
  readonly #values: Float64Array;
  #count = 0;
  #next = 0;

  constructor(capacity: number) {
    this.#values = new Float64Array(capacity);
  }

  add(value: number): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#count < this.#values.length) this.#count++;
  }

  clear(): void {
    this.#count = 0;
    this.#next = 0;
  }

  get count(): number {
    return this.#count;
  }

  /** Nearest-rank percentile, p in 0..100; NaN when empty. */
  percentile(p: number): number {
    if (this.#count === 0) return Number.NaN;
    const sorted = Array.from(this.#values.subarray(0, this.#count)).sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank] as number;
  }
}
