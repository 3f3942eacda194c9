import { POSITION_SCALE } from '@tickwire/protocol';

/**
 * A client's area of interest: the rectangle of the world it is sent, in wire units, with
 * integer bounds (positions are integers: sync's rectangle differences rely on it).
 */
export interface ViewRect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Interest grid cell, in world units: about a fifth of the default view's width. */
export const GRID_CELL_UNITS = 200;

/**
 * Sets `out` to the view of `viewWidth` x `viewHeight` world units centred on (x, y) (wire units)
 * and returns it: callers reuse one object for every client.
 */
export function viewRectAround(
  x: number,
  y: number,
  viewWidth: number,
  viewHeight: number,
  out: ViewRect,
): ViewRect {
  const halfW = (viewWidth * POSITION_SCALE) >> 1;
  const halfH = (viewHeight * POSITION_SCALE) >> 1;
  out.minX = x - halfW;
  out.minY = y - halfH;
  out.maxX = x + halfW;
  out.maxY = y + halfH;
  return out;
}
