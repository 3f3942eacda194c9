import {
  EntityKind,
  MAX_BASELINE_AGE,
  MAX_ENTITY_ID,
  UpdateField,
  type EntityRecord,
  type EntityUpdate,
  type Snapshot,
} from '@tickwire/protocol';
import type { Entity, Player } from '../sim/entities.js';
import type { World } from '../sim/world.js';

/** How many sent views each client keeps as possible baselines (Quake 3 keeps 32). */
export const SENT_VIEW_RING = 32;
/** Oldest baseline usable for a delta, in ticks. MUST stay below the world's id quarantine. */
export const MAX_DELTA_AGE = Math.min(SENT_VIEW_RING - 1, MAX_BASELINE_AGE);

/** A client's area of interest, in wire units. */
export interface ViewRect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * One client's snapshot at one tick, as composed: references into the world plus masks, no
 * copies. A single instance is reused for every client in turn (see SyncScratch): read it
 * before composing the next client's.
 */
export interface ViewDelta {
  tick: number;
  baselineTick: number;
  inputAck: number;
  /** View checksum, or null when checksums are off. */
  checksum: number | null;
  removed: Uint16Array;
  removedCount: number;
  entered: Entity[];
  enteredCount: number;
  updated: Player[];
  /** UpdateField mask of updated[i]. */
  updatedMasks: Uint8Array;
  updatedCount: number;
}

/**
 * Scratch memory shared by every client's composition in one process: a stamp per entity id
 * marks "in this client's baseline" without a set per client per tick, and the view and delta
 * arrays are reused. Nothing here survives from one client's composition to the next.
 */
export class SyncScratch {
  readonly marks = new Uint32Array(MAX_ENTITY_ID + 1);
  readonly view: Entity[] = [];
  readonly delta: ViewDelta = {
    tick: 0,
    baselineTick: 0,
    inputAck: 0,
    checksum: null,
    removed: new Uint16Array(MAX_ENTITY_ID + 1),
    removedCount: 0,
    entered: [],
    enteredCount: 0,
    updated: [],
    updatedMasks: new Uint8Array(MAX_ENTITY_ID + 1),
    updatedCount: 0,
  };
  #stamp = 0;

  /** An even stamp no mark holds yet; stamp + 1 is free too. */
  nextStamp(): number {
    if (this.#stamp >= 0xffff_fff0) {
      this.marks.fill(0);
      this.#stamp = 0;
    }
    this.#stamp += 2;
    return this.#stamp;
  }
}

/** The ids a client was sent at one tick. */
interface SentView {
  tick: number;
  ids: Uint16Array;
  count: number;
}

/**
 * One client's side of the snapshot protocol: the ring of views sent to it, its newest
 * acknowledged tick, and the composition of each new snapshot as a delta from that baseline.
 */
