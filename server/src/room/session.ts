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

  // Queued by socket callbacks, drained by the tick:
  /** Newest input received and not yet applied. */
  pendingInput: Input | null = null;
  /** Newest snapshot tick the client acknowledged (from any input). */
  pendingAckTick = 0;
  isResyncRequested = false;

  /** Highest input seq received: seqs must increase. */
  lastReceivedSeq = 0;
  /** Seq of the newest input applied by a tick: echoed as Snapshot.inputAck. */
  appliedInputSeq = 0;
  /** When this client's snapshots started being skipped (backpressure), or null. */
  skippingSinceMs: number | null = null;

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
