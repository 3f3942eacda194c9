/**
 * A per-client byte budget (--max-bytes-per-client-s): what a snapshot may spend, and the priority
 * accumulator that chooses what goes first when a view holds more than that (Glenn Fiedler,
 * "State Synchronization"; Unreal's net priority). Composition under a budget is in
 * budgeted-compose.ts; this file is the policy.
 *
 * Each client has a credit in bytes: it grows by the budget's share of every tick since the
 * client's previous snapshot, up to `capBytes`, and every snapshot sent is charged at its real
 * size. Some things always go, whatever the credit (it may go below zero, and later snapshots
 * carry only those until it is repaid): the frame's head, removals, static entities (they enter by view
 * rectangle; a pellet is a few bytes), the client's own entity (prediction reconciles against it),
 * and what an earlier snapshot not yet acknowledged already carried (leaving it out would take
 * the client's view back to its baseline's: entities would vanish or jump back). The rest,
 * entities entering the view and updates, waits its turn.
 *
 * The turn: each snapshot, every entity that has something waiting for the client adds its
 * priority to its accumulator, and the snapshot takes them by accumulator, highest first, until
 * the next one would overrun the credit (the credit left carries over, so a large record is not
 * passed over for ever by smaller ones). What goes is reset to 0. An entity that waits gains at
 * least 1 a snapshot: nothing starves.
 *
 * Priority = nearness x change weight, 1..16:
 * - nearness, 1..4: 4 within the central quarter of the view (by the larger of its distances
 *   from the view's centre on each axis, in half-views), 1 at its edge;
 * - change weight: 4 to enter the view, or for an update of the entity's position (a new
 *   velocity, a teleport: an error that grows, or a jump); 1 for any other group (a score, hp,
 *   aim, a label: it is wrong, but it does not drift).
 *
 * Under a budget the replica stays exact: a withheld entity is simply not in the delta yet. One
 * that was to enter is not in the client's view; one whose update waits stays in the view at the
 * version the client holds, which the view checksum hashes as the client does (VersionLog).
 */

/** What a budget allows each client (server-wide, from the configuration). */
export interface SendBudget {
  /** Bytes a client may be sent per tick on average: --max-bytes-per-client-s / --tick-hz. */
  bytesPerTick: number;
  /**
   * The most credit a client keeps: two sends' worth (a send is every sendIntervalTicks ticks),
   * or a quarter second's if that is more. Enough that an entity's record, beside what must go,
   * fits before the credit stops growing (a cap of two sends at 1000 B/s, 66 B, left a fifth of
   * the budget unspent in a crowd); small enough that a quiet spell is not followed by a burst
   * that queues on a slow link.
   */
  capBytes: number;
  /**
   * The most debt a full snapshot leaves (a join's or a resync's: the whole view, statics and
   * all, again in every snapshot until the client acknowledges one): one second's budget, so a
   * newcomer waits about a second, not many, before entities start to enter.
   */
  maxFullDebtBytes: number;
  /**
   * The most debt a delta leaves: ten seconds' budget, a safety valve only. Deltas repay their
   * debt: what they re-send (every record a snapshot carried goes again until the client
   * acknowledges it, about one round trip of snapshots) is paid for by withholding new records,
   * which keeps a client with a long round trip within its budget too; forgiving it instead took
   * clients a quarter over their budget at six ticks of acknowledgement lag.
   */
  maxDeltaDebtBytes: number;
}

/**
 * The budget for `bytesPerSecond` (0: none) at `tickHz`, sending every `sendIntervalTicks`
 * ticks, or null when there is none.
 */
export function sendBudgetFor(
  bytesPerSecond: number,
  tickHz: number,
  sendIntervalTicks: number,
): SendBudget | null {
  if (bytesPerSecond <= 0) return null;
  const bytesPerTick = bytesPerSecond / tickHz;
  return {
    bytesPerTick,
    capBytes: Math.max(2 * bytesPerTick * sendIntervalTicks, bytesPerSecond / 4),
    maxFullDebtBytes: bytesPerSecond,
    maxDeltaDebtBytes: 10 * bytesPerSecond,
  };
}

/** Nearness levels: the view's centre is NEARNESS_LEVELS, its edge 1. */
export const NEARNESS_LEVELS = 4;
/** Weight of entering the view, or of an update that moves the entity (its position group). */
export const MAJOR_CHANGE_WEIGHT = 4;
/** Weight of an update of any other group. */
export const MINOR_CHANGE_WEIGHT = 1;
/** Every priority is below this (accumulator keys pack the priority under it). */
export const PRIORITY_SPAN = NEARNESS_LEVELS * MAJOR_CHANGE_WEIGHT + 1;

