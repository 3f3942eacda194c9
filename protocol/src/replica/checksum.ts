import { EntityKind } from '../wire/ids.js';
import type { EntityRecord } from '../messages/snapshot.js';

/**
 * View checksum: the sum (mod 2^32) of a 32-bit hash of every entity in the view. A sum does
 * not depend on iteration order, so the server can add hashes up while it walks its grid and
 * the client while it walks its map. Integer-only (Math.imul), identical in every engine.
 */

function mix(h: number, value: number): number {
  return Math.imul(h ^ value, 0x01000193);
}

/** murmur3's finalizer: spreads every input bit over the result. */
function finalize(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of one entity's state. Everything the replica keeps, except a player's name. */
export function entityHash(e: EntityRecord): number {
  return e.kind === EntityKind.Player
    ? playerHash(e.id, e.x, e.y, e.vx, e.vy, e.aim, e.hp, e.score)
    : pelletHash(e.id, e.x, e.y);
}

export function playerHash(
  id: number,
  x: number,
  y: number,
  vx: number,
  vy: number,
  aim: number,
  hp: number,
  score: number,
): number {
  let h = mix(0x811c9dc5, id);
  h = mix(h, EntityKind.Player);
  h = mix(h, x);
  h = mix(h, y);
  h = mix(h, vx);
  h = mix(h, vy);
  h = mix(h, aim);
  h = mix(h, hp);
  h = mix(h, score);
  return finalize(h);
}

export function pelletHash(id: number, x: number, y: number): number {
  let h = mix(0x811c9dc5, id);
  h = mix(h, EntityKind.Pellet);
  h = mix(h, x);
  h = mix(h, y);
  return finalize(h);
}

/** Adds one entity hash to a running checksum. */
export function addToChecksum(checksum: number, hash: number): number {
  return (checksum + hash) >>> 0;
}

export function viewChecksum(entities: Iterable<EntityRecord>): number {
  let sum = 0;
  for (const e of entities) sum = addToChecksum(sum, entityHash(e));
  return sum;
}
