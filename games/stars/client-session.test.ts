import { describe, expect, it } from 'vitest';
import { Replica, compileGame, type Input, type ViewState } from '@tickwire/protocol';
import type { GameContext, InputState, Present } from '../../client/src/game/game-module.js';
import type { Point } from '../../client/src/game/geometry.js';
import { StarsSession } from './client-session.js';
import { CLICK, GLIDE, starsSpec } from './shared.js';

// The stars controls, without a browser: the target is the own cursor's server position plus
// the pointer's offset from the cursor as drawn; clicks are latched until an Input carries them
// and held down until the server has applied that Input.

const schema = compileGame(starsSpec, { cursorSpeed: 80, reach: 160, hues: 12 });
const PLAYER = 7;
const context: GameContext = {
  schema,
  playerId: PLAYER,
  tickHz: 30,
  worldWidth: 1000,
  worldHeight: 800,
};

/** A view at `tick` holding the own cursor at (x, y) wire units. */
function viewWithSelfAt(x: number, y: number, tick = 100): ViewState {
  const replica = new Replica({ schema, worldWidth: 1000, worldHeight: 800 });
  return replica.apply({
    tick,
    baselineTick: 0,
    inputAck: 0,
    removed: [],
    entered: [{ id: PLAYER, kind: 'cursor', x, y, name: 'me', hue: 3, score: 4 }],
    updated: [],
    checksum: null,
  });
}

function present(view: ViewState | null, inputAck = 0, nowMs = 0): Present {
  return {
    nowMs,
    tick: 100.5,
    view,
    inputAck,
    selfAt: () => null,
    extrapolate: (record) => ({ x: Number(record['x']), y: Number(record['y']) }),
  };
}

/** Input devices as a test sets them. */
class FakeInput implements InputState {
  keysDown = new Set<string>();
  mouseButtons = 0;
  pointer: Point | null = null;
  touches: Point[] = [];
  self: Point | null = null;
  readonly presses = new Map<string, number>();

  pressCount(source: string): number {
    return this.presses.get(source) ?? 0;
  }

  press(source: string): void {
    this.presses.set(source, this.pressCount(source) + 1);
  }
}

/** An Input as the engine reports it sent. */
const sent = (seq: number, buttons: number): Input => ({
  seq,
  ackTick: 0,
  controls: { targetX: 0, targetY: 0, buttons },
});

