import type { Welcome } from '../messages/server.js';
import type { EntityRecord } from '../messages/snapshot.js';
import { FIELD_BASE, SLOT_KIND } from '../replica/entity-table.js';
import type { ViewState } from '../replica/replica.js';
import { NO_DIRECTION, POSITION_SCALE, toWireAngle } from '../sim/quantize.js';

// Small helpers a bot needs to decide what to send. All positions are wire units (quarter units,
// as in every record); angles are wire angles (0..255, 0 = +x, 64 = +y, which is down).

/** A point in wire units; `id` (optional) is an entity to leave out of searches (the bot itself). */
export interface WirePoint {
  x: number;
  y: number;
  id?: number;
}

/**
 * Wire angle from (fromX, fromY) towards (toX, toY), or NO_DIRECTION when they are the same
 * point. Math.atan2 is fine here: this only decides what to send; the server steps the motion
 * with its own integer rules.
 */
export function directionTowards(fromX: number, fromY: number, toX: number, toY: number): number {
  const dx = toX - fromX;
  const dy = toY - fromY;
  if (dx === 0 && dy === 0) return NO_DIRECTION;
  return toWireAngle(Math.atan2(dy, dx));
}

/** Squared distance between two points (compare it with a squared radius: no square root). */
export function distanceSquared(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  return dx * dx + dy * dy;
}

/** Largest wire coordinates of the world a Welcome describes: positions run 0..max. */
export function worldBounds(welcome: Welcome): { maxX: number; maxY: number } {
  return {
    maxX: welcome.worldWidth * POSITION_SCALE,
    maxY: welcome.worldHeight * POSITION_SCALE,
  };
}

/**
 * The entity of kind `kind` (a kind name of the game's schema) in `view` nearest to `from`,
 * leaving out `from.id` (pass the bot's own record), or null when the view holds none. Throws
 * RangeError for a kind the game does not have.
 */
export function nearestOfKind(view: ViewState, kind: string, from: WirePoint): EntityRecord | null {
  const table = view.entities;
  const k = table.schema.kindByName.get(kind);
  if (!k) {
    const kinds = table.schema.kinds.map((x) => x.name).join(', ');
    throw new RangeError(
      `nearestOfKind: ${table.schema.game} has no kind ${kind}; it has ${kinds}`,
    );
  }
  // Reads the view's flat arrays, so a search makes no object per entity (views hold hundreds).
  const { ids, fields, count, stride } = table;
  let best = -1;
  let bestDistance = Infinity;
  for (let i = 0; i < count; i++) {
    const o = i * stride;
    if (fields[o + SLOT_KIND] !== k.id || ids[i] === from.id) continue;
    const d = distanceSquared(
      from.x,
      from.y,
      fields[o + FIELD_BASE] as number,
      fields[o + FIELD_BASE + 1] as number,
    );
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best < 0 ? null : table.recordAt(best);
}
