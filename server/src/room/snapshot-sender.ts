import {
  MsgpackWriter,
  addToChecksum,
  writeSnapshotHead,
  type CompiledKind,
} from '@tickwire/protocol';
import { sendIntervalTicks, type ServerConfig } from '../config.js';
import type { Entity, World } from '../sim/world.js';
import { viewRectAround, type ViewRect } from '../interest/view.js';
import { SyncScratch } from '../sync/client-sync.js';
import type { EntityState } from '../sync/entity-state.js';
import { SnapshotWriter } from '../sync/snapshot-writer.js';
import { sendBudgetFor, type SendBudget } from '../sync/send-budget.js';
import { StalenessCounts } from '../sync/staleness.js';
import { SendStatus } from '../transport/types.js';
import type { Session } from './session.js';

/** What happened to one client's snapshot this tick. */
export type SendOutcome =
  /** Composed and queued: flush() sends it at the end of the tick's composition. */
  | 'queued'
  /**
   * Its send buffer was over the skip threshold, or it has not acknowledged a snapshot sent
   * over UNACKED_SKIP_MS ago: nothing sent this tick.
   */
  | 'skipped'
  /** Skipped continuously for longer than slowConsumerMs: the room should close it. */
  | 'too-slow'
  /** A snapshot sent over slowConsumerMs ago is still unacknowledged: the room should close it. */
  | 'unacknowledged'
  /**
   * The connection is closing or closed and the room has not heard yet (a kick's close is under
   * way; behind a simulated latency, the close reaches the room one latency late): nothing sent,
   * and nothing to do. NOT a drop: a closed connection reports every send as Dropped.
   */
  | 'closing';

type SenderConfig = Pick<
  ServerConfig,
  | 'viewWidth'
  | 'viewHeight'
  | 'checksums'
  | 'snapshotMode'
  | 'snapshotSkipBytes'
  | 'slowConsumerMs'
  | 'maxBytesPerClientS'
  | 'tickHz'
  | 'sendHz'
>;

/**
 * How long a version of an entity stays available to a client whose update of it waits under a
 * byte budget (VersionLog): past it the update goes whatever the budget. Seconds.
 */
const VERSION_RETAIN_S = 10;

/**
 * A client that has not acknowledged a snapshot sent this long ago is not reading it: it is
 * sent nothing more until it acknowledges (PROTOCOL.md 7.2, "Slow readers"). The kernel's socket
 * buffers absorb megabytes before the send buffer sees a byte, so without this a stopped reader
 * is noticed minutes late and, when it reads again, gets minutes of stale snapshots. Only a
 * client that has sent an Input or a Watch is judged so (session.ts, UnackedTicks).
 *
 * Why 1000 ms: a reading client's oldest unacknowledged snapshot is about one Input interval plus
 * one round trip old (50 + 300 ms at 150 ms each way with the reference client's 20 Hz Inputs), so
 * it is never skipped. A background tab, whose timers browsers throttle to 1 Hz, acknowledges once
 * a second: it may be skipped for the few hundred ms of each second past the bound (it draws
 * nothing meanwhile), and is never closed: each Input acknowledges what had reached it, and
 * sending resumes. Past this age its acknowledged baseline is 30 ticks old at 30 Hz, about the
 * oldest a delta may use (MAX_DELTA_AGE), so what it would get instead is mostly full snapshots.
 */
export const UNACKED_SKIP_MS = 1000;

/**
 * Sends each playing client its snapshot for the tick: skips slow readers (far below uWS's
 * maxBackpressure: v20.30 can corrupt the stream when it drops a send at that limit, fixed
 * upstream in uNetworking/uWebSockets PR 1662), composes the client's delta and writes its frame.
 */
export class SnapshotSender {
  readonly counters = {
    snapshotsSent: 0,
    snapshotsSkipped: 0,
    fullSnapshots: 0,
    bytesSent: 0,
    /** Under a byte budget: entries and updates left out of a snapshot for a later one. */
    recordsWithheld: 0,
    /** Under a byte budget: per snapshot, ticks its longest-waiting record has waited. */
    staleness: new StalenessCounts(),
  };
  readonly #config: SenderConfig;
  readonly #world: World;
  readonly #state: EntityState;
  readonly #scratch = new SyncScratch();
  readonly #writer = new SnapshotWriter();
  readonly #rect: ViewRect = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  readonly #broadcastWriter = new MsgpackWriter(64 * 1024);
  #broadcast: Uint8Array | null = null;
  /** This tick's frames, composed and not yet sent (flush), with their sessions. */
  readonly #outbox: Session[] = [];
  readonly #outboxFrames: Uint8Array[] = [];
  readonly #dropped: Session[] = [];
  /** --max-bytes-per-client-s, or null: unlimited (the default). */
  readonly #budget: SendBudget | null;

