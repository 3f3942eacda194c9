import {
  MAX_ENTITY_ID,
  clamp,
  entityHash,
  type CompiledField,
  type CompiledKind,
  type CompiledSchema,
} from '@tickwire/protocol';

const ID_SPACE = MAX_ENTITY_ID + 1;
const FIRST_CAPACITY = 4096;
/**
 * Records kept at most (about 21 MB at the arena's 7 numeric fields, 82 bytes a record): past it
 * the oldest go whatever their age.
 */
const MAX_CAPACITY = 1 << 18;

/** An entity's numeric fields by name, rewritten for each version hashed. */
type HashSource = { id: number } & { [field: string]: number };

/**
 * The recent past of every dynamic entity, for clients that hold an old version of it: under a
 * per-client byte budget (send-budget.ts) an update may wait, and while it waits the client's
 * replica keeps the version it has, which the view checksum must hash exactly as the client
 * does. A version is an entity's state between two changes: it is recorded here when it ends
 * (EntityState.commit sees a change), with its numeric fields as of the tick before the change.
 * An entity that never changes costs nothing.
 *
 * One ring of records for every entity, newest overwriting oldest, chained per entity from its
 * newest ended version back. The ring doubles (up to MAX_CAPACITY) rather than drop a record
 * younger than `retainTicks`, so a client may hold a version at least that long; a client
 * holding one that is gone is sent the update whatever its budget (isLive).
 *
 * Records are named by their sequence number (`seq`), which only grows: slot = seq mod capacity.
 */
export class VersionLog {
  readonly #schema: CompiledSchema;
  readonly #kindIds: Uint8Array;
  readonly #width: number;
  readonly #retainTicks: number;
  readonly #maxX: number;
  readonly #maxY: number;
  /** Newest ended version of each id since its spawn, or -1. */
  readonly #newest = new Float64Array(ID_SPACE).fill(-1);
  #capacity = FIRST_CAPACITY;
  #ids = new Uint16Array(FIRST_CAPACITY);
  /** The version held from startTick to endTick - 1; its values are as of endTick - 1. */
  #startTicks = new Int32Array(FIRST_CAPACITY);
  #endTicks = new Int32Array(FIRST_CAPACITY);
  /** The same entity's previous version, or -1. */
  #previous = new Float64Array(FIRST_CAPACITY);
  #values: Float64Array;
  /** The hash of a version extrapolated to #hashTicks[slot] (-1: none yet): shared by clients. */
  #hashTicks = new Int32Array(FIRST_CAPACITY).fill(-1);
  #hashes = new Uint32Array(FIRST_CAPACITY);
  #next = 0;
  /** Oldest record still kept: records before it were overwritten (growing keeps it). */
  #oldest = 0;
  /** One object per kind, reused to hash a version through the protocol's entityHash. */
  readonly #sources: HashSource[];

