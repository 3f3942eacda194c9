import { EntityKind } from '../wire/ids.js';
import type { EntityRecord } from '../messages/snapshot.js';

/** Per-entity fields, in this order, STRIDE int32s per entity. Score is stored as int32 bits. */
export const STRIDE = 8;
export const F_KIND = 0;
export const F_X = 1;
export const F_Y = 2;
export const F_VX = 3;
export const F_VY = 4;
export const F_AIM = 5;
export const F_HP = 6;
export const F_SCORE = 7;

/**
 * The entities of one view, sorted by id, in flat typed arrays: the replica builds one per
 * snapshot by a linear merge, with no object per entity. Reading it as EntityRecord objects
 * (get, values, iteration) creates each record once, on first use. Read-only for users.
 */
export class EntityTable {
  readonly ids: Uint16Array;
  readonly fields: Int32Array;
  readonly names: (string | null)[];
  count = 0;
  #records: (EntityRecord | undefined)[] = [];

  constructor(capacity: number) {
    this.ids = new Uint16Array(capacity);
    this.fields = new Int32Array(capacity * STRIDE);
    this.names = new Array<string | null>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Index of `id`, or -1. */
  indexOf(id: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = this.ids[mid] as number;
      if (at === id) return mid;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The entity at index `i` as a record (created on first use, then the same object). */
  recordAt(i: number): EntityRecord {
    const cached = this.#records[i];
    if (cached) return cached;
    const f = this.fields;
    const o = i * STRIDE;
    const id = this.ids[i] as number;
    const record: EntityRecord =
      f[o + F_KIND] === EntityKind.Player
        ? {
            kind: EntityKind.Player,
            id,
            x: f[o + F_X] as number,
            y: f[o + F_Y] as number,
            vx: f[o + F_VX] as number,
            vy: f[o + F_VY] as number,
            aim: f[o + F_AIM] as number,
            hp: f[o + F_HP] as number,
            score: (f[o + F_SCORE] as number) >>> 0,
            name: this.names[i] ?? '',
          }
        : { kind: EntityKind.Pellet, id, x: f[o + F_X] as number, y: f[o + F_Y] as number };
    this.#records[i] = record;
    return record;
  }

  get(id: number): EntityRecord | undefined {
    const i = this.indexOf(id);
    return i < 0 ? undefined : this.recordAt(i);
  }

  has(id: number): boolean {
    return this.indexOf(id) >= 0;
  }

  *keys(): IterableIterator<number> {
    for (let i = 0; i < this.count; i++) yield this.ids[i] as number;
  }

  *values(): IterableIterator<EntityRecord> {
    for (let i = 0; i < this.count; i++) yield this.recordAt(i);
  }

  /** `[id, record]` pairs in id order, like a Map's entries. */
  *[Symbol.iterator](): IterableIterator<[number, EntityRecord]> {
    for (let i = 0; i < this.count; i++) yield [this.ids[i] as number, this.recordAt(i)];
  }
}
