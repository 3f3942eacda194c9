import { describe, expect, it } from 'vitest';
import { POSITION_SCALE } from '../sim/quantize.js';
import { watchFor } from './watch-target.js';

const world = { worldWidth: 1200, worldHeight: 800 };
const maxX = 1200 * POSITION_SCALE;
const maxY = 800 * POSITION_SCALE;

describe('watchFor', () => {
  it("no target: the world's centre, where the server looks until the first Watch", () => {
    expect(watchFor(null, world, 7)).toEqual({
      ackTick: 7,
      followId: 0,
      x: maxX >> 1,
      y: maxY >> 1,
    });
  });

  it('following: x and y are 0', () => {
    expect(watchFor({ followId: 1002 }, world, 3)).toEqual({
      ackTick: 3,
      followId: 1002,
      x: 0,
      y: 0,
    });
  });

  it('a point: rounded and held within the world', () => {
    expect(watchFor({ x: 10.6, y: 20.2 }, world, 0)).toEqual({
      ackTick: 0,
      followId: 0,
      x: 11,
      y: 20,
    });
    expect(watchFor({ x: -5, y: 1e9 }, world, 0)).toEqual({
      ackTick: 0,
      followId: 0,
      x: 0,
      y: maxY,
    });
  });
});