  constructor(
    schema: CompiledSchema,
    kindIds: Uint8Array,
    width: number,
    retainTicks: number,
    maxX: number,
    maxY: number,
  ) {
    this.#schema = schema;
    this.#kindIds = kindIds;
    this.#width = width;
    this.#retainTicks = retainTicks;
    this.#maxX = maxX;
    this.#maxY = maxY;
    this.#values = new Float64Array(FIRST_CAPACITY * width);
    this.#sources = schema.kinds.map((kind) => {
      const source: HashSource = { id: 0 };
      for (const f of kind.numericFields) source[f.name] = 0;
      return source;
    });
  }

  /** Records kept (grows with the change rate, see retainTicks). */
  get capacity(): number {
    return this.#capacity;
  }

  /** A new entity under `id`: the versions of the one before it are not its own. */
  forget(id: number): void {
    this.#newest[id] = -1;
  }

  /**
   * `id`'s version from `startTick` ended at `endTick` (it changed then). `values` holds its
   * numeric fields as of endTick - 1 at `offset`, in field.slot order.
   */
  push(id: number, startTick: number, endTick: number, values: Float64Array, offset: number): void {
    if (this.#next >= this.#capacity) {
      const oldest = this.#next & (this.#capacity - 1);
      if (
        (this.#endTicks[oldest] as number) > endTick - this.#retainTicks &&
        this.#capacity < MAX_CAPACITY
      ) {
        this.#grow();
      }
    }
    const seq = this.#next++;
    this.#oldest = Math.max(this.#oldest, this.#next - this.#capacity);
    const slot = seq & (this.#capacity - 1);
    this.#ids[slot] = id;
    this.#startTicks[slot] = startTick;
    this.#endTicks[slot] = endTick;
    this.#previous[slot] = this.#newest[id] as number;
    this.#newest[id] = seq;
    this.#hashTicks[slot] = -1;
    const width = this.#width;
    const at = slot * width;
    for (let i = 0; i < width; i++) this.#values[at + i] = values[offset + i] as number;
  }

  /** Whether record `seq` is still kept. */
  isLive(seq: number): boolean {
    return seq >= this.#oldest && seq < this.#next && seq >= 0;
  }

  /** First tick of the version (a client holding it is as fresh as at any tick up to endTick - 1). */
  startTick(seq: number): number {
    return this.#startTicks[seq & (this.#capacity - 1)] as number;
  }

  /** The tick the version ended: the entity changed then. */
  endTick(seq: number): number {
    return this.#endTicks[seq & (this.#capacity - 1)] as number;
  }

  /**
   * The ended version of `id` that was current at `tick`, or -1 when it is not kept (or has not
   * ended: the entity did not change after `tick`).
   */
  find(id: number, tick: number): number {
    const mask = this.#capacity - 1;
    let seq = this.#newest[id] as number;
    while (this.isLive(seq)) {
      const slot = seq & mask;
      if ((this.#startTicks[slot] as number) <= tick) {
        return (this.#endTicks[slot] as number) > tick ? seq : -1;
      }
      seq = this.#previous[slot] as number;
    }
    return -1;
  }

  /**
   * The checksum hash (PROTOCOL.md 8) of version `seq` as a client holding it sees it at `tick`:
   * a linear kind extrapolated from its values (clamp(x + vx * n) on each axis, as the replica
   * does), every other field as it was. Computed once per version and tick, whatever the number
   * of clients that hold it.
   */
  hashAt(seq: number, tick: number, expiresTick: number): number {
    const slot = seq & (this.#capacity - 1);
    if (this.#hashTicks[slot] === tick) return this.#hashes[slot] as number;
    const id = this.#ids[slot] as number;
    const kind = this.#schema.kinds[this.#kindIds[id] as number] as CompiledKind;
    const source = this.#sources[kind.id] as HashSource;
    const at = slot * this.#width;
    const values = this.#values;
    const fields = kind.numericFields;
    source.id = id;
    for (let i = 0; i < fields.length; i++) {
      source[(fields[i] as CompiledField).name] = values[at + i] as number;
    }
    if (kind.hasVelocity) {
      // x, y, vx, vy are the first four numeric fields; the values are as of endTick - 1.
      const n = tick - ((this.#endTicks[slot] as number) - 1);
      source.x = clamp((values[at] as number) + (values[at + 2] as number) * n, 0, this.#maxX);
      source.y = clamp((values[at + 1] as number) + (values[at + 3] as number) * n, 0, this.#maxY);
    }
    const hash = entityHash(kind, source, expiresTick);
    this.#hashTicks[slot] = tick;
    this.#hashes[slot] = hash;
    return hash;
  }

  #grow(): void {
    const oldCapacity = this.#capacity;
    const capacity = oldCapacity * 2;
    const width = this.#width;
    const ids = new Uint16Array(capacity);
    const startTicks = new Int32Array(capacity);
    const endTicks = new Int32Array(capacity);
    const previous = new Float64Array(capacity);
    const values = new Float64Array(capacity * width);
    const hashTicks = new Int32Array(capacity).fill(-1);
    const hashes = new Uint32Array(capacity);
    for (let seq = this.#oldest; seq < this.#next; seq++) {
      const from = seq & (oldCapacity - 1);
      const to = seq & (capacity - 1);
      ids[to] = this.#ids[from] as number;
      startTicks[to] = this.#startTicks[from] as number;
      endTicks[to] = this.#endTicks[from] as number;
      previous[to] = this.#previous[from] as number;
      hashTicks[to] = this.#hashTicks[from] as number;
      hashes[to] = this.#hashes[from] as number;
      values.set(this.#values.subarray(from * width, (from + 1) * width), to * width);
    }
    this.#capacity = capacity;
    this.#ids = ids;
    this.#startTicks = startTicks;
    this.#endTicks = endTicks;
    this.#previous = previous;
    this.#values = values;
    this.#hashTicks = hashTicks;
    this.#hashes = hashes;
  }
}
