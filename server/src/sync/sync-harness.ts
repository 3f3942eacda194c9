// Test support (only tests import it; nothing here ships): the sync property check, for any game.
//
// Random clients join, leave, drop (their player waits for a resume), resume, rejoin, change
// their controls, skip snapshots, acknowledge late or not at all, stall (the server keeps sending
// for a while, then skips them) and ask for resyncs, while the game runs and the game's own
// random operations change its world. After every snapshot a client applies, its replica must
// equal a brute-force view of the world (every entity of every kind within the view rectangle
// around the client's entity, computed from the world alone: no grid, nothing of sync/), and
// every checksum must verify. At the end everyone reads again and must converge on the present.
//
// Under a per-client byte budget (SyncRunOptions.budgets) a replica may lag the world: after
// every snapshot it must hold only entities in view, each exactly as the world had it at some
// tick (moved on as a client extrapolates; world-history.ts), its own entity and the static ones
// as they are; every checksum must still verify; from one delta to the next its view never goes
// back (an entity still in view stays, at a version no older); and once the world is quiet
// (clients let go of their controls, no more world operations) everyone must converge on the
// present.
//
// Plugging a game in: write a SyncPlug and run it from a test, for example
//
//   const stats = checkSync(
//     {
//       game: myGame,
//       config: { worldWidth: 900, worldHeight: 700, viewWidth: 400, viewHeight: 300 },
//       // What a client holds; turned into the Input's controls every tick (it may look at the
//       // world, e.g. to aim at another client's entity).
//       intent: fc.record({ moveDir: fc.integer({ min: -1, max: 255 }) }),
//       controlsFor: (intent) => intent,
//       // The game's own changes to its world (teleports, spawns, removals), run inside a tick
//       // right after the game's step, as game code would.
//       worldOp: fc.record({ client: fc.nat(), fx: fc.double({ min: 0, max: 1, noNaN: true }) }),
//       applyWorldOp: (op, { world, playerOf }) => { ... },
//     },
//     { numRuns: 40 },
//   );
//   expect(stats.enteredByKind.myKind).toBeGreaterThan(0); // the run covered what it should
//
// A game's run lives next to the game (games/NAME/*.test.ts, which vitest runs) or in
// server/test/games/ (where the arena's is), never in server/src: lint keeps engine code, tests
// included, from importing a game. server/src/sync/sync.property.test.ts runs the engine's own
// test game (server/src/game/test-game.ts), which has every kind of field and motion.
import { expect } from 'vitest';
import fc from 'fast-check';
import {
  MessageId,
  POSITION_SCALE,
  PLAYER_PROTOCOL_VERSION,
  Replica,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  encodeResync,
  type AnyEntityOf,
  type CompiledSchema,
  type Controls,
  type EntityRecord,
  type GameSpec,
  type Snapshot,
  type ViewState,
} from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import type { Game, GameLogic } from '../game/game.js';
import type { Room } from '../room/room.js';
import { createTestRoom, gatewayOf, testConfig } from '../room/test-support.js';
import type { Entity, World } from '../sim/world.js';
import { MemoryConnection } from '../transport/memory.js';
import { WorldHistory } from './world-history.js';

/** What the world operation of a game gets to work with. */
export interface WorldOpContext<G extends GameSpec> {
  readonly world: World<G>;
  /** The game's logic as the game created it (cast it to the game's class to reach its own API). */
  readonly logic: GameLogic<G>;
  readonly tick: number;
  /** The entity of one of the playing clients (`index` modulo their number), or null if none plays. */
  playerOf(index: number): AnyEntityOf<G> | null;
  /** Uniform in [0, 1), from the run's seed. */
  random(): number;
}

/**
 * World operations on a client's entity that any game's run can use alongside its own: a
 * teleport anywhere in the world, and a small jump along one axis (the other coordinate
 * unchanged). Put them in the plug's worldOp (`fc.oneof(teleportOp, nudgeOp, ...)`) and apply
 * them with applyMoveOp.
 */
export type MoveOp =
  | { kind: 'teleport'; client: number; fx: number; fy: number }
  | { kind: 'nudge'; client: number; dx: number; dy: number };

export const teleportOp = fc.record({
  kind: fc.constant('teleport' as const),
  client: fc.nat(),
  fx: fc.double({ min: 0, max: 1, noNaN: true }),
  fy: fc.double({ min: 0, max: 1, noNaN: true }),
});

