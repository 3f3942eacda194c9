import { MAX_ENTITY_ID, type CompiledKind } from '@tickwire/protocol';
import type { World } from '../sim/world.js';
import type { ViewRect } from '../interest/view.js';
import type { ViewDelta, SyncScratch } from './client-sync.js';
import type { EntityState } from './entity-state.js';
import * as packedIds from './packed-ids.js';
import { listLeftView } from './left-view.js';
import * as policy from './send-budget.js';
import type { ClientBudget, SendBudget } from './send-budget.js';
import type { VersionLog } from './version-log.js';
import * as sizes from './wire-sizes.js';

// Module-local copies: under tsx an imported binding is a getter call at every use, and these
// run per candidate per client per tick.
const MAJOR_CHANGE_WEIGHT = policy.MAJOR_CHANGE_WEIGHT;
const MINOR_CHANGE_WEIGHT = policy.MINOR_CHANGE_WEIGHT;
const PRIORITY_SPAN = policy.PRIORITY_SPAN;
const NEARNESS_LEVELS = policy.NEARNESS_LEVELS;
const nearnessLevel = policy.nearnessLevel;
const idAt = packedIds.idAt;
const frameOverheadBytes = sizes.frameOverheadBytes;
const intSizeBytes = sizes.intSizeBytes;
const updateSizeBytes = sizes.updateSizeBytes;
const packPending = policy.packPending;

const ID_SPACE = MAX_ENTITY_ID + 1;
/** No record is smaller: an update [id, mask, value] of one-byte integers. */
const MIN_RECORD_BYTES = 4;
// Unpacking the packed lists (exact: powers of two).
const INV_2_16 = 2 ** -16;
const INV_2_20 = 2 ** -20;
/** A withheld version that the log no longer keeps: the update goes, with every group. */
const LOST = -2;

/** The baseline a budgeted delta is composed against: what the client holds. */
export interface BudgetBase {
  tick: number;
  /** Dynamic ids, packed (idAt). */
  ids: readonly number[];
  count: number;
  /**
   * `withheldCount` entries seq * 65536 + id: ids of `ids` the client holds at an older version
   * than `tick`, version `seq` of the VersionLog. null: none.
   */
  withheld: readonly number[] | null;
  withheldCount: number;
}

/**
 * The dynamic part of a snapshot under a byte budget (send-budget.ts has the policy): entered,
 * updated and removed like ClientSync's unbudgeted composition, except that entries and updates
 * beyond the client's credit wait, highest accumulated priority first. Statics are composed by
 * ClientSync before this runs (they always go: their bytes are counted here).
 *
 * Scratch only: one instance serves every client of every room of the process in turn (its mark
 * arrays are indexed by entity id, stamped per composition), and nothing survives from one
 * client's composition to the next but what it writes to the client's ClientBudget. The loops
 * keep arrays in locals: they run per entity in view per client per tick.
 */
export class BudgetedComposer {
  /** Marks by id, each valid when it equals the composition's stamp. */
  readonly #heldMarks = new Uint32Array(ID_SPACE);
  readonly #heldSeqs = new Float64Array(ID_SPACE);
  readonly #pendingMarks = new Uint32Array(ID_SPACE);
  readonly #pendingAccs = new Float64Array(ID_SPACE);
  readonly #pendingSinces = new Int32Array(ID_SPACE);
  readonly #deliveredMarks = new Uint32Array(ID_SPACE);
  readonly #withheldEntryMarks = new Uint32Array(ID_SPACE);
  #stamp = 0;
  /** Candidates (entities with something waiting) of the composition, grown as needed. */
  #candidateIds = new Uint16Array(256);
  /** Accumulator * PRIORITY_SPAN + priority: the heap's key (ties go to the higher priority). */
  #candidateKeys = new Float64Array(256);
  #candidateAccs = new Float64Array(256);
  /** Update mask, or 0 for an entry. */
  #candidateMasks = new Int32Array(256);
  #candidateSeqs = new Float64Array(256);
  #candidateSinces = new Int32Array(256);
  #heap = new Int32Array(256);
  #candidateCount = 0;
  /** By game (its schema's kinds): positionMasksOf. */
  readonly #positionMasks = new WeakMap<readonly CompiledKind[], Int32Array>();
  /** Set by compose: records withheld, and how many ticks the stalest of them has waited. */
  withheldCount = 0;
  stalenessTicks = 0;
  /** Set by compose: entries written to its `withheldOut`. */
  withheldOutCount = 0;