/**
 * Nearness 1..NEARNESS_LEVELS of something `dx`, `dy` from the view's centre, in a view of half
 * sizes `halfWidth`, `halfHeight` (any one unit).
 */
export function nearness(dx: number, dy: number, halfWidth: number, halfHeight: number): number {
  return nearnessLevel(
    (Math.abs(dx) * NEARNESS_LEVELS) / Math.max(1, halfWidth),
    (Math.abs(dy) * NEARNESS_LEVELS) / Math.max(1, halfHeight),
  );
}

/**
 * nearness() from the distances on each axis already counted in levels (|dx| * NEARNESS_LEVELS /
 * halfWidth): the composer scales once per client, not per entity.
 */
export function nearnessLevel(levelsX: number, levelsY: number): number {
  const level = NEARNESS_LEVELS - Math.floor(levelsX > levelsY ? levelsX : levelsY);
  return level < 1 ? 1 : level > NEARNESS_LEVELS ? NEARNESS_LEVELS : level;
}

/** Accumulators saturate here (an entity of priority 16 would wait 65,536 snapshots first). */
export const MAX_ACCUMULATOR = 2 ** 20 - 1;
/** Waits are counted up to here in the pending list (36 minutes at 30 Hz). */
export const MAX_WAIT_TICKS = 2 ** 16 - 1;

/**
 * A pending entry as one number (exact in a double: 16 + 20 + 16 bits): the entity id, its
 * accumulator and the ticks it has waited. One number, not three: the lists are read and
 * written whole for every client every snapshot, and their size is what that costs.
 */
export function packPending(id: number, acc: number, waitedTicks: number): number {
  const a = acc < MAX_ACCUMULATOR ? acc : MAX_ACCUMULATOR;
  const w = waitedTicks < MAX_WAIT_TICKS ? waitedTicks : MAX_WAIT_TICKS;
  return (w * 2 ** 20 + a) * 65536 + id;
}

/**
 * One client's side of the budget: its credit, the accumulators of what waits for it, and what
 * its newest snapshot carried. Small: lists as long as what waits, never one entry per entity
 * id. The lists are plain arrays with a count, written in place and never shortened: one that
 * shrank and grew again every snapshot would make garbage per client per tick.
 */
export class ClientBudget {
  creditBytes = 0;
  /** Tick of the previous snapshot composed, or -1 before the first (the credit starts full). */
  lastTick = -1;
  /** Entities waiting to enter or be updated (packPending), as of deliveredTick. */
  pending: number[] = [];
  pendingCount = 0;
  /** Dynamic entities the newest snapshot carried (entered or updated), and its tick. */
  delivered: number[] = [];
  deliveredCount = 0;
  deliveredTick = 0;
  /** The lists being built for the next snapshot (the composer writes them), swapped in by swap(). */
  nextPending: number[] = [];
  nextPendingCount = 0;
  nextDelivered: number[] = [];
  nextDeliveredCount = 0;

  /** Adds the budget's share of the ticks since the previous snapshot, up to the cap. */
  accrue(tick: number, budget: SendBudget): void {
    this.creditBytes =
      this.lastTick < 0
        ? budget.capBytes
        : Math.min(
            budget.capBytes,
            this.creditBytes + budget.bytesPerTick * (tick - this.lastTick),
          );
    this.lastTick = tick;
  }

  /** Charges a snapshot sent, at its real size; `isFull`: it had no baseline. */
  spend(bytes: number, budget: SendBudget, isFull: boolean): void {
    const floor = isFull ? budget.maxFullDebtBytes : budget.maxDeltaDebtBytes;
    this.creditBytes = Math.max(-floor, this.creditBytes - bytes);
  }

  /** The lists of the snapshot composed at `tick` become the current ones. */
  swap(tick: number): void {
    const pending = this.pending;
    this.pending = this.nextPending;
    this.pendingCount = this.nextPendingCount;
    this.nextPending = pending;
    this.nextPendingCount = 0;
    const delivered = this.delivered;
    this.delivered = this.nextDelivered;
    this.deliveredCount = this.nextDeliveredCount;
    this.nextDelivered = delivered;
    this.nextDeliveredCount = 0;
    this.deliveredTick = tick;
  }

  /** The client forgot every view (Resync): nothing it was sent is on its way any more. */
  forgetDelivered(): void {
    this.deliveredCount = 0;
    this.deliveredTick = 0;
  }
}
