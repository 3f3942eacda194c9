import { describe, expect, it } from 'vitest';
import { runComposeBench } from './compose-bench.js';

describe('compose bench (arena scenario in one process)', () => {
  it('measures real frames: every verified client applies every frame and its checksum verifies', () => {
    const result = runComposeBench({ clients: 80, ticks: 60, seed: 7, verifiedClients: 5 });
    // Replica.apply throws on a frame that does not apply or whose checksum differs: getting here
    // means the 5 clients' frames, from their first full snapshot through joins and turns, were
    // the views the world holds.
    expect(result.framesVerified).toBeGreaterThan(5 * 60);
    expect(result.microsPerClientTick).toBeGreaterThan(0);
    expect(Number.isFinite(result.microsPerClientTick)).toBe(true);
    // Deltas, not full views: players walk in and out of view and turn, a few records a frame.
    expect(result.meanFrameBytes).toBeGreaterThan(6);
    expect(result.updatedPerFrame).toBeGreaterThan(0);
    expect(result.enteredPerFrame).toBeLessThan(5);
  });
});
