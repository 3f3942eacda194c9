import type { SyncTarget } from '../client/connection.js';
import type { Welcome } from '../messages/server.js';
import type { RoomSummary } from '../messages/summary.js';
import type { EntityRecord, Snapshot } from '../messages/snapshot.js';
import { Replica, ReplicaError } from '../replica/replica.js';
import type { ViewState } from '../replica/replica.js';

/** What happened to the snapshots a bot received, over every connection it made. */
export interface ReplicaCounters {
  /** Snapshots applied whose view checksum was present and matched (the server sends them with --checksums). */
  checksumsVerified: number;
  /** Snapshots refused: the view did not match the server's checksum (a desync: always a bug). */
  checksumMismatches: number;
  /** Snapshots refused: the delta contradicted its baseline (always a bug). */
  invalidDeltas: number;
  /** Deltas on a baseline this bot no longer held: answered with Resync (normal after loss). */
  missingBaselines: number;
}

export interface ViewTrackerEvents {
  onWelcome(welcome: Welcome): void;
  onView(view: ViewState): void;
  /** The own entity's record differs from the previous view's (or appeared). */
  onSelf(self: EntityRecord): void;
  /** The room's Summary (a connection opened with `summary`). */
  onSummary?(summary: RoomSummary): void;
}

/**
 * A bot's SyncTarget: one Replica per Welcome, the newest view, the own player's record, and
 * counters of what could not be applied. Events fire after the replica has moved on, so a
 * listener that sends an Input acknowledges the view it just saw.
 */
export class ViewTracker implements SyncTarget {
  readonly counters: ReplicaCounters = {
    checksumsVerified: 0,
    checksumMismatches: 0,
    invalidDeltas: 0,
    missingBaselines: 0,
  };
  readonly #events: ViewTrackerEvents;
  #welcome: Welcome | null = null;
  #replica: Replica | null = null;
  #view: ViewState | null = null;
  #self: EntityRecord | null = null;
  #summary: RoomSummary | null = null;

  constructor(events: ViewTrackerEvents) {
    this.#events = events;
  }

  /** The newest room Summary; null before the first (or without `summary`). */
  get summary(): RoomSummary | null {
    return this.#summary;
  }

  onSummary(summary: RoomSummary): void {
    this.#summary = summary;
    this.#events.onSummary?.(summary);
  }

  get welcome(): Welcome | null {
    return this.#welcome;
  }

  /** The newest applied view of the current session; null until its first snapshot. */
  get view(): ViewState | null {
    return this.#view;
  }

  /** The own entity in the newest view; null before it, or when the view does not hold it. */
  get self(): EntityRecord | null {
    return this.#self;
  }

  get ackTick(): number {
    return this.#replica?.tick ?? 0;
  }

  onWelcome(welcome: Welcome): void {
    this.#welcome = welcome;
    // A new session (even a resumed player) starts from a full snapshot: nothing older is a
    // baseline, and a view of another player id would make `self` wrong.
    this.#replica = new Replica({
      schema: welcome.schema,
      worldWidth: welcome.worldWidth,
      worldHeight: welcome.worldHeight,
    });
    this.#view = null;
    this.#self = null;
    this.#events.onWelcome(welcome);
  }

  applySnapshot(snapshot: Snapshot): void {
    if (!this.#replica || !this.#welcome) throw new Error('ViewTracker: snapshot before Welcome');
    let view: ViewState;
    try {
      view = this.#replica.apply(snapshot);
    } catch (error) {
      if (error instanceof ReplicaError) this.#count(error);
      throw error;
    }
    if (snapshot.checksum !== null) this.counters.checksumsVerified++;
    const previous = this.#self;
    const self = view.entities.get(this.#welcome.playerId) ?? null;
    this.#view = view;
    this.#self = self;
    this.#events.onView(view);
    if (self && (!previous || !isSameRecord(previous, self))) this.#events.onSelf(self);
  }

  /** Forgets the baselines; `view` stays the last good one until the full snapshot replaces it. */
  resetReplica(): void {
    this.#replica?.reset();
  }

  #count(error: ReplicaError): void {
    switch (error.code) {
      case 'ChecksumMismatch':
        this.counters.checksumMismatches++;
        return;
      case 'InvalidDelta':
        this.counters.invalidDeltas++;
        return;
      case 'MissingBaseline':
        this.counters.missingBaselines++;
        return;
    }
  }
}

function isSameRecord(a: EntityRecord, b: EntityRecord): boolean {
  for (const key in b) if (a[key] !== b[key]) return false;
  return true;
}
