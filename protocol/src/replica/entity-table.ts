import type { EntityRecord } from '../messages/snapshot.js';
import type { CompiledField, CompiledKind, CompiledSchema } from '../schema/schema.js';

/** Int32 slots of an entity in a table: its kind id, its expiry tick (0 = none), then its numeric fields. */
export const SLOT_KIND = 0;
export const SLOT_EXPIRES = 1;
/** Slot of a kind's numeric field `f` is FIELD_BASE + f.slot (x, y, vx, vy come first). */
export const FIELD_BASE = 2;

/** Int32 slots per entity for a schema. */
export function strideOf(schema: CompiledSchema): number {
  return FIELD_BASE + schema.maxNumericFields;
}

/**
 * The entities of one view, sorted by id, in flat typed arrays laid out from the game's schema:
 * the replica builds one per snapshot by a linear merge, with no object per entity. Reading it
 * as records (get, values, iteration) creates each record once, on first use. Read-only for
 * users.
 */
export class EntityTable {
  readonly schema: CompiledSchema;
  /** The view's tick (records' ticksLeft count from it). */
  readonly tick: number;
  readonly stride: number;
  readonly ids: Uint16Array;
  readonly fields: Int32Array;
  /** Each entity's string fields by slot, or null for a kind without any. */
  readonly texts: (readonly string[] | null)[];
  count = 0;
  #records: (EntityRecord | undefined)[] = [];

  constructor(schema: CompiledSchema, tick: number, capacity: number) {
    this.schema = schema;
    this.tick = tick;
    this.stride = strideOf(schema);
    this.ids = new Uint16Array(capacity);
    this.fields = new Int32Array(capacity * this.stride);
    this.texts = new Array<readonly string[] | null>(capacity);
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

  /** The kind of the entity at index `i`. */
  kindAt(i: number): CompiledKind {
    return this.schema.kinds[this.fields[i * this.stride + SLOT_KIND] as number] as CompiledKind;
  }

  /** A numeric field of the entity at index `i`, by the kind's field (no record built). */
  numberAt(i: number, field: CompiledField): number {
    const v = this.fields[i * this.stride + FIELD_BASE + field.slot] as number;
    return field.isUint32 ? v >>> 0 : v;
  }

  /** The entity at index `i` as a record (created on first use, then the same object). */
  recordAt(i: number): EntityRecord {
    const cached = this.#records[i];
    if (cached) return cached;
    const kind = this.kindAt(i);
    const o = i * this.stride;
    const record: Record<string, number | string> = { id: this.ids[i] as number, kind: kind.name };
    const texts = this.texts[i];
    for (const f of kind.fields) {
      if (f.isString) record[f.name] = texts?.[f.slot] ?? '';
      else {
        const v = this.fields[o + FIELD_BASE + f.slot] as number;
        record[f.name] = f.isUint32 ? v >>> 0 : v;
      }
    }
    if (kind.lifetimeTicks > 0)
      record.ticksLeft = (this.fields[o + SLOT_EXPIRES] as number) - this.tick;
    const frozen = record as unknown as EntityRecord;
    this.#records[i] = frozen;
    return frozen;
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
