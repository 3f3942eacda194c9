// Records sessions/two-players.json from the REAL server: a child process with real
// uWebSockets.js running the arena, two real WebSocket clients, and the raw frames one of them
// ("rec") received. The replica states in the file come from applying those frames with the
// protocol's Replica.
//
//   node --conditions=source --import tsx protocol/test-vectors/record-session.ts
//
// The second client ("zoe") stays near rec and, once rec stands still, fires twice: a shot
// aimed to miss that stays in rec's view for its whole lifetime (it expires without a word),
// and a shot aimed at rec (it hits: removed, rec's hp drops, zoe scores). Both aims are checked
// beforehand by running the arena's own integer rules, so with rec standing still the outcome
// does not depend on timing; on which tick each thing happens does. The script checks that the
// recording covers what the file promises (`checkCoverage`) and fails otherwise.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  MessageId,
  NO_DIRECTION,
  PLAYER_PROTOCOL_VERSION,
  Replica,
  clamp,
  decodeClientMessage,
  decodeServerMessage,
  encodeResync,
  toWireAngle,
  type EntityRecord,
  type Snapshot,
} from '@tickwire/protocol';
import { FIRE, projectileSpawn, type ArenaConstants } from '../../games/arena/shared.js';
import { startServer } from '../../server/test/support/server-process.js';
import { waitFor } from '../src/testing/wait.js';
import { HISTORY_TICKS, SessionClient } from './session-client.js';
import { toDecodedJson, viewChecksumOf } from './vector-codec.js';
import { formatJson, toHex, type SessionFile, type SessionSnapshot } from './vector-files.js';
import { checkCoverage } from './session-coverage.js';

const SERVER_ARGS = [
  '--game',
  'arena',
  '--checksums',
  '--world',
  '2400x1800',
  '--view',
  '1600x1200',
  '--pellets',
  '40',
  '--seed',
  '7',
  // A closed connection's player leaves at once instead of waiting for a resume.
  '--resume-grace-ms',
  '0',
  '--static',
  '',
];
const SNAPSHOT_COUNT = 170;
const OUTPUT = new URL('./sessions/two-players.json', import.meta.url);

/** rec stands still from this snapshot on, until REC_WALKS_AGAIN. */
const REC_STOPS = 54;
const REC_WALKS_AGAIN = 150;
const ZOE_LEAVES = 160;
/** Wire units: zoe waits this far from rec. */
const ZOE_DISTANCE = 1000;
/** Kept between a shot's path and the edges of what it must (not) reach, in wire units. */
const MARGIN = 120;

/** What rec does after applying its snapshot number `index` (0 = the first). */
interface Step {
  moveDir: number;
  aim: number;
  /** 'latest': acknowledge the newest view; 'every-5th': only ticks divisible by 5; 'frozen': repeat the last ack. */
  ack: 'latest' | 'every-5th' | 'frozen';
  resync: boolean;
}

function plan(index: number): Step {
  const ack = index < 24 ? 'latest' : index < 44 ? 'every-5th' : index < 62 ? 'frozen' : 'latest';
  const resync = index === 62;
  if (index < 10) return { moveDir: 0, aim: 0, ack, resync };
  if (index < 30) return { moveDir: 64, aim: 64, ack, resync };
  if (index < REC_STOPS) return { moveDir: 160, aim: 170, ack, resync };
  if (index < REC_WALKS_AGAIN) return { moveDir: NO_DIRECTION, aim: 170, ack, resync };
  return { moveDir: 224, aim: 230, ack, resync };
}

interface Point {
  x: number;
  y: number;
}

const angleTo = (from: Point, to: Point): number =>
  toWireAngle(Math.atan2(to.y - from.y, to.x - from.x));
const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);
const pointOf = (e: EntityRecord): Point => ({ x: e.x as number, y: e.y as number });

interface Arena {
  c: ArenaConstants;
  maxX: number;
  maxY: number;
  /** Half the view, wire units. */
  halfViewX: number;
  halfViewY: number;
}

/**
 * Where a shot fired by a player standing at `from` with `aim` is after each of its moves
 * (spawned at the player's edge, then moved by the engine once per tick, the spawn tick
 * included, for its whole lifetime), by the arena's own rules; null once it would touch the
 * world's edge (the arena removes it there).
 */
function flight(arena: Arena, from: Point, aim: number, lifetimeTicks: number): Point[] | null {
  const shot = projectileSpawn({ ...from, aim }, arena.c);
  const path: Point[] = [];
  let { x, y } = shot;
  for (let k = 0; k < lifetimeTicks; k++) {
    x = clamp(x + shot.vx, 0, arena.maxX);
    y = clamp(y + shot.vy, 0, arena.maxY);
    if (x === 0 || y === 0 || x === arena.maxX || y === arena.maxY) return null;
    path.push({ x, y });
  }
  return path;
}

