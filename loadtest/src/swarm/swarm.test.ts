import { describe, expect, it } from 'vitest';
import { isInShare } from '../scenario/shares.js';
import { shareOf } from './swarm.js';

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

  it('spreads a share (the verifying players, a storm’s) evenly', () => {
    const verifying = (share: number, n: number): number[] =>
      Array.from({ length: n }, (_, i) => i).filter((i) => isInShare(i, share));
    expect(verifying(1, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(verifying(0, 5)).toEqual([]);
    expect(verifying(0.25, 12)).toEqual([3, 7, 11]);
    expect(verifying(0.1, 1000).length).toBe(100);
  });
});
