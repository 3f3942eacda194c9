/** An inclusive rectangle on integer coordinates (wire units). */
export interface IntRect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * Visits up to four disjoint rectangles covering exactly the integer points of `a` that are not
 * in `b`. Bounds MUST be integers (positions are integers in wire units): "x < b.minX" is then
 * "x <= b.minX - 1", which is what lets inclusive rectangles tile the difference.
 */
export function forEachRectDifference(
  a: IntRect,
  b: IntRect,
  visit: (minX: number, minY: number, maxX: number, maxY: number) => void,
): void {
  if (a.maxX < b.minX || a.minX > b.maxX || a.maxY < b.minY || a.minY > b.maxY) {
    visit(a.minX, a.minY, a.maxX, a.maxY);
    return;
  }
  if (a.minY < b.minY) visit(a.minX, a.minY, a.maxX, b.minY - 1);
  if (a.maxY > b.maxY) visit(a.minX, b.maxY + 1, a.maxX, a.maxY);
  const y0 = Math.max(a.minY, b.minY);
  const y1 = Math.min(a.maxY, b.maxY);
  if (a.minX < b.minX) visit(a.minX, y0, b.minX - 1, y1);
  if (a.maxX > b.maxX) visit(b.maxX + 1, y0, a.maxX, y1);
}

export function containsPoint(r: IntRect, x: number, y: number): boolean {
  return x >= r.minX && x <= r.maxX && y >= r.minY && y <= r.maxY;
}
