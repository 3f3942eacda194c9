import { describe, expect, it } from 'vitest';
import { MIN_FRAME_BYTES } from '../floor/floor-frame.js';
import { DEFAULT_FLOOR_FRAME_BYTES, floorFrameBytes } from './floor-frame-size.js';
import { failedRun, type RunResult } from './run-scenario.js';

const tickwireRun = (meanFrameBytes: number): RunResult => ({
  ...failedRun('delta', 500, 'unused'),
  meanFrameBytes,
  failure: null,
});

describe("the floor's frame size", () => {
  it("is tickwire's mean frame at the clients in its most recent run at this N, to the byte", () => {
    expect(floorFrameBytes([tickwireRun(60.2), tickwireRun(67.6)])).toEqual({
      frameBytes: 68,
      source: 'tickwire',
    });
  });

  it('skips a tickwire run that measured none (it failed), back to one that did', () => {
    const failed = failedRun('delta', 500, 'client 3 did not join');
    expect(floorFrameBytes([tickwireRun(66.4), failed])).toEqual({
      frameBytes: 66,
      source: 'tickwire',
    });
  });

  it('is the documented default when no tickwire run at this N measured one', () => {
    expect(floorFrameBytes([])).toEqual({
      frameBytes: DEFAULT_FLOOR_FRAME_BYTES,
      source: 'default',
    });
    expect(floorFrameBytes([failedRun('delta', 500, 'refused')]).source).toBe('default');
  });

  it('is never smaller than the smallest floor frame', () => {
    expect(floorFrameBytes([tickwireRun(3)]).frameBytes).toBe(MIN_FRAME_BYTES);
  });
});