  /**
   * Composes the dynamic entities of `rect` at `tick` for `client` into `d` (after its statics),
   * leaves the ids of its new view in `scratch.view` (without entries that wait), writes the
   * updates that wait to `withheldOut` (withheldOutCount of them, as BudgetBase.withheld), and
   * returns the dynamic part of the view checksum. `selfId` is the client's own entity (-1: none).
   */
  compose(
    world: World,
    state: EntityState,
    versions: VersionLog,
    tick: number,
    rect: ViewRect,
    inputAck: number,
    withChecksum: boolean,
    base: BudgetBase | null,
    client: ClientBudget,
    budget: SendBudget,
    selfId: number,
    d: ViewDelta,
    scratch: SyncScratch,
    withheldOut: number[],
  ): number {
    const stamp = this.#nextStamp();
    const heldMarks = this.#heldMarks;
    const heldSeqs = this.#heldSeqs;
    const pendingMarks = this.#pendingMarks;
    const pendingAccs = this.#pendingAccs;
    const pendingSinces = this.#pendingSinces;
    const deliveredMarks = this.#deliveredMarks;
    const baseTick = base ? base.tick : 0;
    const marks = scratch.marks;
    const inBase = scratch.nextStamp();
    const seen = inBase + 1;
    if (base) {
      for (let i = 0; i < base.count; i++) marks[idAt(base.ids, i)] = inBase;
      const held = base.withheld;
      if (held !== null) {
        for (let k = 0; k < base.withheldCount; k++) {
          const entry = held[k] as number;
          const seq = Math.floor(entry * INV_2_16);
          const id = entry - seq * 65536;
          heldMarks[id] = stamp;
          heldSeqs[id] = seq;
        }
      }
    }
    const pending = client.pending;
    const pendingTick = client.deliveredTick;
    for (let k = 0; k < client.pendingCount; k++) {
      const entry = pending[k] as number;
      const rest = Math.floor(entry * INV_2_16);
      const id = entry - rest * 65536;
      const waited = Math.floor(rest * INV_2_20);
      pendingMarks[id] = stamp;
      pendingAccs[id] = rest - waited * 2 ** 20;
      pendingSinces[id] = pendingTick - waited;
    }
    // What the newest snapshot carried and the baseline lacks is on its way to the client.
    if (client.deliveredTick > baseTick) {
      const delivered = client.delivered;
      for (let k = 0; k < client.deliveredCount; k++) {
        deliveredMarks[delivered[k] as number] = stamp;
      }
    }

    client.accrue(tick, budget);
    let mandatoryBytes = frameOverheadBytes(tick, inputAck, withChecksum);
    const kinds = world.schema.kinds;
    const kindIds = world.kindIds;
    // Statics (composed before): they always go.
    for (let i = 0; i < d.enteredCount; i++) {
      mandatoryBytes += recordSize(world, state, d.entered[i] as number, tick);
    }
    for (let i = 0; i < d.removedCount; i++) mandatoryBytes += intSizeBytes(d.removed[i] as number);

    const view = scratch.view;
    const count = world.dynamicGrid().queryInto(rect.minX, rect.minY, rect.maxX, rect.maxY, view);
    if (this.#candidateIds.length < count) this.#growCandidates(count);
    const candidateIds = this.#candidateIds;
    const candidateKeys = this.#candidateKeys;
    const candidateAccs = this.#candidateAccs;
    const candidateMasks = this.#candidateMasks;
    const candidateSeqs = this.#candidateSeqs;
    const candidateSinces = this.#candidateSinces;
    const hashes = state.hashes;
    const changes = state.changes;
    const values = state.values;
    const width = state.valueWidth;
    const positionMasks = this.#positionMasksOf(kinds);
    const centreX = (rect.minX + rect.maxX) / 2;
    const centreY = (rect.minY + rect.maxY) / 2;
    // Levels of nearness per unit of distance from the centre, on each axis (send-budget.ts).
    const levelsPerX = NEARNESS_LEVELS / Math.max(1, (rect.maxX - rect.minX) / 2);
    const levelsPerY = NEARNESS_LEVELS / Math.max(1, (rect.maxY - rect.minY) / 2);
    const delivered = client.nextDelivered;
    let deliveredCount = 0;
    let candidates = 0;
    let checksum = 0;
    for (let i = 0; i < count; i++) {
      const id = view[i] as number;
      const isOnItsWay = id === selfId || deliveredMarks[id] === stamp;
      let mask = 0;
      let seq = -1;
      let weight = MAJOR_CHANGE_WEIGHT;
      let since = tick;
      if (marks[id] !== inBase) {
        // An entry.
        if (isOnItsWay) {
          d.entered[d.enteredCount++] = id;
          checksum = (checksum + (hashes[id] as number)) >>> 0;
          mandatoryBytes += recordSize(world, state, id, tick);
          delivered[deliveredCount++] = id;
          continue;
        }
        if (pendingMarks[id] === stamp) since = pendingSinces[id] as number;
      } else {
        marks[id] = seen;
        if (heldMarks[id] === stamp) {
          seq = heldSeqs[id] as number;
          if (versions.isLive(seq)) {
            mask = changes.changedSince(id, versions.startTick(seq));
          } else {
            mask = (kinds[kindIds[id] as number] as CompiledKind).groupMask;
            seq = LOST;
          }
        } else {
          mask = changes.changedSince(id, baseTick);
        }
        if (mask === 0) {
          checksum = (checksum + (hashes[id] as number)) >>> 0;
          continue;
        }
        // Waiting needs the version the client holds: the one current at the baseline's tick.
        if (!isOnItsWay && seq === -1) seq = versions.find(id, baseTick);
        if (isOnItsWay || seq < 0) {
          d.updated[d.updatedCount] = id;
          d.updatedMasks[d.updatedCount++] = mask;
          checksum = (checksum + (hashes[id] as number)) >>> 0;
          mandatoryBytes += updateSizeBytes(
            id,
            kinds[kindIds[id] as number] as CompiledKind,
            mask,
            values,
            id * width,
            state.textsOf(id),
          );
          delivered[deliveredCount++] = id;
          continue;
        }
        if ((mask & (positionMasks[kindIds[id] as number] as number)) === 0) {
          weight = MINOR_CHANGE_WEIGHT;
        }
        since = versions.endTick(seq);
      }
      const o = id * width;
      const priority =
        weight *
        nearnessLevel(
          Math.abs((values[o] as number) - centreX) * levelsPerX,
          Math.abs((values[o + 1] as number) - centreY) * levelsPerY,
        );
      const acc = (pendingMarks[id] === stamp ? (pendingAccs[id] as number) : 0) + priority;
      candidateIds[candidates] = id;
      candidateAccs[candidates] = acc;
      candidateKeys[candidates] = acc * PRIORITY_SPAN + priority;
      candidateMasks[candidates] = mask;
      candidateSeqs[candidates] = seq;
      candidateSinces[candidates] = since;
      candidates++;
    }
    client.nextDeliveredCount = deliveredCount;
    this.#candidateCount = candidates;
    if (base) {
      const from = d.removedCount;
      listLeftView(base.ids, base.count, marks, inBase, world.expiresTicks, tick, d);
      for (let i = from; i < d.removedCount; i++) {
        mandatoryBytes += intSizeBytes(d.removed[i] as number);
      }
    }

    checksum = this.#choose(
      world,
      state,
      versions,
      tick,
      client,
      budget,
      client.creditBytes - mandatoryBytes,
      d,
      withheldOut,
      stamp,
      checksum,
    );

    // The new view: everything in the rectangle but the entries that wait.
    let kept = count;
    if (this.withheldCount > 0) {
      const withheldEntryMarks = this.#withheldEntryMarks;
      kept = 0;
      for (let i = 0; i < count; i++) {
        const id = view[i] as number;
        if (withheldEntryMarks[id] !== stamp) view[kept++] = id;
      }
    }
    scratch.viewCount = kept;
    client.swap(tick);
    return checksum;
  }

