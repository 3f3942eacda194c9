/** A point in world units or screen pixels; the name of the variable says which. */
export interface Point {
  x: number;
  y: number;
}

/** An axis-aligned rectangle: top-left corner and size. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function containsRect(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** The overlap of two rectangles, or null when they do not overlap. */
export function intersectRects(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  if (right <= x || bottom <= y) return null;
  return { x, y, width: right - x, height: bottom - y };
}

/** `rect` grown by `margin` on every side, then outwards to multiples of `step`. */
export function expandToGrid(rect: Rect, margin: number, step: number): Rect {
  const x = Math.floor((rect.x - margin) / step) * step;
  const y = Math.floor((rect.y - margin) / step) * step;
  const right = Math.ceil((rect.x + rect.width + margin) / step) * step;
  const bottom = Math.ceil((rect.y + rect.height + margin) / step) * step;
  return { x, y, width: right - x, height: bottom - y };
}

export function lerp(from: number, to: number, t: number): number {
  return from + (to - from) * t;
}
