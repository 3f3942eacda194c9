import { describe, expect, it } from 'vitest';
import { CounterRate, WindowedSeries } from './net-stats.js';

describe('WindowedSeries', () => {
  it('counts, maxes and averages what happened in the last window only', () => {
    const s = new WindowedSeries(1000);
    s.add(4, 0);
    s.add(10, 500);
    s.add(2, 900);
    expect(s.ratePerSecond(900)).toBe(3);
    expect(s.max(900)).toBe(10);
    expect(s.mean(900)).toBeCloseTo(16 / 3, 10);
    expect(s.max(1400)).toBe(10);
    expect(s.max(1600)).toBe(2);
    expect(s.ratePerSecond(2000)).toBe(0);
    expect(s.last).toBe(2);
  });
});

describe('CounterRate', () => {
  it('gives the growth per second over the window', () => {
    const r = new CounterRate(1000);
    expect(r.update(0, 0)).toBe(0);
    expect(r.update(500, 500)).toBe(1000);
    expect(r.update(1000, 1000)).toBe(1000);
    // Readings older than the window fall away: only the last second counts.
    expect(r.update(1000, 2000)).toBe(0);
  });
});
