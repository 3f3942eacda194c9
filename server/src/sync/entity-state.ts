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
import { VersionLog } from './version-log.js';

const ID_SPACE = MAX_ENTITY_ID + 1;

/**
 * Told when the game wrote a value its schema does not allow: `field` is `kind.field`, `message`
 * says what was written and what the engine kept instead.
 */
export type InvalidValueHandler = (field: string, message: string) => void;

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
 *
 * Values are checked against the schema when they change (and at spawn), so a game bug cannot
 * put on the wire a value every client's decoder refuses: a number outside its field's range
 * (or not an integer) is clamped (rounded), a string longer than allowed is cut, and a constant
 * field written after spawn gets its value back; each is reported. Fields of static entities
 * are checked at spawn only: they MUST NOT change after it.
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
  readonly #onInvalidValue: InvalidValueHandler;
  /** Ended versions of dynamic entities, once a byte budget needs them (keepVersions). */
  #versions: VersionLog | null = null;
  /** Tick each dynamic entity's current version began (its last change, or its spawn). */
  #versionStarts: Int32Array | null = null;
  /** An entity's values as of the previous commit, copied before commit overwrites them. */
  #before: Float64Array | null = null;

  constructor(world: World, onInvalidValue: InvalidValueHandler = () => {}) {
    this.#world = world;
    this.#onInvalidValue = onInvalidValue;
    this.changes = new ChangeTicks(world.schema.groups.length);
    this.#width = Math.max(1, world.schema.maxNumericFields);
    this.#previous = new Float64Array(ID_SPACE * this.#width);
    world.listen(this);
  }

  onSpawn(e: Entity, kind: CompiledKind, tick: number): void {
    for (const f of kind.fields) {
      if (f.isString) this.#checkedText(e, kind, f, e[f.name]);
      else this.#checkedNumber(e, kind, f, e[f.name]);
    }
    this.changes.markAll(e.id, tick, kind.groupMask);
    if (this.#versionStarts !== null && !kind.isStatic) {
      this.#versionStarts[e.id] = tick;
      this.#versions?.forget(e.id);
    }
    this.#records[e.id] = null;
    this.#remember(e, kind);
    this.hashes[e.id] = entityHash(kind, e, this.#world.expiresTicks[e.id] as number);
  }

  onRemove(e: Entity): void {
    this.#records[e.id] = null;
  }

  #remember(e: Entity, kind: CompiledKind): void {
    if (kind.isStatic) return;
    const o = e.id * this.#width;
    const numeric = kind.numericFields;
    for (let i = 0; i < numeric.length; i++) {
      this.#previous[o + i] = e[(numeric[i] as CompiledField).name] as number;
    }
    if (kind.stringFields.length > 0) {
      this.#previousTexts[e.id] = kind.stringFields.map((f) => e[f.name] as string);
    }
  }

  /** `value` if the field allows it, else the nearest value it allows (written back to `e`). */
  #checkedNumber(e: Entity, kind: CompiledKind, f: CompiledField, value: unknown): number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= f.min && value <= f.max) {
      return value;
    }
    const rounded = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : f.min;
    const fixed = clamp(rounded, f.min, f.max);
    e[f.name] = fixed;
    this.#report(
      kind,
      f,
      `${String(value)} is not an integer in ${f.min}..${f.max}: kept ${fixed}`,
    );
    return fixed;
  }

  #checkedText(e: Entity, kind: CompiledKind, f: CompiledField, value: unknown): string {
    if (typeof value === 'string' && value.length <= f.max) return value;
    let fixed = typeof value === 'string' ? value.slice(0, f.max) : '';
    // Never cut a surrogate pair in two: a lone surrogate is not UTF-8.
    if (/[\uD800-\uDBFF]$/.test(fixed)) fixed = fixed.slice(0, -1);
    e[f.name] = fixed;
    this.#report(
      kind,
      f,
      `${JSON.stringify(value)} is not a string of at most ${f.max}: kept ${JSON.stringify(fixed)}`,
    );
    return fixed;
  }

  #report(kind: CompiledKind, f: CompiledField, problem: string): void {
    const field = `${kind.name}.${f.name}`;
    this.#onInvalidValue(field, `${field}: ${problem}`);
  }

  /**
   * From now on, keeps every dynamic entity's versions for at least `retainTicks` after they end
   * (VersionLog): what a client under a byte budget may still hold. Off by default: without a
   * budget nothing reads them.
   */
  keepVersions(retainTicks: number): VersionLog {
    if (this.#versions !== null) return this.#versions;
    const world = this.#world;
    this.#versions = new VersionLog(
      world.schema,
      world.kindIds,
      this.#width,
      retainTicks,
      world.maxX,
      world.maxY,
    );
    const starts = new Int32Array(ID_SPACE);
    // Entities already there: their version began at their spawn, for all that is known here.
    // Exact when this runs before any client is sent anything (the room's SnapshotSender calls it
    // at construction), since no client can hold a version older than its first snapshot.
    for (const e of world.dynamicEntities()) starts[e.id] = world.spawnTicks[e.id] as number;
    this.#versionStarts = starts;
    this.#before = new Float64Array(this.#width);
    return this.#versions;
  }

  /** The versions kept (keepVersions), or null. */
  get versions(): VersionLog | null {
    return this.#versions;
  }

  /**
   * Ends a tick's simulation: finds what changed in every dynamic entity since the previous
   * tick, marks it, and refreshes hashes. O(dynamic entities). Call after the game's step,
   * before composing.
   */
  commit(tick: number): void {
    const world = this.#world;
    const kinds = world.schema.kinds;
    const previous = this.#previous;
    const width = this.#width;
    const { maxX, maxY } = world;
    const versions = this.#versions;
    const before = this.#before;
    for (const e of world.dynamicEntities()) {
      const id = e.id;
      const kind = kinds[world.kindIds[id] as number] as CompiledKind;
      const o = id * width;
      if (before !== null) for (let k = 0; k < width; k++) before[k] = previous[o + k] as number;
      const numeric = kind.numericFields;
      let mask = 0;
      let i = 0;
      if (kind.hasVelocity) {
        // x, y, vx, vy are the first four numeric fields.
        let x = e.x as number;
        let y = e.y as number;
        let vx = e.vx as number;
        let vy = e.vy as number;
        const pvx = previous[o + 2] as number;
        const pvy = previous[o + 3] as number;
        if (
          vx !== pvx ||
          vy !== pvy ||
          x !== clamp((previous[o] as number) + pvx, 0, maxX) ||
          y !== clamp((previous[o + 1] as number) + pvy, 0, maxY)
        ) {
          x = this.#checkedNumber(e, kind, numeric[0] as CompiledField, x);
          y = this.#checkedNumber(e, kind, numeric[1] as CompiledField, y);
          vx = this.#checkedNumber(e, kind, numeric[2] as CompiledField, vx);
          vy = this.#checkedNumber(e, kind, numeric[3] as CompiledField, vy);
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
        const was = previous[o + i] as number;
        if (v === was) continue;
        if (f.isConstant) {
          e[f.name] = was;
          this.#report(
            kind,
            f,
            `constant, but changed from ${was} to ${String(v)} after spawn: kept ${was}`,
          );
          continue;
        }
        previous[o + i] = this.#checkedNumber(e, kind, f, v);
        mask |= 1 << f.groupBit;
      }
      const strings = kind.stringFields;
      if (strings.length > 0) {
        const texts = this.#previousTexts[id] as string[];
        for (let k = 0; k < strings.length; k++) {
          const f = strings[k] as CompiledField;
          const v = e[f.name] as string;
          const was = texts[k] as string;
          if (v === was) continue;
          if (f.isConstant) {
            e[f.name] = was;
            this.#report(
              kind,
              f,
              `constant, but changed from ${JSON.stringify(was)} to ${JSON.stringify(v)} after spawn: kept ${JSON.stringify(was)}`,
            );
            continue;
          }
          texts[k] = this.#checkedText(e, kind, f, v);
          mask |= 1 << f.groupBit;
        }
      }
      if (mask !== 0) {
        this.changes.mark(id, mask, tick);
        if (versions !== null) this.#versionEnded(versions, id, tick, before as Float64Array);
      }
      this.hashes[id] = entityHash(kind, e, world.expiresTicks[id] as number);
    }
  }

  /** `id` changed at `tick`: the version it held since its last change ends (values: `before`). */
  #versionEnded(versions: VersionLog, id: number, tick: number, before: Float64Array): void {
    const starts = this.#versionStarts as Int32Array;
    const start = starts[id] as number;
    // A version that began this tick (a spawn changed in its own step) was never in a view.
    if (start < tick) versions.push(id, start, tick, before, 0);
    starts[id] = tick;
  }

  /**
   * Each dynamic entity's numeric fields as of the last commit, `valueWidth` per id, in its
   * kind's numeric field order (field.slot): between commit and the next tick, its current
   * values. The snapshot writer reads updates from here (flat, no lookup by field name).
   */
  get values(): Float64Array {
    return this.#previous;
  }

  get valueWidth(): number {
    return this.#width;
  }

  /** A dynamic entity's string fields as of the last commit (by field.slot); undefined for none. */
  textsOf(id: number): readonly string[] | undefined {
    return this.#previousTexts[id];
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
