import { MAX_ENTITY_ID } from '@tickwire/protocol';

/**
 * For every entity id, the last tick each update group changed in a way a client cannot
 * extrapolate (a new velocity, a teleport, a new hp...). Flat Int32Array, `groupCount` ticks per
 * id: sync reads it for every visible entity of every client, so it must be small and
 * contiguous. Static entities never change: their entries stay 0, so no delta carries an update
 * for one.
 */
export class ChangeTicks {
  readonly #groupCount: number;
  readonly #ticks: Int32Array;
  /**
   * The newest of an id's group ticks: most visible entities changed nothing since a client's
   * baseline, and one compare says so without walking their groups.
   */
  readonly #anyTicks = new Int32Array(MAX_ENTITY_ID + 1);
  /** The groups each id's kind has (markAll sets it at spawn). */
  readonly #kindMasks = new Uint32Array(MAX_ENTITY_ID + 1);

  constructor(groupCount: number) {
    this.#groupCount = Math.max(1, groupCount);
    this.#ticks = new Int32Array((MAX_ENTITY_ID + 1) * this.#groupCount);
  }

  /** Marks the groups of `mask` of `id` as changed at `tick`. */
  mark(id: number, mask: number, tick: number): void {
    const o = id * this.#groupCount;
    for (let m = mask; m !== 0; m &= m - 1) this.#ticks[o + 31 - Math.clz32(m & -m)] = tick;
    if (mask !== 0 && tick > (this.#anyTicks[id] as number)) this.#anyTicks[id] = tick;
  }

  /**
   * A newcomer: every group of its kind (`kindMask`) changed at `tick` (its fields are as old as
   * it is).
   */
  markAll(id: number, tick: number, kindMask: number): void {
    this.#ticks.fill(tick, id * this.#groupCount, (id + 1) * this.#groupCount);
    this.#anyTicks[id] = tick;
    this.#kindMasks[id] = kindMask;
  }

  /** Mask of the groups of `id` that changed after `baselineTick`. */
  changedSince(id: number, baselineTick: number): number {
    if ((this.#anyTicks[id] as number) <= baselineTick) return 0;
    const t = this.#ticks;
    const o = id * this.#groupCount;
    let mask = 0;
    for (let m = this.#kindMasks[id] as number; m !== 0; m &= m - 1) {
      const bit = 31 - Math.clz32(m & -m);
      if ((t[o + bit] as number) > baselineTick) mask |= 1 << bit;
    }
    return mask;
  }
}
