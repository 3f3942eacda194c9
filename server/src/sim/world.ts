import {
  MAX_ENTITY_ID,
  POSITION_SCALE,
  clamp,
  type AnyEntityOf,
  type CompiledKind,
  type CompiledSchema,
  type EntityOf,
  type GameSpec,
  type KindName,
} from '@tickwire/protocol';
import { PackedGrid } from '../interest/packed-grid.js';
import { StaticIndex } from '../interest/static-index.js';
import { StaticLog } from '../interest/static-log.js';
import { EntityIdAllocator } from './entity-ids.js';

/** An entity as the engine sees it: id, kind name and the kind's fields by name. */
export type Entity = { id: number; kind: string } & { [field: string]: unknown };

/** The fields a game gives when it spawns an entity of kind K (the engine adds id and kind). */
export type SpawnFields<G extends GameSpec, K extends KindName<G>> = Omit<
  EntityOf<G, K>,
  'id' | 'kind' | 'ticksLeft'
>;

/** Told of every spawn and removal (the sync state keeps hashes and change ticks by id). */
export interface WorldListener {
  onSpawn(e: Entity, kind: CompiledKind, tick: number): void;
  onRemove(e: Entity, kind: CompiledKind, tick: number): void;
}

export interface WorldOptions {
  schema: CompiledSchema;
  /** World size in world units. */
  width: number;
  height: number;
  /** Ticks an entity id waits before reuse; MUST exceed the oldest usable delta baseline. */
  idQuarantineTicks: number;
  /** Interest grid cell size in world units. */
  gridCellSize: number;
}

const ID_SPACE = MAX_ENTITY_ID + 1;

/**
 * The authoritative entities of one room, for any game: spawn and remove by kind, look up by id
 * and by area, the engine's linear motion step and lifetimes. Positions and velocities are in
 * wire units (quantized): the simulation runs on the exact integers clients see. No sockets, no
 * clock, nothing about what any client was sent.
 */
export class World<G extends GameSpec = GameSpec> {
  readonly schema: CompiledSchema;
  /** Largest wire coordinate on each axis. */
  readonly maxX: number;
  readonly maxY: number;
  /** Entities by id (sparse). */
  readonly byId: (Entity | undefined)[] = [];
  /** Kind id of every live entity, by id. */
  readonly kindIds = new Uint8Array(ID_SPACE);
  /** Spawn tick of every live entity, by id. */
  readonly spawnTicks = new Int32Array(ID_SPACE);
  /**
   * Tick at which an entity of a kind with a lifetime leaves on its own, by id; 0 for none.
   * Kept after the entity is gone until the id is reused (sync asks it about baselines).
   */
  readonly expiresTicks = new Int32Array(ID_SPACE);
  /** Static entities' spawns and removals, for views that may contain them. */
  readonly staticLog: StaticLog;
  readonly #byKind: Map<number, Entity>[];
  readonly #dynamic = new Map<number, Entity>();
  readonly #static = new Map<number, Entity>();
  /** Entities of linear kinds, and each one's index there by id (removal swaps in the last). */
  readonly #linear: Entity[] = [];
  readonly #linearIndex = new Int32Array(ID_SPACE);
  /**
   * For each kind with a lifetime, its entities in spawn order, which is expiry order (one
   * lifetime per kind): expiring looks only at the front. Entities removed early stay queued
   * until their turn, then are skipped (they are no longer `byId[id]`).
   */
  readonly #lifetimeQueues: { entities: Entity[]; head: number }[];
  readonly #dynamicGrid: PackedGrid;
  readonly #staticGrid: StaticIndex;
  #isDynamicGridStale = true;
  #isStaticGridStale = true;
  #dynamicGridPackCount = 0;
  readonly #ids: EntityIdAllocator;
  readonly #found = new Uint16Array(ID_SPACE);
  #listener: WorldListener | null = null;

