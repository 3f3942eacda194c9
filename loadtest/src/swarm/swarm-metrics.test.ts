import { describe, expect, it } from 'vitest';
import { scenarioPlan } from '../scenario/plans.js';
import { buildSummary } from '../scenario/summary.js';
import { summaryData } from './summary-data.js';
import { MetricsAggregate, SwarmMetrics, parseSeriesKey, seriesKey } from './swarm-metrics.js';

describe('swarm metrics', () => {
  it('names a tagged series as k6 names a submetric, and reads one back', () => {
    expect(seriesKey('tickwire_kicks', { code: '4005' })).toBe('tickwire_kicks{code:4005}');
    expect(seriesKey('m', { b: '2', a: '1' })).toBe('m{a:1,b:2}');
    expect(parseSeriesKey('tickwire_kicks{code:"4005"}')).toEqual({
      metric: 'tickwire_kicks',
      tags: { code: '4005' },
    });
    expect(parseSeriesKey('tickwire_rtt_ms')).toEqual({ metric: 'tickwire_rtt_ms', tags: {} });
    expect(() => parseSeriesKey('m{code}')).toThrow(/submetric tag/);
  });

  it('hands over what was added since the last take, and starts over', () => {
    const sink = new SwarmMetrics();
    sink.add('tickwire_snapshots', 1);
    sink.add('tickwire_snapshots', 1);
    sink.add('tickwire_rtt_ms', 2.5);
    sink.add('tickwire_resumed', 1);
    sink.add('tickwire_resumed', 0);
    sink.add('tickwire_kicks', 1, { code: '1006' });
    const first = sink.take();
    expect(first['tickwire_snapshots']).toEqual({ type: 'counter', count: 2 });
    expect(first['tickwire_resumed']).toEqual({ type: 'rate', passes: 1, fails: 1 });
    expect(first['tickwire_kicks{code:1006}']).toEqual({ type: 'counter', count: 1 });
    expect(first['tickwire_rtt_ms']).toMatchObject({ type: 'trend', histogram: { count: 1 } });
    expect(sink.take()).toEqual({});
  });

  it('merges generators: counters add, rates add, trends merge, submetrics select by tag', () => {
    const a = new SwarmMetrics();
    const b = new SwarmMetrics();
    for (let i = 1; i <= 50; i++) a.add('tickwire_join_ms', i);
    for (let i = 51; i <= 100; i++) b.add('tickwire_join_ms', i);
    a.add('tickwire_kicks', 1, { code: '4005' });
    b.add('tickwire_kicks', 1, { code: '4005' });
    b.add('tickwire_kicks', 1, { code: '1006' });
    a.add('tickwire_resumed', 1);
    b.add('tickwire_resumed', 1);
    const total = new MetricsAggregate();
    // Through JSON, as over IPC.
    for (const data of [a.take(), b.take()]) total.merge(JSON.parse(JSON.stringify(data)));
    expect(total.count('tickwire_join_ms')).toBe(100);
    expect(total.histogram('tickwire_join_ms').min).toBe(1);
    expect(total.histogram('tickwire_join_ms').max).toBe(100);
    // k6's median of 1..100 is 50.5; the histogram's within 1 %.
    expect(Math.abs(total.histogram('tickwire_join_ms').percentile(50) - 50.5)).toBeLessThan(0.51);
    expect(total.count('tickwire_kicks')).toBe(3);
    expect(total.count('tickwire_kicks{code:4005}')).toBe(2);
    expect(total.count('tickwire_kicks{code:4011}')).toBe(0);
    expect(total.rate('tickwire_resumed')).toEqual({ passes: 2, fails: 0 });
  });
});