export const nudgeOp = fc.oneof(
  fc.record({
    kind: fc.constant('nudge' as const),
    client: fc.nat(),
    dx: fc.integer({ min: -200, max: 200 }),
    dy: fc.constant(0),
  }),
  fc.record({
    kind: fc.constant('nudge' as const),
    client: fc.nat(),
    dx: fc.constant(0),
    dy: fc.integer({ min: -200, max: 200 }),
  }),
);

/**
 * Moves `entity` as `op` says by writing its position directly, as game code does: no call tells
 * the engine it moved.
 */
export function applyMoveOp(
  op: MoveOp,
  entity: { x: number; y: number },
  world: Pick<World<GameSpec>, 'maxX' | 'maxY' | 'clampX' | 'clampY'>,
): void {
  if (op.kind === 'teleport') {
    entity.x = Math.round(op.fx * world.maxX);
    entity.y = Math.round(op.fy * world.maxY);
  } else {
    entity.x = world.clampX(entity.x + op.dx);
    entity.y = world.clampY(entity.y + op.dy);
  }
}

/** What a client's controls may depend on. */
export interface ControlsContext<G extends GameSpec> {
  readonly world: World<G>;
  /** The client's own entity. */
  readonly self: AnyEntityOf<G>;
  /** The entity of one of the playing clients (`index` modulo their number), or null if none plays. */
  playerOf(index: number): AnyEntityOf<G> | null;
}

/** A game plugged into the sync check. */
export interface SyncPlug<G extends GameSpec, I, W = never> {
  game: Game<G>;
  /**
   * Server settings for the run, over the defaults: world and view size, game options. Small
   * worlds with views much smaller than them make entities cross view edges often.
   */
  config?: Partial<ServerConfig>;
  /** What a client may hold (an `input` operation gives a client a new one). */
  intent: fc.Arbitrary<I>;
  /** The controls a client holding `intent` sends, every tick. */
  controlsFor(intent: I, context: ControlsContext<G>): Controls;
  /** The game's own operations on its world, if any. */
  worldOp?: fc.Arbitrary<W>;
  applyWorldOp?(op: W, context: WorldOpContext<G>): void;
  /** Called after every tick, to count what the game did (hits, kills...) for the test. */
  observe?(world: World<G>, tick: number): void;
}

export interface SyncRunOptions {
  numRuns?: number;
  /** Operations per run, at most. Default 120. */
  maxOps?: number;
  /** fast-check seed, to replay a failure. */
  seed?: number;
  /**
   * Per-client byte budgets (--max-bytes-per-client-s) a run draws one of; 0 = none. Default
   * [0]: every run unlimited, replicas equal to the world after every snapshot.
   */
  budgets?: readonly number[];
}

/** What the runs covered, summed over every run, so a test can check the game was exercised. */
export interface SyncStats {
  runs: number;
  snapshotsApplied: number;
  fullSnapshots: number;
  deltaSnapshots: number;
  /** Snapshots applied from a frame read later than the tick it was sent (stalled readers). */
  lateReads: number;
  checksumsVerified: number;
  resumes: number;
  /** Runs under a byte budget. */
  budgetedRuns: number;
  /** Snapshots after which a replica under a budget lacked an entity in view or held an old version. */
  laggingViews: number;
  /** The longest such lag: ticks since the oldest version a replica held stopped being the present. */
  maxLagTicks: number;
  /** Entities held at a version that was no longer the present, summed over those snapshots. */
  oldVersionsHeld: number;
  enteredByKind: Record<string, number>;
  /** Listed in a snapshot's `removed`. */
  removedByKind: Record<string, number>;
  /** Gone from a replica without being listed: their lifetime ended. */
  expiredSilentlyByKind: Record<string, number>;
  updatesByGroup: Record<string, number>;
}

type Op<I, W> =
  | { kind: 'join'; dropRate: number; ackJitter: number; skipInputRate: number }
  /** Leaves for good (close 1000). */
  | { kind: 'leave'; client: number }
  /** Connection lost (1006): the player waits for a resume that never comes. */
  | { kind: 'vanish'; client: number }
  /** Connection lost, then a new connection resumes the player with its token. */
  | { kind: 'resume'; client: number }
  /** Leaves and joins again as a new player. */
  | { kind: 'rejoin'; client: number }
  | { kind: 'input'; client: number; intent: I }
  /** Stops reading for `ticks` ticks; the server sends for the first `sentTicks` of them, then skips. */
  | { kind: 'stall'; client: number; ticks: number; sentTicks: number }
  | { kind: 'resync'; client: number }
  | { kind: 'world'; op: W }
  | { kind: 'ticks'; count: number };

