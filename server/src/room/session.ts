import type { Input } from '@tickwire/protocol';
import type { Connection } from '../transport/types.js';
import type { Entity } from '../sim/world.js';
import { ClientSync } from '../sync/client-sync.js';
import { RateLimiter } from '../net/rate-limiter.js';
import { addressKey } from './address.js';

export type SessionPhase = 'handshake' | 'joining' | 'playing' | 'closed';

/** One connection's state on the server. Written by socket callbacks only through queue fields. */
export class Session {
  readonly connection: Connection;
  /** What the per-address limits count this client under (address.ts). */
  readonly addressKey: string;
  readonly openedAtMs: number;
  readonly rate: RateLimiter;
  readonly sync = new ClientSync();
  phase: SessionPhase = 'handshake';
  name = '';
  /** The entity this client controls (its view follows it), while playing. */
  entity: Entity | null = null;
  /** The token this session's Welcome carried, while it holds a player. */
  resumeToken: string | null = null;
  /** The client closed with 1000: its player leaves at once instead of waiting for a resume. */
  isLeavingOnPurpose = false;
  /** The version its Hello spoke (Watch and Summary exist from 4 on). */
  protocolVersion = 0;
  /** A spectator (Hello flag, version 4): no entity; its view follows `camera`. */
  isSpectator = false;
  /** Its Hello asked for room summaries (version 4). */
  wantsSummary = false;
  /**
   * A spectator's camera, in wire units: the view's centre, and the entity it follows (0: none).
   * Written by Watch (socket callback) as a queue field: the tick reads it when it sends.
   */
  readonly camera = { followId: 0, x: 0, y: 0 };

  // Queued by socket callbacks, drained by the tick:
  /** Newest input received and not yet applied. */
  pendingInput: Input | null = null;
  /** Newest snapshot tick the client acknowledged (from any input). */
  pendingAckTick = 0;
  isResyncRequested = false;
  /**
   * An Input or a Watch arrived since the last tick: its acknowledgement (even of tick 0) is due.
   * The first one makes the client judged by what it acknowledges (UnackedTicks).
   */
  hasPendingAck = false;

  /** Highest input seq received: seqs must increase. */
  lastReceivedSeq = 0;
  /** Seq of the newest input applied by a tick: echoed as Snapshot.inputAck. */
  appliedInputSeq = 0;
  /** Tick of the newest snapshot actually sent (SnapshotSender.flush), 0 before the first. */
  lastSnapshotSentTick = 0;
  /** When this client's snapshots started being skipped (backpressure), or null. */
  skippingSinceMs: number | null = null;
  /** The snapshots sent and not acknowledged yet: how far behind its reading the client is. */
  readonly unacked = new UnackedTicks();

  snapshotsSent = 0;
  snapshotsSkipped = 0;
  bytesSent = 0;

  constructor(connection: Connection, nowMs: number, ratePerSec: number, burst: number) {
    this.connection = connection;
    this.addressKey = addressKey(connection.remoteAddress);
    this.openedAtMs = nowMs;
    this.rate = new RateLimiter(ratePerSec, burst, nowMs);
  }
}

/**
 * The snapshots sent to one client and not acknowledged yet, oldest first, with when each was
 * sent. The oldest one's age says how long the client has had a snapshot it has not read: the
 * kernel's socket buffers hide a stopped reader from the send buffer for minutes, its
 * acknowledgements do not (PROTOCOL.md 7.2, "Slow readers"). Short in practice: the sender stops
 * sending (and so adding here) once the oldest is a second old.
 *
 * Only a client that has sent an Input or a Watch is watched: one that has sent neither (allowed
 * by PROTOCOL.md 7.1) acknowledges nothing, and nothing is kept for it.
 */
export class UnackedTicks {
  // Plain arrays, not typed ones: a typed array per connection is a malloc() block that glibc
  // keeps after the connection goes (see ClientSync).
  #ticks: number[] = new Array<number>(64).fill(0);
  #sentAtMs: number[] = new Array<number>(64).fill(0);
  /** Index of the oldest entry, and how many there are (a ring over both arrays). */
  #head = 0;
  #count = 0;
  #ackedTick = 0;
  #newestSentTick = 0;
  #isWatching = false;

  /** When the oldest snapshot not acknowledged was sent, or null when every one sent is. */
  get oldestSentAtMs(): number | null {
    return this.#count === 0 ? null : (this.#sentAtMs[this.#head] as number);
  }

  /** The oldest tick sent and not acknowledged, or 0 when every one sent is acknowledged. */
  get oldestTick(): number {
    return this.#count === 0 ? 0 : (this.#ticks[this.#head] as number);
  }

  /** A snapshot of `tick` was sent at `nowMs` (ticks increase). */
  sent(tick: number, nowMs: number): void {
    this.#newestSentTick = tick;
    if (!this.#isWatching) return;
    if (this.#count === this.#ticks.length) this.#grow();
    const at = (this.#head + this.#count) % this.#ticks.length;
    this.#ticks[at] = tick;
    this.#sentAtMs[at] = nowMs;
    this.#count++;
  }

  /**
   * An Input or a Watch arrived acknowledging `tick` (0: none applied yet): the client read every
   * snapshot up to it. Any tick counts, even one its ClientSync no longer holds as a baseline:
   * this is about reading, not about deltas. A tick never sent proves nothing and is ignored.
   * From the first Input or Watch on, the client is watched.
   */
  acknowledge(tick: number): void {
    this.#isWatching = true;
    if (tick <= this.#ackedTick || tick > this.#newestSentTick) return;
    this.#ackedTick = tick;
    while (this.#count > 0 && (this.#ticks[this.#head] as number) <= tick) {
      this.#head = (this.#head + 1) % this.#ticks.length;
      this.#count--;
    }
  }

  /** Forgets every snapshot sent and not acknowledged (the client asked for a Resync). */
  forgetSent(): void {
    this.#head = 0;
    this.#count = 0;
  }

  #grow(): void {
    const length = this.#ticks.length;
    const ticks = new Array<number>(length * 2).fill(0);
    const sentAtMs = new Array<number>(length * 2).fill(0);
    for (let i = 0; i < this.#count; i++) {
      ticks[i] = this.#ticks[(this.#head + i) % length] as number;
      sentAtMs[i] = this.#sentAtMs[(this.#head + i) % length] as number;
    }
    this.#ticks = ticks;
    this.#sentAtMs = sentAtMs;
    this.#head = 0;
  }
}
