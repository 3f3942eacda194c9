// Figures for the net graph and the tests, measured over sliding windows of client time.

/** Events in the last `windowMs`: their count per second and the largest and mean value. */
export class WindowedSeries {
  readonly #windowMs: number;
  #samples: { atMs: number; value: number }[] = [];
  #last: number | null = null;

  constructor(windowMs = 1000) {
    this.#windowMs = windowMs;
  }

  add(value: number, atMs: number): void {
    this.#samples.push({ atMs, value });
    this.#last = value;
    this.#trim(atMs);
  }

  /** The newest value ever added (even if it left the window); null before the first. */
  get last(): number | null {
    return this.#last;
  }

  ratePerSecond(nowMs: number): number {
    this.#trim(nowMs);
    return (this.#samples.length * 1000) / this.#windowMs;
  }

  max(nowMs: number): number {
    this.#trim(nowMs);
    return this.#samples.reduce((m, s) => Math.max(m, s.value), 0);
  }

  mean(nowMs: number): number {
    this.#trim(nowMs);
    if (this.#samples.length === 0) return 0;
    return this.#samples.reduce((sum, s) => sum + s.value, 0) / this.#samples.length;
  }

  sum(nowMs: number): number {
    this.#trim(nowMs);
    return this.#samples.reduce((sum, s) => sum + s.value, 0);
  }

  clear(): void {
    this.#samples = [];
    this.#last = null;
  }

  #trim(nowMs: number): void {
    const oldestMs = nowMs - this.#windowMs;
    let drop = 0;
    while (
      drop < this.#samples.length &&
      (this.#samples[drop] as { atMs: number }).atMs <= oldestMs
    )
      drop++;
    if (drop > 0) this.#samples.splice(0, drop);
  }
}

/** Per-second rate of a counter that only grows (bytes received, say), over `windowMs`. */
export class CounterRate {
  readonly #windowMs: number;
  #readings: { atMs: number; count: number }[] = [];

  constructor(windowMs = 1000) {
    this.#windowMs = windowMs;
  }

  /** Records the counter's value now; returns its rate per second over the window. */
  update(count: number, nowMs: number): number {
    this.#readings.push({ atMs: nowMs, count });
    while (
      this.#readings.length > 2 &&
      (this.#readings[1] as { atMs: number }).atMs <= nowMs - this.#windowMs
    ) {
      this.#readings.shift();
    }
    const first = this.#readings[0] as { atMs: number; count: number };
    const spanMs = nowMs - first.atMs;
    return spanMs > 0 ? ((count - first.count) * 1000) / spanMs : 0;
  }

  clear(): void {
    this.#readings = [];
  }
}
