import { METRICS, METRIC_NAMES, type MetricName } from '../scenario/metrics.js';
import type { ScenarioPlan } from '../scenario/plans.js';
import type { SummaryData, SummaryMetric } from '../scenario/summary.js';
import { checkThreshold, parseThreshold, percentileOf } from '../scenario/thresholds.js';
import { parseSeriesKey, type MetricsAggregate } from './swarm-metrics.js';

/**
 * The percentiles every trend reports: those of the k6 scripts' summaryTrendStats
 * (k6/lib/options.ts), which also ask for avg, min, med, max and count.
 */
const TREND_PERCENTILES = [90, 95, 99];

/**
 * k6's handleSummary data from the swarm's merged metrics: every tickwire metric, every
 * submetric a threshold names and every tagged series that was observed (each close code a kick
 * had, `tickwire_kicks{code:1002}`, whether or not a threshold names it), each with its aggregate
 * values and its thresholds checked, so summary.ts writes the same report for both runtimes.
 * Trends carry the values the k6 scripts ask k6 for (SUMMARY_TREND_STATS: avg, min, med, max,
 * p(90), p(95), p(99), count), plus any percentile a threshold reads.
 */
export function summaryData(
  aggregate: MetricsAggregate,
  plan: ScenarioPlan,
  durationMs: number,
): SummaryData {
  const durationS = durationMs / 1000;
  const metrics: Record<string, SummaryMetric> = {};
  const observed = aggregate.keys().filter((key) => key.includes('{'));
  for (const key of new Set([...METRIC_NAMES, ...Object.keys(plan.thresholds), ...observed])) {
    const name = parseSeriesKey(key).metric;
    if (!(name in METRICS)) throw new Error(`threshold on an unknown metric: ${key}`);
    const definition = METRICS[name as MetricName];
    const expressions = plan.thresholds[key] ?? [];
    const values = valuesOf(aggregate, key, definition.type, durationS, expressions);
    const metric: SummaryMetric = { type: definition.type, contains: definition.contains, values };
    if (expressions.length > 0) {
      metric.thresholds = {};
      for (const expression of expressions) {
        const { ok } = checkThreshold(expression, (a) => values[a] ?? Number.NaN);
        metric.thresholds[expression] = { ok };
      }
    }
    metrics[key] = metric;
  }
  return { metrics, state: { testRunDurationMs: durationMs } };
}

function valuesOf(
  aggregate: MetricsAggregate,
  key: string,
  type: SummaryMetric['type'],
  durationS: number,
  expressions: readonly string[],
): Record<string, number> {
  switch (type) {
    case 'trend': {
      const h = aggregate.histogram(key);
      // No samples: count 0 and no other value. A threshold reads a missing value as 0
      // (thresholds.ts), as k6 reads an empty trend's: `p(95)<2000` holds.
      if (h.count === 0) return { count: 0 };
      const percentiles = new Set(TREND_PERCENTILES);
      for (const e of expressions) {
        const p = percentileOf(parseThreshold(e).aggregation);
        if (p !== null) percentiles.add(p);
      }
      const values: Record<string, number> = {
        count: h.count,
        avg: h.mean,
        min: h.min,
        med: h.percentile(50),
        max: h.max,
      };
      for (const p of [...percentiles].sort((a, b) => a - b)) values[`p(${p})`] = h.percentile(p);
      return values;
    }
    case 'counter': {
      const count = aggregate.count(key);
      return { count, rate: durationS > 0 ? count / durationS : 0 };
    }
    case 'rate': {
      const { passes, fails } = aggregate.rate(key);
      // An empty Rate reads 0, so a threshold that asks for more than nothing fails.
      return { rate: passes + fails > 0 ? passes / (passes + fails) : 0, passes, fails };
    }
    case 'gauge':
      return {};
  }
}
