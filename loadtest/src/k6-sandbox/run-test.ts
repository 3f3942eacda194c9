import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { K6Logger } from './console.js';
import { summaryData, writeSummary } from './end-of-test-summary.js';
import type { TestState } from './execution.js';
import { MetricRegistry, type ThresholdVerdict } from './metrics.js';
import type { K6Api } from './k6-api.js';
import {
  maxVusOf,
  rampingVusConfigFrom,
  runRampingVus,
  stagesDurationMs,
  type RampingVusConfig,
} from './ramping-vus.js';
import { VuRuntime, type Bundle } from './vu-runtime.js';

/**
 * `k6 run` in the sandbox: reads the options from a first VU's init context, initializes every VU
 * the scenario needs, runs the ramping-vus scenario, checks the thresholds, hands k6's summary
 * data to handleSummary and writes what it returns. The exit code is k6's.
 */

/** k6's exit codes (grafana/k6 errext/exitcodes). */
export const EXIT_CODES = {
  ok: 0,
  thresholdsFailed: 99,
  invalidConfig: 104,
  scriptException: 107,
  scriptAborted: 108,
} as const;

export interface SandboxRunOptions {
  bundlePath: string;
  /** The script's __ENV. */
  env: Readonly<Record<string, string>>;
  api: K6Api;
  logger: K6Logger;
  /** Where handleSummary's `stdout` goes. */
  stdout: NodeJS.WritableStream;
  /** Relative output paths of handleSummary are relative to this directory. */
  cwd: string;
}

/** k6's default summaryTrendStats. */
const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
const PROGRESS_EVERY_MS = 5000;

/** k6's built-in metrics the sandbox's modules report. */
function defineBuiltinMetrics(registry: MetricRegistry): void {
  registry.define('checks', 'rate');
  registry.define('iterations', 'counter');
  registry.define('iteration_duration', 'trend', 'time');
  registry.define('vus', 'gauge');
  registry.define('vus_max', 'gauge');
  registry.define('ws_sessions', 'counter');
  registry.define('ws_connecting', 'trend', 'time');
  registry.define('ws_session_duration', 'trend', 'time');
  registry.define('ws_msgs_sent', 'counter');
  registry.define('ws_msgs_received', 'counter');
  registry.define('http_reqs', 'counter');
  registry.define('http_req_duration', 'trend', 'time');
  registry.define('http_req_failed', 'rate');
}

function describeError(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'stack' in error))
    return String((error as { stack?: unknown }).stack ?? error);
  return String(error);
}

function trendStatsOf(options: unknown): string[] {
  const stats = (options as { summaryTrendStats?: unknown } | undefined)?.summaryTrendStats;
  return Array.isArray(stats) && stats.every((s) => typeof s === 'string')
    ? (stats as string[])
    : DEFAULT_TREND_STATS;
}

/** Why the run stopped before its end, and the exit code that says so. */
interface RunStop {
  message: string;
  exitCode: number;
}