  constructor(options: WorldOptions) {
    this.schema = options.schema;
    this.maxX = options.width * POSITION_SCALE;
    this.maxY = options.height * POSITION_SCALE;
    const cellSize = options.gridCellSize * POSITION_SCALE;
    this.#dynamicGrid = new PackedGrid(this.maxX, this.maxY, cellSize);
    this.#staticGrid = new StaticIndex(this.maxX, this.maxY, cellSize);
    this.#ids = new EntityIdAllocator(options.idQuarantineTicks);
    this.#byKind = options.schema.kinds.map(() => new Map<number, Entity>());
    this.#lifetimeQueues = options.schema.kinds.map(() => ({ entities: [], head: 0 }));
    this.staticLog = new StaticLog(options.idQuarantineTicks);
  }

  /** Sets who hears of spawns and removals (one listener: the room's sync state). */
  listen(listener: WorldListener): void {
    this.#listener = listener;
  }

  kindOf(name: string): CompiledKind {
    const kind = this.schema.kindByName.get(name);
    if (!kind) throw new RangeError(`game ${this.schema.game} has no entity kind ${name}`);
    return kind;
  }

  /**
   * Adds an entity of `kind` with `fields` (positions clamped to the world). Null when no
   * entity id is free.
   */
  spawn<K extends KindName<G>>(
    kindName: K,
    fields: SpawnFields<G, K>,
    tick: number,
  ): EntityOf<G, K> | null {
    const kind = this.kindOf(kindName);
    const id = this.#ids.allocate(tick);
    if (id < 0) return null;
    const given = fields as unknown as Record<string, unknown>;
    // Same property order for every entity of a kind: one hidden class per kind.
    const e: Entity = { id, kind: kind.name };
    for (const f of kind.fields) e[f.name] = given[f.name] ?? (f.isString ? '' : 0);
    e.x = clamp(Math.round(e.x as number), 0, this.maxX);
    e.y = clamp(Math.round(e.y as number), 0, this.maxY);
    this.byId[id] = e;
    this.kindIds[id] = kind.id;
    this.spawnTicks[id] = tick;
    this.expiresTicks[id] = kind.lifetimeTicks > 0 ? tick + kind.lifetimeTicks : 0;
    (this.#byKind[kind.id] as Map<number, Entity>).set(id, e);
    if (kind.isStatic) {
      this.#static.set(id, e);
      this.#isStaticGridStale = true;
      this.staticLog.add({
        tick,
        id,
        x: e.x as number,
        y: e.y as number,
        isRemoval: false,
        spawnTick: tick,
      });
    } else {
      this.#dynamic.set(id, e);
      if (kind.hasVelocity) {
        this.#linearIndex[id] = this.#linear.length;
        this.#linear.push(e);
      }
      if (kind.lifetimeTicks > 0) this.#enqueueLifetime(kind, e);
      this.#isDynamicGridStale = true;
    }
    this.#listener?.onSpawn(e, kind, tick);
    return e as unknown as EntityOf<G, K>;
  }

  /** Removes an entity (it is listed as removed to the views that had it). */
  remove(entity: AnyEntityOf<G> | Entity, tick: number): void {
    const e = entity as Entity;
    if (this.byId[e.id] !== e) return;
    const kind = this.kindOf(e.kind);
    this.byId[e.id] = undefined;
    (this.#byKind[kind.id] as Map<number, Entity>).delete(e.id);
    if (kind.isStatic) {
      this.#static.delete(e.id);
      this.#isStaticGridStale = true;
      this.staticLog.add({
        tick,
        id: e.id,
        x: e.x as number,
        y: e.y as number,
        isRemoval: true,
        spawnTick: this.spawnTicks[e.id] as number,
      });
    } else {
      this.#dynamic.delete(e.id);
      if (kind.hasVelocity) {
        const linear = this.#linear;
        const last = linear.pop() as Entity;
        if (last !== e) {
          const i = this.#linearIndex[e.id] as number;
          linear[i] = last;
          this.#linearIndex[last.id] = i;
        }
      }
      this.#isDynamicGridStale = true;
    }
    this.#ids.release(e.id, tick);
    this.#listener?.onRemove(e, kind, tick);
  }

  /** Whether `entity` is still in the world. */
  has(entity: { id: number }): boolean {
    return this.byId[entity.id] === entity;
  }

  /** The live entities of a kind (a live view: do not spawn or remove while iterating it). */
  all<K extends KindName<G>>(kind: K): IterableIterator<EntityOf<G, K>> {
    return (
      this.#byKind[this.kindOf(kind).id] as Map<number, Entity>
    ).values() as unknown as IterableIterator<EntityOf<G, K>>;
  }

  count(kind: KindName<G>): number {
    return (this.#byKind[this.kindOf(kind).id] as Map<number, Entity>).size;
  }

  /** Entities of `kind` within `r` (wire units) of (x, y) on both axes: a square; filter by distance yourself. */
  near<K extends KindName<G>>(kind: K, x: number, y: number, r: number): EntityOf<G, K>[] {
    const k = this.kindOf(kind);
    const grid = k.isStatic ? this.staticGrid() : this.dynamicGrid();
    const out: EntityOf<G, K>[] = [];
    this.#collect(k, grid.queryInto(x - r, y - r, x + r, y + r, this.#found), out);
    return out;
  }

  /**
   * Entities of a dynamic `kind` that were within `halfWidth` / `halfHeight` (wire units) of
   * (x, y) when the dynamic grid was last packed, into `out` (emptied first; no allocation once
   * it has grown). Unlike `near` it NEVER re-packs the grid, so a burst of spawns can ask after
   * each one for O(entities found): entities spawned or moved since the last pack are missing
   * or found where they were (their fields are current); removed ones are left out. The caller
   * MUST account for what changed since itself; `dynamicGridPackCount` tells it when the grid
   * was packed again (and holds everything where it is).
   */
  nearAsPackedInto<K extends KindName<G>>(
    kind: K,
    x: number,
    y: number,
    halfWidth: number,
    halfHeight: number,
    out: EntityOf<G, K>[],
  ): void {
    const k = this.kindOf(kind);
    if (k.isStatic) throw new RangeError(`${k.name} is a static kind: use near`);
    const count = this.#dynamicGrid.queryInto(
      x - halfWidth,
      y - halfHeight,
      x + halfWidth,
      y + halfHeight,
      this.#found,
    );
    out.length = 0;
    this.#collect(k, count, out);
  }

  /** Appends to `out` the first `count` entities of #found that are live and of `kind`. */
  #collect<K extends KindName<G>>(kind: CompiledKind, count: number, out: EntityOf<G, K>[]): void {
    for (let i = 0; i < count; i++) {
      const e = this.byId[this.#found[i] as number];
      if (e && e.kind === kind.name) out.push(e as unknown as EntityOf<G, K>);
    }
  }

  /** Clamps a wire x / y to the world. */
  clampX(x: number): number {
    return clamp(Math.round(x), 0, this.maxX);
  }

  clampY(y: number): number {
    return clamp(Math.round(y), 0, this.maxY);
  }

  /** Non-static entities by position (re-packed once per tick, on first use after anything moved). */
  dynamicGrid(): PackedGrid {
    if (this.#isDynamicGridStale) {
      this.#dynamicGrid.rebuild(
        this.#allDynamic as Iterable<{ id: number; x: number; y: number }>,
        this.#dynamic.size,
      );
      this.#isDynamicGridStale = false;
      this.#dynamicGridPackCount++;
    }
    return this.#dynamicGrid;
  }

  /** How many times the dynamic grid has been packed (see `nearAsPackedInto`). */
  get dynamicGridPackCount(): number {
    return this.#dynamicGridPackCount;
  }

  /** Static entities by position (they never move: re-packed only when one spawns or goes). */
  staticGrid(): StaticIndex {
    if (this.#isStaticGridStale) {
      this.#staticGrid.rebuild(
        this.#allStatic as Iterable<{ id: number; x: number; y: number }>,
        this.#static.size,
      );
      this.#isStaticGridStale = false;
    }
    return this.#staticGrid;
  }

