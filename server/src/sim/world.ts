import {
  EntityKind,
  MAX_ENTITY_ID,
  MsgpackWriter,
  NO_DIRECTION,
  POSITION_SCALE,
  UpdateField,
  pelletHash,
  playerHash,
  steer,
  stepMotion,
  writeEntityRecord,
} from '@tickwire/protocol';
import { PackedGrid } from '../interest/packed-grid.js';
import { ChangeTicks } from './change-ticks.js';
import { EntityIdAllocator } from './entity-ids.js';
import type { Entity, Pellet, Player } from './entities.js';
import { Rng } from './rng.js';

export interface WorldOptions {
  /** World size in world units. */
  width: number;
  height: number;
  /** Player speed in wire units per tick (see speedPerTick). */
  playerSpeed: number;
  pelletCount: number;
  /** Whether players eat the pellets they touch (+1 score, the pellet respawns elsewhere). */
  eatPellets: boolean;
  /** Passive score: +1 every this many ticks alive; 0 turns it off. */
  scoreEveryTicks: number;
  /** Player radius in world units (pellet pick-up and spawn spacing). */
  playerRadius: number;
  seed: number;
  /** Ticks an entity id waits before reuse; MUST exceed the oldest usable delta baseline. */
  idQuarantineTicks: number;
  /** Grid cell size in world units. */
  gridCellSize: number;
}

const STARTING_HP = 100;

/** A pellet appearing or disappearing: sync replays these for views that contain the spot. */
export interface PelletEvent {
  tick: number;
  id: number;
  x: number;
  y: number;
  isRemoval: boolean;
  /** The pellet's spawn tick (for a removal: was it alive at a client's baseline?). */
  spawnTick: number;
  hash: number;
}

/** The arena's authoritative state and its simulation step. No sockets, no clock. */
export class World {
  readonly options: WorldOptions;
  /** Largest wire coordinate on each axis. */
  readonly maxX: number;
  readonly maxY: number;
  readonly players = new Map<number, Player>();
  readonly pellets = new Map<number, Pellet>();
  /** Entities by id (sparse): what sync looks up for the few records it writes. */
  readonly byId: (Entity | undefined)[] = [];
  readonly changes = new ChangeTicks();
  /** entityHash of every live entity, by id: players refreshed each step, pellets at spawn. */
  readonly hashes = new Uint32Array(MAX_ENTITY_ID + 1);
  /** Spawn tick of every live pellet, by id. */
  readonly pelletSpawnTicks = new Int32Array(MAX_ENTITY_ID + 1);
  /** Pellet spawns and removals of the last idQuarantineTicks ticks, oldest first. */
  readonly pelletLog: PelletEvent[] = [];
  readonly #playerGrid: PackedGrid;
  readonly #pelletGrid: PackedGrid;
  #isPlayerGridStale = true;
  #isPelletGridStale = true;
  readonly #ids: EntityIdAllocator;
  readonly #rng: Rng;
  readonly #radius: number;
  readonly #nearby = new Uint16Array(MAX_ENTITY_ID + 1);
  readonly #recordWriter = new MsgpackWriter(256);

  constructor(options: WorldOptions) {
    this.options = options;
    this.maxX = options.width * POSITION_SCALE;
    this.maxY = options.height * POSITION_SCALE;
    const cellSize = options.gridCellSize * POSITION_SCALE;
    this.#playerGrid = new PackedGrid(this.maxX, this.maxY, cellSize);
    this.#pelletGrid = new PackedGrid(this.maxX, this.maxY, cellSize);
    this.#ids = new EntityIdAllocator(options.idQuarantineTicks);
    this.#rng = new Rng(options.seed);
    this.#radius = options.playerRadius * POSITION_SCALE;
    for (let i = 0; i < options.pelletCount; i++) this.spawnPellet(0);
  }

  /** Players by position, re-packed first if any moved, spawned or left. */
  playerGrid(): PackedGrid {
    if (this.#isPlayerGridStale) {
      this.#playerGrid.rebuild(this.#allPlayers, this.players.size);
      this.#isPlayerGridStale = false;
    }
    return this.#playerGrid;
  }

