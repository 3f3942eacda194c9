import { describe, expect, it } from 'vitest';
import { DelayLine, RETRANSMIT_DELAY_MS, SimulatedLink } from './simulated-link.js';

/** A manual clock with a timer list: tests advance time, nothing sleeps. */
function manualTimers() {
  let nowMs = 0;
  const timers: { atMs: number; fn: () => void; isCancelled: boolean }[] = [];
  return {
    nowMs: () => nowMs,
    schedule: (delayMs: number, fn: () => void) => {
      const timer = { atMs: nowMs + delayMs, fn, isCancelled: false };
      timers.push(timer);
      return () => {
        timer.isCancelled = true;
      };
    },
    advance(toMs: number) {
      for (;;) {
        const due = timers
          .filter((t) => !t.isCancelled && t.atMs <= toMs)
          .sort((a, b) => a.atMs - b.atMs)[0];
        if (!due) break;
        nowMs = due.atMs;
        due.isCancelled = true;
        due.fn();
      }
      nowMs = toMs;
    },
    pending: () => timers.filter((t) => !t.isCancelled).length,
  };
}

/** A random source that plays back the given values. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] as number;
}

describe('SimulatedLink', () => {
  it('adds the latency, and jitter within ±jitterMs', () => {
    const link = new SimulatedLink(
      { latencyMs: 100, jitterMs: 20, lossPercent: 0 },
      sequence(0, 0.5, 1),
    );
    expect(link.deliveryTimeMs(0)).toBe(80);
    expect(link.deliveryTimeMs(1000)).toBe(1100);
    expect(link.deliveryTimeMs(2000)).toBe(2120);
  });

  it('never delivers a frame before one sent earlier (TCP keeps order)', () => {
    const link = new SimulatedLink(
      { latencyMs: 100, jitterMs: 50, lossPercent: 0 },
      sequence(1, 0),
    );
    const first = link.deliveryTimeMs(0); // 150
    const second = link.deliveryTimeMs(10); // would be 60
    expect(first).toBe(150);
    expect(second).toBe(150);
  });

  it('delays a lost frame by a retransmission, and everything behind it too', () => {
    // Random draws: jitter, loss roll (0 < 10 %: lost), then jitter, loss roll (0.99: kept).
    const link = new SimulatedLink(
      { latencyMs: 50, jitterMs: 0, lossPercent: 10 },
      sequence(0.5, 0, 0.5, 0.99),
    );
    const lost = link.deliveryTimeMs(0);
    expect(lost).toBe(50 + RETRANSMIT_DELAY_MS + 50);
    expect(link.deliveryTimeMs(20)).toBe(lost);
  });

  it('rejects impossible conditions', () => {
    expect(() => new SimulatedLink({ latencyMs: -1, jitterMs: 0, lossPercent: 0 })).toThrow(
      /latencyMs/,
    );
    expect(() => new SimulatedLink({ latencyMs: 0, jitterMs: 0, lossPercent: 101 })).toThrow(
      /lossPercent/,
    );
  });
});

describe('DelayLine', () => {
  it('delivers each item at its time, in order, with one timer at a time', () => {
    const timers = manualTimers();
    const delivered: [number, string][] = [];
    const line = new DelayLine<string>(
      new SimulatedLink({ latencyMs: 100, jitterMs: 0, lossPercent: 0 }),
      timers.nowMs,
      timers.schedule,
      (item) => delivered.push([timers.nowMs(), item]),
    );
    line.push('a');
    timers.advance(30);
    line.push('b');
    expect(timers.pending()).toBe(1);
    timers.advance(99);
    expect(delivered).toEqual([]);
    timers.advance(500);
    expect(delivered).toEqual([
      [100, 'a'],
      [130, 'b'],
    ]);
    expect(line.length).toBe(0);
  });

  it('delivers nothing after clear', () => {
    const timers = manualTimers();
    const delivered: string[] = [];
    const line = new DelayLine<string>(
      new SimulatedLink({ latencyMs: 10, jitterMs: 0, lossPercent: 0 }),
      timers.nowMs,
      timers.schedule,
      (item) => delivered.push(item),
    );
    line.push('a');
    line.clear();
    timers.advance(100);
    expect(delivered).toEqual([]);
  });
});