function opArbitrary<G extends GameSpec, I, W>(plug: SyncPlug<G, I, W>): fc.Arbitrary<Op<I, W>> {
  const client = fc.nat(63);
  const ops: fc.WeightedArbitrary<Op<I, W>>[] = [
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('join' as const),
        dropRate: fc.constantFrom(0, 0.1, 0.5),
        ackJitter: fc.integer({ min: 0, max: 8 }),
        skipInputRate: fc.constantFrom(0, 0.3),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), client }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('vanish' as const), client }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('resume' as const), client }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('rejoin' as const), client }) },
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('input' as const), client, intent: plug.intent }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('stall' as const),
        client,
        ticks: fc.integer({ min: 1, max: 45 }),
        sentTicks: fc.integer({ min: 0, max: 10 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('resync' as const), client }) },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('ticks' as const),
        count: fc.integer({ min: 1, max: 8 }),
      }),
    },
  ];
  if (plug.worldOp) {
    ops.push({
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('world' as const), op: plug.worldOp }),
    });
  }
  return fc.oneof(...ops);
}

/** A view as records by id: what a replica's view must equal. */
type RecordView = Map<number, EntityRecord>;

/**
 * What a client at `self` sees in `world` at `tick`, by brute force: every entity of every kind
 * within half a view of it on both axes. Uses nothing of the grid nor of sync.
 */
export function bruteForceView(
  world: World,
  self: Entity,
  viewWidth: number,
  viewHeight: number,
  tick: number,
): RecordView {
  const halfW = (viewWidth * POSITION_SCALE) / 2;
  const halfH = (viewHeight * POSITION_SCALE) / 2;
  const sx = self.x as number;
  const sy = self.y as number;
  const view: RecordView = new Map();
  for (const kind of world.schema.kinds) {
    for (const e of world.all(kind.name) as Iterable<Entity>) {
      if (Math.abs((e.x as number) - sx) > halfW || Math.abs((e.y as number) - sy) > halfH) {
        continue;
      }
      const record: Record<string, number | string> = { id: e.id, kind: kind.name };
      for (const f of kind.fields) record[f.name] = e[f.name] as number | string;
      if (kind.lifetimeTicks > 0) {
        record.ticksLeft = (world.expiresTicks[e.id] as number) - tick;
      }
      view.set(e.id, record as EntityRecord);
    }
  }
  return view;
}

function sameRecord(ra: EntityRecord, rb: EntityRecord): boolean {
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const k of keys) if (ra[k] !== rb[k]) return false;
  return true;
}

function sameRecords(a: RecordView, b: RecordView): boolean {
  if (a.size !== b.size) return false;
  for (const [id, ra] of a) {
    const rb = b.get(id);
    if (!rb || !sameRecord(ra, rb)) return false;
  }
  return true;
}

/** A version of the world's entity a replica holds: when it began, since when it is not the present. */
interface HeldVersion {
  versionTick: number;
  since: number;
  spawnTick: number;
}

function recordsOf(view: ViewState): RecordView {
  return new Map(view.entities);
}

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Huge enough that the room skips a stalled client. */
const FULL_BUFFER_BYTES = 1 << 30;

class SimClient<G extends GameSpec, I> {
  connection: MemoryConnection;
  schema: CompiledSchema | null = null;
  replica: Replica | null = null;
  playerId = -1;
  resumeToken: string | null = null;
  intent: I | null = null;
  dropRate: number;
  readonly ackJitter: number;
  readonly skipInputRate: number;
  /** Ticks left in a stall, and how many of them the server still sends. */
  stalledTicks = 0;
  sentTicksLeft = 0;
  #seq = 0;
  /** Frames in the outbox already accounted for while stalled. */
  #outboxSeen = 0;
  readonly #appliedTicks: number[] = [];
  /** Views applied, by tick: the baselines of later deltas. */
  readonly #views = new Map<number, ViewState>();
  /** Server views recorded for frames this client will read later, by tick. */
  readonly #expected = new Map<number, RecordView>();
  /**
   * Under a budget: the version (its first tick, and the entity's spawn tick) of each entity of
   * the view last applied, or null after a Resync or a new connection (nothing to compare with).
   */
  #heldVersions: ReadonlyMap<number, HeldVersion> | null = null;
  readonly #room: Room<G>;
  readonly #random: () => number;
  /** Under a byte budget: the world's versions, which a replica may lag behind. */
  readonly #history: WorldHistory | null;

