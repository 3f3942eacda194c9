import { MAX_ENTITY_ID } from '@tickwire/protocol';

/** What the grid needs from an entity. */
export interface Positioned {
  id: number;
  x: number;
  y: number;
}

/**
 * Uniform grid over the world for area-of-interest queries, rebuilt from scratch when positions
 * changed (a counting sort by cell, O(entities)). The result is packed: every cell's ids and
 * positions sit contiguously in typed arrays, so the per-client queries that run hundreds of
 * times a tick read small, sequential memory instead of chasing entity objects.
 */
export class PackedGrid {
  readonly #cellWidth: number;
  readonly #cellHeight: number;
  readonly #columns: number;
  readonly #rows: number;
  /** Entities of cell c are at packed indices cellStart[c] .. cellStart[c + 1] - 1. */
  readonly #cellStart: Int32Array;
  #ids = new Uint16Array(256);
  #xs = new Int32Array(256);
  #ys = new Int32Array(256);
  #count = 0;
  /** Packed index of each entity id as of the last rebuild (meaningful only where ids agree). */
  readonly #slots = new Int32Array(MAX_ENTITY_ID + 1);

  /** Sizes in the same units as entity positions; cells are square unless a height is given. */
  constructor(width: number, height: number, cellWidth: number, cellHeight = cellWidth) {
    this.#cellWidth = cellWidth;
    this.#cellHeight = cellHeight;
    this.#columns = Math.max(1, Math.ceil((width + 1) / cellWidth));
    this.#rows = Math.max(1, Math.ceil((height + 1) / cellHeight));
    this.#cellStart = new Int32Array(this.#columns * this.#rows + 1);
  }

  get count(): number {
    return this.#count;
  }

  #cellOf(x: number, y: number): number {
    const column = Math.min(this.#columns - 1, Math.max(0, Math.floor(x / this.#cellWidth)));
    const row = Math.min(this.#rows - 1, Math.max(0, Math.floor(y / this.#cellHeight)));
    return row * this.#columns + column;
  }

  /** Re-packs the grid from `entities`, which it iterates twice (count per cell, then place). */
  rebuild(entities: Iterable<Positioned>, entityCount: number): void {
    if (this.#ids.length < entityCount) {
      const capacity = Math.max(entityCount, this.#ids.length * 2);
      this.#ids = new Uint16Array(capacity);
      this.#xs = new Int32Array(capacity);
      this.#ys = new Int32Array(capacity);
    }
    const start = this.#cellStart;
    start.fill(0);
    for (const e of entities) {
      const next = this.#cellOf(e.x, e.y) + 1;
      start[next] = (start[next] as number) + 1;
    }
    for (let c = 1; c < start.length; c++)
      start[c] = (start[c] as number) + (start[c - 1] as number);
    // start[c] is where cell c begins. Place each entity at its cell's cursor (advancing it),
    // after which start[c] holds where cell c + 1 begins: shift back by one cell.
    let placed = 0;
    for (const e of entities) {
      const cell = this.#cellOf(e.x, e.y);
      const at = start[cell] as number;
      start[cell] = at + 1;
      this.#ids[at] = e.id;
      this.#slots[e.id] = at;
      this.#xs[at] = e.x;
      this.#ys[at] = e.y;
      placed++;
    }
    for (let c = start.length - 1; c > 0; c--) start[c] = start[c - 1] as number;
    start[0] = 0;
    this.#count = placed;
  }

  /** Whether the last rebuild placed entity `id` at (x, y). */
  holds(id: number, x: number, y: number): boolean {
    const i = this.#slots[id] as number;
    return i < this.#count && this.#ids[i] === id && this.#xs[i] === x && this.#ys[i] === y;
  }

  /**
   * Writes the ids of every entity with minX <= x <= maxX and minY <= y <= maxY into `out` from
   * index `offset` and returns how many. `out` must have room for `count` ids after `offset`.
   */
  queryInto(
    minX: number,
    minY: number,
    maxX: number,
    maxY: number,
    out: Uint16Array,
    offset = 0,
  ): number {
    const c0 = Math.max(0, Math.floor(minX / this.#cellWidth));
    const c1 = Math.min(this.#columns - 1, Math.floor(maxX / this.#cellWidth));
    const r0 = Math.max(0, Math.floor(minY / this.#cellHeight));
    const r1 = Math.min(this.#rows - 1, Math.floor(maxY / this.#cellHeight));
    const start = this.#cellStart;
    const ids = this.#ids;
    const xs = this.#xs;
    const ys = this.#ys;
    const w = this.#cellWidth;
    const h = this.#cellHeight;
    // Columns whose cells lie wholly inside [minX, maxX]: their entities need no x test.
    const inner0 = c0 * w >= minX ? c0 : c0 + 1;
    const inner1 = (c1 + 1) * w - 1 <= maxX ? c1 : c1 - 1;
    let n = offset;
    for (let row = r0; row <= r1; row++) {
      // Cells c0..c1 of one row are contiguous in the packed arrays: one run per row.
      const rowStart = row * this.#columns;
      const from = start[rowStart + c0] as number;
      const to = start[rowStart + c1 + 1] as number;
      if (row * h < minY || (row + 1) * h - 1 > maxY || inner0 > inner1) {
        for (let i = from; i < to; i++) {
          const x = xs[i] as number;
          const y = ys[i] as number;
          if (x >= minX && x <= maxX && y >= minY && y <= maxY) out[n++] = ids[i] as number;
        }
        continue;
      }
      // A row wholly inside [minY, maxY]: only its partial end cells need the x test (measured:
      // most of a view's entities are in cells it covers wholly).
      const innerFrom = start[rowStart + inner0] as number;
      const innerTo = start[rowStart + inner1 + 1] as number;
      for (let i = from; i < innerFrom; i++) {
        const x = xs[i] as number;
        if (x >= minX && x <= maxX) out[n++] = ids[i] as number;
      }
      for (let i = innerFrom; i < innerTo; i++) out[n++] = ids[i] as number;
      for (let i = innerTo; i < to; i++) {
        const x = xs[i] as number;
        if (x >= minX && x <= maxX) out[n++] = ids[i] as number;
      }
    }
    return n - offset;
  }
}
