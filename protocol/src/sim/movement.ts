import { ANGLE_STEPS, NO_DIRECTION, POSITION_SCALE } from './quantize.js';

/**
 * The movement rules, shared by the server's simulation, the browser's prediction and the bots.
 * Integer arithmetic only: Math.sin/cos are not bit-identical across JavaScript engines, so the
 * direction table below is a committed constant, and every product stays far below 2^53.
 */

/** cos(i * 2pi / 256) * 2^14, rounded, for i = 0..64 (a quarter turn). */
const COS_Q14_QUARTER = [
  16384, 16379, 16364, 16340, 16305, 16261, 16207, 16143, 16069, 15986, 15893, 15791, 15679, 15557,
  15426, 15286, 15137, 14978, 14811, 14635, 14449, 14256, 14053, 13842, 13623, 13395, 13160, 12916,
  12665, 12406, 12140, 11866, 11585, 11297, 11003, 10702, 10394, 10080, 9760, 9434, 9102, 8765,
  8423, 8076, 7723, 7366, 7005, 6639, 6270, 5897, 5520, 5139, 4756, 4370, 3981, 3590, 3196, 2801,
  2404, 2006, 1606, 1205, 804, 402, 0,
] as const;
const Q14 = 16384;
const QUARTER = ANGLE_STEPS / 4;

/**
 * The table has QUARTER + 1 entries, so both i and QUARTER - i index inside it. A function of
 * its own, not a closure in cosQ14: that would be made on every call (every Input applied).
 */
function fromTable(k: number): number {
  return COS_Q14_QUARTER[k] as number;
}

/** cos of a wire angle, scaled by 2^14. */
export function cosQ14(angle: number): number {
  const a = ((angle % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS;
  const quadrant = Math.floor(a / QUARTER);
  const i = a % QUARTER;
  switch (quadrant) {
    case 0:
      return fromTable(i);
    // 0 - x, not -x: -0 must never reach the wire or a === comparison.
    case 1:
      return 0 - fromTable(QUARTER - i);
    case 2:
      return 0 - fromTable(i);
    default:
      return fromTable(QUARTER - i);
  }
}

/** sin of a wire angle, scaled by 2^14. */
export function sinQ14(angle: number): number {
  return cosQ14(angle - QUARTER);
}

/** Player speed in wire position units per tick, from units per second and the tick rate. */
export function speedPerTick(unitsPerSecond: number, tickHz: number): number {
  return Math.round((unitsPerSecond * POSITION_SCALE) / tickHz);
}

export interface Velocity {
  vx: number;
  vy: number;
}

/** Velocity (wire units per tick) of a player moving in `moveDir` (or standing: NO_DIRECTION). */
export function velocityFor(moveDir: number, speed: number): Velocity {
  if (moveDir === NO_DIRECTION) return { vx: 0, vy: 0 };
  return {
    vx: truncate((speed * cosQ14(moveDir)) / Q14),
    vy: truncate((speed * sinQ14(moveDir)) / Q14),
  };
}

/** Rounds toward zero; `+ 0` turns Math.trunc's -0 (from -0.4, say) into 0. */
function truncate(value: number): number {
  return Math.trunc(value) + 0;
}

/** Anything that moves in a straight line: position and velocity in wire units. */
export interface Motion {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

/**
 * Position after `ticks` ticks of straight motion, clamped to [0, max] on each axis. Moving one
 * tick at a time with a clamp each tick lands on exactly the same integers as this, which is
 * what lets a client extrapolate an entity it has not heard about since its baseline.
 */
export function extrapolateX(m: Motion, ticks: number, maxX: number): number {
  return clamp(m.x + m.vx * ticks, 0, maxX);
}

export function extrapolateY(m: Motion, ticks: number, maxY: number): number {
  return clamp(m.y + m.vy * ticks, 0, maxY);
}

/**
 * Applies a player's movement request: its velocity becomes `velocityFor(moveDir, speed)`.
 * Returns whether the velocity changed. The server calls this when it applies an Input and a
 * predicting client when it replays one: one rule, so both land on the same integers.
 */
export function steer(m: Motion, moveDir: number, speed: number): boolean {
  const { vx, vy } = velocityFor(moveDir, speed);
  if (vx === m.vx && vy === m.vy) return false;
  m.vx = vx;
  m.vy = vy;
  return true;
}

/** Moves `m` one tick in place (the server's simulation step for anything in straight motion). */
export function stepMotion(m: Motion, maxX: number, maxY: number): void {
  m.x = extrapolateX(m, 1, maxX);
  m.y = extrapolateY(m, 1, maxY);
}

/**
 * Direction of keyboard axes (-1, 0 or 1 each; +y is down) as a wire angle, or NO_DIRECTION.
 */
export function directionFromAxes(dx: number, dy: number): number {
  const sx = Math.sign(dx);
  const sy = Math.sign(dy);
  if (sx === 0 && sy === 0) return NO_DIRECTION;
  const eighth = ANGLE_STEPS / 8;
  const table: Record<string, number> = {
    '1,0': 0,
    '1,1': eighth,
    '0,1': 2 * eighth,
    '-1,1': 3 * eighth,
    '-1,0': 4 * eighth,
    '-1,-1': 5 * eighth,
    '0,-1': 6 * eighth,
    '1,-1': 7 * eighth,
  };
  return table[`${sx},${sy}`] ?? NO_DIRECTION;
}