  // Iterable any number of times (a grid's rebuild walks its input twice).
  readonly #allDynamic: Iterable<Entity> = { [Symbol.iterator]: () => this.#dynamic.values() };
  readonly #allStatic: Iterable<Entity> = { [Symbol.iterator]: () => this.#static.values() };

  /** Every non-static entity (the sync state walks them once per tick). */
  dynamicEntities(): IterableIterator<Entity> {
    return this.#dynamic.values();
  }

  get staticCount(): number {
    return this.#static.size;
  }

  staticEntities(): IterableIterator<Entity> {
    return this.#static.values();
  }

  /**
   * The engine's motion step: every linear entity moves by its velocity, clamped to the world,
   * exactly as clients extrapolate it. Runs after inputs, before the game's step.
   */
  moveAll(): void {
    const maxX = this.maxX;
    const maxY = this.maxY;
    const linear = this.#linear;
    for (let i = 0; i < linear.length; i++) {
      const e = linear[i] as Entity;
      const vx = e.vx as number;
      const vy = e.vy as number;
      if (vx !== 0) e.x = clamp((e.x as number) + vx, 0, maxX);
      if (vy !== 0) e.y = clamp((e.y as number) + vy, 0, maxY);
    }
    this.#isDynamicGridStale = true;
  }

