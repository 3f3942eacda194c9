// Stars in play on the client: how the mouse, Space and touch become the controls, and the HUD.
// No PixiJS here (client.ts draws): this half runs, and is tested, in Node.
import {
  POSITION_SCALE,
  clamp,
  type CompiledSchema,
  type Controls,
  type EntityRecord,
} from '@tickwire/protocol';
import {
  numberField,
  type GameContext,
  type GameSession,
  type InputState,
  type Present,
} from '../../client/src/game/game-module.js';
import type { Point } from '../../client/src/game/geometry.js';
import { CLICK, GLIDE, type StarsConstants } from './shared.js';

/** What clicks: the primary mouse button ('Mouse0') and Space (KeyboardEvent.code). */
const CLICK_BUTTON = 'Mouse0';
const CLICK_KEY = 'Space';
/** A touch shorter than this that moved less than TAP_SLOP_UNITS is a tap (a click), not a drag. */
const TAP_MS = 250;
const TAP_SLOP_UNITS = 12;

/** The stars constants from the schema the server sent (its values, not this build's). */
export function starsConstants(schema: CompiledSchema): StarsConstants {
  const read = (name: keyof StarsConstants): number => {
    const value = schema.constants[name];
    if (value === undefined) throw new Error(`the stars schema has no constant ${name}`);
    return value;
  };
  return { cursorSpeed: read('cursorSpeed'), reach: read('reach'), hues: read('hues') };
}

/** A finger on the screen: a tap until it is held long enough or moves far enough to steer. */
interface Touch {
  readonly startMs: number;
  readonly start: Point;
  isSteering: boolean;
}

/**
 * The controls of a stars player. The cursor glides to the mouse: its target is the own
 * cursor's newest server position plus the pointer's offset from the cursor as drawn (drawn a
 * little in the past), so a pointer held away from the cursor (the camera follows it) keeps it
 * gliding, and a pointer at rest over a spot brings it there. A click is a press of the primary
 * button or Space, or a tap, latched until an Input carries it: a tap shorter than the input
 * interval still clicks. The own cursor moves by position updates ('position' motion): there is
 * no prediction rule, it is drawn interpolated like every other cursor.
 */
export class StarsSession implements GameSession {
  readonly helpText =
    'Move the mouse to steer your cursor; click or Space collects the stars within reach (touch: drag to steer, tap to collect).';
  readonly #playerId: number;
  readonly #maxX: number;
  readonly #maxY: number;
  /** Click presses seen so far (null before the first read: older presses do not count). */
  #seenPresses: number | null = null;
  /** A press (or tap) not yet carried by an Input. */
  #isClickLatched = false;
  /**
   * The click stays down in Inputs until this tick: the server applies the newest Input of a
   * tick, so a release landing in the tick of the press would replace it and the press be lost.
   */
  #clickHeldUntilTick = -Infinity;
  #touch: Touch | null = null;
  /** Where a finger last steered to (wire units): the cursor keeps gliding there once it lifts. */
  #touchTarget: Point | null = null;

  constructor(context: GameContext) {
    // Fails early (the game is then watched, not played) when the server's schema lacks them.
    starsConstants(context.schema);
    this.#playerId = context.playerId;
    this.#maxX = context.worldWidth * POSITION_SCALE;
    this.#maxY = context.worldHeight * POSITION_SCALE;
  }

  controls(input: InputState, present: Present): Controls {
    const presses = input.pressCount(CLICK_BUTTON) + input.pressCount(CLICK_KEY);
    if (this.#seenPresses !== null && presses > this.#seenPresses) this.#isClickLatched = true;
    this.#seenPresses = presses;
    const [finger, secondFinger] = input.touches;
    const fingerTarget = this.#readTouch(finger, input, present);
    const isClickHeld =
      (input.mouseButtons & 1) !== 0 || input.keysDown.has(CLICK_KEY) || secondFinger !== undefined;
    const isClicking =
      isClickHeld || this.#isClickLatched || present.tick < this.#clickHeldUntilTick;

    let target = fingerTarget;
    if (!target && input.pointer) target = this.#targetOf(input.pointer, input, present);
    if (!target && !input.pointer) target = this.#touchTarget;
    return {
      targetX: target?.x ?? 0,
      targetY: target?.y ?? 0,
      buttons: (target ? GLIDE : 0) | (isClicking ? CLICK : 0),
    };
  }

  /** Only a click (or glide) going on or off is sent at once; targets keep the input rate. */
  isUrgentChange(sent: Readonly<Controls>, now: Readonly<Controls>): boolean {
    return sent['buttons'] !== now['buttons'];
  }

  onInputSent(controls: Readonly<Controls>, tick: number): void {
    if (((controls['buttons'] ?? 0) & CLICK) === 0) return;
    this.#isClickLatched = false;
    this.#clickHeldUntilTick = Math.max(this.#clickHeldUntilTick, tick);
  }

  hudText(self: EntityRecord | null): string {
    return self ? `score ${numberField(self, 'score')}` : '';
  }

  /**
   * Follows the first finger: returns the target it steers to (wire units), or null while it
   * may still be a tap. A finger lifted before it steered was a tap: a click.
   */
  #readTouch(finger: Point | undefined, input: InputState, present: Present): Point | null {
    if (!finger) {
      if (this.#touch && !this.#touch.isSteering) this.#isClickLatched = true;
      this.#touch = null;
      return null;
    }
    const touch = (this.#touch ??= { startMs: present.nowMs, start: finger, isSteering: false });
    if (!touch.isSteering) {
      const isHeld = present.nowMs - touch.startMs >= TAP_MS;
      const hasMoved =
        Math.hypot(finger.x - touch.start.x, finger.y - touch.start.y) > TAP_SLOP_UNITS;
      touch.isSteering = isHeld || hasMoved;
    }
    if (!touch.isSteering) return null;
    this.#touchTarget = this.#targetOf(finger, input, present);
    return this.#touchTarget;
  }

  /**
   * The target (wire units, in the world) for a point of the screen in world units: the own
   * cursor's newest server position plus the point's offset from the cursor as drawn.
   */
  #targetOf(point: Point, input: InputState, present: Present): Point | null {
    const own = present.view?.entities.get(this.#playerId);
    if (!own) return null;
    const ownX = numberField(own, 'x');
    const ownY = numberField(own, 'y');
    const drawn = input.self ?? { x: ownX / POSITION_SCALE, y: ownY / POSITION_SCALE };
    return {
      x: clamp(Math.round(ownX + (point.x - drawn.x) * POSITION_SCALE), 0, this.#maxX),
      y: clamp(Math.round(ownY + (point.y - drawn.y) * POSITION_SCALE), 0, this.#maxY),
    };
  }
}
