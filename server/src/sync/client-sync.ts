import {
  MAX_BASELINE_AGE,
  MAX_ENTITY_ID,
  type CompiledField,
  type EntityRecord,
  type EntityUpdate,
  type Snapshot,
} from '@tickwire/protocol';
import type { Entity, World } from '../sim/world.js';
import { containsPoint } from '../interest/rect-difference.js';
import type { ViewRect } from '../interest/view.js';
import type { StaticEvent } from '../interest/static-log.js';
import type { EntityState } from './entity-state.js';
import * as packedIds from './packed-ids.js';
import { budgetedComposer } from './budgeted-compose.js';
import { listLeftView } from './left-view.js';
import { ClientBudget, type SendBudget } from './send-budget.js';

/** How many sent views each client keeps as possible baselines (Quake 3 keeps 32). */
export const SENT_VIEW_RING = 32;
/** Oldest baseline usable for a delta, in ticks. MUST stay below the world's id quarantine. */
export const MAX_DELTA_AGE = Math.min(SENT_VIEW_RING - 1, MAX_BASELINE_AGE);

/**
 * One client's snapshot at one tick, as composed: entity ids and masks, no copies. A single
 * instance is reused for every client in turn (see SyncScratch): use it before composing the
 * next client's.
 */
export interface ViewDelta {
  tick: number;
  baselineTick: number;
  inputAck: number;
  /** View checksum, or null when checksums are off. */
  checksum: number | null;
  removed: Uint16Array;
  removedCount: number;
  entered: Uint16Array;
  enteredCount: number;
  updated: Uint16Array;
  /** Update group mask of updated[i]. */
  updatedMasks: Uint32Array;
  updatedCount: number;
  /** Under a byte budget (composeWithin only): entries and updates left for later. */
  withheldCount: number;
  /** Under a byte budget (composeWithin only): ticks the longest-waiting of them has waited. */
  stalenessTicks: number;
}

const ID_SPACE = MAX_ENTITY_ID + 1;

/**
 * Scratch memory shared by every client's composition in one process: a stamp per entity id
 * marks "in this client's baseline" without a set per client per tick, and the view and delta
 * arrays are reused. Nothing here survives from one client's composition to the next.
 */
