import { METRICS, type MetricName } from './metrics.js';
import type { LoadSettings, ScenarioPlan } from './plans.js';
import { checkThreshold, thresholdAggregation } from './thresholds.js';

/**
 * The end-of-test summary, from the data k6 hands to handleSummary (the swarm builds the same
 * shape): a readable text report and a JSON file. One home for both runtimes.
 *
 * Plain module: no Node, no k6.
 */

/** One metric of k6's handleSummary data (the parts read here). */
export interface SummaryMetric {
  type: 'trend' | 'counter' | 'rate' | 'gauge';
  contains?: string;
  /** trend: avg, min, med, max, p(90), p(95), p(99); counter: count, rate; rate: rate, passes, fails. */
  values: Record<string, number>;
  /** As k6 reports them: `{ 'p(95)<200': { ok: true } }`. */
  thresholds?: Record<string, { ok: boolean }>;
}

/** k6's handleSummary argument (the parts read here). */
export interface SummaryData {
  metrics: Record<string, SummaryMetric>;
  state: { testRunDurationMs: number };
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  /** The value the expression read (NaN: the metric had no samples). */
  actual: number;
}

/** The JSON summary's shape (README, "Load tests"). */
export interface LoadSummary {
  scenario: string;
  description: string;
  url: string;
  game: string;
  durationS: number;
  passed: boolean;
  thresholds: ThresholdResult[];
  /** Every tickwire_* metric's aggregate, as k6 reported it. */
  metrics: Record<string, Record<string, number>>;
  /** Connections the server closed, by close code (only codes that happened). */
  kicksByCode: Record<string, number>;
}

/** Per threshold of the data, with the value it read (k6 itself only says ok or not). */
export function thresholdResults(data: SummaryData): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [metric, m] of Object.entries(data.metrics)) {
    for (const [expression, verdict] of Object.entries(m.thresholds ?? {})) {
      const { actual } = checkThreshold(expression, (a) => m.values[a] ?? Number.NaN);
      results.push({ metric, expression, ok: verdict.ok, actual });
    }
  }
  return results;
}

export function buildSummary(
  data: SummaryData,
  plan: ScenarioPlan,
  settings: LoadSettings,
): LoadSummary {
  const thresholds = thresholdResults(data);
  const metrics: Record<string, Record<string, number>> = {};
  const kicksByCode: Record<string, number> = {};
  for (const [name, m] of Object.entries(data.metrics)) {
    if (!name.startsWith('tickwire_')) continue;
    const code = /^tickwire_kicks\{code:(\d+)\}$/.exec(name)?.[1];
    if (code !== undefined) {
      if ((m.values['count'] ?? 0) > 0) kicksByCode[code] = m.values['count'] as number;
      continue;
    }
    metrics[name] = { ...m.values };
  }
  return {
    scenario: plan.name,
    description: plan.description,
    url: settings.url,
    game: settings.game,
    durationS: data.state.testRunDurationMs / 1000,
    passed: thresholds.every((t) => t.ok),
    thresholds,
    metrics,
    kicksByCode,
  };
}

const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'] as const;

function formatValue(value: number | undefined, contains: string | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  if (contains === 'time') return `${value.toFixed(value < 10 ? 2 : 1)}ms`;
  if (contains === 'data') return `${value.toFixed(0)}B`;
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

function formatMetric(name: string, m: Record<string, number>): string {
  const definition = METRICS[name as MetricName];
  const contains = definition?.contains;
  switch (definition?.type) {
    case 'trend':
      return TREND_STATS.map((s) => `${s}=${formatValue(m[s], contains)}`).join(' ');
    case 'counter':
      return `${m['count'] ?? 0} (${(m['rate'] ?? 0).toFixed(1)}/s)`;
    case 'rate':
      return `${((m['rate'] ?? 0) * 100).toFixed(2)}% (${m['passes'] ?? 0} of ${(m['passes'] ?? 0) + (m['fails'] ?? 0)})`;
    default:
      return JSON.stringify(m);
  }
}

/**
 * Whether a metric saw anything: a trend or rate without samples (the resume metrics outside
 * reconnect-storm) is left out of the text; counters always show, 0 included.
 */
function hasSamples(name: string, m: Record<string, number>): boolean {
  switch (METRICS[name as MetricName]?.type) {
    case 'trend':
      return m['count'] !== undefined ? m['count'] > 0 : Number.isFinite(m['avg'] ?? Number.NaN);
    case 'rate':
      return (m['passes'] ?? 0) + (m['fails'] ?? 0) > 0;
    default:
      return true;
  }
}

/** The readable report: verdict, thresholds with the values they read, every metric, kicks. */
export function formatSummaryText(summary: LoadSummary): string {
  const lines: string[] = [];
  const failed = summary.thresholds.filter((t) => !t.ok);
  lines.push(
    `tickwire ${summary.scenario}: ${summary.passed ? 'PASSED' : `FAILED (${failed.length} of ${summary.thresholds.length} thresholds)`}`,
    `  ${summary.description}; ${summary.game} at ${summary.url}; ran ${summary.durationS.toFixed(1)} s`,
    '',
    'THRESHOLDS',
  );
  // Kick submetrics that held are noise: show them only when they failed.
  for (const t of summary.thresholds) {
    if (t.ok && t.metric.startsWith('tickwire_kicks{')) continue;
    const contains = METRICS[t.metric as MetricName]?.contains;
    const aggregation = thresholdAggregation(t.expression);
    lines.push(
      `  ${t.ok ? '✓' : '✗'} ${t.metric} ${t.expression}   (${aggregation}=${formatValue(t.actual, contains)})`,
    );
  }
  lines.push('', 'METRICS');
  const width = Math.max(...Object.keys(summary.metrics).map((n) => n.length)) + 2;
  for (const [name, values] of Object.entries(summary.metrics)) {
    if (!hasSamples(name, values)) continue;
    lines.push(`  ${name.padEnd(width, '.')} ${formatMetric(name, values)}`);
  }
  const codes = Object.entries(summary.kicksByCode);
  const total = summary.metrics['tickwire_kicks']?.['count'] ?? 0;
  const named = codes.reduce((sum, [, n]) => sum + n, 0);
  // A code no submetric names (k6 only breaks down the codes the thresholds list) still shows.
  const other = total > named ? [`${total - named} with other codes`] : [];
  const parts = [...codes.map(([code, n]) => `${code} ×${n}`), ...other];
  lines.push(
    '',
    parts.length === 0
      ? 'KICKS: none'
      : `KICKS by close code: ${parts.join(', ')} (PROTOCOL.md, close codes)`,
  );
  return lines.join('\n') + '\n';
}

/**
 * What handleSummary returns: the text report on stdout and the JSON at the settings' path. The
 * swarm writes the same two.
 */
export function summaryOutputs(
  data: SummaryData,
  plan: ScenarioPlan,
  settings: LoadSettings,
): Record<string, string> {
  const summary = buildSummary(data, plan, settings);
  return {
    stdout: formatSummaryText(summary),
    [settings.summaryPath]: JSON.stringify(summary, null, 2) + '\n',
  };
}
