// Test support (only tests import it; nothing here ships): every version every entity of a world
// had, to check replicas under a byte budget, which may hold an entity as it was some ticks ago
// (sync-harness.ts). Computed from the world alone, nothing of sync/.
import { clamp, type EntityRecord } from '@tickwire/protocol';
import type { Entity, World } from '../sim/world.js';

/** An entity's record (as bruteForceView makes it) from `tick` until its next change. */
interface Version {
  tick: number;
  record: EntityRecord;
}

/** The versions of the entity that holds an id, and when it spawned. */
interface Versions {
  spawnTick: number;
  list: Version[];
}

/**
 * The versions of every entity of a world, recorded after each tick: a new version whenever an
 * entity is not what its previous version, moved on by the ticks since, says.
 */
export class WorldHistory {
  readonly #world: World;
  readonly #byId = new Map<number, Versions>();

  constructor(world: World) {
    this.#world = world;
  }

  /** The record of `e` at `tick` (the fields of its kind, and ticksLeft for a lifetime). */
  recordOf(e: Entity, tick: number): EntityRecord {
    const kind = this.#world.kindOf(e.kind);
    const record: Record<string, number | string> = { id: e.id, kind: kind.name };
    for (const f of kind.fields) record[f.name] = e[f.name] as number | string;
    if (kind.lifetimeTicks > 0) {
      record.ticksLeft = (this.#world.expiresTicks[e.id] as number) - tick;
    }
    return record as EntityRecord;
  }

  /** The present version of entity `id` at `tick` (its first tick, and the entity's spawn tick). */
  presentVersion(id: number, tick: number): { versionTick: number; spawnTick: number } | null {
    const versions = this.#byId.get(id);
    if (!versions) return null;
    const list = versions.list;
    for (let i = list.length - 1; i >= 0; i--) {
      const version = list[i] as Version;
      if (version.tick <= tick) return { versionTick: version.tick, spawnTick: versions.spawnTick };
    }
    return null;
  }

  /**
   * Whether `version`, as a client that holds it sees it at `tick`, is `record`: a linear kind
   * moved on by its velocity (clamped to the world, as the replica extrapolates), lifetimes
   * counted down. Field by field, without a copy.
   */
  #matches(version: Version, tick: number, record: EntityRecord): boolean {
    const v = version.record;
    const keys = Object.keys(v);
    if (keys.length !== Object.keys(record).length) return false;
    const kind = this.#world.kindOf(v.kind);
    const n = tick - version.tick;
    for (const k of keys) {
      let expected = v[k];
      if (kind.hasVelocity && (k === 'x' || k === 'y')) {
        const velocity = (k === 'x' ? v.vx : v.vy) as number;
        const max = k === 'x' ? this.#world.maxX : this.#world.maxY;
        expected = clamp((expected as number) + velocity * n, 0, max);
      } else if (k === 'ticksLeft') {
        expected = (expected as number) - n;
      }
      if (record[k] !== expected) return false;
    }
    return true;
  }

  /** Records what changed at `tick` (call after every tick). */
  record(tick: number): void {
    const world = this.#world;
    for (const kind of world.schema.kinds) {
      for (const e of world.all(kind.name) as Iterable<Entity>) {
        const spawnTick = world.spawnTicks[e.id] as number;
        let versions = this.#byId.get(e.id);
        if (!versions || versions.spawnTick !== spawnTick) {
          versions = { spawnTick, list: [] };
          this.#byId.set(e.id, versions);
        } else if (kind.isStatic) {
          continue; // a static entity never changes
        }
        const now = this.recordOf(e, tick);
        const last = versions.list[versions.list.length - 1];
        if (!last || !this.#matches(last, tick, now)) versions.list.push({ tick, record: now });
      }
    }
  }

  /**
   * Whether `record` is a version the world's entity `record.id` really had at some tick up to
   * `tick`, as seen at `tick`; and if so, which: the tick it began (`versionTick`), since when it
   * has not been the present (`since`; `tick` if it is the present), and the entity's spawn tick.
   */
  heldVersion(
    record: EntityRecord,
    tick: number,
  ): { versionTick: number; since: number; spawnTick: number } | null {
    const versions = this.#byId.get(record.id);
    if (!versions) return null;
    const list = versions.list;
    for (let i = list.length - 1; i >= 0; i--) {
      const version = list[i] as Version;
      if (version.tick > tick) continue;
      if (this.#matches(version, tick, record)) {
        const next = list[i + 1];
        return {
          versionTick: version.tick,
          since: next !== undefined && next.tick <= tick ? next.tick : tick,
          spawnTick: versions.spawnTick,
        };
      }
    }
    return null;
  }
}
