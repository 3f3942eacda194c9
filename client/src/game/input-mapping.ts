import { directionFromAxes, toWireAngle } from '@tickwire/protocol';
import type { Point } from './geometry.js';

/**
 * Movement keys by `KeyboardEvent.code` (the physical key, so WASD stays under the same fingers
 * on AZERTY and other layouts), with the axis each pushes along (+y is down).
 */
const MOVE_KEYS: ReadonlyMap<string, Point> = new Map([
  ['KeyW', { x: 0, y: -1 }],
  ['ArrowUp', { x: 0, y: -1 }],
  ['KeyS', { x: 0, y: 1 }],
  ['ArrowDown', { x: 0, y: 1 }],
  ['KeyA', { x: -1, y: 0 }],
  ['ArrowLeft', { x: -1, y: 0 }],
  ['KeyD', { x: 1, y: 0 }],
  ['ArrowRight', { x: 1, y: 0 }],
]);

export function isMoveKey(code: string): boolean {
  return MOVE_KEYS.has(code);
}

/**
 * The axes the movement keys held push along: x and y each -1, 0 or 1 (+y down). Two keys for the
 * same direction (W and ArrowUp) count once; opposite directions cancel.
 */
export function moveAxesFromKeys(pressedCodes: Iterable<string>): Point {
  let left = false;
  let right = false;
  let up = false;
  let down = false;
  for (const code of pressedCodes) {
    const axis = MOVE_KEYS.get(code);
    if (!axis) continue;
    left ||= axis.x < 0;
    right ||= axis.x > 0;
    up ||= axis.y < 0;
    down ||= axis.y > 0;
  }
  return { x: Number(right) - Number(left), y: Number(down) - Number(up) };
}

/** Wire move direction for the keys held down (moveAxesFromKeys), or NO_DIRECTION. */
export function moveDirFromKeys(pressedCodes: Iterable<string>): number {
  const { x, y } = moveAxesFromKeys(pressedCodes);
  return directionFromAxes(x, y);
}

/**
 * Wire aim angle from the player's position on screen towards the mouse (both in screen pixels,
 * +y down). With the mouse exactly on the player there is no direction: keep `previousAim`.
 */
export function aimTowards(playerScreen: Point, mouseScreen: Point, previousAim: number): number {
  const dx = mouseScreen.x - playerScreen.x;
  const dy = mouseScreen.y - playerScreen.y;
  if (dx === 0 && dy === 0) return previousAim;
  return toWireAngle(Math.atan2(dy, dx));
}