export class ClientSync {
  readonly #ring: SentView[] = Array.from({ length: SENT_VIEW_RING }, () => ({
    tick: 0,
    ids: new Uint16Array(64),
    count: 0,
  }));
  #ackedTick = 0;

  /** Newest tick the client acknowledged that was in the ring when acknowledged. */
  get ackedTick(): number {
    return this.#ackedTick;
  }

  /** Records the client's acknowledgement. Ticks never sent, or older than the current, are ignored. */
  acknowledge(tick: number): void {
    if (tick <= this.#ackedTick) return;
    const view = this.#ring[tick % SENT_VIEW_RING];
    if (view && view.tick === tick) this.#ackedTick = tick;
  }

  /** Forgets the acknowledgement and every sent view: the next snapshot is full. */
  reset(): void {
    this.#ackedTick = 0;
    for (const view of this.#ring) view.tick = 0;
  }

  #baselineFor(tick: number): SentView | null {
    const acked = this.#ackedTick;
    if (acked === 0 || tick - acked > MAX_DELTA_AGE) return null;
    const view = this.#ring[acked % SENT_VIEW_RING];
    return view && view.tick === acked ? view : null;
  }

  /**
   * Composes the snapshot of `rect` at `tick` as a delta from the newest acknowledged view (or
   * full), into `scratch.delta`, and remembers the view as sent. Call only for a snapshot that
   * will be sent.
   */
  compose(
    world: World,
    tick: number,
    rect: ViewRect,
    inputAck: number,
    withChecksum: boolean,
    scratch: SyncScratch,
  ): ViewDelta {
    const base = this.#baselineFor(tick);
    const baseTick = base ? base.tick : 0;
    const marks = scratch.marks;
    const inBase = scratch.nextStamp();
    const seen = inBase + 1;
    if (base) {
      for (let i = 0; i < base.count; i++) marks[base.ids[i] as number] = inBase;
    }

    const view = scratch.view;
    const count = world.grid.queryInto(rect.minX, rect.minY, rect.maxX, rect.maxY, view);
    const sent = this.#ring[tick % SENT_VIEW_RING] as SentView;
    if (sent.ids.length < count) sent.ids = new Uint16Array(Math.max(count, sent.ids.length * 2));
    sent.tick = tick;
    sent.count = count;

    const d = scratch.delta;
    d.tick = tick;
    d.baselineTick = baseTick;
    d.inputAck = inputAck;
    d.enteredCount = 0;
    d.updatedCount = 0;
    d.removedCount = 0;
    let checksum = 0;
    for (let i = 0; i < count; i++) {
      const e = view[i] as Entity;
      sent.ids[i] = e.id;
      if (withChecksum) checksum = (checksum + world.hashOf(e, tick)) >>> 0;
      if (marks[e.id] !== inBase) {
        d.entered[d.enteredCount++] = e;
        continue;
      }
      marks[e.id] = seen;
      if (e.kind !== EntityKind.Player) continue;
      const mask =
        (e.motionTick > baseTick ? UpdateField.Motion : 0) |
        (e.aimTick > baseTick ? UpdateField.Aim : 0) |
        (e.hpTick > baseTick ? UpdateField.Hp : 0) |
        (e.scoreTick > baseTick ? UpdateField.Score : 0);
      if (mask === 0) continue;
      d.updated[d.updatedCount] = e;
      d.updatedMasks[d.updatedCount++] = mask;
    }
    if (base) {
      for (let i = 0; i < base.count; i++) {
        const id = base.ids[i] as number;
        if (marks[id] === inBase) d.removed[d.removedCount++] = id;
      }
    }
    d.checksum = withChecksum ? checksum : null;
    return d;
  }
}

/** The composed delta as a protocol Snapshot object (tests and tools; the server writes bytes). */
export function toSnapshot(d: ViewDelta): Snapshot {
  const record = (e: Entity): EntityRecord =>
    e.kind === EntityKind.Player
      ? {
          kind: e.kind,
          id: e.id,
          x: e.x,
          y: e.y,
          vx: e.vx,
          vy: e.vy,
          aim: e.aim,
          hp: e.hp,
          score: e.score,
          name: e.name,
        }
      : { kind: e.kind, id: e.id, x: e.x, y: e.y };
  const updated: EntityUpdate[] = [];
  for (let i = 0; i < d.updatedCount; i++) {
    const e = d.updated[i] as Player;
    const mask = d.updatedMasks[i] as number;
    const u: EntityUpdate = { id: e.id };
    if (mask & UpdateField.Motion) u.motion = { x: e.x, y: e.y, vx: e.vx, vy: e.vy };
    if (mask & UpdateField.Aim) u.aim = e.aim;
    if (mask & UpdateField.Hp) u.hp = e.hp;
    if (mask & UpdateField.Score) u.score = e.score;
    updated.push(u);
  }
  return {
    tick: d.tick,
    baselineTick: d.baselineTick,
    inputAck: d.inputAck,
    removed: Array.from(d.removed.subarray(0, d.removedCount)),
    entered: d.entered.slice(0, d.enteredCount).map(record),
    updated,
    checksum: d.checksum,
  };
}