  /** Pellets by position (they never move: re-packed only when one spawns or goes). */
  pelletGrid(): PackedGrid {
    if (this.#isPelletGridStale) {
      this.#pelletGrid.rebuild(this.#allPellets, this.pellets.size);
      this.#isPelletGridStale = false;
    }
    return this.#pelletGrid;
  }

  // Iterable any number of times (a grid's rebuild walks its input twice).
  readonly #allPlayers: Iterable<Player> = { [Symbol.iterator]: () => this.players.values() };
  readonly #allPellets: Iterable<Pellet> = { [Symbol.iterator]: () => this.pellets.values() };

  /** Adds a player at a random spot clear of other players. Null when no entity id is free. */
  spawnPlayer(name: string, tick: number): Player | null {
    const id = this.#ids.allocate(tick);
    if (id < 0) return null;
    const { x, y } = this.#freeSpot();
    const player: Player = {
      kind: EntityKind.Player,
      id,
      x,
      y,
      vx: 0,
      vy: 0,
      aim: 0,
      hp: STARTING_HP,
      score: 0,
      name,
      moveDir: NO_DIRECTION,
      spawnTick: tick,
      recordBytes: null,
      recordTick: -1,
    };
    this.players.set(id, player);
    this.#add(player);
    this.changes.markAll(id, tick);
    return player;
  }

  removePlayer(player: Player, tick: number): void {
    if (this.players.delete(player.id)) this.#remove(player, tick);
  }

  /** Adds a pellet at `at` (wire units, clamped to the world) or at a random spot. */
  spawnPellet(tick: number, at?: { x: number; y: number }): Pellet | null {
    const id = this.#ids.allocate(tick);
    if (id < 0) return null;
    const pellet: Pellet = {
      kind: EntityKind.Pellet,
      id,
      x: at ? Math.min(this.maxX, Math.max(0, Math.round(at.x))) : this.#rng.int(this.maxX + 1),
      y: at ? Math.min(this.maxY, Math.max(0, Math.round(at.y))) : this.#rng.int(this.maxY + 1),
      spawnTick: tick,
      recordBytes: null,
      recordTick: -1,
    };
    this.pellets.set(id, pellet);
    this.#add(pellet);
    const hash = pelletHash(id, pellet.x, pellet.y);
    this.hashes[id] = hash;
    this.pelletSpawnTicks[id] = tick;
    this.pelletLog.push({
      tick,
      id,
      x: pellet.x,
      y: pellet.y,
      isRemoval: false,
      spawnTick: tick,
      hash,
    });
    return pellet;
  }

  removePellet(pellet: Pellet, tick: number): void {
    if (!this.pellets.delete(pellet.id)) return;
    this.#remove(pellet, tick);
    this.pelletLog.push({
      tick,
      id: pellet.id,
      x: pellet.x,
      y: pellet.y,
      isRemoval: true,
      spawnTick: pellet.spawnTick,
      hash: this.hashes[pellet.id] as number,
    });
  }

