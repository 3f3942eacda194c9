import type { RunResult } from './run-scenario.js';

type Figures = Omit<RunResult, 'mode' | 'errors' | 'failure'>;

/** The JSON record for one N: the delta figures, the baseline's under `baseline`, and ratios. */
export interface BenchRecord extends Figures {
  runs: number;
  /** Runs of tickwire that produced no figures, and why (see RunResult.failure). */
  failures: string[];
  /** null when the run skipped it (`--tickwire-only`). */
  baseline: (Figures & { failures: string[] }) | null;
  /** delta / baseline for each figure where a ratio means something. */
  ratios: Record<string, number>;
}

const RATIO_KEYS = [
  'bytesPerClientPerSec',
  'bytesPerEntityUpdate',
  'bytesPerRecord',
  'cpuMicrosPerClientTick',
  'tickP50Ms',
  'tickP99Ms',
  'rssMB',
] as const;

/**
 * Median of each numeric figure over the runs that produced figures; error counts are summed
 * over all runs, not medianed. A failed run's reason goes to `failures`.
 */
export function combineRuns(runs: RunResult[]): Figures & { failures: string[] } {
  const first = runs[0];
  if (!first) throw new Error('no runs');
  const measured = runs.filter((r) => r.failure === null);
  const out: Record<string, number> = {};
  for (const key of Object.keys(first) as (keyof RunResult)[]) {
    if (key === 'mode' || key === 'errors' || key === 'failure') continue;
    const isCount =
      key === 'disconnects' ||
      key === 'decodeErrors' ||
      key === 'desyncs' ||
      key === 'snapshotsSkipped' ||
      key === 'ticksSkipped';
    const from = isCount || measured.length === 0 ? runs : measured;
    const values = from.map((r) => r[key] as number).sort((a, b) => a - b);
    out[key] = isCount
      ? values.reduce((a, b) => a + b, 0)
      : (values[Math.floor((values.length - 1) / 2)] as number);
  }
  const failures = runs.flatMap((r) => (r.failure === null ? [] : [r.failure]));
  return { ...(out as unknown as Figures), failures };
}

/** `baseline` empty: tickwire alone (no baseline figures, no ratios). */
export function toRecord(delta: RunResult[], baseline: RunResult[]): BenchRecord {
  const d = combineRuns(delta);
  const b = baseline.length > 0 ? combineRuns(baseline) : null;
  const ratios: Record<string, number> = {};
  if (b !== null) for (const key of RATIO_KEYS) ratios[key] = d[key] / b[key];
  return { ...d, runs: delta.length, baseline: b, ratios };
}

const f = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** A markdown table: each figure for tickwire, the baseline and their ratio. */
export function formatTable(records: BenchRecord[]): string {
  const rows: string[] = [
    '| N | system | bytes/client/s | B/entity-update | B/record | CPU µs/client-tick | tick p50 / p99 ms | tick interval p99 ms | inter-arrival p50 / p99 ms | ticks/s (skipped) | RSS MB | KB/conn | disconnects / decode errors / desyncs | skipped snapshots | generator CPU % |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of records) {
    for (const [name, x] of [
      ['tickwire (AOI deltas)', r],
      ['baseline (full msgpack broadcast)', r.baseline],
    ] as const) {
      if (x === null) continue;
      rows.push(
        `| ${r.clients} | ${name} | ${f(x.bytesPerClientPerSec, 0)} | ${f(x.bytesPerEntityUpdate, 2)} | ${f(x.bytesPerRecord, 1)} | ${f(x.cpuMicrosPerClientTick, 2)} | ${f(x.tickP50Ms, 2)} / ${f(x.tickP99Ms, 2)} | ${f(x.tickIntervalP99Ms, 2)} | ${f(x.interArrivalP50Ms)} / ${f(x.interArrivalP99Ms)} | ${f(x.ticksPerSec, 1)} (${x.ticksSkipped}) | ${f(x.rssMB, 0)} | ${f(x.kbPerConnection, 1)} | ${x.disconnects} / ${x.decodeErrors} / ${x.desyncs} | ${x.snapshotsSkipped} | ${f(x.generatorCpuPercent, 0)} |`,
      );
    }
    const q = r.ratios;
    if (r.baseline === null) continue;
    rows.push(
      `| ${r.clients} | ratio tickwire / baseline | ${f(q.bytesPerClientPerSec ?? NaN, 3)} | ${f(q.bytesPerEntityUpdate ?? NaN, 2)} | ${f(q.bytesPerRecord ?? NaN, 2)} | ${f(q.cpuMicrosPerClientTick ?? NaN, 2)} | ${f(q.tickP50Ms ?? NaN, 2)} / ${f(q.tickP99Ms ?? NaN, 2)} | | | | ${f(q.rssMB ?? NaN, 2)} | | | | |`,
    );
  }
  for (const r of records) {
    for (const [name, x] of [
      ['tickwire', r],
      ['baseline', r.baseline],
    ] as const) {
      if (x === null || x.failures.length === 0) continue;
      rows.push(
        '',
        `N=${r.clients} ${name}: ${x.failures.length} of ${r.runs} runs failed (figures from the rest): ${[...new Set(x.failures)].join('; ')}`,
      );
    }
  }
  return rows.join('\n');
}
