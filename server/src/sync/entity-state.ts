import {
  MAX_ENTITY_ID,
  MsgpackWriter,
  clamp,
  entityHash,
  writeEntityRecord,
  type CompiledField,
  type CompiledKind,
} from '@tickwire/protocol';
import type { Entity, World, WorldListener } from '../sim/world.js';
import { ChangeTicks } from './change-ticks.js';

const ID_SPACE = MAX_ENTITY_ID + 1;

/**
 * What sync needs to know about every entity, derived from the world once per tick and shared
 * by every client's composition: each entity's hash (for view checksums), the tick each of its
 * update groups last changed, and its record bytes (encoded at most once per tick, spliced into
 * every snapshot that needs it).
 *
 * Changes are found by comparing each entity with its state at the previous tick, so game code
 * just writes fields: a velocity or an hp that differs is a change; a position that is not
 * where the previous one plus the velocity puts it is a change (a teleport); a position that is
 * is not (both sides extrapolate it).
 */
export class EntityState implements WorldListener {
  readonly changes: ChangeTicks;
  /** Hash of every live entity, by id: dynamic ones refreshed every tick, static ones at spawn. */
  readonly hashes = new Uint32Array(ID_SPACE);
  readonly #world: World;
  /** Each dynamic entity's numeric fields at the previous commit, `width` per id. */
  readonly #previous: Float64Array;
  readonly #previousTexts: (string[] | undefined)[] = [];
  readonly #width: number;
  readonly #records: (Uint8Array | null)[] = [];
  readonly #recordTicks = new Int32Array(ID_SPACE);
  readonly #writer = new MsgpackWriter(256);

  constructor(world: World) {
    this.#world = world;
    this.changes = new ChangeTicks(world.schema.groups.length);
    this.#width = Math.max(1, world.schema.maxNumericFields);
    this.#previous = new Float64Array(ID_SPACE * this.#width);
    world.listen(this);
  }

  onSpawn(e: Entity, kind: CompiledKind, tick: number): void {
    this.changes.markAll(e.id, tick);
    this.#records[e.id] = null;
    this.#remember(e, kind);
    this.hashes[e.id] = entityHash(kind, e, this.#world.expiresTicks[e.id] as number);
  }

  onRemove(e: Entity): void {
    this.#records[e.id] = null;
  }

  #remember(e: Entity, kind: CompiledKind): void {
    const o = e.id * this.#width;
    const numeric = kind.numericFields;
    for (let i = 0; i < numeric.length; i++) {
      this.#previous[o + i] = e[(numeric[i] as CompiledField).name] as number;
    }
    if (kind.stringFields.length > 0) {
      this.#previousTexts[e.id] = kind.stringFields.map((f) => e[f.name] as string);
    }
  }

  /**
   * Ends a tick's simulation: finds what changed in every dynamic entity since the previous
   * tick, marks it, and refreshes hashes. Call after the game's step, before composing.
   */
  commit(tick: number): void {
    const world = this.#world;
    const kinds = world.schema.kinds;
    const previous = this.#previous;
    const width = this.#width;
    const { maxX, maxY } = world;
    for (const e of world.dynamicEntities()) {
      const id = e.id;
      const kind = kinds[world.kindIds[id] as number] as CompiledKind;
      const o = id * width;
      const numeric = kind.numericFields;
      let mask = 0;
      let i = 0;
      if (kind.hasVelocity) {
        // x, y, vx, vy are the first four numeric fields.
        const x = e.x as number;
        const y = e.y as number;
        const vx = e.vx as number;
        const vy = e.vy as number;
        const pvx = previous[o + 2] as number;
        const pvy = previous[o + 3] as number;
        if (
          vx !== pvx ||
          vy !== pvy ||
          x !== clamp((previous[o] as number) + pvx, 0, maxX) ||
          y !== clamp((previous[o + 1] as number) + pvy, 0, maxY)
        ) {
          mask |= 1 << (numeric[0] as CompiledField).groupBit;
        }
        previous[o] = x;
        previous[o + 1] = y;
        previous[o + 2] = vx;
        previous[o + 3] = vy;
        i = 4;
      }
      for (; i < numeric.length; i++) {
        const f = numeric[i] as CompiledField;
        const v = e[f.name] as number;
        if (v !== previous[o + i]) {
          if (!f.isConstant) mask |= 1 << f.groupBit;
          previous[o + i] = v;
        }
      }
      const strings = kind.stringFields;
      if (strings.length > 0) {
        const texts = this.#previousTexts[id] as string[];
        for (let k = 0; k < strings.length; k++) {
          const f = strings[k] as CompiledField;
          const v = e[f.name] as string;
          if (v !== texts[k]) {
            if (!f.isConstant) mask |= 1 << f.groupBit;
            texts[k] = v;
          }
        }
      }
      if (mask !== 0) this.changes.mark(id, mask, tick);
      this.hashes[id] = entityHash(kind, e, world.expiresTicks[id] as number);
    }
  }

  /**
   * The msgpack bytes of `e`'s entity record at `tick`, encoded at most once per entity per tick
   * and spliced into every snapshot that needs it. A static entity never changes: its bytes are
   * kept.
   */
  recordBytesOf(e: Entity, kind: CompiledKind, tick: number): Uint8Array {
    const cached = this.#records[e.id];
    if (cached && (kind.isStatic || this.#recordTicks[e.id] === tick)) return cached;
    const w = this.#writer;
    w.reset();
    const expires = this.#world.expiresTicks[e.id] as number;
    writeEntityRecord(w, kind, e, expires - tick);
    const bytes = w.copy();
    this.#records[e.id] = bytes;
    this.#recordTicks[e.id] = tick;
    return bytes;
  }
}
