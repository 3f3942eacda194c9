import { describe, expect, it } from 'vitest';
import { scenarioPlan, loadSettings } from './plans.js';
import { buildSummary, formatSummaryText, summaryOutputs, type SummaryData } from './summary.js';
import { checkThreshold, parseThreshold } from './thresholds.js';

describe('thresholds', () => {
  it('parses k6 expressions and checks them', () => {
    expect(parseThreshold('p(99.9) <= 20')).toEqual({
      aggregation: 'p(99.9)',
      operator: '<=',
      value: 20,
    });
    const values: Record<string, number> = { 'p(95)': 120, count: 0, rate: 0.995 };
    const at = (a: string): number => values[a] ?? Number.NaN;
    expect(checkThreshold('p(95)<100', at)).toEqual({ ok: false, actual: 120 });
    expect(checkThreshold('count==0', at).ok).toBe(true);
    expect(checkThreshold('rate>0.99', at).ok).toBe(true);
    expect(() => parseThreshold('p95 < 100')).toThrow(/not a threshold/);
  });
});

describe('summary', () => {
  const plan = scenarioPlan('smoke', {});
  const settings = loadSettings({ SUMMARY_JSON: 'out/smoke.json' }, 'smoke');
  const data: SummaryData = {
    state: { testRunDurationMs: 11_500 },
    metrics: {
      tickwire_rtt_ms: {
        type: 'trend',
        contains: 'time',
        values: { avg: 3, min: 1, med: 2, max: 40, 'p(90)': 5, 'p(95)': 140, 'p(99)': 30 },
        thresholds: { 'p(95)<100': { ok: false } },
      },
      tickwire_kicks: {
        type: 'counter',
        values: { count: 3, rate: 0.3 },
        thresholds: { 'count==0': { ok: false } },
      },
      tickwire_desyncs: {
        type: 'counter',
        values: { count: 0, rate: 0 },
        thresholds: { 'count==0': { ok: true } },
      },
      'tickwire_kicks{code:4005}': {
        type: 'counter',
        values: { count: 2, rate: 0.2 },
        thresholds: { 'count==0': { ok: false } },
      },
      'tickwire_kicks{code:4006}': {
        type: 'counter',
        values: { count: 0, rate: 0 },
        thresholds: { 'count==0': { ok: true } },
      },
      tickwire_resume_ms: {
        type: 'trend',
        contains: 'time',
        values: { avg: Number.NaN, min: Number.NaN, med: Number.NaN, max: Number.NaN, count: 0 },
      },
      tickwire_resumed: { type: 'rate', values: { rate: 0, passes: 0, fails: 0 } },
      iterations: { type: 'counter', values: { count: 1, rate: 0.1 } },
    },
  };

  it('keeps the verdicts, the values thresholds read, tickwire metrics and kicks by code', () => {
    const s = buildSummary(data, plan, settings);
    expect(s.passed).toBe(false);
    expect(s.durationS).toBe(11.5);
    expect(s.thresholds).toContainEqual({
      metric: 'tickwire_rtt_ms',
      expression: 'p(95)<100',
      ok: false,
      actual: 140,
    });
    expect(Object.keys(s.metrics)).toEqual([
      'tickwire_rtt_ms',
      'tickwire_kicks',
      'tickwire_desyncs',
      'tickwire_resume_ms',
      'tickwire_resumed',
    ]);
    expect(s.kicksByCode).toEqual({ '4005': 2 });
  });

  it('writes the text report to stdout and the JSON to the path asked for', () => {
    const out = summaryOutputs(data, plan, settings);
    expect(Object.keys(out).sort()).toEqual(['out/smoke.json', 'stdout']);
    expect(JSON.parse(out['out/smoke.json'] as string)).toMatchObject({ scenario: 'smoke' });
    const text = formatSummaryText(buildSummary(data, plan, settings));
    expect(text).toMatch(/^tickwire smoke: FAILED \(3 of 5 thresholds\)/);
    expect(text).toContain('✗ tickwire_rtt_ms p(95)<100   (p(95)=140.0ms)');
    expect(text).toContain('✗ tickwire_kicks{code:4005} count==0');
    expect(text).not.toContain('tickwire_kicks{code:4006}');
    // Three kicks, two of them with a code a submetric names.
    expect(text).toContain('KICKS by close code: 4005 ×2, 1 with other codes');
    // Metrics that saw nothing (no storm, no resume) are left out of the text, not of the JSON.
    expect(text).not.toMatch(/tickwire_resume/);
    expect(text).toMatch(/tickwire_desyncs\.+ 0 \(0\.0\/s\)/);
  });
});
