import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { MetricRegistry, SummaryMetricData, ThresholdVerdict } from './metrics.js';
import type { VuRuntime } from './vu-runtime.js';

/**
 * The end of a run: the data k6 hands to handleSummary (its legacy summary shape), and what
 * handleSummary returns written where it says (stdout, stderr, files).
 */

export interface EndOfTestSummaryData {
  root_group: { name: string; path: string; id: string; groups: never[]; checks: never[] };
  options: { summaryTrendStats: readonly string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetricData>;
}

export interface SummaryTarget {
  /** Where handleSummary's `stdout` goes. */
  stdout: NodeJS.WritableStream;
  /** Relative output paths of handleSummary are relative to this directory. */
  cwd: string;
}

export function summaryData(
  registry: MetricRegistry,
  testRunDurationMs: number,
  trendStats: readonly string[],
  verdicts: readonly ThresholdVerdict[],
): EndOfTestSummaryData {
  return {
    root_group: {
      name: '',
      path: '',
      id: 'd41d8cd98f00b204e9800998ecf8427e',
      groups: [],
      checks: [],
    },
    options: { summaryTrendStats: trendStats, summaryTimeUnit: '', noColor: false },
    state: {
      isStdOutTTY: false,
      isStdErrTTY: Boolean(process.stderr.isTTY),
      testRunDurationMs,
    },
    metrics: registry.summaryMetrics(testRunDurationMs, trendStats, verdicts),
  };
}

/** handleSummary's outputs, or a plain metrics list when the script exports none. */
export async function writeSummary(
  vu: VuRuntime,
  data: EndOfTestSummaryData,
  target: SummaryTarget,
): Promise<void> {
  if (typeof vu.exports['handleSummary'] !== 'function') {
    const lines = Object.entries(data.metrics).map(
      ([name, m]) =>
        `  ${name}: ${Object.entries(m.values)
          .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`)
          .join(' ')}`,
    );
    target.stdout.write(`${lines.join('\n')}\n`);
    return;
  }
  const outputs = await vu.callHandleSummary(data);
  if (typeof outputs !== 'object' || outputs === null) return;
  for (const [name, content] of Object.entries(outputs as Record<string, unknown>)) {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    if (name === 'stdout') target.stdout.write(text);
    else if (name === 'stderr') process.stderr.write(text);
    else await writeFile(resolve(target.cwd, name), text);
  }
}
