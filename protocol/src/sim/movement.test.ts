import { describe, expect, it } from 'vitest';
import {
  cosQ14,
  directionFromAxes,
  extrapolateX,
  sinQ14,
  speedPerTick,
  stepMotion,
  velocityFor,
} from './movement.js';
import { NO_DIRECTION, toWireAngle } from './quantize.js';

describe('movement rules', () => {
  it('cos/sin tables match the math to within a rounding step, with exact symmetry', () => {
    for (let a = 0; a < 256; a++) {
      expect(Math.abs(cosQ14(a) - 16384 * Math.cos((a * 2 * Math.PI) / 256))).toBeLessThanOrEqual(
        1,
      );
      expect(Math.abs(sinQ14(a) - 16384 * Math.sin((a * 2 * Math.PI) / 256))).toBeLessThanOrEqual(
        1,
      );
      expect(cosQ14(a)).toBe(cosQ14(256 - a === 256 ? 0 : 256 - a));
      expect(cosQ14(a + 128)).toBe(0 - cosQ14(a));
      expect(Object.is(cosQ14(a), -0)).toBe(false);
    }
  });

  it('speed per tick: 200 units/s at 30 Hz is 27 quarter-units', () => {
    expect(speedPerTick(200, 30)).toBe(27);
    expect(speedPerTick(200, 60)).toBe(13);
  });

  it('velocities: the four axes are exact, diagonals shorter, standing still is zero', () => {
    expect(velocityFor(0, 27)).toEqual({ vx: 27, vy: 0 });
    expect(velocityFor(64, 27)).toEqual({ vx: 0, vy: 27 });
    expect(velocityFor(128, 27)).toEqual({ vx: -27, vy: 0 });
    expect(velocityFor(192, 27)).toEqual({ vx: 0, vy: -27 });
    expect(velocityFor(32, 27)).toEqual({ vx: 19, vy: 19 });
    expect(velocityFor(NO_DIRECTION, 27)).toEqual({ vx: 0, vy: 0 });
  });

  it('stepping tick by tick with a clamp equals extrapolating in one go', () => {
    const m = { x: 100, y: 50, vx: 27, vy: -19 };
    const start = { ...m };
    for (let t = 1; t <= 50; t++) {
      stepMotion(m, 1000, 1000);
      expect(m.x).toBe(extrapolateX(start, t, 1000));
    }
    expect(m).toEqual({ x: 1000, y: 0, vx: 27, vy: -19 });
  });

  it('keyboard axes map to the eight directions', () => {
    expect(directionFromAxes(1, 0)).toBe(0);
    expect(directionFromAxes(0, 1)).toBe(64);
    expect(directionFromAxes(-1, -1)).toBe(160);
    expect(directionFromAxes(1, -1)).toBe(224);
    expect(directionFromAxes(0, 0)).toBe(NO_DIRECTION);
  });

  it('radians quantize to the nearest of 256 steps, wrapping', () => {
    expect(toWireAngle(0)).toBe(0);
    expect(toWireAngle(Math.PI)).toBe(128);
    expect(toWireAngle(-Math.PI / 2)).toBe(192);
    expect(toWireAngle(2 * Math.PI - 0.001)).toBe(0);
  });
});