  #add(e: Entity): void {
    this.byId[e.id] = e;
    this.changes.clear(e.id);
    if (e.kind === EntityKind.Player) {
      this.#isPlayerGridStale = true;
      this.#hashPlayer(e);
    } else {
      this.#isPelletGridStale = true;
    }
  }

  #remove(e: Entity, tick: number): void {
    this.byId[e.id] = undefined;
    if (e.kind === EntityKind.Player) this.#isPlayerGridStale = true;
    else this.#isPelletGridStale = true;
    this.#ids.release(e.id, tick);
  }

  /** Applies a player's input: takes effect in the step of `tick`. */
  applyInput(player: Player, moveDir: number, aim: number, tick: number): void {
    if (moveDir !== player.moveDir) {
      player.moveDir = moveDir;
      if (steer(player, moveDir, this.options.playerSpeed)) {
        this.changes.mark(player.id, UpdateField.Motion, tick);
      }
    }
    if (aim !== player.aim) {
      player.aim = aim;
      this.changes.mark(player.id, UpdateField.Aim, tick);
    }
  }

  /** Puts a player somewhere else at once (wire units): a change no client can extrapolate. */
  teleport(player: Player, x: number, y: number, tick: number): void {
    player.x = Math.min(this.maxX, Math.max(0, Math.round(x)));
    player.y = Math.min(this.maxY, Math.max(0, Math.round(y)));
    this.changes.mark(player.id, UpdateField.Motion, tick);
    this.#isPlayerGridStale = true;
  }

  /** One simulation step. Pure function of the state and the inputs applied before it. */
  step(tick: number): void {
    const { eatPellets, scoreEveryTicks } = this.options;
    for (const player of this.players.values()) {
      if (player.vx !== 0 || player.vy !== 0) {
        stepMotion(player, this.maxX, this.maxY);
        this.#isPlayerGridStale = true;
      }
      if (
        scoreEveryTicks > 0 &&
        tick > player.spawnTick &&
        (tick - player.spawnTick) % scoreEveryTicks === 0
      ) {
        player.score++;
        this.changes.mark(player.id, UpdateField.Score, tick);
      }
    }
    if (eatPellets) this.#eatPellets(tick);
    for (const player of this.players.values()) this.#hashPlayer(player);
    // Older events can matter to no baseline (they are older than any usable one).
    const oldest = tick - this.options.idQuarantineTicks;
    let expired = 0;
    while (
      expired < this.pelletLog.length &&
      (this.pelletLog[expired] as PelletEvent).tick <= oldest
    )
      expired++;
    if (expired > 0) this.pelletLog.splice(0, expired);
  }

  #hashPlayer(p: Player): void {
    this.hashes[p.id] = playerHash(p.id, p.x, p.y, p.vx, p.vy, p.aim, p.hp, p.score);
  }

  /**
   * The msgpack bytes of `e`'s entity record at `tick`, encoded at most once per entity per tick
   * and spliced into every snapshot that needs it. A pellet never changes: its bytes are kept.
   */
  recordBytesOf(e: Entity, tick: number): Uint8Array {
    if (e.recordBytes === null || (e.kind === EntityKind.Player && e.recordTick !== tick)) {
      const w = this.#recordWriter;
      w.reset();
      writeEntityRecord(w, e);
      e.recordBytes = w.copy();
      e.recordTick = tick;
    }
    return e.recordBytes;
  }

  /** Entities of `grid` within `r` (wire units) of (x, y) on both axes. */
  #near(grid: PackedGrid, x: number, y: number, r: number): Entity[] {
    const count = grid.queryInto(x - r, y - r, x + r, y + r, this.#nearby);
    const out: Entity[] = [];
    for (let i = 0; i < count; i++) {
      const e = this.byId[this.#nearby[i] as number];
      if (e) out.push(e);
    }
    return out;
  }

  #eatPellets(tick: number): void {
    const r = this.#radius;
    const eaten = new Map<Pellet, Player>();
    for (const player of this.players.values()) {
      for (const e of this.#near(this.pelletGrid(), player.x, player.y, r)) {
        if (e.kind !== EntityKind.Pellet || eaten.has(e)) continue;
        const dx = e.x - player.x;
        const dy = e.y - player.y;
        if (dx * dx + dy * dy <= r * r) eaten.set(e, player);
      }
    }
    for (const [pellet, by] of eaten) {
      this.removePellet(pellet, tick);
      by.score++;
      this.changes.mark(by.id, UpdateField.Score, tick);
      this.spawnPellet(tick);
    }
  }

  #freeSpot(): { x: number; y: number } {
    const spacing = this.#radius * 3;
    let spot = { x: 0, y: 0 };
    for (let attempt = 0; attempt < 30; attempt++) {
      spot = { x: this.#rng.int(this.maxX + 1), y: this.#rng.int(this.maxY + 1) };
      if (this.#near(this.playerGrid(), spot.x, spot.y, spacing).length === 0) return spot;
    }
    return spot;
  }
}