  /**
   * Removes, silently for every client, the entities whose lifetime ends at `tick`: O(entities
   * expiring), not O(entities with a lifetime).
   */
  expire(tick: number): void {
    for (const kind of this.schema.kinds) {
      if (kind.lifetimeTicks === 0) continue;
      const queue = this.#lifetimeQueues[kind.id] as { entities: Entity[]; head: number };
      const { entities } = queue;
      let head = queue.head;
      while (head < entities.length) {
        const e = entities[head] as Entity;
        const isLive = this.byId[e.id] === e;
        if (isLive && (this.expiresTicks[e.id] as number) > tick) break;
        head++;
        if (isLive) this.remove(e, tick);
      }
      // Drop the expired front once it is most of the array (amortized O(1) per entity).
      if (head > 64 && head * 2 > entities.length) {
        entities.splice(0, head);
        head = 0;
      }
      queue.head = head;
    }
  }

  #enqueueLifetime(kind: CompiledKind, e: Entity): void {
    const { entities } = this.#lifetimeQueues[kind.id] as { entities: Entity[]; head: number };
    // Spawns come in tick order, so this is a push; a game that spawns with an older tick
    // still gets its entity expired on time.
    const expires = this.expiresTicks[e.id] as number;
    let i = entities.length;
    while (i > 0 && this.#queuedExpiry(entities[i - 1] as Entity) > expires) i--;
    if (i === entities.length) entities.push(e);
    else entities.splice(i, 0, e);
  }

  /** Expiry tick of a queued entity; one removed early (and maybe its id reused) counts as now. */
  #queuedExpiry(e: Entity): number {
    return this.byId[e.id] === e ? (this.expiresTicks[e.id] as number) : 0;
  }

  /**
   * Makes the next area query see positions the game wrote since the last one. Only needed for
   * the game's own queries later in the same step: the engine finds moved entities itself
   * before it composes snapshots (endStep).
   */
  markMoved(): void {
    this.#isDynamicGridStale = true;
  }

  /**
   * Ends the simulation of a tick, after the game's step. Games write positions directly, so a
   * grid packed earlier in the step (for a query of the game's) may hold old positions: if any
   * dynamic entity is not where the grid has it, the grid is re-packed before sync reads it.
   * Old static events are dropped.
   */
  endStep(tick: number): void {
    if (!this.#isDynamicGridStale) {
      const grid = this.#dynamicGrid;
      for (const e of this.#dynamic.values()) {
        if (!grid.holds(e.id, e.x as number, e.y as number)) {
          this.#isDynamicGridStale = true;
          break;
        }
      }
    }
    this.staticLog.trim(tick);
  }
}