  constructor(config: SenderConfig, world: World, state: EntityState) {
    this.#config = config;
    this.#world = world;
    this.#state = state;
    this.#budget =
      config.snapshotMode === 'delta'
        ? sendBudgetFor(config.maxBytesPerClientS, config.tickHz, sendIntervalTicks(config))
        : null;
    if (this.#budget !== null) state.keepVersions(VERSION_RETAIN_S * config.tickHz);
  }

  /** Work shared by every client this tick: in broadcast mode, the one full-world frame. */
  beginTick(tick: number): void {
    this.#writer.beginTick();
    this.#broadcast =
      this.#config.snapshotMode === 'broadcast' ? this.#encodeBroadcast(tick) : null;
  }

  send(session: Session, tick: number, nowMs: number): SendOutcome {
    const { connection } = session;
    if (!connection.isOpen) return 'closing';
    const { slowConsumerMs } = this.#config;
    const oldestUnackedSentAtMs = session.unacked.oldestSentAtMs;
    const unackedMs = oldestUnackedSentAtMs === null ? 0 : nowMs - oldestUnackedSentAtMs;
    if (
      connection.bufferedBytes() > this.#config.snapshotSkipBytes ||
      unackedMs > UNACKED_SKIP_MS
    ) {
      session.snapshotsSkipped++;
      this.counters.snapshotsSkipped++;
      session.skippingSinceMs ??= nowMs;
      if (unackedMs > slowConsumerMs) return 'unacknowledged';
      return nowMs - session.skippingSinceMs > slowConsumerMs ? 'too-slow' : 'skipped';
    }
    session.skippingSinceMs = null;
    let frame = this.#broadcast;
    if (!frame) {
      const budget = this.#budget;
      // One branch per client: without a budget (the default) nothing else runs.
      const delta =
        budget === null
          ? session.sync.compose(
              this.#world,
              this.#state,
              tick,
              this.#viewRect(session),
              session.appliedInputSeq,
              this.#config.checksums,
              this.#scratch,
            )
          : session.sync.composeWithin(
              this.#world,
              this.#state,
              tick,
              this.#viewRect(session),
              session.appliedInputSeq,
              this.#config.checksums,
              this.#scratch,
              budget,
              session.entity?.id ?? (session.camera.followId || -1),
            );
      if (delta.baselineTick === 0) this.counters.fullSnapshots++;
      frame = this.#writer.write(delta, this.#world, this.#state);
      if (budget !== null) {
        session.sync.spend(frame.byteLength, budget, delta.baselineTick === 0);
        this.counters.recordsWithheld += delta.withheldCount;
        this.counters.staleness.observe(delta.stalenessTicks);
      }
    }
    this.#outbox.push(session);
    this.#outboxFrames.push(frame);
    return 'queued';
  }

  /**
   * Sends the frames queued this tick, in the order queued, and returns the sessions whose frame
   * uWS dropped (the room closes them). Composing every frame first and then sending them back
   * to back keeps the kernel's send path and our composition each warm in the CPU's caches:
   * interleaved, each send cost about a microsecond more (measured at N = 1000: 17.4 against
   * 16.5 µs per client-tick, 3 runs each).
   */
  flush(tick: number, nowMs: number): readonly Session[] {
    const dropped = this.#dropped;
    dropped.length = 0;
    const sessions = this.#outbox;
    const frames = this.#outboxFrames;
    for (let i = 0; i < sessions.length; i++) {
      const session = sessions[i] as Session;
      const frame = frames[i] as Uint8Array;
      // Closed since it was queued (a close handler uWS ran during an earlier send): nothing to
      // send, and NOT a drop (a closed connection reports every send as Dropped).
      if (!session.connection.isOpen) continue;
      if (session.connection.send(frame) === SendStatus.Dropped) {
        dropped.push(session);
        continue;
      }
      session.unacked.sent(tick, nowMs);
      session.lastSnapshotSentTick = tick;
      session.snapshotsSent++;
      session.bytesSent += frame.byteLength;
      this.counters.snapshotsSent++;
      this.counters.bytesSent += frame.byteLength;
    }
    sessions.length = 0;
    frames.length = 0;
    return dropped;
  }

  /** The session's view rectangle, in one object reused for every client (sync copies it). */
  #viewRect(session: Session): ViewRect {
    const e = session.entity;
    const { viewWidth, viewHeight } = this.#config;
    if (e) return viewRectAround(e.x as number, e.y as number, viewWidth, viewHeight, this.#rect);
    if (!session.isSpectator) return viewRectAround(0, 0, viewWidth, viewHeight, this.#rect);
    const camera = session.camera;
    if (camera.followId !== 0) {
      // Centred on the followed entity while it exists; once it is gone, where it was last.
      const followed = this.#world.byId[camera.followId];
      if (followed) {
        camera.x = followed.x as number;
        camera.y = followed.y as number;
      }
    }
    const world = this.#world;
    return viewRectAround(
      world.clampX(camera.x),
      world.clampY(camera.y),
      viewWidth,
      viewHeight,
      this.#rect,
    );
  }

  /** The benchmark's baseline: the whole world as one full snapshot, encoded once per tick. */
  #encodeBroadcast(tick: number): Uint8Array {
    const world = this.#world;
    const state = this.#state;
    const entities: Entity[] = [...world.dynamicEntities(), ...world.staticEntities()];
    const kinds = world.schema.kinds;
    const w = this.#broadcastWriter;
    w.reset();
    writeSnapshotHead(w, tick, 0, 0, this.#config.checksums);
    w.arrayHeader(0);
    w.arrayHeader(entities.length);
    let checksum = 0;
    for (const e of entities) {
      const kind = kinds[world.kindIds[e.id] as number] as CompiledKind;
      w.raw(state.recordBytesOf(e, kind, tick));
      checksum = addToChecksum(checksum, state.hashes[e.id] as number);
    }
    w.arrayHeader(0);
    if (this.#config.checksums) w.int(checksum);
    return w.copy();
  }
}
