import { describe, expect, it } from 'vitest';
import { CorrectionSmoother } from './correction-smoother.js';

describe('CorrectionSmoother', () => {
  it('keeps the drawn position where it was at the instant of a correction', () => {
    const s = new CorrectionSmoother({ halfLifeMs: 40 });
    s.correct(10, -4, 1000);
    expect(s.offsetAt(1000)).toEqual({ x: -10, y: 4 });
  });

  it('works the correction off by half every half-life, down to nothing', () => {
    const s = new CorrectionSmoother({ halfLifeMs: 40 });
    s.correct(16, 0, 0);
    expect(s.offsetAt(40).x).toBeCloseTo(-8, 10);
    expect(s.offsetAt(80).x).toBeCloseTo(-4, 10);
    expect(s.offsetAt(1000)).toEqual({ x: 0, y: 0 });
  });

  it('adds a new correction to what is left of the last', () => {
    const s = new CorrectionSmoother({ halfLifeMs: 40 });
    s.correct(8, 0, 0);
    s.correct(8, 0, 40);
    expect(s.offsetAt(40).x).toBeCloseTo(-12, 10);
  });

  it('snaps a correction longer than the snap distance', () => {
    const s = new CorrectionSmoother({ snapDistance: 50 });
    s.correct(100, 0, 0);
    expect(s.offsetAt(0)).toEqual({ x: 0, y: 0 });
  });

  it('does not move when asked about an earlier time', () => {
    const s = new CorrectionSmoother({ halfLifeMs: 40 });
    s.correct(16, 0, 100);
    expect(s.offsetAt(60).x).toBe(-16);
  });
});
