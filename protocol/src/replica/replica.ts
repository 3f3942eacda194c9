import { MAX_ENTITY_ID } from '../wire/limits.js';
import type { EntityRecord, EntityUpdate, Snapshot } from '../messages/snapshot.js';
import type { CompiledField, CompiledKind, CompiledSchema } from '../schema/schema.js';
import { clamp } from '../sim/movement.js';
import { POSITION_SCALE } from '../sim/quantize.js';
import { addToChecksum, finalizeHash, hashHead, mix } from './checksum.js';
import { EntityTable, FIELD_BASE, SLOT_EXPIRES, SLOT_KIND } from './entity-table.js';

export type ReplicaErrorCode =
  /** The delta names a baseline tick this replica does not hold: send Resync. */
  | 'MissingBaseline'
  /** The view after applying does not match the server's checksum: a desync, always a bug. */
  | 'ChecksumMismatch'
  /**
   * The delta contradicts its baseline: it removes or updates an id the baseline does not hold
   * (or whose lifetime has ended), updates a group the entity's kind does not have, enters an id
   * the view holds, or goes back in time.
   */
  | 'InvalidDelta';

export class ReplicaError extends Error {
  override readonly name = 'ReplicaError';
  readonly code: ReplicaErrorCode;
  readonly tick: number;

  constructor(code: ReplicaErrorCode, tick: number, message: string) {
    super(message);
    this.code = code;
    this.tick = tick;
  }
}

/** The client's view at one tick. Immutable once applied. */
export interface ViewState {
  readonly tick: number;
  /** The entities in view, by id (get, has, values, iteration as [id, record] pairs). */
  readonly entities: EntityTable;
}

export interface ReplicaOptions {
  /** The game's schema (from Welcome): how records, updates and checksums are laid out. */
  schema: CompiledSchema;
  /** World size in world units (from Welcome): extrapolated motion clamps to it. */
  worldWidth: number;
  worldHeight: number;
  /**
   * How many ticks of applied views to keep as possible baselines. Default 32: the server deltas
   * only from acknowledged views at most 31 ticks old.
   */
  historyTicks?: number;
}

// Scratch shared by every replica in the process (applies never interleave: JS runs one at a
// time). A stamp per entity id says what the id is in the snapshot being applied.
const marks = new Uint32Array(MAX_ENTITY_ID + 1);
const updateIndex = new Int32Array(MAX_ENTITY_ID + 1);
/** Index in Snapshot.entered of each entered id, and the entered ids to sort (numerically). */
const enteredIndex = new Int32Array(MAX_ENTITY_ID + 1);
const enteredIds = new Uint16Array(MAX_ENTITY_ID + 1);
let stamp = 0;
const IN_BASE = 0;
const REMOVED = 1;
const UPDATED = 2;
const ENTERED = 3;
const EXPIRED = 4;

/** Why an id the delta names is not an entity of the baseline it can remove or update. */
function notInBase(mark: number | undefined, S: number): string {
  if (mark === S + EXPIRED) return 'has reached the end of its lifetime';
  if (mark === S + REMOVED || mark === S + UPDATED) return 'is named twice in this delta';
  return 'is not in the baseline';
}

function nextStamp(): number {
  if (stamp >= 0xffff_fff0) {
    marks.fill(0);
    stamp = 0;
  }
  stamp += 5;
  return stamp;
}

/**
 * The client-side replica of one client's view, for any game: it applies full and delta
 * snapshots by the schema, extrapolates linear motion, drops entities whose lifetime ended,
 * keeps the recent views a delta may be based on, and checks the server's checksum after each.
 */
export class Replica {
  readonly schema: CompiledSchema;
  readonly #maxX: number;
  readonly #maxY: number;
  readonly #historyTicks: number;
  readonly #views = new Map<number, ViewState>();
  readonly #empty: ViewState;
  #latest: ViewState | null = null;

  constructor(options: ReplicaOptions) {
    this.schema = options.schema;
    this.#maxX = options.worldWidth * POSITION_SCALE;
    this.#maxY = options.worldHeight * POSITION_SCALE;
    this.#historyTicks = options.historyTicks ?? 32;
    this.#empty = { tick: 0, entities: new EntityTable(options.schema, 0, 0) };
  }

