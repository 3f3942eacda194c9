import { planDurationS, scenarioPlan, loadSettings, type LoadSettings } from '../scenario/plans.js';
import type { ScenarioPlan } from '../scenario/plans.js';
import type { SummaryData } from '../scenario/summary.js';
import type { GeneratorReport } from './generator.js';
import { startGenerators, type GeneratorSettings, type Generators } from './generators.js';
import type { ProgressPrinter, ProgressStats } from './progress.js';
import { summaryData } from './summary-data.js';
import { MetricsAggregate } from './swarm-metrics.js';

/**
 * A whole swarm run, in the parent: starts the generators, merges their reports into the run's
 * metrics, prints the progress line once a second, and when every generator is done builds k6's
 * summary data from the merged metrics.
 */

export interface SwarmRunResult {
  plan: ScenarioPlan;
  settings: LoadSettings;
  data: SummaryData;
  /** Generators that died before their last report. */
  failures: string[];
}

export interface SwarmRunOptions {
  generator: GeneratorSettings;
  generators: number;
  progress: ProgressPrinter;
  /** Called once the generators run, with a way to end the run early (Ctrl-C). */
  onStarted?: (stop: () => void) => void;
}

interface GeneratorState {
  playing: number;
  joining: number;
  target: number;
  cpuPercent: number;
}

/** Longest wait for every generator's report before the progress line is printed anyway. */
const LATE_PRINT_MS = 2000;

export async function runSwarm(o: SwarmRunOptions): Promise<SwarmRunResult> {
  const { scenario, env } = o.generator;
  // The command line has checked both (cli.ts): these read what the generators will.
  const plan = scenarioPlan(scenario, env);
  const settings = loadSettings(env, scenario);
  const total = new MetricsAggregate();
  let interval = new MetricsAggregate();
  const states = new Map<number, GeneratorState>();
  /** Generators heard from since the last progress line. */
  const fresh = new Set<number>();
  let startMs = performance.now();
  let lastPrintMs = startMs;
  const print = (): void => {
    const nowMs = performance.now();
    const seconds = Math.max(1e-3, (nowMs - lastPrintMs) / 1000);
    lastPrintMs = nowMs;
    o.progress.line(
      progressStats(total, interval, [...states.values()], seconds, {
        elapsedS: (nowMs - startMs) / 1000,
        totalS: planDurationS(plan),
      }),
    );
    interval = new MetricsAggregate();
    fresh.clear();
  };
  const onReport = (r: GeneratorReport): void => {
    total.merge(r.metrics);
    interval.merge(r.metrics);
    // A final report has the players gone: the last line stays as it was.
    if (r.isDone) return;
    states.set(r.index, {
      playing: r.playing,
      joining: r.joining,
      target: r.target,
      cpuPercent: r.wallMs > 0 ? (r.cpuMicros / 1000 / r.wallMs) * 100 : 0,
    });
    // A line per second once every generator has reported its second.
    fresh.add(r.index);
    if (fresh.size === o.generators) print();
  };

  /** Problems already printed: generators meeting the same trouble say it once. */
  const told = new Set<string>();
  const onProblem = (index: number, message: string): void => {
    if (told.has(message)) return;
    told.add(message);
    o.progress.note(`generator ${index}: ${message}`);
  };

  const generators: Generators = await startGenerators(o.generator, o.generators, {
    report: onReport,
    problem: onProblem,
  });
  o.onStarted?.(generators.stop);
  startMs = generators.startMs;
  lastPrintMs = startMs;
  // A generator too busy to report on time: the line comes anyway, from the others.
  const lateTimer = setInterval(() => {
    if (performance.now() - lastPrintMs > LATE_PRINT_MS) print();
  }, LATE_PRINT_MS / 4);
  const { failures } = await generators.done;
  clearInterval(lateTimer);
  o.progress.end();
  for (const failure of failures) o.progress.note(failure);
  return { plan, settings, data: summaryData(total, plan, performance.now() - startMs), failures };
}

export function progressStats(
  total: MetricsAggregate,
  interval: MetricsAggregate,
  generators: readonly GeneratorState[],
  seconds: number,
  time: { elapsedS: number; totalS: number },
): ProgressStats {
  const sum = (read: (g: GeneratorState) => number): number =>
    generators.reduce((n, g) => n + read(g), 0);
  return {
    ...time,
    playing: sum((g) => g.playing),
    target: sum((g) => g.target),
    joining: sum((g) => g.joining),
    joinsPerS:
      (interval.count('tickwire_join_ms') + interval.count('tickwire_resume_ms')) / seconds,
    snapshotsPerS: interval.count('tickwire_snapshots') / seconds,
    bytesPerS: interval.histogram('tickwire_snapshot_bytes').sum / seconds,
    desyncs: total.count('tickwire_desyncs'),
    kicks: total.count('tickwire_kicks'),
    rttP95Ms: interval.histogram('tickwire_rtt_ms').percentile(95),
    generatorCpuPercent: generators.map((g) => g.cpuPercent),
  };
}
