import { percentileOf } from '../scenario/thresholds.js';
import type { K6MetricType } from './metrics.js';

/**
 * The sinks of k6's four metric types (grafana/k6 metrics/sink.go): what a metric keeps of its
 * samples and the aggregates it reads from them. A Trend's percentile interpolates linearly
 * between the closest ranks of the sorted values and its median is the mean of the middle two;
 * an empty sink reads 0; a Counter's rate is per second of the test run; a Rate counts non-zero
 * samples.
 */

export interface Sink {
  add(value: number): void;
  readonly isEmpty: boolean;
  /** One aggregation (`count`, `p(95)`, `rate`...), or NaN if the type has no such thing. */
  aggregate(name: string, durationMs: number): number;
  /** What k6's summary shows; trends only the requested statistics. */
  values(durationMs: number, trendStats: readonly string[]): Record<string, number>;
}

export class TrendSink implements Sink {
  #values: number[] = [];
  #isSorted = true;
  #sum = 0;
  #min = 0;
  #max = 0;

  get isEmpty(): boolean {
    return this.#values.length === 0;
  }

  add(value: number): void {
    if (this.#values.length === 0) {
      this.#min = value;
      this.#max = value;
    } else {
      if (value < this.#min) this.#min = value;
      if (value > this.#max) this.#max = value;
    }
    this.#values.push(value);
    this.#sum += value;
    this.#isSorted = false;
  }

  /** k6's TrendSink.P: `fraction` in 0..1. */
  percentile(fraction: number): number {
    const values = this.#sorted();
    const n = values.length;
    if (n === 0) return 0;
    if (n === 1) return values[0] as number;
    const i = fraction * (n - 1);
    const low = values[Math.floor(i)] as number;
    const high = values[Math.ceil(i)] as number;
    return low + (high - low) * (i - Math.floor(i));
  }

  median(): number {
    const values = this.#sorted();
    const n = values.length;
    if (n === 0) return 0;
    const half = Math.floor(n / 2);
    return n % 2 === 0
      ? ((values[half - 1] as number) + (values[half] as number)) / 2
      : (values[half] as number);
  }

  aggregate(name: string): number {
    const n = this.#values.length;
    switch (name) {
      case 'count':
        return n;
      case 'avg':
        return n === 0 ? 0 : this.#sum / n;
      case 'min':
        return this.#min;
      case 'max':
        return this.#max;
      case 'med':
        return this.median();
    }
    const p = percentileOf(name);
    return p === null ? Number.NaN : this.percentile(p / 100);
  }

  values(_durationMs: number, trendStats: readonly string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const stat of trendStats) out[stat] = this.aggregate(stat);
    return out;
  }

  #sorted(): number[] {
    if (!this.#isSorted) {
      this.#values.sort((a, b) => a - b);
      this.#isSorted = true;
    }
    return this.#values;
  }
}

export class CounterSink implements Sink {
  #count = 0;
  #hasSamples = false;

  get isEmpty(): boolean {
    return !this.#hasSamples;
  }

  add(value: number): void {
    this.#count += value;
    this.#hasSamples = true;
  }

  aggregate(name: string, durationMs: number): number {
    if (name === 'count') return this.#count;
    if (name === 'rate') return durationMs > 0 ? this.#count / (durationMs / 1000) : 0;
    return Number.NaN;
  }

  values(durationMs: number): Record<string, number> {
    return { count: this.aggregate('count', durationMs), rate: this.aggregate('rate', durationMs) };
  }
}

export class RateSink implements Sink {
  #trues = 0;
  #total = 0;

  get isEmpty(): boolean {
    return this.#total === 0;
  }

  add(value: number): void {
    this.#total++;
    if (value !== 0) this.#trues++;
  }

  aggregate(name: string): number {
    return name === 'rate' ? (this.#total === 0 ? 0 : this.#trues / this.#total) : Number.NaN;
  }

  values(): Record<string, number> {
    return { rate: this.aggregate('rate'), passes: this.#trues, fails: this.#total - this.#trues };
  }
}

export class GaugeSink implements Sink {
  #value = 0;
  #min = 0;
  #max = 0;
  #hasSamples = false;

  get isEmpty(): boolean {
    return !this.#hasSamples;
  }

  add(value: number): void {
    if (!this.#hasSamples || value < this.#min) this.#min = value;
    if (!this.#hasSamples || value > this.#max) this.#max = value;
    this.#value = value;
    this.#hasSamples = true;
  }

  aggregate(name: string): number {
    if (name === 'value') return this.#value;
    if (name === 'min') return this.#min;
    if (name === 'max') return this.#max;
    return Number.NaN;
  }

  values(): Record<string, number> {
    return { value: this.#value, min: this.#min, max: this.#max };
  }
}

export function sinkFor(type: K6MetricType): Sink {
  switch (type) {
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
    case 'rate':
      return new RateSink();
    case 'trend':
      return new TrendSink();
  }
}
