import { PackedGrid, type Positioned } from './packed-grid.js';
import { RECT_DIFFERENCE_SIZE, rectDifference, type IntRect } from './rect-difference.js';

/** Strip thickness, in square cells: the bands a moving view sweeps in a tick or three are thinner. */
const STRIP_DIVISOR = 8;

/**
 * Static entities by position, for the two queries sync runs per client per tick: the whole view
 * (a full snapshot) and the thin bands a moving view gained or lost since its baseline. A band a
 * few units tall crosses a whole row of square cells, nearly all of whose entities lie outside
 * it: measured, scanning them was a third of a client's composition. So the entities are also
 * packed in horizontal strips (one cell per strip, the world's width) and vertical ones: a band
 * is one contiguous run of one or two strips. The entities never move: rebuilt only when one
 * spawns or goes.
 */
export class StaticIndex {
  readonly #square: PackedGrid;
  readonly #rows: PackedGrid;
  readonly #columns: PackedGrid;
  readonly #bands = new Int32Array(RECT_DIFFERENCE_SIZE);

  /** Sizes in the same units as entity positions. */
  constructor(width: number, height: number, cellSize: number) {
    const strip = Math.max(1, Math.round(cellSize / STRIP_DIVISOR));
    this.#square = new PackedGrid(width, height, cellSize);
    this.#rows = new PackedGrid(width, height, width + 1, strip);
    this.#columns = new PackedGrid(width, height, strip, height + 1);
  }

  get count(): number {
    return this.#square.count;
  }

  rebuild(entities: Iterable<Positioned>, entityCount: number): void {
    this.#square.rebuild(entities, entityCount);
    this.#rows.rebuild(entities, entityCount);
    this.#columns.rebuild(entities, entityCount);
  }

  /** Whether the last rebuild placed entity `id` at (x, y). */
  holds(id: number, x: number, y: number): boolean {
    return this.#square.holds(id, x, y);
  }

  /** As PackedGrid.queryInto: thin rectangles from a strip grid, others from the square one. */
  queryInto(
    minX: number,
    minY: number,
    maxX: number,
    maxY: number,
    out: Uint16Array,
    offset = 0,
  ): number {
    const width = maxX - minX;
    const height = maxY - minY;
    const grid =
      height * STRIP_DIVISOR < width
        ? this.#rows
        : width * STRIP_DIVISOR < height
          ? this.#columns
          : this.#square;
    return grid.queryInto(minX, minY, maxX, maxY, out, offset);
  }

  /**
   * Writes into `out` (from index 0) the ids of the entities inside `a` but not inside `b`
   * (integer bounds) and returns how many: one query per band of the difference. Allocates
   * nothing: it runs twice per client per tick.
   */
  queryDifferenceInto(a: IntRect, b: IntRect, out: Uint16Array): number {
    const bands = this.#bands;
    let n = 0;
    for (let k = 0, count = rectDifference(a, b, bands); k < count; k++) {
      const o = k * 4;
      n += this.queryInto(
        bands[o] as number,
        bands[o + 1] as number,
        bands[o + 2] as number,
        bands[o + 3] as number,
        out,
        n,
      );
    }
    return n;
  }
}