export class SyncScratch {
  readonly marks = new Uint32Array(ID_SPACE);
  /** Dynamic entities in the view being composed, and how many. */
  readonly view = new Uint16Array(ID_SPACE);
  viewCount = 0;
  /** Static entity query results. */
  readonly statics = new Uint16Array(ID_SPACE);
  readonly delta: ViewDelta = {
    tick: 0,
    baselineTick: 0,
    inputAck: 0,
    checksum: null,
    removed: new Uint16Array(ID_SPACE),
    removedCount: 0,
    entered: new Uint16Array(ID_SPACE),
    enteredCount: 0,
    updated: new Uint16Array(ID_SPACE),
    updatedMasks: new Uint32Array(ID_SPACE),
    updatedCount: 0,
    withheldCount: 0,
    stalenessTicks: 0,
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

/** A view that can still be a baseline: its ids are held. */
type HeldView = SentView & { ids: number[] };

const isHeld = (view: SentView): view is HeldView => view.ids !== null;

/**
 * Id `i` of a view's ids, two to an element (packed-ids.ts). A module-local binding: under tsx an
 * imported one is a getter call at every use, and this runs per id per client per tick.
 */
const idAt = packedIds.idAt;

/**
 * Id arrays a client keeps, freed by an acknowledgement, for the views sent until the next: one
 * per tick between two (8 at 30 Hz for Inputs at 4 Hz, 2 for the reference client's 20 Hz).
 * Fewer, and the heap fills with arrays thrown away and made again (130 MB more at 3000 players).
 */
const SPARE_ID_ARRAYS = 8;
/**
 * Views whose ids a client keeps until it first acknowledges one: 16 ticks for that first round
 * trip (533 ms at 30 Hz; a slower one gets its first delta an Input later), and no more memory
 * than the whole ring took as Uint16Arrays, for a spectator, which never acknowledges.
 */
const VIEWS_BEFORE_FIRST_ACK = 16;

/** What a client was sent at one tick: the dynamic entities by id; the static ones by rectangle. */
interface SentView {
  tick: number;
  /**
   * Dynamic entities in view, `count` of them two to an element (idAt); null once the view can no
   * longer be a baseline (older than the acknowledged one), or is not kept (before the first).
   */
  ids: number[] | null;
  count: number;
  /** The view rectangle: static entities never move, so it says which of them were in view. */
  rect: ViewRect;
  /** Sum of the hashes of the static entities in view (their part of the view checksum). */
  staticChecksum: number;
  /**
   * Under a byte budget: the ids the client holds at an older version than `tick` (an update
   * waits), each as seq * 65536 + id, version `seq` of the VersionLog; null without a budget, or
   * when the view's ids are not held.
   */
  withheld: number[] | null;
  /** Entries in `withheld` (the array is reused: it may be longer). */
  withheldCount: number;
}

/** Resets `d` for a snapshot at `tick` from `baselineTick` (0: full) and returns it. */
function startDelta(d: ViewDelta, tick: number, baselineTick: number, inputAck: number): ViewDelta {
  d.tick = tick;
  d.baselineTick = baselineTick;
  d.inputAck = inputAck;
  d.enteredCount = 0;
  d.updatedCount = 0;
  d.removedCount = 0;
  return d;
}

/** Records a view as sent at `tick` (its ids are already packed into it). */
function remember(
  sent: SentView,
  tick: number,
  count: number,
  rect: ViewRect,
  staticChecksum: number,
): void {
  sent.count = count;
  sent.tick = tick;
  sent.rect.minX = rect.minX;
  sent.rect.minY = rect.minY;
  sent.rect.maxX = rect.maxX;
  sent.rect.maxY = rect.maxY;
  sent.staticChecksum = staticChecksum;
}

/**
 * One client's side of the snapshot protocol: the ring of views sent to it, its newest
 * acknowledged tick, and the composition of each new snapshot as a delta from that baseline.
 *
 * A view keeps its ids only while it may still become a baseline: from the acknowledged one on
 * (about four views, not the ring's 32), or the newest few before a first acknowledgement (a
 * client that never sends Input never acknowledges, PROTOCOL.md 7.1). They are plain arrays on
 * V8's heap, two ids to an element, not typed arrays: each typed array is a malloc() block, and
 * glibc kept the 600 MB that 10,000 clients' rings had taken long after they left, where V8
 * compacts its heap and gives it back.
 *
 * Dynamic entities (players, projectiles) are compared id by id against the baseline; those
 * whose lifetime ended are dropped by both sides without a word. Static entities (pellets) never
 * move, so one can only enter or leave the view through the bands where the baseline's
 * rectangle and the new one differ, or by spawning or going since the baseline (the world's
 * static log): a client that moves a few units a tick touches a few pellets, not all of the
 * hundred in view.
 */
export class ClientSync {
  readonly #ring: SentView[] = Array.from({ length: SENT_VIEW_RING }, () => ({
    tick: 0,
    ids: null,
    count: 0,
    rect: { minX: 0, minY: 0, maxX: 0, maxY: 0 },
    staticChecksum: 0,
    withheld: null,
    withheldCount: 0,
  }));
  /** Id arrays of views that can no longer be baselines, for the next views to reuse. */
  readonly #spareIds: number[][] = [];
  /** The same for the withheld lists of views sent under a byte budget. */
  readonly #spareWithheld: number[][] = [];
  #ackedTick = 0;
  #isAcknowledging = false;
  /** Under a byte budget (composeWithin): the client's credit and what waits for it. */
  #budget: ClientBudget | null = null;

  /** Records the client's acknowledgement. Ticks never sent, or older than the current, are ignored. */
  acknowledge(tick: number): void {
    this.#isAcknowledging = true;
    if (tick <= this.#ackedTick) return;
    const view = this.#ring[tick % SENT_VIEW_RING];
    if (!view || view.tick !== tick) return;
    this.#ackedTick = tick;
    for (const older of this.#ring) {
      if (older.tick < tick) this.#release(older);
    }
  }

  /** Forgets the acknowledgement and every sent view: the next snapshot is full. */
  reset(): void {
    this.#ackedTick = 0;
    for (const view of this.#ring) {
      view.tick = 0;
      this.#release(view);
    }
    this.#budget?.forgetDelivered();
  }

  #release(view: SentView): void {
    if (view.ids === null) return;
    if (this.#spareIds.length < SPARE_ID_ARRAYS) this.#spareIds.push(view.ids);
    view.ids = null;
    if (view.withheld !== null) {
      if (this.#spareWithheld.length < SPARE_ID_ARRAYS) this.#spareWithheld.push(view.withheld);
      view.withheld = null;
    }
  }

  #baselineFor(tick: number): HeldView | null {
    const acked = this.#ackedTick;
    if (acked === 0 || tick - acked > MAX_DELTA_AGE) return null;
    const view = this.#ring[acked % SENT_VIEW_RING];
    return view && view.tick === acked && isHeld(view) ? view : null;
  }

  /**
   * Composes the snapshot of `rect` (integer bounds) at `tick` as a delta from the newest
   * acknowledged view (or full), into `scratch.delta`, and remembers the view as sent. Call
   * only for a snapshot that will be sent.
   */
  compose(
    world: World,
    state: EntityState,
    tick: number,
    rect: ViewRect,
    inputAck: number,
    withChecksum: boolean,
    scratch: SyncScratch,
  ): ViewDelta {
    const base = this.#baselineFor(tick);
    const d = startDelta(scratch.delta, tick, base ? base.tick : 0, inputAck);
    const sent = this.#ring[tick % SENT_VIEW_RING] as SentView;
    // The ring slot may hold the baseline itself (31 ticks ago): compose before overwriting it.
    const dynamicChecksum = this.#composeDynamic(world, state, tick, rect, base, d, scratch);
    const staticChecksum = this.#composeStatic(world, state, rect, base, d, scratch);
    this.#keepView(sent, tick, rect, staticChecksum, scratch);
    d.checksum = withChecksum ? (dynamicChecksum + staticChecksum) >>> 0 : null;
    return d;
  }

  /**
   * Keeps the view just composed (scratch.view) as sent at `tick` in ring slot `sent`, its ids
   * packed, and lets go of the ids of views that can no longer become a baseline.
   */
  #keepView(
    sent: SentView,
    tick: number,
    rect: ViewRect,
    staticChecksum: number,
    scratch: SyncScratch,
  ): void {
    if (!this.#isAcknowledging) {
      for (const older of this.#ring) {
        if (older.tick <= tick - VIEWS_BEFORE_FIRST_ACK) this.#release(older);
      }
    }
    const ids = (sent.ids ??= this.#spareIds.pop() ?? []);
    packedIds.pack(scratch.view, scratch.viewCount, ids);
    remember(sent, tick, scratch.viewCount, rect, staticChecksum);
  }

  /**
   * compose() under a per-client byte budget (send-budget.ts): the same snapshot, except that
   * entries and updates that do not fit the client's credit wait (budgeted-compose.ts). The
   * view remembered as sent is what the client will hold: without the entries that wait, and
   * with the version it keeps of each entity whose update waits. `selfId` is the client's own
   * entity (-1: none), which always goes. Charge the frame's size with spend().
   */
  composeWithin(
    world: World,
    state: EntityState,
    tick: number,
    rect: ViewRect,
    inputAck: number,
    withChecksum: boolean,
    scratch: SyncScratch,
    budget: SendBudget,
    selfId: number,
  ): ViewDelta {
    const versions = state.versions;
    if (versions === null) throw new Error('a byte budget needs EntityState.keepVersions');
    const base = this.#baselineFor(tick);
    const d = startDelta(scratch.delta, tick, base ? base.tick : 0, inputAck);
    const sent = this.#ring[tick % SENT_VIEW_RING] as SentView;
    // Statics first: they always go, and the budget counts their bytes.
    const staticChecksum = this.#composeStatic(world, state, rect, base, d, scratch);
    const withheld = this.#spareWithheld.pop() ?? [];
    const composer = budgetedComposer();
    const dynamicChecksum = composer.compose(
      world,
      state,
      versions,
      tick,
      rect,
      inputAck,
      withChecksum,
      base,
      (this.#budget ??= new ClientBudget()),
      budget,
      selfId,
      d,
      scratch,
      withheld,
    );
    d.withheldCount = composer.withheldCount;
    d.stalenessTicks = composer.stalenessTicks;
    this.#keepView(sent, tick, rect, staticChecksum, scratch);
    // Composed: the slot's old list (maybe the baseline's own) is free now.
    if (sent.withheld !== null && this.#spareWithheld.length < SPARE_ID_ARRAYS) {
      this.#spareWithheld.push(sent.withheld);
    }
    sent.withheld = withheld;
    sent.withheldCount = composer.withheldOutCount;
    d.checksum = withChecksum ? (dynamicChecksum + staticChecksum) >>> 0 : null;
    return d;
  }

  /**
   * Charges a frame composed by composeWithin, at its real size, to the client's credit; `isFull`:
   * it had no baseline.
   */
  spend(bytes: number, budget: SendBudget, isFull: boolean): void {
    this.#budget?.spend(bytes, budget, isFull);
  }

  /**
   * Dynamic entities: entered, updated (changed since the baseline) and removed, id by id.
   * Entities whose lifetime ended by `tick` are not listed as removed: clients drop them.
   */
  #composeDynamic(
    world: World,
    state: EntityState,
    tick: number,
    rect: ViewRect,
    base: HeldView | null,
    d: ViewDelta,
    scratch: SyncScratch,
  ): number {
    const baseTick = base ? base.tick : 0;
    const marks = scratch.marks;
    const inBase = scratch.nextStamp();
    const seen = inBase + 1;
    if (base) {
      for (let i = 0; i < base.count; i++) marks[idAt(base.ids, i)] = inBase;
    }
    const view = scratch.view;
    const count = world.dynamicGrid().queryInto(rect.minX, rect.minY, rect.maxX, rect.maxY, view);
    scratch.viewCount = count;
    const hashes = state.hashes;
    const changes = state.changes;
    let checksum = 0;
    for (let i = 0; i < count; i++) {
      const id = view[i] as number;
      checksum = (checksum + (hashes[id] as number)) >>> 0;
      if (marks[id] !== inBase) {
        d.entered[d.enteredCount++] = id;
        continue;
      }
      marks[id] = seen;
      const mask = changes.changedSince(id, baseTick);
      if (mask === 0) continue;
      d.updated[d.updatedCount] = id;
      d.updatedMasks[d.updatedCount++] = mask;
    }
    if (base) listLeftView(base.ids, base.count, marks, inBase, world.expiresTicks, tick, d);
    return checksum;
  }

  /** Static entities: from the rectangle difference and the static log; returns their checksum part. */
  #composeStatic(
    world: World,
    state: EntityState,
    rect: ViewRect,
    base: SentView | null,
    d: ViewDelta,
    scratch: SyncScratch,
  ): number {
    const grid = world.staticGrid();
    const found = scratch.statics;
    const hashes = state.hashes;
    if (!base) {
      let checksum = 0;
      const count = grid.queryInto(rect.minX, rect.minY, rect.maxX, rect.maxY, found);
      for (let i = 0; i < count; i++) {
        const id = found[i] as number;
        d.entered[d.enteredCount++] = id;
        checksum = (checksum + (hashes[id] as number)) >>> 0;
      }
      return checksum;
    }
    const baseTick = base.tick;
    let checksum = base.staticChecksum;
    // Alive now and in the new rectangle only: entered (whether they spawned since or not).
    let count = grid.queryDifferenceInto(rect, base.rect, found);
    for (let i = 0; i < count; i++) {
      const id = found[i] as number;
      d.entered[d.enteredCount++] = id;
      checksum = (checksum + (hashes[id] as number)) >>> 0;
    }
    // Alive now and in the baseline's rectangle only: removed, if they were alive then.
    const spawnTicks = world.spawnTicks;
    count = grid.queryDifferenceInto(base.rect, rect, found);
    for (let i = 0; i < count; i++) {
      const id = found[i] as number;
      if ((spawnTicks[id] as number) > baseTick) continue;
      d.removed[d.removedCount++] = id;
      checksum = (checksum - (hashes[id] as number)) >>> 0;
    }
    // Spawned or eaten since the baseline. Spawns outside the shared area were seen above.
    // Hashes of removed ones are still held: an id is not reused while an event can name it.
    const log = world.staticLog.events;
    for (let k = log.length - 1; k >= 0; k--) {
      const e = log[k] as StaticEvent;
      if (e.tick <= baseTick) break;
      if (e.isRemoval) {
        if (e.spawnTick <= baseTick && containsPoint(base.rect, e.x, e.y)) {
          d.removed[d.removedCount++] = e.id;
          checksum = (checksum - (hashes[e.id] as number)) >>> 0;
        }
      } else if (
        spawnTicks[e.id] === e.tick &&
        world.byId[e.id] !== undefined &&
        containsPoint(rect, e.x, e.y) &&
        containsPoint(base.rect, e.x, e.y)
      ) {
        d.entered[d.enteredCount++] = e.id;
        checksum = (checksum + (hashes[e.id] as number)) >>> 0;
      }
    }
    return checksum;
  }
}

