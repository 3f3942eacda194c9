import {
  EntityKind,
  NO_DIRECTION,
  POSITION_SCALE,
  entityHash,
  MsgpackWriter,
  writeEntityRecord,
  stepMotion,
  velocityFor,
} from '@tickwire/protocol';
import { SpatialGrid } from '../interest/spatial-grid.js';
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

/** The arena's authoritative state and its simulation step. No sockets, no clock. */
export class World {
  readonly options: WorldOptions;
  /** Largest wire coordinate on each axis. */
  readonly maxX: number;
  readonly maxY: number;
  readonly grid: SpatialGrid<Entity>;
  readonly players = new Map<number, Player>();
  readonly pellets = new Map<number, Pellet>();
  readonly #ids: EntityIdAllocator;
  readonly #rng: Rng;
  readonly #radius: number;
  /** Scratch for grid queries inside the world. */
  readonly #nearby: Entity[] = [];
  readonly #recordWriter = new MsgpackWriter(256);

  constructor(options: WorldOptions) {
    this.options = options;
    this.maxX = options.width * POSITION_SCALE;
    this.maxY = options.height * POSITION_SCALE;
    this.grid = new SpatialGrid(this.maxX, this.maxY, options.gridCellSize * POSITION_SCALE);
    this.#ids = new EntityIdAllocator(options.idQuarantineTicks);
    this.#rng = new Rng(options.seed);
    this.#radius = options.playerRadius * POSITION_SCALE;
    for (let i = 0; i < options.pelletCount; i++) this.spawnPellet(0);
  }

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
      motionTick: tick,
      aimTick: tick,
      hpTick: tick,
      scoreTick: tick,
      hash: 0,
      hashTick: -1,
      recordBytes: null,
      recordTick: -1,
      gridCell: -1,
      gridSlot: 0,
    };
    this.players.set(id, player);
    this.grid.insert(player);
    return player;
  }

  removePlayer(player: Player, tick: number): void {
    if (!this.players.delete(player.id)) return;
    this.grid.remove(player);
    this.#ids.release(player.id, tick);
  }

  spawnPellet(tick: number): Pellet | null {
    const id = this.#ids.allocate(tick);
    if (id < 0) return null;
    const pellet: Pellet = {
      kind: EntityKind.Pellet,
      id,
      x: this.#rng.int(this.maxX + 1),
      y: this.#rng.int(this.maxY + 1),
      spawnTick: tick,
      hash: 0,
      hashTick: -1,
      recordBytes: null,
      recordTick: -1,
      gridCell: -1,
      gridSlot: 0,
    };
    this.pellets.set(id, pellet);
    this.grid.insert(pellet);
    return pellet;
  }

  removePellet(pellet: Pellet, tick: number): void {
    if (!this.pellets.delete(pellet.id)) return;
    this.grid.remove(pellet);
    this.#ids.release(pellet.id, tick);
  }

  /** Applies a player's input: takes effect in the step of `tick`. */
  applyInput(player: Player, moveDir: number, aim: number, tick: number): void {
    if (moveDir !== player.moveDir) {
      player.moveDir = moveDir;
      const { vx, vy } = velocityFor(moveDir, this.options.playerSpeed);
      if (vx !== player.vx || vy !== player.vy) {
        player.vx = vx;
        player.vy = vy;
        player.motionTick = tick;
      }
    }
    if (aim !== player.aim) {
      player.aim = aim;
      player.aimTick = tick;
    }
  }

  /** Puts a player somewhere else at once (wire units): a change no client can extrapolate. */
  teleport(player: Player, x: number, y: number, tick: number): void {
    player.x = Math.min(this.maxX, Math.max(0, Math.round(x)));
    player.y = Math.min(this.maxY, Math.max(0, Math.round(y)));
    player.motionTick = tick;
    this.grid.update(player);
  }

  /** One simulation step. Pure function of the state and the inputs applied before it. */
  step(tick: number): void {
    const { eatPellets, scoreEveryTicks } = this.options;
    for (const player of this.players.values()) {
      if (player.vx !== 0 || player.vy !== 0) {
        stepMotion(player, this.maxX, this.maxY);
        this.grid.update(player);
      }
      if (
        scoreEveryTicks > 0 &&
        tick > player.spawnTick &&
        (tick - player.spawnTick) % scoreEveryTicks === 0
      ) {
        player.score++;
        player.scoreTick = tick;
      }
    }
    if (eatPellets) this.#eatPellets(tick);
  }

  /** entityHash of `e` at `tick`, computed at most once per entity per tick. */
  hashOf(e: Entity, tick: number): number {
    if (e.hashTick !== tick) {
      e.hash = entityHash(e);
      e.hashTick = tick;
    }
    return e.hash;
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

  #eatPellets(tick: number): void {
    const r = this.#radius;
    const eaten: { pellet: Pellet; by: Player }[] = [];
    const near = this.#nearby;
    for (const player of this.players.values()) {
      const count = this.grid.queryInto(
        player.x - r,
        player.y - r,
        player.x + r,
        player.y + r,
        near,
      );
      for (let i = 0; i < count; i++) {
        const e = near[i] as Entity;
        if (e.kind !== EntityKind.Pellet) continue;
        const dx = e.x - player.x;
        const dy = e.y - player.y;
        if (dx * dx + dy * dy <= r * r && !eaten.some((x) => x.pellet === e)) {
          eaten.push({ pellet: e, by: player });
        }
      }
    }
    for (const { pellet, by } of eaten) {
      this.removePellet(pellet, tick);
      by.score++;
      by.scoreTick = tick;
      this.spawnPellet(tick);
    }
  }

  #freeSpot(): { x: number; y: number } {
    const spacing = this.#radius * 3;
    let spot = { x: 0, y: 0 };
    for (let attempt = 0; attempt < 30; attempt++) {
      spot = { x: this.#rng.int(this.maxX + 1), y: this.#rng.int(this.maxY + 1) };
      const near = this.#nearby;
      const count = this.grid.queryInto(
        spot.x - spacing,
        spot.y - spacing,
        spot.x + spacing,
        spot.y + spacing,
        near,
      );
      if (!near.slice(0, count).some((e) => e.kind === EntityKind.Player)) return spot;
    }
    return spot;
  }
}
