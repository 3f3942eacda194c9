import { checkThreshold, parseThreshold, percentileOf } from '../scenario/thresholds.js';
import { sinkFor, type Sink } from './metric-sinks.js';

/**
 * k6's metrics engine, as far as a test's result depends on it: the four metric types and their
 * sinks, submetrics (`name{tag:value}`) fed by every sample whose tags match, thresholds checked
 * at the end of the test on every metric that has them (empty ones too, as k6 does), and the
 * aggregates handleSummary receives. The sinks, with k6's arithmetic, are in metric-sinks.ts.
 */

export type K6MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type K6Contains = 'default' | 'time' | 'data';
export type Tags = Readonly<Record<string, string>>;

interface Series {
  /** `name` or `name{tag:value,...}`. */
  name: string;
  type: K6MetricType;
  contains: K6Contains;
  /** A submetric's tags; empty for the metric itself. */
  tags: Tags;
  sink: Sink;
  thresholds: string[];
}

export interface Metric {
  name: string;
  type: K6MetricType;
  contains: K6Contains;
  series: Series;
  submetrics: Series[];
}

export interface ThresholdVerdict {
  series: string;
  expression: string;
  ok: boolean;
  actual: number;
}

/** One metric of handleSummary's data (k6's shape). */
export interface SummaryMetricData {
  type: K6MetricType;
  contains: K6Contains;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

const METRIC_NAME = /^[\p{L}\p{N}._ !?/&#()<>%-]{1,128}$/u;

/**
 * The aggregations a threshold may read, per metric type, as k6 checks them before a run
 * (grafana/k6 metrics, MetricType.supportedAggregationMethods): a Trend has no `count` and a
 * Gauge no `min` or `max` there, although the summary shows them.
 */
const THRESHOLD_AGGREGATIONS: Readonly<Record<K6MetricType, readonly string[]>> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p(N)'],
};

function isThresholdAggregation(type: K6MetricType, aggregation: string): boolean {
  const method = percentileOf(aggregation) === null ? aggregation : 'p(N)';
  return THRESHOLD_AGGREGATIONS[type].includes(method);
}

/** `name{a:1,b:"x"}` into the name and the tags. */
export function parseSeriesName(text: string): { name: string; tags: Tags } {
  const open = text.indexOf('{');
  if (open < 0) return { name: text.trim(), tags: {} };
  if (!text.endsWith('}')) throw new Error(`not a submetric: "${text}"`);
  const tags: Record<string, string> = {};
  for (const part of text.slice(open + 1, -1).split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0) throw new Error(`not a submetric tag: "${part}" in "${text}"`);
    const value = part
      .slice(colon + 1)
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2');
    tags[part.slice(0, colon).trim()] = value;
  }
  return { name: text.slice(0, open).trim(), tags };
}

export class MetricRegistry {
  readonly #metrics = new Map<string, Metric>();

  /** Defines a metric, or returns the one of that name (k6: same name, same type). */
  define(name: string, type: K6MetricType, contains: K6Contains = 'default'): Metric {
    const existing = this.#metrics.get(name);
    if (existing !== undefined) {
      if (existing.type !== type || existing.contains !== contains)
        throw new Error(`metric "${name}" already exists as a ${existing.type}`);
      return existing;
    }
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name: "${name}"`);
    const metric: Metric = {
      name,
      type,
      contains,
      series: { name, type, contains, tags: {}, sink: sinkFor(type), thresholds: [] },
      submetrics: [],
    };
    this.#metrics.set(name, metric);
    return metric;
  }

  get(name: string): Metric | undefined {
    return this.#metrics.get(name);
  }

  /** One sample: the metric's sink and every submetric whose tags the sample has. */
  add(metric: Metric, value: number, tags: Tags): void {
    metric.series.sink.add(value);
    for (const sub of metric.submetrics) {
      if (Object.entries(sub.tags).every(([k, v]) => tags[k] === v)) sub.sink.add(value);
    }
  }

  /**
   * options.thresholds: creates the submetrics they name; throws (as k6 refuses to start) on a
   * metric nobody defined, an expression k6 cannot parse, or an aggregation k6 refuses on the
   * metric's type.
   */
  setThresholds(thresholds: Readonly<Record<string, readonly unknown[]>>): void {
    for (const [seriesName, list] of Object.entries(thresholds)) {
      const { name, tags } = parseSeriesName(seriesName);
      const metric = this.#metrics.get(name);
      if (metric === undefined)
        throw new Error(
          `invalid threshold defined on ${seriesName}: no metric name "${name}" found`,
        );
      let series = metric.series;
      if (Object.keys(tags).length > 0) {
        const found = metric.submetrics.find((s) => s.name === seriesName);
        series = found ?? {
          name: seriesName,
          type: metric.type,
          contains: metric.contains,
          tags,
          sink: sinkFor(metric.type),
          thresholds: [],
        };
        if (found === undefined) metric.submetrics.push(series);
      }
      for (const item of list) {
        const expression =
          typeof item === 'string'
            ? item
            : typeof item === 'object' && item !== null && 'threshold' in item
              ? String((item as { threshold: unknown }).threshold)
              : '';
        const { aggregation } = parseThreshold(expression);
        if (!isThresholdAggregation(metric.type, aggregation))
          throw new Error(
            `invalid threshold "${expression}" applied on metric ${seriesName}: unsupported ` +
              `aggregation method ${aggregation} on metric of type ${metric.type}; supported ` +
              `aggregation methods for this metric are: ${THRESHOLD_AGGREGATIONS[metric.type].join(', ')}`,
          );
        series.thresholds.push(expression);
      }
    }
  }

  /** Every threshold, checked on the aggregates now (k6's final check: empty sinks read 0). */
  checkThresholds(durationMs: number): ThresholdVerdict[] {
    const verdicts: ThresholdVerdict[] = [];
    for (const series of this.#allSeries()) {
      for (const expression of series.thresholds) {
        const { ok, actual } = checkThreshold(expression, (a) =>
          series.sink.aggregate(a, durationMs),
        );
        verdicts.push({ series: series.name, expression, ok, actual });
      }
    }
    return verdicts;
  }

  /**
   * handleSummary's `metrics`: every metric that has samples or thresholds (k6 marks a metric
   * with thresholds observed from the start), submetrics with thresholds under their own names.
   */
  summaryMetrics(
    durationMs: number,
    trendStats: readonly string[],
    verdicts: readonly ThresholdVerdict[],
  ): Record<string, SummaryMetricData> {
    const out: Record<string, SummaryMetricData> = {};
    for (const series of this.#allSeries()) {
      if (series.sink.isEmpty && series.thresholds.length === 0) continue;
      const data: SummaryMetricData = {
        type: series.type,
        contains: series.contains,
        values: series.sink.values(durationMs, trendStats),
      };
      const mine = verdicts.filter((v) => v.series === series.name);
      if (mine.length > 0) {
        data.thresholds = Object.fromEntries(mine.map((v) => [v.expression, { ok: v.ok }]));
      }
      out[series.name] = data;
    }
    return out;
  }

  *#allSeries(): Generator<Series> {
    for (const metric of this.#metrics.values()) {
      yield metric.series;
      yield* metric.submetrics;
    }
  }
}
