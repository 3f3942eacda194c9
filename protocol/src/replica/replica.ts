import { EntityKind } from '../wire/ids.js';
import type { EntityRecord, PlayerRecord, Snapshot } from '../messages/snapshot.js';
import { extrapolateX, extrapolateY } from '../sim/movement.js';
import { POSITION_SCALE } from '../sim/quantize.js';
import { viewChecksum } from './checksum.js';

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

/** The client's view at one tick. Entities are immutable: a change makes a new object. */
export interface ViewState {
  readonly tick: number;
  readonly entities: ReadonlyMap<number, EntityRecord>;
}

export interface ReplicaOptions {
  /** World size in world units (from Welcome): extrapolated motion clamps to it. */
  worldWidth: number;
  worldHeight: number;
  /** How many ticks of applied views to keep as possible baselines. Default 64. */
  historyTicks?: number;
}

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
    this.#historyTicks = options.historyTicks ?? 64;
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
    if (this.#latest && s.tick <= this.#latest.tick) {
      throw new ReplicaError(
        'InvalidDelta',
        s.tick,
        `tick ${s.tick} is not after ${this.#latest.tick}`,
      );
    }
    const entities = new Map<number, EntityRecord>();
    if (s.baselineTick !== 0) {
      const base = this.#views.get(s.baselineTick);
      if (!base) {
        throw new ReplicaError(
          'MissingBaseline',
          s.tick,
          `no baseline view for tick ${s.baselineTick}`,
        );
      }
      const ticks = s.tick - base.tick;
      for (const [id, e] of base.entities) entities.set(id, this.#extrapolate(e, ticks));
    }
    for (const id of s.removed) {
      if (!entities.delete(id)) {
        throw new ReplicaError('InvalidDelta', s.tick, `removed id ${id} is not in the baseline`);
      }
    }
    for (const e of s.entered) {
      if (entities.has(e.id)) {
        throw new ReplicaError(
          'InvalidDelta',
          s.tick,
          `entered id ${e.id} is already in the baseline`,
        );
      }
      entities.set(e.id, e);
    }
    for (const u of s.updated) {
      const e = entities.get(u.id);
      if (!e || e.kind !== EntityKind.Player) {
        throw new ReplicaError(
          'InvalidDelta',
          s.tick,
          `updated id ${u.id} is not a player in the baseline`,
        );
      }
      const next: PlayerRecord = { ...e };
      if (u.motion) {
        next.x = u.motion.x;
        next.y = u.motion.y;
        next.vx = u.motion.vx;
        next.vy = u.motion.vy;
      }
      if (u.aim !== undefined) next.aim = u.aim;
      if (u.hp !== undefined) next.hp = u.hp;
      if (u.score !== undefined) next.score = u.score;
      entities.set(u.id, next);
    }
    if (s.checksum !== null) {
      const actual = viewChecksum(entities.values());
      if (actual !== s.checksum) {
        throw new ReplicaError(
          'ChecksumMismatch',
          s.tick,
          `view checksum ${actual} != server's ${s.checksum} at tick ${s.tick}`,
        );
      }
    }
    const view: ViewState = { tick: s.tick, entities };
    this.#views.set(s.tick, view);
    this.#latest = view;
    for (const tick of this.#views.keys()) {
      if (tick <= s.tick - this.#historyTicks) this.#views.delete(tick);
    }
    return view;
  }

  #extrapolate(e: EntityRecord, ticks: number): EntityRecord {
    if (e.kind !== EntityKind.Player || (e.vx === 0 && e.vy === 0) || ticks === 0) return e;
    return { ...e, x: extrapolateX(e, ticks, this.#maxX), y: extrapolateY(e, ticks, this.#maxY) };
  }
}
