/**
 * Quantization: the units every number on the wire is in. The server simulates in these integer
 * units, so server and clients agree on every position bit for bit.
 */

/** Positions are integers in 1/POSITION_SCALE world units ("quarter units"). */
export const POSITION_SCALE = 4;

/** Angles are integers of ANGLE_BITS bits: ANGLE_STEPS per full turn, 0 = +x, 64 = +y (down). */
export const ANGLE_BITS = 8;
export const ANGLE_STEPS = 1 << ANGLE_BITS;

/** Move direction sent in Input when the player stands still. */
export const NO_DIRECTION = -1;

/** World units -> wire position (rounded). */
export function toWirePosition(units: number): number {
  return Math.round(units * POSITION_SCALE);
}

/** Wire position -> world units. */
export function fromWirePosition(wire: number): number {
  return wire / POSITION_SCALE;
}

/**
 * Radians -> wire angle 0..255. Only a client deciding what to send calls this; nothing that
 * must agree across machines depends on its floating-point result.
 */
export function toWireAngle(radians: number): number {
  const steps = Math.round((radians / (2 * Math.PI)) * ANGLE_STEPS);
  return ((steps % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS;
}

/** Wire angle -> radians, for rendering. */
export function fromWireAngle(wire: number): number {
  return (wire / ANGLE_STEPS) * 2 * Math.PI;
}
