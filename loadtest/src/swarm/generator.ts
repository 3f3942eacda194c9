import { loadSettings, scenarioPlan, type Env, type ScenarioName } from '../scenario/plans.js';
import { Swarm } from './swarm.js';
import { SwarmMetrics, type MetricsData } from './swarm-metrics.js';

/**
 * A load generator: one Swarm and its metrics, reporting once a second. It runs in the main
 * process (one generator) or in each child process (`--generators N`, generator-process.ts);
 * either way the parent sees only its reports.
 */

/** What a generator needs; plain data, so it crosses to a child process as it is. */
export interface GeneratorConfig {
  scenario: ScenarioName;
  /** The environment the plan and settings read (the command line already folded in). */
  env: Env;
  index: number;
  count: number;
  seed: number;
  isIdle: boolean;
  /**
   * When the run started, in ms since the epoch (performance.timeOrigin + performance.now() in
   * the parent): every generator's plan, storms and end count from this one moment, not from
   * when its own start message arrived.
   */
  startEpochMs: number;
}

/** Once a second, and once more at the end (`isDone`). */
export interface GeneratorReport {
  index: number;
  /** Samples since the previous report. */
  metrics: MetricsData;
  playing: number;
  joining: number;
  target: number;
  /** This process's CPU time (user + system) since the previous report, and the wall time. */
  cpuMicros: number;
  wallMs: number;
  isDone: boolean;
}

/** Where a generator's reports and problems go (the parent, in or out of process). */
export interface GeneratorOutput {
  report(report: GeneratorReport): void;
  /** A problem as it happens: the first MAX_PROBLEMS of the run, then one line saying so. */
  problem(index: number, message: string): void;
}

const REPORT_MS = 1000;
/** Problems a generator passes on over a whole run; the metrics count every one. */
const MAX_PROBLEMS = 10;

export interface RunningGenerator {
  /** Resolves after the final report. */
  done: Promise<void>;
  stop(): void;
}

export function runGenerator(config: GeneratorConfig, output: GeneratorOutput): RunningGenerator {
  const plan = scenarioPlan(config.scenario, config.env);
  const settings = loadSettings(config.env, config.scenario);
  const metrics = new SwarmMetrics();
  let problemCount = 0;
  const swarm = new Swarm({
    plan,
    settings,
    generator: { index: config.index, count: config.count },
    // Generators walk apart: each its own random sequence.
    seed: config.seed + config.index * 7919,
    isIdle: config.isIdle,
    metrics,
    onProblem: (message) => {
      problemCount++;
      if (problemCount <= MAX_PROBLEMS) output.problem(config.index, message);
      else if (problemCount === MAX_PROBLEMS + 1)
        output.problem(config.index, 'more problems, not shown (the metrics count them)');
    },
    // The run's start on this process's performance.now() clock.
    startMs: config.startEpochMs - performance.timeOrigin,
  });
  let cpuBefore = process.cpuUsage();
  let wallBefore = performance.now();
  const report = (isDone: boolean): void => {
    const cpu = process.cpuUsage(cpuBefore);
    const now = performance.now();
    output.report({
      index: config.index,
      metrics: metrics.take(),
      ...swarm.counts(),
      cpuMicros: cpu.user + cpu.system,
      wallMs: now - wallBefore,
      isDone,
    });
    cpuBefore = process.cpuUsage();
    wallBefore = now;
  };
  // Once the plan has ended the players are leaving: what they measure goes in the final report.
  const timer = setInterval(() => {
    if (!swarm.isStopping) report(false);
  }, REPORT_MS);
  const done = swarm.run().then(() => {
    clearInterval(timer);
    report(true);
  });
  return { done, stop: () => swarm.stop() };
}