  /**
   * Sends candidates by accumulated priority while they fit in `availableBytes`; the rest wait.
   * Returns the checksum with every candidate's part added.
   */
  #choose(
    world: World,
    state: EntityState,
    versions: VersionLog,
    tick: number,
    client: ClientBudget,
    budget: SendBudget,
    availableBytes: number,
    d: ViewDelta,
    withheldOut: number[],
    stamp: number,
    checksum: number,
  ): number {
    const n = this.#candidateCount;
    const heap = this.#heap;
    const keys = this.#candidateKeys;
    // A record larger than the credit can ever hold goes when the credit is full.
    const isCreditFull = client.creditBytes >= budget.capBytes;
    for (let i = 0; i < n; i++) heap[i] = i;
    // Nothing fits (a client repaying what had to go): no order to find.
    const canSend = isCreditFull || availableBytes >= MIN_RECORD_BYTES;
    if (canSend) for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(heap, keys, i, n);
    const ids = this.#candidateIds;
    const masks = this.#candidateMasks;
    const kinds = world.schema.kinds;
    const kindIds = world.kindIds;
    const hashes = state.hashes;
    const delivered = client.nextDelivered;
    let deliveredCount = client.nextDeliveredCount;
    let available = availableBytes;
    let size = n;
    let sent = 0;
    while (canSend && size > 0) {
      const c = heap[0] as number;
      const id = ids[c] as number;
      const mask = masks[c] as number;
      const bytes =
        mask === 0
          ? recordSize(world, state, id, tick)
          : updateSizeBytes(
              id,
              kinds[kindIds[id] as number] as CompiledKind,
              mask,
              state.values,
              id * state.valueWidth,
              state.textsOf(id),
            );
      if (bytes > available && !(sent === 0 && isCreditFull)) break;
      available -= bytes;
      sent++;
      heap[0] = heap[--size] as number;
      siftDown(heap, keys, 0, size);
      if (mask === 0) {
        d.entered[d.enteredCount++] = id;
      } else {
        d.updated[d.updatedCount] = id;
        d.updatedMasks[d.updatedCount++] = mask;
      }
      checksum = (checksum + (hashes[id] as number)) >>> 0;
      delivered[deliveredCount++] = id;
    }
    client.nextDeliveredCount = deliveredCount;
    // What did not fit waits, its accumulator kept.
    const expires = world.expiresTicks;
    const accs = this.#candidateAccs;
    const sinces = this.#candidateSinces;
    const seqs = this.#candidateSeqs;
    const withheldEntryMarks = this.#withheldEntryMarks;
    const pending = client.nextPending;
    let staleness = 0;
    let pairs = 0;
    for (let k = 0; k < size; k++) {
      const c = heap[k] as number;
      const id = ids[c] as number;
      const since = sinces[c] as number;
      pending[k] = packPending(id, accs[c] as number, tick - since);
      if (tick - since > staleness) staleness = tick - since;
      if ((masks[c] as number) === 0) {
        withheldEntryMarks[id] = stamp;
      } else {
        const seq = seqs[c] as number;
        checksum = (checksum + versions.hashAt(seq, tick, expires[id] as number)) >>> 0;
        withheldOut[pairs++] = seq * 65536 + id;
      }
    }
    client.nextPendingCount = size;
    this.withheldOutCount = pairs;
    this.withheldCount = size;
    this.stalenessTicks = staleness;
    return checksum;
  }

  /** Per kind id of a game: the update group of its position (x, y), 0 for a static kind. */
  #positionMasksOf(kinds: readonly CompiledKind[]): Int32Array {
    let masks = this.#positionMasks.get(kinds);
    if (masks === undefined) {
      masks = new Int32Array(kinds.length);
      for (const kind of kinds) {
        const x = kind.numericFields[0];
        masks[kind.id] = kind.isStatic || x === undefined ? 0 : 1 << x.groupBit;
      }
      this.#positionMasks.set(kinds, masks);
    }
    return masks;
  }

  #growCandidates(atLeast: number): void {
    let capacity = this.#candidateIds.length;
    while (capacity < atLeast) capacity *= 2;
    this.#candidateIds = new Uint16Array(capacity);
    this.#candidateKeys = new Float64Array(capacity);
    this.#candidateAccs = new Float64Array(capacity);
    this.#candidateMasks = new Int32Array(capacity);
    this.#candidateSeqs = new Float64Array(capacity);
    this.#candidateSinces = new Int32Array(capacity);
    this.#heap = new Int32Array(capacity);
  }

  #nextStamp(): number {
    if (this.#stamp >= 0xffff_fff0) {
      for (const marks of [
        this.#heldMarks,
        this.#pendingMarks,
        this.#deliveredMarks,
        this.#withheldEntryMarks,
      ]) {
        marks.fill(0);
      }
      this.#stamp = 0;
    }
    return ++this.#stamp;
  }
}

/** Max-heap of candidate indices on their keys: moves heap[at] down to its place. */
function siftDown(heap: Int32Array, keys: Float64Array, at: number, size: number): void {
  let i = at;
  const item = heap[i] as number;
  const key = keys[item] as number;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    const right = child + 1;
    if (
      right < size &&
      (keys[heap[right] as number] as number) > (keys[heap[child] as number] as number)
    ) {
      child = right;
    }
    if ((keys[heap[child] as number] as number) <= key) break;
    heap[i] = heap[child] as number;
    i = child;
  }
  heap[i] = item;
}

/** Bytes of `id`'s entity record at `tick` (encoded once per tick, shared by every client). */
function recordSize(world: World, state: EntityState, id: number, tick: number): number {
  const e = world.byId[id];
  if (!e) throw new Error(`snapshot names entity ${id}, which is not in the world`);
  const kind = world.schema.kinds[world.kindIds[id] as number] as CompiledKind;
  return state.recordBytesOf(e, kind, tick).byteLength;
}

let shared: BudgetedComposer | null = null;

/** The process's one composer (its id-indexed scratch is 2.4 MB: not one per room). */
export function budgetedComposer(): BudgetedComposer {
  return (shared ??= new BudgetedComposer());
}
