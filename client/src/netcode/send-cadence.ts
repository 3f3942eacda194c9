// How often the server sends this client a snapshot, in ticks, learned from the snapshots'
// own tick numbers (PROTOCOL.md 7.4). The server may send less often than it ticks (--send-hz):
// it then sends on the ticks whose number is a multiple of tickHz / sendHz, so every gap between
// two snapshots is a whole number of send intervals; one it skipped (backpressure) or a snapshot
// lost only makes a gap longer. The greatest common divisor of the gaps seen is therefore the
// send interval as soon as one gap is a single interval, and never less than it.

/** The send interval of one connection's snapshots, in ticks. Pure: ticks in, no clock. */
export class SendCadence {
  #lastTick: number | null = null;
  #intervalTicks: number | null = null;

  /**
   * Ticks between two sends: the gcd of every gap between consecutive snapshots seen; null
   * before the second snapshot.
   */
  get intervalTicks(): number | null {
    return this.#intervalTicks;
  }

  /** A snapshot of `tick` was applied. Ticks that do not increase are ignored. */
  observe(tick: number): void {
    const last = this.#lastTick;
    if (last !== null && tick <= last) return;
    this.#lastTick = tick;
    if (last === null) return;
    const gap = tick - last;
    this.#intervalTicks = this.#intervalTicks === null ? gap : gcd(this.#intervalTicks, gap);
  }

  /** Forgets what was learned (a new connection: maybe another room, at another rate). */
  clear(): void {
    this.#lastTick = null;
    this.#intervalTicks = null;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
