import { METRICS, type MetricName, type MetricSink, type MetricType } from '../scenario/metrics.js';
import { LogHistogram, type HistogramData } from './histogram.js';

/**
 * The swarm's metrics: each generator's players add to a SwarmMetrics (the scenario's
 * MetricSink), which hands over what it holds once a second (`take`); the parent merges every
 * generator's into one MetricsAggregate, from which the thresholds and the summary read. Samples
 * with tags (the kicks' close code) are kept per tag set, a series named as k6 names a submetric:
 * `tickwire_kicks{code:4005}`.
 */

/** One series' samples, as they cross a process boundary (JSON). */
export type SeriesData =
  | { type: 'trend'; histogram: HistogramData }
  | { type: 'counter'; count: number }
  | { type: 'rate'; passes: number; fails: number };

/** Series by key: the metric's name, with `{tag:value,...}` after it for tagged samples. */
export type MetricsData = Record<string, SeriesData>;

interface Series {
  readonly type: MetricType;
  add(value: number): void;
  toData(): SeriesData;
}

class TrendSeries implements Series {
  readonly type = 'trend';
  readonly histogram = new LogHistogram();
  add(value: number): void {
    this.histogram.add(value);
  }
  toData(): SeriesData {
    return { type: 'trend', histogram: this.histogram.toData() };
  }
}

class CounterSeries implements Series {
  readonly type = 'counter';
  count = 0;
  add(value: number): void {
    this.count += value;
  }
  toData(): SeriesData {
    return { type: 'counter', count: this.count };
  }
}

/** k6's Rate: the share of non-zero samples. */
class RateSeries implements Series {
  readonly type = 'rate';
  passes = 0;
  fails = 0;
  add(value: number): void {
    if (value !== 0) this.passes++;
    else this.fails++;
  }
  toData(): SeriesData {
    return { type: 'rate', passes: this.passes, fails: this.fails };
  }
}

function newSeries(type: MetricType): TrendSeries | CounterSeries | RateSeries {
  switch (type) {
    case 'trend':
      return new TrendSeries();
    case 'counter':
      return new CounterSeries();
    case 'rate':
      return new RateSeries();
  }
}

/** `name{a:1,b:2}`, tags sorted by name (k6's submetric syntax). */
export function seriesKey(metric: string, tags: Readonly<Record<string, string>>): string {
  const names = Object.keys(tags).sort();
  if (names.length === 0) return metric;
  return `${metric}{${names.map((n) => `${n}:${tags[n]}`).join(',')}}`;
}

/** A series key or a threshold's metric key, split: `tickwire_kicks{code:4005}`. */
export function parseSeriesKey(key: string): { metric: string; tags: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0) return { metric: key, tags: {} };
  if (!key.endsWith('}')) throw new Error(`not a metric or submetric: "${key}"`);
  const tags: Record<string, string> = {};
  for (const pair of key.slice(brace + 1, -1).split(',')) {
    const colon = pair.indexOf(':');
    if (colon < 0) throw new Error(`not a submetric tag: "${pair}" in "${key}"`);
    // k6 accepts quoted values: code:"4005".
    tags[pair.slice(0, colon).trim()] = pair
      .slice(colon + 1)
      .trim()
      .replace(/^["'](.*)["']$/, '$1');
  }
  return { metric: key.slice(0, brace), tags };
}

/** A generator's sink: what its players measured since the last `take`. */
export class SwarmMetrics implements MetricSink {
  #series = new Map<string, Series>();

  add(metric: MetricName, value: number, tags?: Readonly<Record<string, string>>): void {
    const key = tags === undefined ? metric : seriesKey(metric, tags);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = newSeries(METRICS[metric].type);
      this.#series.set(key, series);
    }
    series.add(value);
  }

  /** Everything added since the last take (what a generator ships each second); starts over. */
  take(): MetricsData {
    const data: MetricsData = {};
    for (const [key, series] of this.#series) data[key] = series.toData();
    this.#series = new Map();
    return data;
  }
}

/** Generators' MetricsData merged: what thresholds, the summary and the progress line read. */
export class MetricsAggregate {
  readonly #series = new Map<string, TrendSeries | CounterSeries | RateSeries>();

  merge(data: MetricsData): void {
    for (const [key, incoming] of Object.entries(data)) {
      let series = this.#series.get(key);
      if (series === undefined) {
        series = newSeries(incoming.type);
        this.#series.set(key, series);
      }
      if (series.type === 'trend' && incoming.type === 'trend') {
        series.histogram.merge(incoming.histogram);
      } else if (series.type === 'counter' && incoming.type === 'counter') {
        series.count += incoming.count;
      } else if (series.type === 'rate' && incoming.type === 'rate') {
        series.passes += incoming.passes;
        series.fails += incoming.fails;
      } else {
        throw new Error(`series ${key}: a ${incoming.type} merged into a ${series.type}`);
      }
    }
  }

  /** Every series merged so far: metric names, and submetrics for tagged samples. */
  keys(): string[] {
    return [...this.#series.keys()];
  }

  /** The series of a metric (`tickwire_kicks`) or submetric (`tickwire_kicks{code:4005}`). */
  #matching(key: string): (TrendSeries | CounterSeries | RateSeries)[] {
    const wanted = parseSeriesKey(key);
    const found = [];
    for (const [seriesKeyText, series] of this.#series) {
      const { metric, tags } = parseSeriesKey(seriesKeyText);
      if (metric !== wanted.metric) continue;
      if (Object.entries(wanted.tags).every(([name, value]) => tags[name] === value))
        found.push(series);
    }
    return found;
  }

  /** Samples of a trend (or submetric of one), merged; empty when none. */
  histogram(key: string): LogHistogram {
    const merged = new LogHistogram();
    for (const s of this.#matching(key)) if (s.type === 'trend') merged.merge(s.histogram);
    return merged;
  }

  /** A counter's count (or a trend's sample count), 0 when none. */
  count(key: string): number {
    let count = 0;
    for (const s of this.#matching(key)) {
      if (s.type === 'counter') count += s.count;
      else if (s.type === 'trend') count += s.histogram.count;
    }
    return count;
  }

  /** A rate's passes and fails. */
  rate(key: string): { passes: number; fails: number } {
    let passes = 0;
    let fails = 0;
    for (const s of this.#matching(key)) {
      if (s.type !== 'rate') continue;
      passes += s.passes;
      fails += s.fails;
    }
    return { passes, fails };
  }
}