/** An aim whose shot misses `target` and stays well inside the target's view all its life. */
function missingAim(
  arena: Arena,
  from: Point,
  target: Point,
  lifetimeTicks: number,
): number | null {
  const reach = arena.c.playerRadius + arena.c.projectileRadius;
  let best: { aim: number; slack: number } | null = null;
  for (let aim = 0; aim < 256; aim++) {
    const path = flight(arena, from, aim, lifetimeTicks);
    if (!path) continue;
    let slack = Infinity;
    for (const p of path) {
      slack = Math.min(
        slack,
        distance(p, target) - reach,
        arena.halfViewX - Math.abs(p.x - target.x),
        arena.halfViewY - Math.abs(p.y - target.y),
      );
    }
    if (slack >= MARGIN && (!best || slack > best.slack)) best = { aim, slack };
  }
  return best?.aim ?? null;
}

/** An aim whose shot comes well within reach of `target` before it leaves the world. */
function hittingAim(
  arena: Arena,
  from: Point,
  target: Point,
  lifetimeTicks: number,
): number | null {
  const reach = arena.c.playerRadius + arena.c.projectileRadius;
  const straight = angleTo(from, target);
  for (const aim of [straight, (straight + 1) % 256, (straight + 255) % 256]) {
    const path = flight(arena, from, aim, lifetimeTicks) ?? [];
    if (path.some((p) => distance(p, target) <= reach - MARGIN / 2)) return aim;
  }
  return null;
}

interface Captured {
  welcome: Uint8Array;
  snapshots: Uint8Array[];
  inputs: { afterTick: number; bytes: Uint8Array }[];
}

/** zoe: walks to her spot beside rec, then fires a shot that misses and one that hits. */
class Shooter {
  readonly client: SessionClient;
  readonly #arena: Arena;
  readonly #lifetimeTicks: number;
  #phase: 'follow' | 'miss' | 'after-miss' | 'hit' | 'done' = 'follow';
  #firedAtIndex = 0;
  /** Projectile ids zoe had seen of her own before holding fire. */
  #known = new Set<number>();
  #lastControls = '';
  #isTowardsMiddle = false;

  constructor(client: SessionClient, arena: Arena, lifetimeTicks: number) {
    this.client = client;
    this.#arena = arena;
    this.#lifetimeTicks = lifetimeTicks;
  }

  get phase(): string {
    return this.#phase;
  }

