import { describe, expect, it } from 'vitest';
import { TrendSink } from './metric-sinks.js';

describe('TrendSink', () => {
  it('interpolates percentiles between the closest ranks and averages the middle two for the median, as k6 does', () => {
    const sink = new TrendSink();
    for (const v of [40, 10, 30, 20]) sink.add(v);
    // Sorted 10 20 30 40: p(90) at rank 0.9 * 3 = 2.7, between 30 and 40.
    expect(sink.percentile(0.9)).toBeCloseTo(37);
    expect(sink.percentile(0.5)).toBe(25);
    expect(sink.median()).toBe(25);
    expect(sink.values(1000, ['avg', 'min', 'med', 'max', 'p(95)', 'count'])).toEqual({
      avg: 25,
      min: 10,
      med: 25,
      max: 40,
      'p(95)': 38.5,
      count: 4,
    });
  });

  it('reads 0 when empty and the value itself with one sample', () => {
    const sink = new TrendSink();
    expect(sink.values(1000, ['avg', 'min', 'max', 'p(99)'])).toEqual({
      avg: 0,
      min: 0,
      max: 0,
      'p(99)': 0,
    });
    sink.add(7);
    expect(sink.percentile(0.99)).toBe(7);
  });
});
