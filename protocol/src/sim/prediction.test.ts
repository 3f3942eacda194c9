import { describe, expect, it } from 'vitest';
import { Predictor } from './prediction.js';
import { steer } from './movement.js';
import { NO_DIRECTION } from './quantize.js';

// The exactness property against the real server room is in
// server/test/games/arena-prediction.test.ts; these pin the predictor's own bookkeeping.

const SPEED = 27;
/** Controls of a game that only walks: a direction, as the arena's moveDir. */
type Walk = { moveDir: number };
const EAST: Walk = { moveDir: 0 };
const SOUTH: Walk = { moveDir: 64 };
const STAND: Walk = { moveDir: NO_DIRECTION };
const still = { vx: 0, vy: 0 };

function predictor(maxX = 4000, maxY = 4000): Predictor<Walk> {
  // The game's shared movement rule, as the arena's applyMovement.
  return new Predictor<Walk>({ applyInput: (m, c) => steer(m, c.moveDir, SPEED), maxX, maxY });
}

describe('Predictor', () => {
  it('predicts nothing before the first server state, then starts from it', () => {
    const p = predictor();
    p.addInput(1, EAST, 5);
    p.advanceTo(10);
    expect(p.hasState).toBe(false);
    const r = p.reconcile(4, 0, { x: 100, y: 200, ...still });
    expect(r).toEqual({ tick: 4, errorWire: null, correctionX: 0, correctionY: 0 });
    p.advanceTo(7);
    // Input 1 takes effect in the step of tick 5: ticks 5, 6, 7 move east.
    expect(p.state).toEqual({ tick: 7, x: 100 + 3 * SPEED, y: 200, vx: SPEED, vy: 0 });
  });

  it('moves on the frame of the key press: between ticks it draws with the next velocity', () => {
    const p = predictor();
    p.reconcile(10, 0, { x: 1000, y: 1000, ...still });
    expect(p.positionAt(0.5)).toEqual({ x: 1000, y: 1000 });
    p.addInput(1, SOUTH, 11);
    expect(p.positionAt(0.5)).toEqual({ x: 1000, y: 1000 + SPEED / 2 });
    p.advanceTo(11);
    expect(p.positionAt(0)).toEqual({ x: 1000, y: 1000 + SPEED });
    // The key held now, before its Input is even sent.
    expect(p.positionAt(0.5, EAST)).toEqual({ x: 1000 + SPEED / 2, y: 1000 + SPEED });
  });

  it('stops at the world edge like the server', () => {
    const p = predictor(100, 100);
    p.reconcile(1, 0, { x: 90, y: 50, ...still });
    p.addInput(1, EAST, 2);
    p.advanceTo(5);
    expect(p.state.x).toBe(100);
    expect(p.positionAt(0.9).x).toBe(100);
  });

  it('forgets acknowledged inputs and replays the rest from the server state', () => {
    const p = predictor();
    p.reconcile(10, 0, { x: 0, y: 0, ...still });
    p.addInput(1, EAST, 11);
    p.addInput(2, SOUTH, 13);
    p.advanceTo(15);
    expect(p.state).toMatchObject({ x: 2 * SPEED, y: 3 * SPEED });
    // The server applied input 1 at tick 11 as predicted: no error, nothing to correct.
    const r = p.reconcile(12, 1, { x: 2 * SPEED, y: 0, vx: SPEED, vy: 0 });
    expect(r).toEqual({ tick: 12, errorWire: 0, correctionX: 0, correctionY: 0 });
    expect(p.pendingInputs.map((i) => i.seq)).toEqual([2]);
  });

  it('measures the error at the snapshot tick and moves the present by the correction', () => {
    const p = predictor();
    p.reconcile(10, 0, { x: 0, y: 0, ...still });
    p.addInput(1, EAST, 11);
    p.advanceTo(14);
    // The input reached the server a tick late: at tick 12 it had moved one step, not two.
    const r = p.reconcile(12, 1, { x: SPEED, y: 0, vx: SPEED, vy: 0 });
    expect(r?.errorWire).toBe(SPEED);
    expect(r?.correctionX).toBe(-SPEED);
    expect(p.state).toMatchObject({ tick: 14, x: 3 * SPEED });
  });

  it('applies an input the server has not seen though it was due, at the next replayed tick', () => {
    const p = predictor();
    p.reconcile(10, 0, { x: 0, y: 0, ...still });
    p.addInput(1, EAST, 11);
    p.advanceTo(13);
    // Snapshot 12 without input 1: the server will apply it at 13 at the earliest.
    const r = p.reconcile(12, 0, { x: 0, y: 0, ...still });
    expect(r?.errorWire).toBe(2 * SPEED);
    expect(p.state).toMatchObject({ tick: 13, x: SPEED });
  });

  it('catches up when the server is ahead of the prediction', () => {
    const p = predictor();
    p.reconcile(10, 0, { x: 0, y: 0, vx: SPEED, vy: 0 });
    const r = p.reconcile(20, 0, { x: 10 * SPEED, y: 0, vx: SPEED, vy: 0 });
    expect(r).toEqual({ tick: 20, errorWire: 0, correctionX: 0, correctionY: 0 });
    expect(p.state.tick).toBe(20);
  });

  it('ignores a snapshot older than one already reconciled', () => {
    const p = predictor();
    p.reconcile(10, 0, { x: 0, y: 0, ...still });
    expect(p.reconcile(9, 0, { x: 50, y: 50, ...still })).toBeNull();
    expect(p.state).toMatchObject({ x: 0, y: 0 });
  });

  it('never tags an input into the past, and keeps tags in order', () => {
    const p = predictor();
    p.reconcile(10, 0, { x: 0, y: 0, ...still });
    p.advanceTo(12);
    p.addInput(1, EAST, 5);
    p.addInput(2, STAND, 4);
    expect(p.pendingInputs.map((i) => i.tick)).toEqual([13, 13]);
    expect(() => p.addInput(2, EAST, 20)).toThrow(RangeError);
  });

  it('starts over after reset', () => {
    const p = predictor();
    p.reconcile(10, 0, { x: 5, y: 5, ...still });
    p.addInput(1, EAST, 11);
    p.reset();
    expect(p.hasState).toBe(false);
    expect(p.pendingInputs).toEqual([]);
    expect(p.reconcile(3, 0, { x: 1, y: 1, ...still })?.errorWire).toBeNull();
  });
});
