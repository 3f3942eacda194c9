import type { CompiledField, CompiledKind, CompiledSchema } from '../schema/schema.js';
import type { EntityRecord, EntitySource } from '../messages/snapshot.js';

/**
 * View checksum: the sum (mod 2^32) of a 32-bit hash of every entity in the view. A sum does
 * not depend on iteration order, so the server can add hashes up while it walks its grid and
 * the client while it walks its table. Integer-only (Math.imul), identical in every engine.
 *
 * An entity's hash mixes its id, its kind id, every numeric field in record order (strings are
 * not hashed) and, for a kind with a lifetime, the tick it expires at; then murmur3's finalizer.
 */

const FNV_OFFSET = 0x811c9dc5;

export function mix(h: number, value: number): number {
  return Math.imul(h ^ value, 0x01000193);
}

/** murmur3's finalizer: spreads every input bit over the result. */
export function finalizeHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The start of an entity's hash: its id and kind. */
export function hashHead(id: number, kindId: number): number {
  return mix(mix(FNV_OFFSET, id), kindId);
}

/** Hash of an entity held as an object with its fields by name. `expiresTick` only counts for a kind with a lifetime. */
export function entityHash(kind: CompiledKind, e: EntitySource, expiresTick: number): number {
  let h = hashHead(e.id, kind.id);
  const fields = kind.numericFields;
  for (let i = 0; i < fields.length; i++)
    h = mix(h, e[(fields[i] as CompiledField).name] as number);
  if (kind.lifetimeTicks > 0) h = mix(h, expiresTick);
  return finalizeHash(h);
}

/** Adds one entity hash to a running checksum. */
export function addToChecksum(checksum: number, hash: number): number {
  return (checksum + hash) >>> 0;
}

/**
 * The checksum of a view given as records (the server's sum, computed the slow way): for tests,
 * tools and clients that keep their own view. `tick` is the view's tick, which a record's
 * `ticksLeft` counts from.
 */
export function viewChecksum(
  schema: CompiledSchema,
  tick: number,
  records: Iterable<EntityRecord>,
): number {
  let sum = 0;
  for (const e of records) {
    const kind = schema.kindByName.get(e.kind);
    if (!kind) throw new RangeError(`no entity kind ${e.kind} in game ${schema.game}`);
    const expiresTick = kind.lifetimeTicks > 0 ? tick + (e.ticksLeft as number) : 0;
    sum = addToChecksum(sum, entityHash(kind, e, expiresTick));
  }
  return sum;
}
