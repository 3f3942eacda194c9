import { NO_DIRECTION } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { StickTracker, readStick, snapDirection, wireAngle } from './touch-stick.js';

// The stick's arithmetic: dead zone, push, angles and the steady direction, without a browser.

const RADIUS_PX = 50;

describe('readStick', () => {
  it('reads nothing within the dead zone (a fifth of the radius)', () => {
    expect(readStick({ x: 0, y: 0 }, RADIUS_PX)).toEqual({ push: 0, steps: NaN });
    expect(readStick({ x: 10, y: 0 }, RADIUS_PX).push).toBe(0);
    expect(readStick({ x: -6, y: 8 }, RADIUS_PX).push).toBe(0);
    expect(readStick({ x: 10.5, y: 0 }, RADIUS_PX).push).toBeGreaterThan(0);
  });

  it('rises linearly from the dead zone to 1 at the rim, and stays 1 beyond it', () => {
    expect(readStick({ x: 30, y: 0 }, RADIUS_PX).push).toBeCloseTo(0.5);
    expect(readStick({ x: 0, y: -50 }, RADIUS_PX).push).toBe(1);
    expect(readStick({ x: 300, y: 400 }, RADIUS_PX).push).toBe(1);
  });

  it('gives screen directions as wire angle steps: 0 right, 64 down, 128 left, 192 up', () => {
    expect(readStick({ x: 40, y: 0 }, RADIUS_PX).steps).toBe(0);
    expect(readStick({ x: 0, y: 40 }, RADIUS_PX).steps).toBe(64);
    expect(readStick({ x: -40, y: 0 }, RADIUS_PX).steps).toBe(128);
    expect(readStick({ x: 0, y: -40 }, RADIUS_PX).steps).toBe(192);
    expect(readStick({ x: 30, y: -30 }, RADIUS_PX).steps).toBeCloseTo(224);
  });

  it('takes its own dead zone (a button dragged), and reads nothing from a stick of no size', () => {
    expect(readStick({ x: 15, y: 0 }, RADIUS_PX, 0.4).push).toBe(0);
    expect(readStick({ x: 25, y: 0 }, RADIUS_PX, 0.4).push).toBeGreaterThan(0);
    expect(readStick({ x: 5, y: 0 }, 0).push).toBe(0);
  });
});

describe('wireAngle', () => {
  it('rounds to 0..255 and keeps NO_DIRECTION for rest', () => {
    expect(wireAngle(NaN)).toBe(NO_DIRECTION);
    expect(wireAngle(63.6)).toBe(64);
    expect(wireAngle(255.7)).toBe(0);
  });
});

describe('snapDirection', () => {
  it('snaps to 32 directions, 8 wire steps apart, and to none at rest', () => {
    expect(snapDirection(NaN, NO_DIRECTION)).toBe(NO_DIRECTION);
    expect(snapDirection(NaN, 64)).toBe(NO_DIRECTION);
    expect(snapDirection(3.9, NO_DIRECTION)).toBe(0);
    expect(snapDirection(4.1, NO_DIRECTION)).toBe(8);
    expect(snapDirection(66, NO_DIRECTION)).toBe(64);
    expect(snapDirection(252.5, NO_DIRECTION)).toBe(0);
    expect(snapDirection(250, NO_DIRECTION)).toBe(248);
  });

  it('keeps the last direction until the angle is a quarter gap past the border', () => {
    // Border between 64 and 72 at 68; held until 70 (68 + 8 / 4).
    expect(snapDirection(69.9, 64)).toBe(64);
    expect(snapDirection(70.1, 64)).toBe(72);
    expect(snapDirection(58.1, 64)).toBe(64);
    expect(snapDirection(57.9, 64)).toBe(56);
    // Across the wrap from 255 to 0.
    expect(snapDirection(253.9, 0)).toBe(0);
    expect(snapDirection(5.9, 0)).toBe(0);
    expect(snapDirection(6.1, 0)).toBe(8);
    expect(snapDirection(1, 248)).toBe(0);
  });

  it('takes another count of directions: 8 for a d-pad', () => {
    expect(snapDirection(20, NO_DIRECTION, 8)).toBe(32);
    expect(snapDirection(100, NO_DIRECTION, 8)).toBe(96);
  });
});

describe('StickTracker', () => {
  it('counts presses, reads the finger while held, and rests when let go', () => {
    const stick = new StickTracker();
    expect(stick.state).toEqual({
      isHeld: false,
      presses: 0,
      push: 0,
      angle: NO_DIRECTION,
      direction: NO_DIRECTION,
    });
    expect(stick.press({ x: 0, y: 0 }, RADIUS_PX)).toBe(true);
    expect(stick.state).toMatchObject({ isHeld: true, presses: 1, angle: NO_DIRECTION });
    expect(stick.move({ x: 0, y: -60 }, RADIUS_PX)).toBe(true);
    expect(stick.state).toMatchObject({ push: 1, angle: 192, direction: 192 });
    expect(stick.release()).toBe(true);
    expect(stick.state).toEqual({
      isHeld: false,
      presses: 1,
      push: 0,
      angle: NO_DIRECTION,
      direction: NO_DIRECTION,
    });
    expect(stick.release()).toBe(false);
    expect(stick.move({ x: 40, y: 0 }, RADIUS_PX)).toBe(false);
    expect(stick.state.angle).toBe(NO_DIRECTION);
  });

  it('reports a turn, not a push alone, and holds its direction through a tremble', () => {
    const stick = new StickTracker();
    stick.press({ x: 30, y: 0 }, RADIUS_PX);
    expect(stick.state).toMatchObject({ angle: 0, direction: 0 });
    expect(stick.move({ x: 40, y: 0 }, RADIUS_PX)).toBe(false);
    expect(stick.state.push).toBeCloseTo(0.75);
    // About 6 degrees down: a new angle (4 steps) but the same direction.
    expect(stick.move({ x: 40, y: 4.2 }, RADIUS_PX)).toBe(true);
    expect(stick.state).toMatchObject({ angle: 4, direction: 0 });
    // About 11 degrees: past the border and the hysteresis.
    expect(stick.move({ x: 40, y: 8 }, RADIUS_PX)).toBe(true);
    expect(stick.state).toMatchObject({ direction: 8 });
    // Back into the dead zone: no direction, so the player stops.
    expect(stick.move({ x: 5, y: 0 }, RADIUS_PX)).toBe(true);
    expect(stick.state).toMatchObject({ isHeld: true, push: 0, direction: NO_DIRECTION });
  });
});