  constructor(
    room: Room<G>,
    options: { dropRate: number; ackJitter: number; skipInputRate: number },
    random: () => number,
    history: WorldHistory | null,
  ) {
    this.#room = room;
    this.#random = random;
    this.#history = history;
    this.dropRate = options.dropRate;
    this.ackJitter = options.ackJitter;
    this.skipInputRate = options.skipInputRate;
    this.connection = this.#connect(null);
  }

  get isStalled(): boolean {
    return this.stalledTicks > 0;
  }

  #connect(resumeToken: string | null): MemoryConnection {
    const connection = new MemoryConnection(gatewayOf(this.#room));
    connection.deliver(
      encodeHello({ protocolVersion: PLAYER_PROTOCOL_VERSION, name: 'sim', resumeToken }),
    );
    this.schema = null;
    this.replica = null;
    this.#appliedTicks.length = 0;
    this.#views.clear();
    this.#expected.clear();
    this.#heldVersions = null;
    this.#outboxSeen = 0;
    this.#seq = 0;
    this.stalledTicks = 0;
    this.sentTicksLeft = 0;
    return connection;
  }

  /** The connection drops and a new one resumes the player (or joins anew without a token yet). */
  resume(): void {
    this.connection.drop();
    this.connection = this.#connect(this.resumeToken);
  }

  rejoin(): void {
    this.connection.hangUp();
    this.playerId = -1;
    this.connection = this.#connect(null);
  }

  /** Before a tick: the client sends its controls (and an ack); a stalled one may be skipped. */
  beforeTick(controlsFor: (intent: I) => Controls | null): void {
    const buffered = this.isStalled && this.sentTicksLeft <= 0;
    this.connection.buffered = buffered ? FULL_BUFFER_BYTES : 0;
    if (this.isStalled) this.sentTicksLeft--;
    if (!this.schema || this.#random() < this.skipInputRate) return;
    const controls = this.intent === null ? {} : controlsFor(this.intent);
    if (controls === null) return;
    const jitter = Math.floor(this.#random() * (this.ackJitter + 1));
    const ackTick = this.#appliedTicks[this.#appliedTicks.length - 1 - jitter] ?? 0;
    this.connection.deliver(encodeInput(this.schema, { seq: ++this.#seq, ackTick, controls }));
  }

  requestResync(): void {
    // The client forgets its views: what comes next may hold less.
    this.#heldVersions = null;
    if (this.schema)
      this.connection.deliver(encodeResync({ tick: Math.max(1, this.replica?.tick ?? 1) }));
  }

  /** After tick `now`: a stalled client keeps what was sent for later, recording what it must equal. */
  afterTick(now: number, viewNow: (playerId: number) => RecordView, stats: SyncStats): void {
    if (this.isStalled) {
      this.stalledTicks--;
      if (this.connection.outbox.length > this.#outboxSeen) {
        this.#expected.set(now, viewNow(this.playerId));
        this.#outboxSeen = this.connection.outbox.length;
      }
      return;
    }
    this.#outboxSeen = 0;
    for (const frame of this.connection.drain()) {
      const m = decodeServerMessage(frame, this.schema);
      if (m.id === MessageId.Welcome) {
        const w = m.message;
        if (this.resumeToken !== null && this.playerId >= 0) {
          // A resume within the grace period gets the same player back.
          expect(w.playerId).toBe(this.playerId);
          stats.resumes++;
        }
        this.playerId = w.playerId;
        this.resumeToken = w.resumeToken;
        this.schema = w.schema;
        this.replica = new Replica({
          schema: w.schema,
          worldWidth: w.worldWidth,
          worldHeight: w.worldHeight,
        });
      } else if (m.id === MessageId.Snapshot) {
        // A snapshot this client does not apply: as PROTOCOL.md has a client do with one it
        // cannot use, it asks for a Resync (it will never acknowledge that snapshot).
        if (this.#random() < this.dropRate) {
          this.requestResync();
          continue;
        }
        const isLate = m.message.tick !== now;
        const expected = isLate ? this.#expected.get(m.message.tick) : viewNow(this.playerId);
        if (!expected) throw new Error(`no server view recorded for tick ${m.message.tick}`);
        this.#apply(m.message, expected, stats);
        if (isLate) stats.lateReads++;
      } else if (m.id === MessageId.Kick) {
        throw new Error(`client kicked: ${m.message.closeCode} ${m.message.reason}`);
      }
    }
    this.#expected.clear();
  }

  /**
   * Under a budget, a view that is not the world's at `tick`: only entities in view, its own
   * entity and every static one as they are, the rest versions the world really had.
   */
  #checkLag(
    tick: number,
    actual: RecordView,
    expected: RecordView,
    held: ReadonlyMap<number, HeldVersion>,
    stats: SyncStats,
  ): void {
    const schema = this.replica?.schema;
    let lag = 0;
    for (const [id, record] of actual) {
      const now = expected.get(id);
      if (!now) throw new Error(`tick ${tick}: replica holds ${id}, which is not in view`);
      const isStatic = schema?.kindByName.get(record.kind)?.isStatic === true;
      if (id === this.playerId || isStatic) {
        if (!sameRecord(record, now))
          expect({ tick, id, record }).toEqual({ tick, id, record: now });
        continue;
      }
      const since = held.get(id)?.since ?? null;
      if (since === null) {
        expect({ tick, id, record, note: 'a version the world never had' }).toEqual({
          tick,
          id,
          record: now,
          note: 'a version the world never had',
        });
      }
      if (since !== null && since < tick) stats.oldVersionsHeld++;
      lag = Math.max(lag, tick - (since ?? tick));
    }
    for (const [id, record] of expected) {
      if (actual.has(id)) continue;
      // Only entries may wait: the own entity and statics always go.
      const isStatic = schema?.kindByName.get(record.kind)?.isStatic === true;
      if (id === this.playerId || isStatic) {
        throw new Error(`tick ${tick}: replica lacks ${id} (${record.kind}), which always goes`);
      }
    }
    stats.laggingViews++;
    stats.maxLagTicks = Math.max(stats.maxLagTicks, lag);
  }

  /**
   * Under a budget, from one delta to the next the view never goes back: every entity of the
   * previous view still in view is still there, at a version no older (what a snapshot carried
   * is carried again until acknowledged, or the next delta, from an older baseline, would undo
   * it).
   */
  #checkNeverBack(s: Snapshot, expected: RecordView, held: ReadonlyMap<number, HeldVersion>): void {
    const previous = this.#heldVersions;
    if (s.baselineTick !== 0 && previous !== null) {
      for (const [id, before] of previous) {
        const now = held.get(id);
        if (!expected.has(id) || (now !== undefined && now.spawnTick !== before.spawnTick)) {
          continue;
        }
        // (A plain test first: an expect per entity per snapshot costs seconds a run.)
        if (now !== undefined && now.versionTick >= before.versionTick) continue;
        expect({ tick: s.tick, id, versionTick: now?.versionTick ?? 'gone' }).toEqual({
          tick: s.tick,
          id,
          versionTick: `at least ${before.versionTick}`,
        });
      }
    }
    this.#heldVersions = held;
  }

  /** Which version of the world's each entity of a replica's view is (null: none it had). */
  #heldVersionsOf(
    tick: number,
    actual: RecordView,
    expected: RecordView,
  ): Map<number, HeldVersion> {
    const history = this.#history as WorldHistory;
    const held = new Map<number, HeldVersion>();
    for (const [id, record] of actual) {
      const now = expected.get(id);
      if (now !== undefined && sameRecord(record, now)) {
        const present = history.presentVersion(id, tick);
        if (present) held.set(id, { ...present, since: tick });
      } else {
        const version = history.heldVersion(record, tick);
        if (version) held.set(id, version);
      }
    }
    return held;
  }

  /** The newest snapshot applied, and whether the replica then equalled the world exactly. */
  lastApplied: { tick: number; isExact: boolean } | null = null;

  #apply(s: Snapshot, expected: RecordView, stats: SyncStats): void {
    const replica = this.replica;
    if (!replica) throw new Error('a snapshot before the Welcome');
    expect(s.checksum).not.toBeNull();
    const before = s.baselineTick === 0 ? null : (this.#views.get(s.baselineTick) ?? null);
    // Throws on a delta that does not fit its baseline and on a checksum mismatch.
    const view = replica.apply(s);
    stats.checksumsVerified++;
    stats.snapshotsApplied++;
    if (s.baselineTick === 0) stats.fullSnapshots++;
    else stats.deltaSnapshots++;
    const actual = recordsOf(view);
    const isExact = sameRecords(actual, expected);
    if (this.#history === null) {
      // The same comparison again, for a readable difference.
      if (!isExact)
        expect({ tick: s.tick, view: actual }).toEqual({ tick: s.tick, view: expected });
    } else {
      const held = this.#heldVersionsOf(s.tick, actual, expected);
      if (!isExact) this.#checkLag(s.tick, actual, expected, held, stats);
      this.#checkNeverBack(s, expected, held);
    }
    for (const e of s.entered) bump(stats.enteredByKind, e.kind);
    const schema = replica.schema;
    for (const u of s.updated) {
      for (let m = u.mask; m !== 0; m &= m - 1) {
        bump(stats.updatesByGroup, schema.groups[31 - Math.clz32(m & -m)]?.name ?? '?');
      }
    }
    if (before) {
      const removed = new Set(s.removed);
      for (const [id, record] of before.entities) {
        if (removed.has(id)) bump(stats.removedByKind, record.kind);
        else if (!view.entities.has(id)) bump(stats.expiredSilentlyByKind, record.kind);
      }
    }
    this.#appliedTicks.push(s.tick);
    this.#views.set(s.tick, view);
    this.lastApplied = { tick: s.tick, isExact };

    if (this.#appliedTicks.length > 64) {
      this.#views.delete(this.#appliedTicks.shift() as number);
    }
  }
}

/** The game, with the plug's world operations run right after each step. */
function withWorldOps<G extends GameSpec>(
  game: Game<G>,
  onStep: (logic: GameLogic<G>, tick: number) => void,
): Game<G> {
  return {
    spec: game.spec,
    constants: (settings) => game.constants(settings),
    create: (context) => {
      const logic = game.create(context);
      return {
        join: (name, tick) => logic.join(name, tick),
        leave: (entity, tick) => logic.leave(entity, tick),
        applyInput: (entity, controls, tick) => logic.applyInput(entity, controls, tick),
        step: (tick) => {
          logic.step(tick);
          onStep(logic, tick);
        },
      };
    },
  };
}

function emptyStats(): SyncStats {
  return {
    runs: 0,
    snapshotsApplied: 0,
    fullSnapshots: 0,
    deltaSnapshots: 0,
    lateReads: 0,
    checksumsVerified: 0,
    resumes: 0,
    budgetedRuns: 0,
    laggingViews: 0,
    maxLagTicks: 0,
    oldVersionsHeld: 0,
    enteredByKind: {},
    removedByKind: {},
    expiredSilentlyByKind: {},
    updatesByGroup: {},
  };
}

const MAX_CLIENTS = 6;

/** Ticks of quiet world at the end of a run under a byte budget, for everyone to catch up. */
const BUDGETED_QUIET_TICKS = 300;

function runOnce<G extends GameSpec, I, W>(
  plug: SyncPlug<G, I, W>,
  seed: number,
  ops: readonly Op<I, W>[],
  stats: SyncStats,
  budget: number,
): void {
  let rngState = seed >>> 0;
  const random = (): number => {
    rngState = (Math.imul(rngState, 1664525) + 1013904223) >>> 0;
    return rngState / 2 ** 32;
  };
  const pendingWorldOps: W[] = [];
  const clients: SimClient<G, I>[] = [];
  let room: Room<G> | null = null;
  const entityOf = (c: SimClient<G, I>): AnyEntityOf<G> | null => {
    const e = c.playerId >= 0 && room ? room.world.byId[c.playerId] : undefined;
    return (e ?? null) as AnyEntityOf<G> | null;
  };
  const playerOf = (index: number): AnyEntityOf<G> | null => {
    const playing = clients.filter((c) => entityOf(c) !== null);
    const c = playing[index % Math.max(1, playing.length)];
    return c ? entityOf(c) : null;
  };
  const game = withWorldOps(plug.game, (logic, tick) => {
    if (!room || !plug.applyWorldOp) return;
    for (const op of pendingWorldOps.splice(0)) {
      plug.applyWorldOp(op, { world: room.world, logic, tick, playerOf, random });
    }
  });
  const config = testConfig({
    checksums: true,
    seed,
    resumeGraceMs: 1000,
    slowConsumerMs: 600_000,
    maxMessagesPerSec: 1000,
    messageBurst: 1000,
    ...plug.config,
    maxBytesPerClientS: budget,
  });
  const created = createTestRoom(game, config);
  room = created.room;
  const { clock } = created;
  const { viewWidth, viewHeight, tickHz } = config;
  const world = created.room.world;
  const history = budget > 0 ? new WorldHistory(world as World) : null;
  history?.record(0);
  let tick = 0;
  const viewNow = (playerId: number): RecordView => {
    const self = world.byId[playerId];
    if (!self) throw new Error(`the entity of player ${playerId} is gone while its client plays`);
    return bruteForceView(world as World, self, viewWidth, viewHeight, tick);
  };
  const runTick = (): void => {
    for (const c of clients) {
      c.beforeTick((intent) => {
        const self = entityOf(c);
        return self ? plug.controlsFor(intent, { world, self, playerOf }) : null;
      });
    }
    clock.spend(1000 / tickHz);
    created.room.tick(++tick);
    history?.record(tick);
    plug.observe?.(world, tick);
    for (const c of clients) c.afterTick(tick, viewNow, stats);
  };
  const pick = (i: number): SimClient<G, I> | undefined => clients[i % Math.max(1, clients.length)];
  const remove = (c: SimClient<G, I>): void => {
    clients.splice(clients.indexOf(c), 1);
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'join':
        if (clients.length < MAX_CLIENTS) {
          clients.push(new SimClient(created.room, op, random, history));
        }
        break;
      case 'leave': {
        const c = pick(op.client);
        if (c) {
          c.connection.hangUp();
          remove(c);
        }
        break;
      }
      case 'vanish': {
        const c = pick(op.client);
        if (c) {
          c.connection.drop();
          remove(c);
        }
        break;
      }
      case 'resume':
        pick(op.client)?.resume();
        break;
      case 'rejoin':
        pick(op.client)?.rejoin();
        break;
      case 'input': {
        const c = pick(op.client);
        if (c) c.intent = op.intent;
        break;
      }
      case 'stall': {
        const c = pick(op.client);
        // Only a client that has its Welcome: the views it must equal are its entity's.
        if (c && !c.isStalled && c.schema) {
          c.stalledTicks = op.ticks;
          c.sentTicksLeft = op.sentTicks;
        }
        break;
      }
      case 'resync':
        pick(op.client)?.requestResync();
        break;
      case 'world':
        pendingWorldOps.push(op.op);
        break;
      case 'ticks':
        for (let i = 0; i < op.count; i++) runTick();
        break;
    }
  }
  // Everyone reads again and nobody drops: every client converges on the present tick.
  for (const c of clients) {
    c.stalledTicks = 0;
    c.dropRate = 0;
    // Under a budget the world also goes quiet (controls at their defaults, no world operations)
    // so that what waits can all be sent.
    if (budget > 0) c.intent = null;
  }
  for (let i = 0; i < (budget > 0 ? BUDGETED_QUIET_TICKS : 50); i++) runTick();
  for (const c of clients) {
    expect(c.replica?.latest?.tick).toBe(tick);
    // Converged: the newest view is the world's, whatever waited before.
    expect(c.lastApplied).toEqual({ tick, isExact: true });
  }
  stats.runs++;
  if (budget > 0) stats.budgetedRuns++;
}

/**
 * Runs the sync property for a game: `numRuns` random runs (default 40). Throws (through
 * fast-check, with the shrunk counterexample) on the first replica that differs from the world
 * or checksum that does not verify. Returns what the runs covered.
 */
export function checkSync<G extends GameSpec, I, W = never>(
  plug: SyncPlug<G, I, W>,
  options: SyncRunOptions = {},
): SyncStats {
  const stats = emptyStats();
  const seeds = fc.integer({ min: 1, max: 1e9 });
  const ops = fc.array(opArbitrary(plug), { minLength: 20, maxLength: options.maxOps ?? 120 });
  const parameters = {
    numRuns: options.numRuns ?? 40,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  const budgets = options.budgets;
  if (budgets === undefined) {
    // Without budgets, exactly the runs a seed gave before budgets existed.
    fc.assert(
      fc.property(seeds, ops, (seed, run) => runOnce(plug, seed, run, stats, 0)),
      parameters,
    );
  } else {
    fc.assert(
      fc.property(seeds, ops, fc.constantFrom(...budgets), (seed, run, budget) =>
        runOnce(plug, seed, run, stats, budget),
      ),
      parameters,
    );
  }
  return stats;
}
