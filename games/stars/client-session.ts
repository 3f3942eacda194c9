// Stars in play on the client: how the mouse, Space and touch become the controls, and the HUD.
// No PixiJS here (client.ts draws): this half runs, and is tested, in Node.
import {
  constantsOf,
  POSITION_SCALE,
  clamp,
  type CompiledSchema,
  type Controls,
  type EntityRecord,
  type Input,
} from '@tickwire/protocol';
import {
  numberField,
  type GameContext,
  type GameSession,
  type InputState,
  type Present,
} from '../../client/src/game/game-module.js';
import type { Point } from '../../client/src/game/geometry.js';
import { starsSpec, CLICK, GLIDE, glideTowards, type StarsConstants } from './shared.js';

/** What clicks: the primary mouse button ('Mouse0') and Space (KeyboardEvent.code). */
const CLICK_BUTTON = 'Mouse0';
const CLICK_KEY = 'Space';
/** A pointer this close to the own cursor as drawn stops it where it is, world units. */
const HOLD_UNITS = 6;
/** Smallest movement (world units) that tells whether the camera moved with the cursor. */
const MOVED_UNITS = 1e-6;
/** A touch shorter than this that moved less than TAP_SLOP_UNITS is a tap (a click), not a drag. */
const TAP_MS = 250;
const TAP_SLOP_UNITS = 12;

/** The stars constants from the schema the server sent (its values, not this build's). */
export function starsConstants(schema: CompiledSchema): StarsConstants {
  return constantsOf(starsSpec, schema);
}

/** A finger on the screen: a tap until it is held long enough or moves far enough to steer. */
interface Touch {
  readonly startMs: number;
  readonly start: Point;
  isSteering: boolean;
}

/** One axis of the target: whether the camera follows the cursor on it, and the last target. */
class TargetAxis {
  /**
   * Whether the camera follows the cursor on this axis, judged from what the pointer did while
   * the drawn cursor moved: with the mouse at rest it moves with the cursor when the camera
   * follows, and stays put when the camera does not. Kept while the mouse moves too.
   */
  isFollowing = false;
  #pointer = Number.NaN;
  #drawn = Number.NaN;
  #target: number | null = null;

  /** See StarsSession.#targetOf. Positions in world units; `server` and the result wire units. */
  target(pointer: number, drawn: number, server: number, glide: number, max: number): number {
    const drawnMoved = drawn - this.#drawn;
    if (Math.abs(drawnMoved) > MOVED_UNITS) {
      if (Math.abs(pointer - this.#pointer - drawnMoved) < MOVED_UNITS) this.isFollowing = true;
      else if (Math.abs(pointer - this.#pointer) < MOVED_UNITS) this.isFollowing = false;
    }
    this.#pointer = pointer;
    this.#drawn = drawn;
    const now = glideTowards(server, this.#target ?? server, glide);
    const target = this.isFollowing
      ? now + (pointer - drawn) * POSITION_SCALE
      : pointer * POSITION_SCALE;
    this.#target = clamp(Math.round(target), 0, max);
    return this.#target;
  }
}

/**
 * The controls of a stars player. The cursor glides to the mouse pointer (or a finger): a
 * pointer at rest over a spot brings it there; where the camera follows the cursor, a pointer
 * held away from it keeps it gliding, and one on it stops it (see #targetOf). A click is a
 * press of the primary button or Space, or a tap, latched until an Input carries it and held
 * down until the server has applied that Input: a tap shorter than the input interval still
 * clicks. The own cursor moves by position updates ('position' motion): there is no prediction
 * rule, it is drawn interpolated like every other cursor.
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
   * Seq of the Input that carried the click down, until the server has applied it (the view's
   * inputAck reaches it): Inputs keep the click down until then. The server applies the newest
   * Input of a tick, so a release arriving in the tick of the press would replace it, and the
   * press be lost.
   */
  #pressSeq: number | null = null;
  /** Whether the last Input sent had the click down. */
  #wasClickSent = false;
  readonly #speed: number;
  readonly #x = new TargetAxis();
  readonly #y = new TargetAxis();
  #touch: Touch | null = null;
  /** Where a finger last steered to (wire units): the cursor keeps gliding there once it lifts. */
  #touchTarget: Point | null = null;

  constructor(context: GameContext) {
    // Fails early (the game is then watched, not played) when the server's schema lacks them.
    this.#speed = starsConstants(context.schema).cursorSpeed;
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
    if (this.#pressSeq !== null && present.inputAck >= this.#pressSeq) this.#pressSeq = null;
    const isClicking = isClickHeld || this.#isClickLatched || this.#pressSeq !== null;

    let target = fingerTarget;
    if (!target && input.pointer) target = this.#pointerTarget(input.pointer, input, present);
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

  onInputSent(input: Readonly<Input>): void {
    const isDown = ((input.controls['buttons'] ?? 0) & CLICK) !== 0;
    if (isDown) {
      this.#isClickLatched = false;
      if (!this.#wasClickSent) this.#pressSeq = input.seq;
    }
    this.#wasClickSent = isDown;
  }

  hudText(self: EntityRecord | null): string {
    return self ? `score ${numberField(self, 'score')}` : '';
  }

  /**
   * The mouse's target, or null on the own cursor as drawn: no glide, and the server stops the
   * cursor where it is then (a target from a view a little in the past would pull it back).
   */
  #pointerTarget(pointer: Point, input: InputState, present: Present): Point | null {
    const self = input.self;
    if (self && Math.hypot(pointer.x - self.x, pointer.y - self.y) <= HOLD_UNITS) return null;
    return this.#targetOf(pointer, input, present);
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
   * The target (wire units, in the world) for a point of the screen in world units, on each
   * axis by what the camera does there. Where it stands still (a small world, near an edge), the
   * point itself: the cursor glides there and stops. Where it follows the cursor, the pointer's
   * offset from the cursor as drawn, added to where the cursor is now: a pointer held off-centre
   * keeps it gliding. Neither law works for both: the cursor is drawn ~100 ms in the past, so
   * the point itself chases the camera (it lurches back and forth) and the offset chases the
   * drawing (it swings around a still spot by more than the reach).
   */
  #targetOf(point: Point, input: InputState, present: Present): Point | null {
    const view = present.view;
    const own = view?.entities.get(this.#playerId);
    if (!view || !own) return null;
    const server = { x: numberField(own, 'x'), y: numberField(own, 'y') };
    const drawn = input.self ?? { x: server.x / POSITION_SCALE, y: server.y / POSITION_SCALE };
    // Where the cursor is now: the newest view's position glided on towards the last target.
    const glide = this.#speed * Math.max(0, present.tick - view.tick);
    return {
      x: this.#x.target(point.x, drawn.x, server.x, glide, this.#maxX),
      y: this.#y.target(point.y, drawn.y, server.y, glide, this.#maxY),
    };
  }
}
