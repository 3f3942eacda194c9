import { describe, expect, it } from 'vitest';
import { ManualClock } from '../loop/clock.js';
import { FloodLimiter, type FloodSummary } from './flood-limiter.js';

function limiter(maxPerWindow = 3): {
  limiter: FloodLimiter<string>;
  clock: ManualClock;
  summaries: FloodSummary<string>[];
} {
  const clock = new ManualClock(0);
  const summaries: FloodSummary<string>[] = [];
  const floodLimiter = new FloodLimiter<string>({
    maxPerWindow,
    windowMs: 1000,
    clock,
    schedule: clock.schedule,
    onSuppressed: (summary) => summaries.push(summary),
  });
  return { limiter: floodLimiter, clock, summaries };
}

describe('FloodLimiter', () => {
  it('lets maxPerWindow events of a kind through per window and summarizes the rest when it ends', () => {
    const { limiter: l, clock, summaries } = limiter(3);
    const admitted = Array.from({ length: 10 }, (_, i) => l.admit('kick 4000', `event ${i}`));
    expect(admitted).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(summaries).toEqual([]);
    clock.advance(999);
    expect(summaries).toEqual([]);
    clock.advance(1);
    expect(summaries).toEqual([{ sample: 'event 3', suppressedCount: 7, windowMs: 1000 }]);
    // A new window starts with a clean slate.
    expect(l.admit('kick 4000', 'later')).toBe(true);
  });

  it('keeps kinds apart', () => {
    const { limiter: l, clock, summaries } = limiter(1);
    expect([
      l.admit('a', 'a1'),
      l.admit('b', 'b1'),
      l.admit('a', 'a2'),
      l.admit('b', 'b2'),
    ]).toEqual([true, true, false, false]);
    clock.advance(1000);
    expect(summaries.map((s) => [s.sample, s.suppressedCount])).toEqual([
      ['a2', 1],
      ['b2', 1],
    ]);
  });

  it('reports nothing for a window that dropped nothing, and forgets it (no timer left)', () => {
    const { limiter: l, clock, summaries } = limiter(3);
    l.admit('quiet', 'q');
    clock.advance(5000);
    expect(summaries).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('an event after the window ended reports the old window first', () => {
    const { limiter: l, clock, summaries } = limiter(1);
    l.admit('k', 'first');
    l.admit('k', 'dropped');
    clock.spend(1500); // time passes without the timer firing
    expect(l.admit('k', 'next')).toBe(true);
    expect(summaries).toEqual([{ sample: 'dropped', suppressedCount: 1, windowMs: 1000 }]);
  });

  it('flush reports the open windows now', () => {
    const { limiter: l, summaries } = limiter(1);
    l.admit('k', 'first');
    l.admit('k', 'dropped');
    l.flush();
    expect(summaries).toEqual([{ sample: 'dropped', suppressedCount: 1, windowMs: 1000 }]);
  });
});