  #ownShots(): number[] {
    const view = this.client.replica?.latest;
    if (!view) return [];
    const ids: number[] = [];
    for (const e of view.entities.values()) {
      if (e.kind === 'projectile' && e.owner === this.client.playerId) ids.push(e.id);
    }
    return ids;
  }

  /**
   * Where zoe waits: ZOE_DISTANCE from rec, on her side of rec; towards the middle of the world
   * instead once no shot from her side could miss rec and stay in its view.
   */
  #spot(rec: Point, here: Point): Point {
    const towards = this.#isTowardsMiddle
      ? { x: this.#arena.maxX / 2, y: this.#arena.maxY / 2 }
      : here;
    const d = distance(rec, towards);
    if (d < 1) return { x: rec.x + ZOE_DISTANCE, y: rec.y };
    return {
      x: rec.x + ((towards.x - rec.x) / d) * ZOE_DISTANCE,
      y: rec.y + ((towards.y - rec.y) / d) * ZOE_DISTANCE,
    };
  }

  /** One step, after rec applied its snapshot `index`; `rec` is rec's own record then. */
  step(index: number, rec: EntityRecord): void {
    const me = this.client.entity(this.client.playerId);
    if (!me) return;
    const here = { x: me.x as number, y: me.y as number };
    const target = { x: rec.x as number, y: rec.y as number };
    const isRecStill = rec.vx === 0 && rec.vy === 0 && index >= REC_STOPS;
    const isStill = me.vx === 0 && me.vy === 0;
    const spot = this.#spot(target, here);
    let moveDir: number = NO_DIRECTION;
    let aim = angleTo(here, target);
    let buttons = 0;
    if (this.#phase !== 'done' && distance(here, spot) > 120) moveDir = angleTo(here, spot);
    const isReady = isRecStill && isStill && moveDir === NO_DIRECTION;
    const shots = this.#ownShots();
    const isNewShot = shots.some((id) => !this.#known.has(id));
    if (this.#phase === 'follow' && isReady) {
      const missAim = missingAim(this.#arena, here, target, this.#lifetimeTicks);
      if (missAim === null) this.#isTowardsMiddle = true;
      else {
        this.#phase = 'miss';
        this.#known = new Set(shots);
        aim = missAim;
        buttons = FIRE;
      }
    } else if (this.#phase === 'miss') {
      // Hold fire (the same aim) until the shot shows in zoe's own view, then let go.
      if (isNewShot) {
        this.#phase = 'after-miss';
        this.#firedAtIndex = index;
      } else {
        aim = missingAim(this.#arena, here, target, this.#lifetimeTicks) ?? aim;
        buttons = FIRE;
      }
    } else if (this.#phase === 'after-miss' && index >= this.#firedAtIndex + 12 && isReady) {
      const hitAim = hittingAim(this.#arena, here, target, this.#lifetimeTicks);
      if (hitAim !== null) {
        this.#phase = 'hit';
        this.#known = new Set(shots);
        aim = hitAim;
        buttons = FIRE;
      }
    } else if (this.#phase === 'hit') {
      if (isNewShot) this.#phase = 'done';
      else {
        aim = hittingAim(this.#arena, here, target, this.#lifetimeTicks) ?? aim;
        buttons = FIRE;
      }
    }
    const controls = { moveDir, aim, buttons };
    const key = JSON.stringify(controls);
    // Inputs are state: send on a change, and every 3rd snapshot to acknowledge.
    if (key !== this.#lastControls || index % 3 === 0) {
      this.client.input(controls);
      this.#lastControls = key;
    }
  }
}

async function capture(wsUrl: string): Promise<Captured> {
  const rec = new SessionClient(wsUrl);
  const inputs: Captured['inputs'] = [];
  let lastAck = 0;
  let lastMoveDir: number | null = null;
  // Filled from callbacks: arrays, not `let`s, so that no narrowing hides the updates.
  const shooters: Shooter[] = [];
  const failures: unknown[] = [];
  const rejected: SessionClient[] = [];

  const joinShooter = async (): Promise<void> => {
    const welcome = rec.welcome;
    if (!welcome) throw new Error('no Welcome');
    const c = welcome.schema.constants as unknown as ArenaConstants;
    const arena: Arena = {
      c,
      maxX: welcome.worldWidth * 4,
      maxY: welcome.worldHeight * 4,
      halfViewX: welcome.viewWidth * 2,
      halfViewY: welcome.viewHeight * 2,
    };
    const lifetimeTicks = welcome.schema.kindByName.get('projectile')?.lifetimeTicks ?? 0;
    // Join again until zoe spawns near rec (in rec's view, within 600 world units), so that the
    // recording shows her entering and she needs little walking.
    for (let attempt = 0; attempt < 60; attempt++) {
      const client = new SessionClient(wsUrl);
      await client.join('zo\u00eb');
      const me = client.entity(client.playerId);
      const recNow = rec.entity(rec.playerId);
      if (
        me &&
        recNow &&
        client.entity(rec.playerId) &&
        distance(pointOf(me), pointOf(recNow)) < 2400
      ) {
        shooters.push(new Shooter(client, arena, lifetimeTicks));
        return;
      }
      rejected.push(client);
      await client.close();
    }
    throw new Error('the second player never spawned near the first');
  };

  rec.onSnapshot = (index: number): void => {
    if (index >= SNAPSHOT_COUNT) return;
    const replica = rec.replica as Replica;
    const step = plan(index);
    const tick = replica.tick;
    if (step.resync) rec.send(encodeResync({ tick }));
    let ackTick = lastAck;
    if (step.ack === 'latest') ackTick = tick;
    if (step.ack === 'every-5th') {
      const rounded = tick - (tick % 5);
      if (rounded > lastAck && replica.hasBaseline(rounded)) ackTick = rounded;
    }
    if (index % 2 === 0 || step.moveDir !== lastMoveDir) {
      const bytes = rec.input({ moveDir: step.moveDir, aim: step.aim, buttons: 0 }, ackTick);
      inputs.push({ afterTick: tick, bytes });
      lastAck = ackTick;
      lastMoveDir = step.moveDir;
    }
    if (index === 3) joinShooter().catch((error: unknown) => failures.push(error));
    const shooter = shooters[0];
    const me = rec.entity(rec.playerId);
    if (shooter && me && index < ZOE_LEAVES) shooter.step(index, me);
    if (shooter && index === ZOE_LEAVES) void shooter.client.close();
  };

  await rec.join('rec');
  const count = (): number => rec.frames.filter((f) => f[1] === MessageId.Snapshot).length;
  await waitFor(() => count() >= SNAPSHOT_COUNT || failures.length > 0, 'the recording', 30_000);
  await rec.close();
  for (const shooter of shooters) await shooter.client.close();
  const failure = [...failures, ...rec.errors, ...shooters.flatMap((s) => s.client.errors)][0];
  if (failure !== undefined) throw failure;
  const [welcome, ...rest] = rec.frames;
  if (!welcome || welcome[1] !== MessageId.Welcome)
    throw new Error('the first frame is not a Welcome');
  const snapshots = rest.filter((f) => f[1] === MessageId.Snapshot).slice(0, SNAPSHOT_COUNT);
  console.log(
    `zoe joined after ${rejected.length} other tries; her last phase: ${shooters[0]?.phase}`,
  );
  return { welcome, snapshots, inputs };
}

const jsonRecord = (value: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value));

/** Applies the captured frames with a fresh Replica: the states written are the replica's. */
function buildSession(captured: Captured): SessionFile {
  const welcome = decodeServerMessage(captured.welcome, null);
  if (welcome.id !== MessageId.Welcome) throw new Error('the first frame is not a Welcome');
  const { worldWidth, worldHeight, schema } = welcome.message;
  const replica = new Replica({ schema, worldWidth, worldHeight, historyTicks: HISTORY_TICKS });
  const snapshots = captured.snapshots.map((bytes, index): SessionSnapshot => {
    const decoded = decodeServerMessage(bytes, schema);
    if (decoded.id !== MessageId.Snapshot) throw new Error(`frame ${index} is not a Snapshot`);
    const s: Snapshot = decoded.message;
    if (s.checksum === null) throw new Error(`snapshot ${s.tick} has no checksum`);
    const view = replica.apply(s);
    const state = [...view.entities.values()];
    if (viewChecksumOf(schema, s.tick, state) !== s.checksum)
      throw new Error(`checksum of tick ${s.tick}`);
    return {
      index,
      tick: s.tick,
      baselineAge: s.baselineTick === 0 ? 0 : s.tick - s.baselineTick,
      inputAck: s.inputAck,
      checksum: s.checksum,
      removed: s.removed,
      entered: s.entered.map((e) => e.id),
      updated: s.updated.map((u) => ({ id: u.id, mask: u.mask })),
      hex: toHex(bytes),
      state: state.map(jsonRecord),
    };
  });
  return {
    // The version the recording client spoke (session-client.ts): a plain player's, 3.
    protocolVersion: PLAYER_PROTOCOL_VERSION,
    name: 'two-players',
    description:
      'The Welcome (with the arena schema) and the first snapshots one client ("rec") received ' +
      'from the real arena server, recorded by record-session.ts. rec moves right, down and ' +
      'up-left, stands still, then moves up-right, changing its aim too; it sends an Input ' +
      'after every other snapshot, acknowledging the newest view at first, then only ticks ' +
      'divisible by 5, then one old acknowledgement over and over (deltas against ever older ' +
      'baselines), then sends Resync (a full snapshot mid-session) and acknowledges the newest ' +
      'view again. A second player (zo\u00eb) ' +
      'joins in view (entered) and walks to a spot beside rec (motion and aim updates); while ' +
      'rec stands still she fires a shot that misses and stays in view until its lifetime ends ' +
      '(it leaves without being listed), then one that hits rec (the projectile is removed, ' +
      "rec's hp drops, her score rises); then she leaves (removed). Pellets enter and leave the " +
      'view as rec moves.',
    server: { args: SERVER_ARGS },
    welcome: { hex: toHex(captured.welcome), decoded: toDecodedJson(welcome) },
    replica: { worldWidth, worldHeight, historyTicks: HISTORY_TICKS },
    inputs: captured.inputs.map(({ afterTick, bytes }) => ({
      afterTick,
      hex: toHex(bytes),
      decoded: toDecodedJson(decodeClientMessage(schema, bytes)),
    })),
    snapshots,
  };
}

export async function recordSession(): Promise<SessionFile> {
  const server = await startServer({ args: SERVER_ARGS });
  try {
    const captured = await capture(server.wsUrl);
    const session = buildSession(captured);
    const playerId = Number(session.welcome.decoded.message.playerId);
    const missing = checkCoverage(session, playerId);
    if (missing.length > 0) {
      throw new Error(`the recording lacks: ${missing.join('; ')}. Record again.`);
    }
    writeFileSync(OUTPUT, formatJson(session));
    return session;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const session = await recordSession();
  console.log(`wrote ${OUTPUT.pathname}: ${session.snapshots.length} snapshots`);
}
