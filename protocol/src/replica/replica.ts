import { EntityKind } from '../wire/ids.js';
import {
  MAX_ENTITY_ID,
  type EntityRecord,
  type EntityUpdate,
  type Snapshot,
} from '../messages/snapshot.js';
import { clamp } from '../sim/movement.js';
import { POSITION_SCALE } from '../sim/quantize.js';
import { addToChecksum, pelletHash, playerHash } from './checksum.js';
import {
  EntityTable,
  F_AIM,
  F_HP,
  F_KIND,
  F_SCORE,
  F_VX,
  F_VY,
  F_X,
  F_Y,
  STRIDE,
} from './entity-table.js';

export type ReplicaErrorCode =
  /** The delta names a baseline tick this replica does not hold: send Resync. */
  | 'MissingBaseline'
  /** The view after applying does not match the server's checksum: a desync, always a bug. */
  | 'ChecksumMismatch'
  /** The delta contradicts its baseline (removes or updates an unknown id, re-adds one, goes back in time). */
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
let stamp = 0;
const IN_BASE = 0;
const REMOVED = 1;
const UPDATED = 2;
const ENTERED = 3;

function nextStamp(): number {
  if (stamp >= 0xffff_fff0) {
    marks.fill(0);
    stamp = 0;
  }
  stamp += 4;
  return stamp;
}

const EMPTY: ViewState = { tick: 0, entities: new EntityTable(0) };

/**
 * The client-side replica of one client's view. It applies full and delta snapshots, keeps the
 * recent views a delta may be based on, and checks the server's checksum after each.
 */
export class Replica {
  readonly #maxX: number;
  readonly #maxY: number;
  readonly #historyTicks: number;
  readonly #views = new Map<number, ViewState>();
  #latest: ViewState | null = null;

  constructor(options: ReplicaOptions) {
    this.#maxX = options.worldWidth * POSITION_SCALE;
    this.#maxY = options.worldHeight * POSITION_SCALE;
    this.#historyTicks = options.historyTicks ?? 32;
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
    let base = EMPTY;
    if (s.baselineTick !== 0) {
      const held = this.#views.get(s.baselineTick);
      if (!held)
        throw new ReplicaError('MissingBaseline', t, `no baseline view for tick ${s.baselineTick}`);
      base = held;
    }
    const from = base.entities;
    const S = nextStamp();
    for (let i = 0; i < from.count; i++) marks[from.ids[i] as number] = S + IN_BASE;
    for (const id of s.removed) {
      if (marks[id] !== S + IN_BASE)
        throw new ReplicaError('InvalidDelta', t, `removed id ${id} is not in the baseline`);
      marks[id] = S + REMOVED;
    }
    const updates = s.updated;
    for (let k = 0; k < updates.length; k++) {
      const id = (updates[k] as EntityUpdate).id;
      const i = marks[id] === S + IN_BASE ? from.indexOf(id) : -1;
      if (i < 0 || from.fields[i * STRIDE + F_KIND] !== EntityKind.Player) {
        throw new ReplicaError(
          'InvalidDelta',
          t,
          `updated id ${id} is not a player in the baseline`,
        );
      }
      marks[id] = S + UPDATED;
      updateIndex[id] = k;
    }
    const entered = s.entered.length > 1 ? [...s.entered].sort((a, b) => a.id - b.id) : s.entered;
    for (const e of entered) {
      const mark = marks[e.id];
      if (mark === S + IN_BASE || mark === S + UPDATED || mark === S + ENTERED) {
        throw new ReplicaError('InvalidDelta', t, `entered id ${e.id} is already in the view`);
      }
      marks[e.id] = S + ENTERED;
    }

    const to = new EntityTable(from.count - s.removed.length + entered.length);
    const dt = t - base.tick;
    const f = from.fields;
    const g = to.fields;
    let checksum = 0;
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < from.count || j < entered.length) {
      const baseId = i < from.count ? (from.ids[i] as number) : Infinity;
      const enteredRecord = j < entered.length ? (entered[j] as EntityRecord) : null;
      const o = n * STRIDE;
      if (enteredRecord && enteredRecord.id < baseId) {
        writeRecord(g, o, enteredRecord);
        to.ids[n] = enteredRecord.id;
        to.names[n] = enteredRecord.kind === EntityKind.Player ? enteredRecord.name : null;
        j++;
      } else {
        const p = i * STRIDE;
        i++;
        if (marks[baseId] === S + REMOVED) continue;
        for (let k = 0; k < STRIDE; k++) g[o + k] = f[p + k] as number;
        if (g[o + F_KIND] === EntityKind.Player) {
          const vx = g[o + F_VX] as number;
          const vy = g[o + F_VY] as number;
          if (dt !== 0 && (vx !== 0 || vy !== 0)) {
            g[o + F_X] = clamp((g[o + F_X] as number) + vx * dt, 0, this.#maxX);
            g[o + F_Y] = clamp((g[o + F_Y] as number) + vy * dt, 0, this.#maxY);
          }
          if (marks[baseId] === S + UPDATED)
            applyUpdate(g, o, updates[updateIndex[baseId] as number] as EntityUpdate);
        }
        to.ids[n] = baseId;
        to.names[n] = from.names[i - 1] ?? null;
      }
      checksum = addToChecksum(
        checksum,
        g[o + F_KIND] === EntityKind.Player
          ? playerHash(
              to.ids[n] as number,
              g[o + F_X] as number,
              g[o + F_Y] as number,
              g[o + F_VX] as number,
              g[o + F_VY] as number,
              g[o + F_AIM] as number,
              g[o + F_HP] as number,
              g[o + F_SCORE] as number,
            )
          : pelletHash(to.ids[n] as number, g[o + F_X] as number, g[o + F_Y] as number),
      );
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

function writeRecord(g: Int32Array, o: number, e: EntityRecord): void {
  g[o + F_KIND] = e.kind;
  g[o + F_X] = e.x;
  g[o + F_Y] = e.y;
  if (e.kind === EntityKind.Player) {
    g[o + F_VX] = e.vx;
    g[o + F_VY] = e.vy;
    g[o + F_AIM] = e.aim;
    g[o + F_HP] = e.hp;
    g[o + F_SCORE] = e.score | 0;
  } else {
    g[o + F_VX] = 0;
    g[o + F_VY] = 0;
    g[o + F_AIM] = 0;
    g[o + F_HP] = 0;
    g[o + F_SCORE] = 0;
  }
}

function applyUpdate(g: Int32Array, o: number, u: EntityUpdate): void {
  if (u.motion) {
    g[o + F_X] = u.motion.x;
    g[o + F_Y] = u.motion.y;
    g[o + F_VX] = u.motion.vx;
    g[o + F_VY] = u.motion.vy;
  }
  if (u.aim !== undefined) g[o + F_AIM] = u.aim;
  if (u.hp !== undefined) g[o + F_HP] = u.hp;
  if (u.score !== undefined) g[o + F_SCORE] = u.score | 0;
}
