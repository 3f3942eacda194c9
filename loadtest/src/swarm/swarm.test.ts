import { describe, expect, it } from 'vitest';
import { isInShare } from '../scenario/shares.js';
import { shareOf, stormNumberAt } from './swarm.js';
import { playerIndex } from './swarm-players.js';

describe('sharing the players', () => {
  it('splits every target over the generators so the shares sum to it', () => {
    for (const count of [1, 2, 3, 7]) {
      for (const total of [0, 1, 5, 6, 1000, 3001]) {
        const shares = Array.from({ length: count }, (_, i) => shareOf(total, i, count));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('numbers the players of all generators 0..N-1, as k6 numbers its VUs’ players', () => {
    for (const count of [1, 2, 3, 7]) {
      for (const total of [0, 1, 5, 6, 100]) {
        const indices: number[] = [];
        for (let index = 0; index < count; index++)
          for (let n = 0; n < shareOf(total, index, count); n++)
            indices.push(playerIndex(n, { index, count }));
        expect(indices.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
      }
    }
  });

  it('spreads a share (the verifying players, a storm’s) evenly', () => {
    const verifying = (share: number, n: number): number[] =>
      Array.from({ length: n }, (_, i) => i).filter((i) => isInShare(i, share));
    expect(verifying(1, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(verifying(0, 5)).toEqual([]);
    expect(verifying(0.25, 12)).toEqual([3, 7, 11]);
    expect(verifying(0.1, 1000).length).toBe(100);
  });
});

describe('the storms', () => {
  it('numbers them from 1 on the run’s clock, as k6 does: storm k comes k × every after the start', () => {
    expect(stormNumberAt(0, 15)).toBe(0);
    expect(stormNumberAt(14.99, 15)).toBe(0);
    expect(stormNumberAt(15, 15)).toBe(1);
    expect(stormNumberAt(29.9, 15)).toBe(1);
    expect(stormNumberAt(30, 15)).toBe(2);
  });

  it('takes other players in each storm: half of them, alternating', () => {
    const victims = (storm: number): number[] =>
      [0, 1, 2, 3].filter((index) => isInShare(index + storm, 0.5));
    // k6's vu-players.ts: isInShare(slot.index + stormIndex, share), stormIndex from 1.
    expect(victims(1)).toEqual([0, 2]);
    expect(victims(2)).toEqual([1, 3]);
  });
});