describe('the summary data from merged metrics', () => {
  const plan = scenarioPlan('reconnect-storm', { PLAYERS: '4', MAX_RTT_P95_MS: '5' });

  function runOf(rttMs: number[]): MetricsAggregate {
    const sink = new SwarmMetrics();
    for (let i = 0; i < 4; i++) sink.add('tickwire_join_ms', 20 + i);
    for (const rtt of rttMs) sink.add('tickwire_rtt_ms', rtt);
    sink.add('tickwire_kicks', 1, { code: '4005' });
    const total = new MetricsAggregate();
    total.merge(sink.take());
    return total;
  }

  it('has every metric and threshold submetric, with k6 values and checked thresholds', () => {
    const data = summaryData(runOf([1, 2, 3, 40]), plan, 10_000);
    expect(data.state.testRunDurationMs).toBe(10_000);
    expect(data.metrics['tickwire_join_ms']?.values).toMatchObject({ count: 4, min: 20, max: 23 });
    expect(Object.keys(data.metrics['tickwire_rtt_ms']?.values ?? {})).toEqual([
      'count',
      'avg',
      'min',
      'med',
      'max',
      'p(90)',
      'p(95)',
      'p(99)',
    ]);
    expect(data.metrics['tickwire_rtt_ms']?.thresholds).toEqual({ 'p(95)<5': { ok: false } });
    expect(data.metrics['tickwire_kicks']?.values).toEqual({ count: 1, rate: 0.1 });
    expect(data.metrics['tickwire_kicks{code:4005}']?.thresholds).toEqual({
      'count==0': { ok: false },
    });
    expect(data.metrics['tickwire_kicks{code:4011}']?.values['count']).toBe(0);
    // Nothing resumed: an empty trend has count 0 alone, and its p(95) reads 0 (thresholds.ts)
    // and holds; an empty rate fails rate>0.99.
    expect(data.metrics['tickwire_resume_ms']?.values).toEqual({ count: 0 });
    expect(data.metrics['tickwire_resume_ms']?.thresholds).toEqual({ 'p(95)<2000': { ok: true } });
    expect(data.metrics['tickwire_resumed']?.thresholds).toEqual({ 'rate>0.99': { ok: false } });
  });

  it('gives summary.ts what it needs: the verdict, the failures and kicks by code', () => {
    const summary = buildSummary(summaryData(runOf([1, 2, 3]), plan, 10_000), plan, {
      url: 'http://x',
      game: 'arena',
      token: null,
      verifyShare: 1,
      inputHz: 20,
      summaryPath: 's.json',
    });
    expect(summary.passed).toBe(false);
    expect(summary.thresholds.filter((t) => !t.ok).map((t) => t.metric)).toEqual([
      'tickwire_resumed',
      // No snapshot came at all.
      'tickwire_snapshots',
      'tickwire_kicks',
      'tickwire_kicks{code:4005}',
    ]);
    expect(summary.kicksByCode).toEqual({ '4005': 1 });
  });

  it('has a submetric for every close code a kick had, listed in KICK_CODES or not', () => {
    const total = runOf([1]);
    const sink = new SwarmMetrics();
    sink.add('tickwire_kicks', 1, { code: '1002' });
    sink.add('tickwire_kicks', 1, { code: '1002' });
    total.merge(sink.take());
    const data = summaryData(total, plan, 10_000);
    expect(data.metrics['tickwire_kicks']?.values['count']).toBe(3);
    // No threshold names 1002: the series is there, without thresholds.
    expect(data.metrics['tickwire_kicks{code:1002}']).toEqual({
      type: 'counter',
      contains: 'default',
      values: { count: 2, rate: 0.2 },
    });
    const summary = buildSummary(data, plan, {
      url: 'http://x',
      game: 'arena',
      token: null,
      verifyShare: 1,
      inputHz: 20,
      summaryPath: 's.json',
    });
    expect(summary.kicksByCode).toEqual({ '1002': 2, '4005': 1 });
  });

  it('reads a percentile a threshold asks for that the report does not show', () => {
    const custom = { ...plan, thresholds: { tickwire_rtt_ms: ['p(97.5)<100'] } };
    const data = summaryData(runOf([1, 2, 3]), custom, 1000);
    expect(data.metrics['tickwire_rtt_ms']?.values['p(97.5)']).toBeGreaterThan(2.9);
    expect(() =>
      summaryData(runOf([1]), { ...plan, thresholds: { nope: ['count==0'] } }, 1000),
    ).toThrow(/unknown metric: nope/);
  });
});
