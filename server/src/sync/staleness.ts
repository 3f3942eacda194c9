/**
 * Upper bounds of the staleness histogram, in ticks (tickwire_view_staleness_ticks): 0 is a
 * snapshot with nothing waiting; then fine up to a second at 30 Hz, coarser to 20 s.
 */
export const STALENESS_BUCKETS_TICKS = [
  0, 1, 2, 3, 4, 6, 8, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600,
];

/**
 * A histogram of staleness in ticks, counted in plain numbers on the hot path (one observation
 * per snapshot per client under a byte budget); /metrics reads it at scrape time. `counts[i]`
 * counts observations in (bounds[i-1], bounds[i]], the last one above every bound (+Inf): not
 * cumulative.
 */
export class StalenessCounts {
  readonly bounds: readonly number[] = STALENESS_BUCKETS_TICKS;
  readonly counts: number[] = new Array<number>(STALENESS_BUCKETS_TICKS.length + 1).fill(0);
  sum = 0;
  count = 0;

  observe(ticks: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && ticks > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += ticks;
    this.count++;
  }

  /** Adds another's counts (rooms of one game, retired rooms). */
  add(other: StalenessCounts): void {
    for (let i = 0; i < this.counts.length; i++) {
      this.counts[i] = (this.counts[i] as number) + (other.counts[i] as number);
    }
    this.sum += other.sum;
    this.count += other.count;
  }
}