  /** The newest applied view, or null before the first snapshot. */
  get latest(): ViewState | null {
    return this.#latest;
  }

  /** Tick of the newest applied view: what the client acknowledges. 0 before the first. */
  get tick(): number {
    return this.#latest?.tick ?? 0;
  }

  hasBaseline(tick: number): boolean {
    return this.#views.has(tick);
  }

  /** Forgets every view, e.g. after a reconnect: the server starts over with a full snapshot. */
  reset(): void {
    this.#views.clear();
    this.#latest = null;
  }

  /**
   * Applies a snapshot and returns the new view. Throws ReplicaError and changes nothing when
   * the snapshot cannot be applied or does not match its checksum.
   */
  apply(s: Snapshot): ViewState {
    const t = s.tick;
    if (this.#latest && t <= this.#latest.tick) {
      throw new ReplicaError('InvalidDelta', t, `tick ${t} is not after ${this.#latest.tick}`);
    }
    let base = this.#empty;
    if (s.baselineTick !== 0) {
      const held = this.#views.get(s.baselineTick);
      if (!held)
        throw new ReplicaError('MissingBaseline', t, `no baseline view for tick ${s.baselineTick}`);
      base = held;
    }
    const schema = this.schema;
    const from = base.entities;
    const stride = from.stride;
    const f = from.fields;
    const S = nextStamp();
    let expiredCount = 0;
    for (let i = 0; i < from.count; i++) {
      const expires = f[i * stride + SLOT_EXPIRES] as number;
      const isExpired = expires !== 0 && expires <= t;
      if (isExpired) expiredCount++;
      marks[from.ids[i] as number] = S + (isExpired ? EXPIRED : IN_BASE);
    }
    for (const id of s.removed) {
      if (marks[id] !== S + IN_BASE) {
        throw new ReplicaError('InvalidDelta', t, `removed id ${id} ${notInBase(marks[id], S)}`);
      }
      marks[id] = S + REMOVED;
    }
    const updates = s.updated;
    for (let k = 0; k < updates.length; k++) {
      const u = updates[k] as EntityUpdate;
      const i = marks[u.id] === S + IN_BASE ? from.indexOf(u.id) : -1;
      if (i < 0) {
        throw new ReplicaError(
          'InvalidDelta',
          t,
          `updated id ${u.id} ${notInBase(marks[u.id], S)}`,
        );
      }
      const kind = from.kindAt(i);
      if ((u.mask & ~kind.groupMask) !== 0) {
        throw new ReplicaError(
          'InvalidDelta',
          t,
          `update mask ${u.mask} names groups a ${kind.name} does not have`,
        );
      }
      marks[u.id] = S + UPDATED;
      updateIndex[u.id] = k;
    }
    // Entered records in id order for the merge: their ids sorted as numbers (a typed array's
    // native sort), each mapped back to its record, rather than sorting the records themselves.
    const entered = s.entered;
    const enteredCount = entered.length;
    for (let k = 0; k < enteredCount; k++) {
      const id = (entered[k] as EntityRecord).id;
      const mark = marks[id];
      if (mark === S + IN_BASE || mark === S + UPDATED || mark === S + ENTERED) {
        throw new ReplicaError('InvalidDelta', t, `entered id ${id} is already in the view`);
      }
      marks[id] = S + ENTERED;
      enteredIds[k] = id;
      enteredIndex[id] = k;
    }
    const enteredOrder = enteredIds.subarray(0, enteredCount).sort();

    const to = new EntityTable(
      schema,
      t,
      from.count - s.removed.length - expiredCount + enteredCount,
    );
    const dt = t - base.tick;
    const g = to.fields;
    let checksum = 0;
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < from.count || j < enteredCount) {
      const baseId = i < from.count ? (from.ids[i] as number) : Infinity;
      const enteredRecord =
        j < enteredCount
          ? (entered[enteredIndex[enteredOrder[j] as number] as number] as EntityRecord)
          : null;
      const o = n * stride;
      let kind: CompiledKind;
      if (enteredRecord && enteredRecord.id <= baseId) {
        // The same id in the baseline was removed or has expired (the checks above refuse any
        // other case): the record replaces it.
        if (enteredRecord.id === baseId) i++;
        kind = writeRecord(schema, g, o, to, n, enteredRecord, t);
        to.ids[n] = enteredRecord.id;
        j++;
      } else {
        const p = i * stride;
        i++;
        const mark = marks[baseId];
        if (mark === S + REMOVED || mark === S + EXPIRED) continue;
        for (let k = 0; k < stride; k++) g[o + k] = f[p + k] as number;
        kind = schema.kinds[g[o + SLOT_KIND] as number] as CompiledKind;
        to.texts[n] = from.texts[i - 1] ?? null;
        if (kind.hasVelocity && dt !== 0) {
          // x, y, vx, vy are a linear kind's first numeric fields.
          const x = o + FIELD_BASE;
          const vx = g[x + 2] as number;
          const vy = g[x + 3] as number;
          if (vx !== 0) g[x] = clamp((g[x] as number) + vx * dt, 0, this.#maxX);
          if (vy !== 0) g[x + 1] = clamp((g[x + 1] as number) + vy * dt, 0, this.#maxY);
        }
        if (mark === S + UPDATED) {
          applyUpdate(kind, g, o, to, n, updates[updateIndex[baseId] as number] as EntityUpdate);
        }
        to.ids[n] = baseId;
      }
      let h = hashHead(to.ids[n] as number, kind.id);
      const numeric = kind.numericFields.length;
      for (let k = 0; k < numeric; k++) h = mix(h, g[o + FIELD_BASE + k] as number);
      if (kind.lifetimeTicks > 0) h = mix(h, g[o + SLOT_EXPIRES] as number);
      checksum = addToChecksum(checksum, finalizeHash(h));
      n++;
    }
    to.count = n;
    if (s.checksum !== null && checksum !== s.checksum) {
      throw new ReplicaError(
        'ChecksumMismatch',
        t,
        `view checksum ${checksum} != server's ${s.checksum} at tick ${t}`,
      );
    }
    const view: ViewState = { tick: t, entities: to };
    this.#views.set(t, view);
    this.#latest = view;
    for (const tick of this.#views.keys()) {
      if (tick <= t - this.#historyTicks) this.#views.delete(tick);
    }
    return view;
  }
}

function writeRecord(
  schema: CompiledSchema,
  g: Int32Array,
  o: number,
  to: EntityTable,
  n: number,
  e: EntityRecord,
  tick: number,
): CompiledKind {
  const kind = schema.kindByName.get(e.kind);
  if (!kind)
    throw new ReplicaError('InvalidDelta', tick, `entered id ${e.id} has unknown kind ${e.kind}`);
  g[o + SLOT_KIND] = kind.id;
  g[o + SLOT_EXPIRES] = kind.lifetimeTicks > 0 ? tick + (e.ticksLeft as number) : 0;
  const numeric = kind.numericFields;
  const at = o + FIELD_BASE;
  for (let k = 0; k < numeric.length; k++)
    g[at + k] = (e[(numeric[k] as CompiledField).name] as number) | 0;
  g.fill(0, at + numeric.length, o + to.stride);
  const strings = kind.stringFields;
  if (strings.length === 0) {
    to.texts[n] = null;
  } else {
    const texts = new Array<string>(strings.length);
    for (let k = 0; k < strings.length; k++)
      texts[k] = e[(strings[k] as CompiledField).name] as string;
    to.texts[n] = texts;
  }
  return kind;
}

function applyUpdate(
  kind: CompiledKind,
  g: Int32Array,
  o: number,
  to: EntityTable,
  n: number,
  u: EntityUpdate,
): void {
  let v = 0;
  let texts: string[] | null = null;
  for (let m = u.mask; m !== 0; m &= m - 1) {
    const fields = kind.groupFields[31 - Math.clz32(m & -m)] as readonly CompiledField[];
    for (const field of fields) {
      const value = u.values[v++];
      if (field.isString) {
        texts ??= [...(to.texts[n] ?? [])];
        texts[field.slot] = value as string;
      } else {
        g[o + FIELD_BASE + field.slot] = (value as number) | 0;
      }
    }
  }
  if (texts) to.texts[n] = texts;
}
