import { describe, expect, it } from 'vitest';
import { containsRect, expandToGrid, intersectRects, lerp } from './geometry.js';

describe('geometry', () => {
  it('tests containment, edges included', () => {
    const outer = { x: 0, y: 0, width: 100, height: 50 };
    expect(containsRect(outer, outer)).toBe(true);
    expect(containsRect(outer, { x: 10, y: 10, width: 90, height: 40 })).toBe(true);
    expect(containsRect(outer, { x: 10, y: 10, width: 91, height: 40 })).toBe(false);
    expect(containsRect(outer, { x: -1, y: 0, width: 10, height: 10 })).toBe(false);
  });

  it('intersects rectangles', () => {
    const a = { x: 0, y: 0, width: 100, height: 100 };
    expect(intersectRects(a, { x: 50, y: -10, width: 100, height: 30 })).toEqual({
      x: 50,
      y: 0,
      width: 50,
      height: 20,
    });
    expect(intersectRects(a, { x: 100, y: 0, width: 10, height: 10 })).toBeNull();
  });

  it('expands to whole grid cells', () => {
    expect(expandToGrid({ x: 12, y: -3, width: 30, height: 10 }, 5, 10)).toEqual({
      x: 0,
      y: -10,
      width: 50,
      height: 30,
    });
  });

  it('interpolates linearly', () => {
    expect(lerp(10, 20, 0)).toBe(10);
    expect(lerp(10, 20, 0.25)).toBe(12.5);
    expect(lerp(10, 20, 1)).toBe(20);
  });
});