/** An entity's protocol record at `tick` (a copy with the kind's fields only). */
export function toEntityRecord(world: World, e: Entity, tick: number): EntityRecord {
  const kind = world.kindOf(e.kind);
  const record: Record<string, unknown> = { id: e.id, kind: kind.name };
  for (const f of kind.fields) record[f.name] = e[f.name];
  if (kind.lifetimeTicks > 0) record.ticksLeft = (world.expiresTicks[e.id] as number) - tick;
  return record as EntityRecord;
}

/** The composed delta as a protocol Snapshot object (tests and tools; the server writes bytes). */
export function toSnapshot(d: ViewDelta, world: World): Snapshot {
  const entity = (id: number): Entity => {
    const e = world.byId[id];
    if (!e) throw new Error(`entity ${id} is not in the world`);
    return e;
  };
  const updated: EntityUpdate[] = [];
  for (let i = 0; i < d.updatedCount; i++) {
    const e = entity(d.updated[i] as number);
    const kind = world.kindOf(e.kind);
    const mask = d.updatedMasks[i] as number;
    const values: (number | string)[] = [];
    for (let m = mask; m !== 0; m &= m - 1) {
      const fields = kind.groupFields[31 - Math.clz32(m & -m)] as readonly CompiledField[];
      for (const f of fields) values.push(e[f.name] as number | string);
    }
    updated.push({ id: e.id, mask, values });
  }
  return {
    tick: d.tick,
    baselineTick: d.baselineTick,
    inputAck: d.inputAck,
    removed: Array.from(d.removed.subarray(0, d.removedCount)),
    entered: Array.from(d.entered.subarray(0, d.enteredCount), (id) =>
      toEntityRecord(world, entity(id), d.tick),
    ),
    updated,
    checksum: d.checksum,
  };
}
