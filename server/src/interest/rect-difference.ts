/** An inclusive rectangle on integer coordinates (wire units). */
export interface IntRect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Room for the result of rectDifference: up to 4 rectangles of 4 numbers. */
export const RECT_DIFFERENCE_SIZE = 16;

/**
 * Writes up to four disjoint rectangles covering exactly the integer points of `a` that are not
 * in `b` into `out` as (minX, minY, maxX, maxY) quadruples, and returns how many. Bounds MUST be
 * integers (positions are integers in wire units): "x < b.minX" is then "x <= b.minX - 1",
 * which is what lets inclusive rectangles tile the difference. No allocation: it runs twice
 * per client per tick.
 */
export function rectDifference(a: IntRect, b: IntRect, out: Int32Array): number {
  if (a.maxX < b.minX || a.minX > b.maxX || a.maxY < b.minY || a.minY > b.maxY) {
    return put(out, 0, a.minX, a.minY, a.maxX, a.maxY);
  }
  let n = 0;
  if (a.minY < b.minY) n = put(out, n, a.minX, a.minY, a.maxX, b.minY - 1);
  if (a.maxY > b.maxY) n = put(out, n, a.minX, b.maxY + 1, a.maxX, a.maxY);
  const y0 = Math.max(a.minY, b.minY);
  const y1 = Math.min(a.maxY, b.maxY);
  if (a.minX < b.minX) n = put(out, n, a.minX, y0, b.minX - 1, y1);
  if (a.maxX > b.maxX) n = put(out, n, b.maxX + 1, y0, a.maxX, y1);
  return n;
}

function put(
  out: Int32Array,
  n: number,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): number {
  const o = n * 4;
  out[o] = minX;
  out[o + 1] = minY;
  out[o + 2] = maxX;
  out[o + 3] = maxY;
  return n + 1;
}

export function containsPoint(r: IntRect, x: number, y: number): boolean {
  return x >= r.minX && x <= r.maxX && y >= r.minY && y <= r.maxY;
}
