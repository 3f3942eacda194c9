import type { RunResult } from './run-scenario.js';

type Figures = Omit<RunResult, 'mode' | 'errors' | 'failure'>;
/** One system's figures over the runs (medians), and why runs failed. */
export type SystemFigures = Figures & { failures: string[] };

/**
 * The JSON record for one N: tickwire's figures, the baseline's under `baseline` and the floor's
 * under `floor`, and tickwire's ratios to each.
 */
export interface BenchRecord extends Figures {
  runs: number;
  /** Runs of tickwire that produced no figures, and why (see RunResult.failure). */
  failures: string[];
  /** null when the run skipped it (`--tickwire-only`). */
  baseline: SystemFigures | null;
  /** delta / baseline for each figure where a ratio means something. */
  ratios: Record<string, number>;
  /** The floor (bare uWS, one frame of tickwire's mean size per client per tick); null when skipped. */
  floor: SystemFigures | null;
  /** delta / floor for each figure where a ratio means something (empty without a floor). */
  floorRatios: Record<string, number>;
  /**
   * tickwire's server CPU µs per client-tick minus the floor's (medians): the work that is ours,
   * above what any uWS server pays to hold these clients. NaN without a floor (null in JSON).
   */
  ownCpuMicrosPerClientTick: number;
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

/** The floor decodes nothing and has no entities: no per-update or per-record bytes. */
const FLOOR_RATIO_KEYS = [
  'bytesPerClientPerSec',
  'cpuMicrosPerClientTick',
  'tickP50Ms',
  'tickP99Ms',
  'rssMB',
] as const;

/**
 * Median of each numeric figure over the runs that produced figures; error counts are summed
 * over all runs, not medianed. A failed run's reason goes to `failures`.
 */
export function combineRuns(runs: RunResult[]): SystemFigures {
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

/** `baseline` or `floor` empty: that system was skipped (no figures, no ratios). */
export function toRecord(
  delta: RunResult[],
  baseline: RunResult[],
  floor: RunResult[] = [],
): BenchRecord {
  const d = combineRuns(delta);
  const b = baseline.length > 0 ? combineRuns(baseline) : null;
  const fl = floor.length > 0 ? combineRuns(floor) : null;
  const ratios: Record<string, number> = {};
  if (b !== null) for (const key of RATIO_KEYS) ratios[key] = d[key] / b[key];
  const floorRatios: Record<string, number> = {};
  if (fl !== null) for (const key of FLOOR_RATIO_KEYS) floorRatios[key] = d[key] / fl[key];
  return {
    ...d,
    runs: delta.length,
    baseline: b,
    ratios,
    floor: fl,
    floorRatios,
    ownCpuMicrosPerClientTick:
      fl === null ? Number.NaN : d.cpuMicrosPerClientTick - fl.cpuMicrosPerClientTick,
  };
}

const f = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/**
 * Under a per-client byte budget (--max-bytes-per-client-s), tickwire's figures against it: the
 * bytes that arrived per client per second and their share of the budget, how long entities in
 * view waited (the server's staleness histogram) and how many records waited. Nothing without a
 * budget.
 */
export function formatBudgetTable(records: BenchRecord[]): string[] {
  const budgeted = records.filter((r) => r.budgetBytesPerClientS > 0);
  if (budgeted.length === 0) return [];
  const rows = [
    '',
    '| N | budget B/client/s | bytes/client/s | share of the budget | staleness p50 / p99 / max ticks | records withheld /client/s |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of budgeted) {
    rows.push(
      `| ${r.clients} | ${r.budgetBytesPerClientS} | ${f(r.bytesPerClientPerSec, 0)} | ${f(r.bytesPerClientPerSec / r.budgetBytesPerClientS, 2)} | ${f(r.stalenessP50Ticks, 1)} / ${f(r.stalenessP99Ticks, 1)} / ${f(r.stalenessMaxTicks, 0)} | ${f(r.recordsWithheldPerClientPerSec, 1)} |`,
    );
  }
  return rows;
}

/** A markdown table: each figure for tickwire, the baseline and the floor, and tickwire's ratios to both. */
export function formatTable(records: BenchRecord[]): string {
  const rows: string[] = [
    '| N | system | bytes/client/s | B/entity-update | B/record | CPU µs/client-tick | tick p50 / p99 ms | tick interval p99 ms | inter-arrival p50 / p99 ms | ticks/s (skipped) | RSS MB | KB/conn | disconnects / decode errors / desyncs | skipped snapshots | generator CPU % |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of records) {
    const floorName = `floor (bare uWS, ${f(r.floor?.meanFrameBytes ?? NaN, 0)} B frames)`;
    for (const [name, x] of [
      ['tickwire (AOI deltas)', r],
      ['baseline (full msgpack broadcast)', r.baseline],
      [floorName, r.floor],
    ] as const) {
      if (x === null) continue;
      rows.push(
        `| ${r.clients} | ${name} | ${f(x.bytesPerClientPerSec, 0)} | ${f(x.bytesPerEntityUpdate, 2)} | ${f(x.bytesPerRecord, 1)} | ${f(x.cpuMicrosPerClientTick, 2)} | ${f(x.tickP50Ms, 2)} / ${f(x.tickP99Ms, 2)} | ${f(x.tickIntervalP99Ms, 2)} | ${f(x.interArrivalP50Ms)} / ${f(x.interArrivalP99Ms)} | ${f(x.ticksPerSec, 1)} (${x.ticksSkipped}) | ${f(x.rssMB, 0)} | ${f(x.kbPerConnection, 1)} | ${x.disconnects} / ${x.decodeErrors} / ${x.desyncs} | ${x.snapshotsSkipped} | ${f(x.generatorCpuPercent, 0)} |`,
      );
    }
    for (const [name, q, x] of [
      ['ratio tickwire / baseline', r.ratios, r.baseline],
      ['ratio tickwire / floor', r.floorRatios, r.floor],
    ] as const) {
      if (x === null) continue;
      rows.push(
        `| ${r.clients} | ${name} | ${f(q.bytesPerClientPerSec ?? NaN, 3)} | ${f(q.bytesPerEntityUpdate ?? NaN, 2)} | ${f(q.bytesPerRecord ?? NaN, 2)} | ${f(q.cpuMicrosPerClientTick ?? NaN, 2)} | ${f(q.tickP50Ms ?? NaN, 2)} / ${f(q.tickP99Ms ?? NaN, 2)} | | | | ${f(q.rssMB ?? NaN, 2)} | | | | |`,
      );
    }
    if (r.floor !== null) {
      rows.push(
        `| ${r.clients} | tickwire − floor (our own work) | | | | ${f(r.ownCpuMicrosPerClientTick, 2)} | | | | | | | | | |`,
      );
    }
  }
  rows.push(...formatBudgetTable(records));
  for (const r of records) {
    for (const [name, x] of [
      ['tickwire', r],
      ['baseline', r.baseline],
      ['floor', r.floor],
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
