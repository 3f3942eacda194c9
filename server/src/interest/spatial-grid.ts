/** What the grid needs from an item: its position and two slots the grid owns. */
export interface GridItem {
  x: number;
  y: number;
  /** Index of the cell holding the item; -1 when not in the grid. Owned by SpatialGrid. */
  gridCell: number;
  /** Index of the item inside its cell. Owned by SpatialGrid. */
  gridSlot: number;
}

/**
 * Uniform grid over the world for area-of-interest queries. Insert, move and remove are O(1)
 * (swap-remove inside a cell); a query visits only the cells the rectangle overlaps.
 */
export class SpatialGrid<T extends GridItem> {
  readonly #cellSize: number;
  readonly #columns: number;
  readonly #rows: number;
  readonly #cells: T[][];

  /** Sizes in the same units as item positions. */
  constructor(width: number, height: number, cellSize: number) {
    this.#cellSize = cellSize;
    this.#columns = Math.max(1, Math.ceil((width + 1) / cellSize));
    this.#rows = Math.max(1, Math.ceil((height + 1) / cellSize));
    this.#cells = Array.from({ length: this.#columns * this.#rows }, () => []);
  }

  #cellOf(x: number, y: number): number {
    const column = Math.min(this.#columns - 1, Math.max(0, Math.floor(x / this.#cellSize)));
    const row = Math.min(this.#rows - 1, Math.max(0, Math.floor(y / this.#cellSize)));
    return row * this.#columns + column;
  }

  insert(item: T): void {
    const cellIndex = this.#cellOf(item.x, item.y);
    const cell = this.#cells[cellIndex] as T[];
    item.gridCell = cellIndex;
    item.gridSlot = cell.length;
    cell.push(item);
  }

  remove(item: T): void {
    const cell = this.#cells[item.gridCell];
    if (!cell) return;
    const last = cell.pop() as T;
    if (last !== item) {
      cell[item.gridSlot] = last;
      last.gridSlot = item.gridSlot;
    }
    item.gridCell = -1;
  }

  /** Call after changing item.x / item.y. */
  update(item: T): void {
    if (this.#cellOf(item.x, item.y) === item.gridCell) return;
    this.remove(item);
    this.insert(item);
  }

  /**
   * Puts every item with minX <= x <= maxX and minY <= y <= maxY into `out` (from index 0) and
   * returns how many. `out` is reused by the caller: no allocation per query on the hot path.
   */
  queryInto(minX: number, minY: number, maxX: number, maxY: number, out: T[]): number {
    const c0 = Math.max(0, Math.floor(minX / this.#cellSize));
    const c1 = Math.min(this.#columns - 1, Math.floor(maxX / this.#cellSize));
    const r0 = Math.max(0, Math.floor(minY / this.#cellSize));
    const r1 = Math.min(this.#rows - 1, Math.floor(maxY / this.#cellSize));
    let count = 0;
    for (let row = r0; row <= r1; row++) {
      for (let column = c0; column <= c1; column++) {
        const cell = this.#cells[row * this.#columns + column] as T[];
        for (let i = 0; i < cell.length; i++) {
          const item = cell[i] as T;
          if (item.x >= minX && item.x <= maxX && item.y >= minY && item.y <= maxY)
            out[count++] = item;
        }
      }
    }
    return count;
  }
}