export async function runK6Test(options: SandboxRunOptions): Promise<number> {
  const { logger } = options;
  let stop: RunStop | null = null;
  let onStop: () => void = () => {};
  const stopped = new Promise<void>((resolveStop) => {
    onStop = resolveStop;
  });
  const stopRun = (message: string, exitCode: number): void => {
    if (stop !== null) return;
    stop = { message, exitCode };
    logger.log('error', message);
    onStop();
  };
  /** Every VU made so far, its init context run or not. */
  const everyVu: VuRuntime[] = [];
  // From the first VU's init context to the end of handleSummary: an unhandled rejection of a
  // VU's promise fails what that VU is running (its init context, an iteration, handleSummary),
  // as in k6. One of no VU is the sandbox's own bug: the run stops with a script error, not with
  // Node's exit 1.
  const onUnhandled = (reason: unknown, promise: Promise<unknown>): void => {
    const owner = everyVu.find((vu) => vu.realm.ownsPromise(promise));
    if (owner === undefined) {
      stopRun(`k6 sandbox: unhandled rejection outside any VU: ${describeError(reason)}`, 107);
      return;
    }
    logger.log('error', `Uncaught (in promise) ${describeError(reason)}`, `VU ${owner.id}`);
    owner.fail(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const exitCode = await runTest(options, everyVu, stopped, stopRun);
    return (stop as RunStop | null)?.exitCode ?? exitCode;
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}

async function runTest(
  options: SandboxRunOptions,
  everyVu: VuRuntime[],
  stopped: Promise<void>,
  stopRun: (message: string, exitCode: number) => void,
): Promise<number> {
  const { logger } = options;
  const bundle: Bundle = {
    path: resolve(options.bundlePath),
    source: await readFile(options.bundlePath, 'utf8'),
  };
  const registry = new MetricRegistry();
  defineBuiltinMetrics(registry);
  const test: TestState & { scenarioName: string; stagesMs: number; options: unknown } = {
    scenarioName: 'default',
    executor: 'ramping-vus',
    scenarioStartMs: 0,
    stagesMs: 0,
    testStartMs: 0,
    vusActive: 0,
    vusInitialized: 0,
    iterationsCompleted: 0,
    iterationsInterrupted: 0,
    iterationsStarted: 0,
    options: undefined,
    abort: (reason) => stopRun(`test aborted: ${reason}`, EXIT_CODES.scriptAborted),
    fail: (message) => stopRun(message, EXIT_CODES.scriptException),
  };
  const newVu = async (id: number): Promise<VuRuntime> => {
    const vu = new VuRuntime({
      id,
      bundle,
      env: options.env,
      api: options.api,
      registry,
      test,
      logger,
    });
    everyVu.push(vu);
    await vu.init();
    return vu;
  };

  // The first VU's init context gives the options, and later runs handleSummary.
  let firstVu: VuRuntime;
  try {
    firstVu = await newVu(0);
  } catch (error) {
    logger.log('error', describeError(error));
    return EXIT_CODES.scriptException;
  }
  const scriptOptions = firstVu.exports['options'];
  let config: RampingVusConfig;
  try {
    config = rampingVusConfigFrom(scriptOptions);
    const thresholds = (scriptOptions as { thresholds?: unknown } | undefined)?.thresholds ?? {};
    registry.setThresholds(thresholds as Record<string, unknown[]>);
  } catch (error) {
    logger.log('error', error instanceof Error ? error.message : String(error));
    return EXIT_CODES.invalidConfig;
  }
  test.scenarioName = config.scenarioName;
  test.stagesMs = stagesDurationMs(config);
  test.options = scriptOptions;
  const trendStats = trendStatsOf(scriptOptions);

  const vus: VuRuntime[] = [];
  try {
    for (let id = 1; id <= maxVusOf(config); id++) {
      vus.push(await newVu(id));
      test.vusInitialized = vus.length;
    }
  } catch (error) {
    logger.log('error', describeError(error));
    return EXIT_CODES.scriptException;
  }
  const vusMax = registry.get('vus_max');
  if (vusMax !== undefined) registry.add(vusMax, vus.length, {});

  logger.log(
    'info',
    `scenario ${config.scenarioName}: ramping-vus, up to ${vus.length} VUs over ${(test.stagesMs / 1000).toFixed(1)} s (+${config.gracefulStopMs / 1000} s graceful stop)`,
  );
  test.testStartMs = Date.now();
  test.scenarioStartMs = test.testStartMs;
  const progress = setInterval(() => {
    logger.log(
      'info',
      `running (${((Date.now() - test.testStartMs) / 1000).toFixed(1)}s), ${test.vusActive}/${vus.length} VUs, ${test.iterationsCompleted} complete and ${test.iterationsInterrupted} interrupted iterations`,
    );
  }, PROGRESS_EVERY_MS);
  const vusGauge = registry.get('vus');
  const iterations = registry.get('iterations');
  const iterationDuration = registry.get('iteration_duration');
  await runRampingVus(
    config,
    vus.map((vu) => ({
      id: vu.id,
      interrupt: (why: string) => vu.interrupt(why),
      runIteration: async (exec: string) => {
        const { end, durationMs } = await vu.runIteration(exec);
        const tags = { scenario: config.scenarioName };
        if (end.kind === 'interrupted') {
          test.iterationsInterrupted++;
          return;
        }
        if (end.kind === 'failed') logger.log('error', describeError(end.error), `VU ${vu.id}`);
        test.iterationsCompleted++;
        if (iterations !== undefined) registry.add(iterations, 1, tags);
        if (iterationDuration !== undefined) registry.add(iterationDuration, durationMs, tags);
      },
    })),
    {
      onActiveVus: (count) => {
        test.vusActive = count;
        if (vusGauge !== undefined) registry.add(vusGauge, count, {});
      },
    },
    { signal: stopped },
  );
  clearInterval(progress);
  const testRunDurationMs = Date.now() - test.testStartMs;
  logger.log(
    'info',
    `done (${(testRunDurationMs / 1000).toFixed(1)}s): ${test.iterationsCompleted} complete and ${test.iterationsInterrupted} interrupted iterations`,
  );

  const verdicts = registry.checkThresholds(testRunDurationMs);
  const data = summaryData(registry, testRunDurationMs, trendStats, verdicts);
  try {
    await writeSummary(firstVu, data, options);
  } catch (error) {
    // k6 logs a failed handleSummary and keeps its exit code (grafana/k6 internal/cmd/run.go).
    logger.log('error', `failed to handle the end-of-test summary: ${describeError(error)}`);
  }
  const failed = verdicts.filter((v) => !v.ok);
  if (failed.length > 0) {
    logger.log('error', `thresholds on metrics ${describeFailed(failed)} have been crossed`);
    return EXIT_CODES.thresholdsFailed;
  }
  return EXIT_CODES.ok;
}

function describeFailed(failed: readonly ThresholdVerdict[]): string {
  return [...new Set(failed.map((v) => `'${v.series}'`))].join(', ');
}