describe('stars controls', () => {
  it('does not glide before the pointer is over the game or the own cursor is known', () => {
    const session = new StarsSession(context);
    const input = new FakeInput();
    expect(session.controls(input, present(viewWithSelfAt(400, 400)))).toEqual({
      targetX: 0,
      targetY: 0,
      buttons: 0,
    });
    input.pointer = { x: 150, y: 120 };
    expect(session.controls(input, present(null)).buttons).toBe(0);
  });

  it('where the camera stands still, targets the point itself: the cursor glides there and stops', () => {
    const session = new StarsSession(context);
    const input = new FakeInput();
    const view = viewWithSelfAt(400, 400);
    input.self = { x: 80, y: 100 };
    input.pointer = { x: 110, y: 90 };
    expect(session.controls(input, present(view))).toEqual({
      targetX: 440,
      targetY: 360,
      buttons: GLIDE,
    });
    // The drawn cursor moves, the pointer does not: the camera stands still.
    input.self = { x: 90, y: 96 };
    expect(session.controls(input, present(view))).toMatchObject({ targetX: 440, targetY: 360 });
  });

  it('where the camera follows, targets the pointer offset from where the cursor is now', () => {
    const session = new StarsSession(context);
    const input = new FakeInput();
    // The newest view has the cursor at 400 wire units, 20 units ahead of where it is drawn.
    const view = viewWithSelfAt(400, 400, 100);
    input.self = { x: 80, y: 100 };
    input.pointer = { x: 110, y: 90 };
    session.controls(input, present(view));
    // The pointer moved with the drawn cursor on x (the camera follows there), not on y.
    input.self = { x: 85, y: 101 };
    input.pointer = { x: 115, y: 90 };
    // Now (tick 100.5) the cursor is half a tick's glide (40) on from 400 towards 440; the
    // pointer is 30 units (120 wire) ahead of it.
    expect(session.controls(input, present(view))).toEqual({
      targetX: 440 + 120,
      targetY: 360,
      buttons: GLIDE,
    });
  });

  it('stops the cursor where it is when the pointer is on it as drawn', () => {
    const session = new StarsSession(context);
    const input = new FakeInput();
    input.self = { x: 80, y: 100 };
    input.pointer = { x: 83, y: 98 };
    expect(session.controls(input, present(viewWithSelfAt(400, 400))).buttons).toBe(0);
  });

  it('keeps targets in the world (the server refuses values out of range)', () => {
    const session = new StarsSession(context);
    const input = new FakeInput();
    input.self = { x: 10, y: 190 };
    input.pointer = { x: -50, y: 9000 };
    const controls = session.controls(input, present(viewWithSelfAt(40, 760)));
    expect(controls).toMatchObject({ targetX: 0, targetY: 3200 });
  });

  it('latches a click until an Input carries it, then holds it until the server applied that Input', () => {
    const session = new StarsSession(context);
    const input = new FakeInput();
    const view = viewWithSelfAt(400, 400);
    expect(session.controls(input, present(view)).buttons).toBe(0);
    // A click shorter than a frame: down and up before the next read.
    input.press('Mouse0');
    expect(session.controls(input, present(view, 3)).buttons).toBe(CLICK);
    expect(session.controls(input, present(view, 3)).buttons).toBe(CLICK);
    session.onInputSent(sent(5, CLICK));
    session.onInputSent(sent(6, CLICK));
    expect(session.controls(input, present(view, 4)).buttons).toBe(CLICK);
    expect(session.controls(input, present(view, 5)).buttons).toBe(0);
    session.onInputSent(sent(7, 0));
    // Space clicks too, and held, it stays down after the server has it.
    input.press('Space');
    input.keysDown.add('Space');
    expect(session.controls(input, present(view, 7)).buttons).toBe(CLICK);
    session.onInputSent(sent(8, CLICK));
    expect(session.controls(input, present(view, 8)).buttons).toBe(CLICK);
    input.keysDown.clear();
    expect(session.controls(input, present(view, 8)).buttons).toBe(0);
  });

  it('sends only a change of buttons at once', () => {
    const session = new StarsSession(context);
    const a = { targetX: 10, targetY: 10, buttons: GLIDE };
    expect(session.isUrgentChange({ ...a }, { ...a, targetX: 11 })).toBe(false);
    expect(session.isUrgentChange({ ...a }, { ...a, buttons: GLIDE | CLICK })).toBe(true);
  });

  it('touch: a tap clicks without steering; a drag steers, and the cursor keeps its target after', () => {
    const session = new StarsSession(context);
    const input = new FakeInput();
    const view = viewWithSelfAt(400, 400);
    input.self = { x: 100, y: 100 };
    input.touches = [{ x: 150, y: 100 }];
    input.press('Touch');
    expect(session.controls(input, present(view, 0, 0)).buttons).toBe(0);
    input.touches = [];
    expect(session.controls(input, present(view, 0, 90)).buttons).toBe(CLICK);
    session.onInputSent(sent(1, CLICK));
    expect(session.controls(input, present(view, 1, 120)).buttons).toBe(0);
    // A finger that moves steers, with no click.
    input.touches = [{ x: 150, y: 100 }];
    session.controls(input, present(view, 1, 200));
    input.touches = [{ x: 180, y: 100 }];
    expect(session.controls(input, present(view, 1, 220))).toEqual({
      targetX: 400 + 320,
      targetY: 400,
      buttons: GLIDE,
    });
    input.touches = [];
    expect(session.controls(input, present(view, 1, 300))).toEqual({
      targetX: 720,
      targetY: 400,
      buttons: GLIDE,
    });
    // A finger held still steers too, once it is no longer a tap; a second finger clicks.
    input.touches = [{ x: 100, y: 140 }];
    session.controls(input, present(view, 1, 400));
    expect(session.controls(input, present(view, 1, 700))).toMatchObject({
      targetY: 560,
      buttons: GLIDE,
    });
    input.touches = [
      { x: 100, y: 140 },
      { x: 300, y: 300 },
    ];
    expect(session.controls(input, present(view, 1, 720)).buttons).toBe(GLIDE | CLICK);
  });

  it('shows the score in the HUD', () => {
    const session = new StarsSession(context);
    expect(session.hudText(null)).toBe('');
    expect(session.hudText(viewWithSelfAt(1, 1).entities.get(PLAYER) ?? null)).toBe('score 4');
  });
});
