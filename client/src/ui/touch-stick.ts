// The arithmetic of an on-screen stick, apart from the DOM so it is tested in Node: where the
// finger is against where it touched down becomes a push, a precise angle and a steady direction.
import { ANGLE_STEPS, NO_DIRECTION } from '@tickwire/protocol';
import type { TouchStickState } from '../game/game-module.js';
import type { Point } from '../game/geometry.js';

/** Dead zone, as a fraction of the stick's radius: a thumb resting on the stick moves nothing. */
const STICK_DEAD_ZONE = 0.2;
/**
 * Directions a stick's `direction` snaps to: 32 (11.25 degrees apart) steer finely, and a thumb
 * crosses from one to the next rarely enough that movement Inputs stay few.
 */
const STICK_DIRECTIONS = 32;
/**
 * How far past the border between two directions (as a fraction of the gap between them) the
 * thumb must go before `direction` changes: a thumb resting on a border does not flicker.
 */
const STICK_HYSTERESIS = 0.25;

/** A stick at rest, never pressed. */
export const STICK_AT_REST: TouchStickState = {
  isHeld: false,
  presses: 0,
  push: 0,
  angle: NO_DIRECTION,
  direction: NO_DIRECTION,
};

/** Push and angle of a finger `offsetPx` from the stick's centre (CSS pixels, +y down). */
export interface StickPush {
  /** 0 within the dead zone, rising linearly to 1 at the rim (`radiusPx`) and beyond. */
  push: number;
  /** The finger's direction in wire angle steps, fractional (0 = +x, 64 = +y); NaN at rest. */
  steps: number;
}

export function readStick(
  offsetPx: Point,
  radiusPx: number,
  deadZone: number = STICK_DEAD_ZONE,
): StickPush {
  const distancePx = Math.hypot(offsetPx.x, offsetPx.y);
  const deadPx = radiusPx * deadZone;
  if (!(distancePx > deadPx) || radiusPx <= 0) return { push: 0, steps: NaN };
  const push = Math.min(1, (distancePx - deadPx) / (radiusPx - deadPx));
  const turns = Math.atan2(offsetPx.y, offsetPx.x) / (2 * Math.PI);
  return { push, steps: (((turns * ANGLE_STEPS) % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS };
}

/** A fractional angle in steps as a wire angle (0..255), or NO_DIRECTION for NaN. */
export function wireAngle(steps: number): number {
  if (Number.isNaN(steps)) return NO_DIRECTION;
  return Math.round(steps) % ANGLE_STEPS;
}

/**
 * `steps` (fractional wire angle, NaN at rest) snapped to one of `directions` directions, as a
 * wire angle; NO_DIRECTION at rest. `previous` (the last direction returned) is kept until the
 * angle is clearly past the border to a neighbour: by `hysteresis` of the gap between two.
 */
export function snapDirection(
  steps: number,
  previous: number,
  directions: number = STICK_DIRECTIONS,
  hysteresis: number = STICK_HYSTERESIS,
): number {
  if (Number.isNaN(steps)) return NO_DIRECTION;
  const gap = ANGLE_STEPS / directions;
  if (previous !== NO_DIRECTION) {
    const away = Math.abs(((steps - previous + 1.5 * ANGLE_STEPS) % ANGLE_STEPS) - ANGLE_STEPS / 2);
    if (away <= gap * (0.5 + hysteresis)) return previous;
  }
  return (Math.round(steps / gap) * gap) % ANGLE_STEPS;
}

/**
 * One stick's state as a finger moves it: the finger's offset from where it touched down (or
 * from the stick's centre) in, a TouchStickState out. Pure but for the direction it holds.
 */
export class StickTracker {
  #state: TouchStickState = STICK_AT_REST;
  readonly #deadZone: number;

  constructor(deadZone: number = STICK_DEAD_ZONE) {
    this.#deadZone = deadZone;
  }

  get state(): TouchStickState {
    return this.#state;
  }

  /** A finger touched down `offsetPx` from the centre. Returns whether the state changed. */
  press(offsetPx: Point, radiusPx: number): boolean {
    this.#state = { ...this.#state, isHeld: true, presses: this.#state.presses + 1 };
    this.move(offsetPx, radiusPx);
    return true;
  }

  /**
   * The finger moved. Returns whether its angle or direction changed (the push alone changes on
   * every pixel: it is kept, for the frame to read, without a change to report).
   */
  move(offsetPx: Point, radiusPx: number): boolean {
    const before = this.#state;
    if (!before.isHeld) return false;
    const { push, steps } = readStick(offsetPx, radiusPx, this.#deadZone);
    const angle = wireAngle(steps);
    const direction = snapDirection(steps, before.direction);
    const isTurned = angle !== before.angle || direction !== before.direction;
    if (isTurned || push !== before.push) this.#state = { ...before, push, angle, direction };
    return isTurned;
  }

  /** The finger left (or the touch was cancelled). Returns whether the state changed. */
  release(): boolean {
    if (!this.#state.isHeld) return false;
    this.#state = { ...STICK_AT_REST, presses: this.#state.presses };
    return true;
  }
}
