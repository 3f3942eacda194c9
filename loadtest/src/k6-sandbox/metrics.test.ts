import { describe, expect, it } from 'vitest';
import { MetricRegistry, parseSeriesName } from './metrics.js';

describe('MetricRegistry', () => {
  it('feeds submetrics from matching tags and checks thresholds on them', () => {
    const registry = new MetricRegistry();
    const kicks = registry.define('kicks', 'counter');
    registry.setThresholds({ kicks: ['count<5'], 'kicks{code:4005}': ['count==0'] });
    registry.add(kicks, 1, { code: '4007' });
    registry.add(kicks, 1, { code: '4005' });
    registry.add(kicks, 1, { code: '4005', scenario: 'smoke' });
    const verdicts = registry.checkThresholds(2000);
    expect(verdicts).toEqual([
      { series: 'kicks', expression: 'count<5', ok: true, actual: 3 },
      { series: 'kicks{code:4005}', expression: 'count==0', ok: false, actual: 2 },
    ]);
    expect(registry.summaryMetrics(2000, [], verdicts)).toEqual({
      kicks: {
        type: 'counter',
        contains: 'default',
        values: { count: 3, rate: 1.5 },
        thresholds: { 'count<5': { ok: true } },
      },
      'kicks{code:4005}': {
        type: 'counter',
        contains: 'default',
        values: { count: 2, rate: 1 },
        thresholds: { 'count==0': { ok: false } },
      },
    });
  });

  it('checks thresholds of empty metrics on zeros, as k6 does at the end of a test', () => {
    const registry = new MetricRegistry();
    registry.define('resumed', 'rate');
    registry.define('join_ms', 'trend', 'time');
    registry.define('unused', 'counter');
    registry.setThresholds({ resumed: ['rate>0.99'], join_ms: ['p(95)<1000'] });
    const verdicts = registry.checkThresholds(1000);
    expect(verdicts.map((v) => [v.series, v.ok])).toEqual([
      ['resumed', false],
      ['join_ms', true],
    ]);
    // A metric with no samples and no thresholds is not in the summary.
    expect(Object.keys(registry.summaryMetrics(1000, ['avg'], verdicts))).toEqual([
      'resumed',
      'join_ms',
    ]);
  });

  it('counts a Rate sample as passing when it is not zero', () => {
    const registry = new MetricRegistry();
    const rate = registry.define('ok', 'rate');
    for (const v of [1, 0, 1, 1]) registry.add(rate, v, {});
    expect(registry.summaryMetrics(1000, [], [])['ok']?.values).toEqual({
      rate: 0.75,
      passes: 3,
      fails: 1,
    });
  });

  it('refuses thresholds k6 refuses: an unknown metric, a bad expression, an aggregation the type lacks', () => {
    const registry = new MetricRegistry();
    registry.define('c', 'counter');
    expect(() => registry.setThresholds({ nope: ['count==0'] })).toThrow(/no metric name "nope"/);
    expect(() => registry.setThresholds({ c: ['count=0'] })).toThrow(/not a threshold/);
    expect(() => registry.setThresholds({ c: ['p(95)<1'] })).toThrow(
      /unsupported aggregation method p\(95\) on metric of type counter/,
    );
    expect(() => registry.define('c', 'trend')).toThrow(/already exists/);
  });

  it("refuses, per metric type, the aggregations k6's threshold check refuses though the summary shows them", () => {
    const registry = new MetricRegistry();
    registry.define('t', 'trend', 'time');
    registry.define('g', 'gauge');
    registry.define('r', 'rate');
    registry.define('c', 'counter');
    // A Trend has a count in the summary, but no threshold may read it.
    expect(() => registry.setThresholds({ t: ['count>0'] })).toThrow(
      /unsupported aggregation method count on metric of type trend; .*avg, min, max, med, p\(N\)/,
    );
    expect(() => registry.setThresholds({ g: ['min>0'] })).toThrow(/method min on .* gauge/);
    expect(() => registry.setThresholds({ g: ['max<9'] })).toThrow(/method max on .* gauge/);
    expect(() => registry.setThresholds({ r: ['count>0'] })).toThrow(/method count on .* rate/);
    expect(() => registry.setThresholds({ c: ['value>0'] })).toThrow(/method value on .* counter/);
    expect(() =>
      registry.setThresholds({
        t: ['avg<1', 'min<1', 'max<1', 'med<1', 'p(99.9)<1'],
        'g{a:b}': ['value<1'],
        r: ['rate>0'],
        c: ['count<1', 'rate<1'],
      }),
    ).not.toThrow();
  });

  it('parses submetric names with quoted values', () => {
    expect(parseSeriesName('m{code:4005, name:"a b"}')).toEqual({
      name: 'm',
      tags: { code: '4005', name: 'a b' },
    });
  });
});
