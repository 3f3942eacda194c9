import {
  EntityKind,
  MAX_BASELINE_AGE,
  MAX_ENTITY_ID,
  type EntityUpdate,
  type Snapshot,
} from '@tickwire/protocol';
import type { Entity } from '../sim/entities.js';
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
 * Scratch memory shared by every client's composition in one process: a stamp per entity id
 * marks "in this client's baseline" without allocating a set per client per tick.
 */
export class SyncScratch {
  readonly marks = new Uint32Array(MAX_ENTITY_ID + 1);
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

  /** Newest tick the client acknowledged that is still a usable baseline candidate. */
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
   * The snapshot of `rect` at `tick`, as a delta from the newest acknowledged view (or full),
   * and remembers it as sent. Call only for a snapshot that will be sent.
   */
  compose(
    world: World,
    tick: number,
    rect: ViewRect,
    inputAck: number,
    withChecksum: boolean,
    scratch: SyncScratch,
  ): Snapshot {
    const base = this.#baselineFor(tick);
    const baseTick = base ? base.tick : 0;
    const marks = scratch.marks;
    const inBase = scratch.nextStamp();
    const seen = inBase + 1;
    if (base) {
      for (let i = 0; i < base.count; i++) marks[base.ids[i] as number] = inBase;
    }
    const sent = this.#ring[tick % SENT_VIEW_RING] as SentView;
    sent.tick = tick;
    sent.count = 0;
    const entered: Entity[] = [];
    const updated: EntityUpdate[] = [];
    let checksum = 0;

    world.grid.query(rect.minX, rect.minY, rect.maxX, rect.maxY, (e) => {
      if (sent.count === sent.ids.length) {
        const grown = new Uint16Array(sent.ids.length * 2);
        grown.set(sent.ids);
        sent.ids = grown;
      }
      sent.ids[sent.count++] = e.id;
      if (withChecksum) checksum = (checksum + world.hashOf(e, tick)) >>> 0;
      if (marks[e.id] !== inBase) {
        entered.push(e);
        return;
      }
      marks[e.id] = seen;
      if (e.kind !== EntityKind.Player) return;
      const hasMotion = e.motionTick > baseTick;
      const hasAim = e.aimTick > baseTick;
      const hasHp = e.hpTick > baseTick;
      const hasScore = e.scoreTick > baseTick;
      if (!(hasMotion || hasAim || hasHp || hasScore)) return;
      const u: EntityUpdate = { id: e.id };
      if (hasMotion) u.motion = { x: e.x, y: e.y, vx: e.vx, vy: e.vy };
      if (hasAim) u.aim = e.aim;
      if (hasHp) u.hp = e.hp;
      if (hasScore) u.score = e.score;
      updated.push(u);
    });

    const removed: number[] = [];
    if (base) {
      for (let i = 0; i < base.count; i++) {
        const id = base.ids[i] as number;
        if (marks[id] === inBase) removed.push(id);
      }
    }
    return {
      tick,
      baselineTick: baseTick,
      inputAck,
      removed,
      entered,
      updated,
      checksum: withChecksum ? checksum : null,
    };
  }
}
