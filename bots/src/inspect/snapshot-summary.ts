// --quiet-snapshots: one line per second of snapshots instead of one line per snapshot.
import type { Snapshot } from '@tickwire/protocol';
import type { ReplicaResult } from './frame-line.js';

/** `{"t","dir":"in","type":"SnapshotSummary","second",...}`: the snapshots received in one second. */
export interface SnapshotSummaryLine {
  /** Time of the last snapshot counted. */
  t: number;
  dir: 'in';
  type: 'SnapshotSummary';
  /** Whole seconds since the start: this line counts snapshots with second <= t / 1000 < second + 1. */
  second: number;
  snapshots: number;
  /** Payload bytes of those snapshots. */
  bytes: number;
  full: number;
  deltas: number;
  applied: number;
  /** Applied snapshots whose checksum was present (and therefore matched). */
  checksumsOk: number;
  /** Snapshots the replica refused (each is also printed on its own line). */
  failed: number;
  firstTick: number;
  lastTick: number;
  /** Entities in view after the last applied snapshot. */
  entities: number;
}

/** Counts snapshots by second of `t`; `add` returns the previous second's line once it is over. */
export class SnapshotSummary {
  #current: SnapshotSummaryLine | null = null;

  add(
    tMs: number,
    sizeBytes: number,
    snapshot: Snapshot,
    result: ReplicaResult,
  ): SnapshotSummaryLine | null {
    const second = Math.floor(tMs / 1000);
    let finished: SnapshotSummaryLine | null = null;
    if (this.#current && this.#current.second !== second) finished = this.flush();
    const c = (this.#current ??= {
      t: tMs,
      dir: 'in',
      type: 'SnapshotSummary',
      second,
      snapshots: 0,
      bytes: 0,
      full: 0,
      deltas: 0,
      applied: 0,
      checksumsOk: 0,
      failed: 0,
      firstTick: snapshot.tick,
      lastTick: snapshot.tick,
      entities: 0,
    });
    c.t = tMs;
    c.snapshots++;
    c.bytes += sizeBytes;
    if (snapshot.baselineTick === 0) c.full++;
    else c.deltas++;
    c.lastTick = snapshot.tick;
    if (result.applied) {
      c.applied++;
      if (result.checksum === 'ok') c.checksumsOk++;
      c.entities = result.entities;
    } else {
      c.failed++;
    }
    return finished;
  }

  /** The line of the second in progress, if any snapshot was counted in it. */
  flush(): SnapshotSummaryLine | null {
    const line = this.#current;
    this.#current = null;
    return line;
  }
}
