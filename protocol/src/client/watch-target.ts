import type { Watch } from '../messages/client.js';
import type { Welcome } from '../messages/server.js';
import { clamp } from '../sim/movement.js';
import { POSITION_SCALE } from '../sim/quantize.js';

/**
 * Where a spectator's camera looks: an entity to keep in the middle of the view (its id, as in
 * snapshots), or a point in wire units (the world's `0..worldWidth * POSITION_SCALE`).
 */
export type WatchTarget = { followId: number } | { x: number; y: number };

/**
 * The Watch a spectator sends for `target` in the world its Welcome describes, acknowledging
 * `ackTick`: following, x and y are 0 (they mean nothing then, and cost a byte each); a point is
 * rounded and held within the world; no target yet (null) is the world's centre, where the server
 * looks until the first Watch. Every spectator (Connection, the inspector) sends this one.
 */
export function watchFor(
  target: WatchTarget | null,
  world: Readonly<Pick<Welcome, 'worldWidth' | 'worldHeight'>>,
  ackTick: number,
): Watch {
  const maxX = world.worldWidth * POSITION_SCALE;
  const maxY = world.worldHeight * POSITION_SCALE;
  if (target === null) return { ackTick, followId: 0, x: maxX >> 1, y: maxY >> 1 };
  if ('followId' in target) return { ackTick, followId: target.followId, x: 0, y: 0 };
  const x = clamp(Math.round(target.x), 0, maxX);
  const y = clamp(Math.round(target.y), 0, maxY);
  return { ackTick, followId: 0, x, y };
}
