import { describe, expect, it } from 'vitest';
import { seededRandom } from '../scenario/random-walk.js';
import { LogHistogram, RELATIVE_ACCURACY } from './histogram.js';

/** k6's percentile of samples: linear interpolation at rank p/100 × (n - 1) of the sorted samples. */
function exactPercentile(samples: readonly number[], p: number): number {
  const sorted = Float64Array.from(samples).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(sorted.length - 1, below + 1)] as number;
  return lower + (upper - lower) * (rank - below);
}

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];

function expectWithinAccuracy(estimate: number, exact: number): void {
  // The bound is α of the samples the interpolation reads; a hair more for floating point.
  expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(
    Math.abs(exact) * RELATIVE_ACCURACY * 1.0001 + 1e-9,
  );
}

/** Samples like a load test's: snapshot intervals near 33 ms with a long tail, and sizes. */
function distributions(): Record<string, number[]> {
  const random = seededRandom(11);
  const normal = (): number =>
    Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const n = 20_000;
  return {
    'log-normal (rtt-like)': Array.from({ length: n }, () => Math.exp(0.5 + normal())),
    'snapshot intervals': Array.from({ length: n }, () =>
      random() < 0.98 ? 33.3 + normal() * 2 : 33.3 + random() * 500,
    ),
    'uniform bytes 1..64k': Array.from({ length: n }, () => 1 + Math.floor(random() * 65536)),
    'a few samples': [12.5, 80, 3.1, 45],
    'with zeros': Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 0 : i / 7)),
  };
}

describe('LogHistogram', () => {
  for (const [name, samples] of Object.entries(distributions())) {
    it(`gives every percentile within 1 % of the exact one: ${name}`, () => {
      const h = new LogHistogram();
      for (const v of samples) h.add(v);
      for (const p of PERCENTILES)
        expectWithinAccuracy(h.percentile(p), exactPercentile(samples, p));
      expect(h.count).toBe(samples.length);
      expect(h.min).toBe(Math.min(...samples));
      expect(h.max).toBe(Math.max(...samples));
      expect(h.mean).toBeCloseTo(samples.reduce((a, b) => a + b, 0) / samples.length, 9);
    });
  }

  it('merged from parts (as generators ship them, through JSON) equals one fed every sample', () => {
    const samples = distributions()['log-normal (rtt-like)'] as number[];
    const whole = new LogHistogram();
    const parts = [new LogHistogram(), new LogHistogram(), new LogHistogram()];
    samples.forEach((v, i) => {
      whole.add(v);
      (parts[i % 3] as LogHistogram).add(v);
    });
    const merged = new LogHistogram();
    for (const part of parts) merged.merge(JSON.parse(JSON.stringify(part.toData())));
    expect(merged.toData()).toEqual({ ...whole.toData(), sum: merged.sum });
    expect(merged.sum).toBeCloseTo(whole.sum, 6);
    for (const p of PERCENTILES) expect(merged.percentile(p)).toBe(whole.percentile(p));
  });

  it('merges histograms whose buckets do not overlap, either way round', () => {
    const small = new LogHistogram();
    const large = new LogHistogram();
    const samples: number[] = [];
    for (let i = 1; i <= 100; i++) {
      small.add(i / 1000);
      large.add(i * 1000);
      samples.push(i / 1000, i * 1000);
    }
    // Through the data form, as a generator's histogram reaches the parent.
    const a = new LogHistogram();
    a.merge(small.toData());
    a.merge(large);
    const b = new LogHistogram();
    b.merge(large.toData());
    b.merge(small);
    expect(a.toData()).toEqual(b.toData());
    expect(a.count).toBe(200);
    for (const p of PERCENTILES) expectWithinAccuracy(a.percentile(p), exactPercentile(samples, p));
  });

  it('is empty until a sample comes: NaN percentiles and mean', () => {
    const h = new LogHistogram();
    expect(h.percentile(95)).toBeNaN();
    expect(h.mean).toBeNaN();
    h.merge(new LogHistogram());
    expect(h.count).toBe(0);
    h.add(7);
    expect(h.percentile(0)).toBe(7);
    expect(h.percentile(95)).toBe(7);
  });
});
