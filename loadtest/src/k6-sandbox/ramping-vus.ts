import { parseK6DurationMs } from './durations.js';

/**
 * k6's ramping-vus executor: VUs start and stop as the stages ramp (a VU joins when the linear
 * ramp reaches its number, and leaves when it falls below, as k6's execution steps say), each
 * running its function iteration after iteration. A VU the ramp no longer wants finishes its
 * iteration within gracefulRampDown (0: interrupted at once); when the stages end, running
 * iterations get gracefulStop (default 30 s) to finish and are interrupted after.
 */

export interface RampingVusConfig {
  scenarioName: string;
  startVUs: number;
  stages: { durationMs: number; target: number }[];
  gracefulRampDownMs: number;
  gracefulStopMs: number;
  /** The exported function each iteration runs. */
  exec: string;
}

/** From this moment of the scenario (ms from its start), `vus` VUs run. */
export interface VuStep {
  atMs: number;
  vus: number;
}

const DEFAULT_GRACEFUL_MS = 30_000;

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new Error(`${what}: expected an object`);
  return value as Record<string, unknown>;
}

function wholeNumber(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new Error(`${what}: expected a whole number, got ${JSON.stringify(value)}`);
  return value;
}

function durationMs(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new Error(`${what}: expected a duration, got ${JSON.stringify(value)}`);
  return parseK6DurationMs(value, what);
}

/**
 * The one ramping-vus scenario of a script's options (`scenarios`, or the `stages` shortcut);
 * throws, as k6 refuses to start, on anything else the sandbox does not run.
 */
export function rampingVusConfigFrom(options: unknown): RampingVusConfig {
  const o = record(options ?? {}, 'options');
  let name = 'default';
  let scenario: Record<string, unknown>;
  if (o['scenarios'] !== undefined) {
    const entries = Object.entries(record(o['scenarios'], 'options.scenarios'));
    if (entries.length !== 1)
      throw new Error(`the k6 sandbox runs one scenario; the options have ${entries.length}`);
    const [only] = entries as [[string, unknown]];
    name = only[0];
    scenario = record(only[1], `scenarios.${name}`);
  } else if (o['stages'] !== undefined) {
    scenario = { executor: 'ramping-vus', stages: o['stages'], startVUs: o['vus'] ?? 1 };
  } else {
    throw new Error('the k6 sandbox runs a ramping-vus scenario: the options have none');
  }
  if (scenario['executor'] !== 'ramping-vus')
    throw new Error(
      `scenarios.${name}: the k6 sandbox runs the ramping-vus executor only, not ${String(scenario['executor'])}`,
    );
  if (!Array.isArray(scenario['stages']))
    throw new Error(`scenarios.${name}.stages: expected an array`);
  const stages = scenario['stages'].map((raw: unknown, i: number) => {
    const stage = record(raw, `scenarios.${name}.stages[${i}]`);
    return {
      durationMs: durationMs(stage['duration'], `stages[${i}].duration`, Number.NaN),
      target: wholeNumber(stage['target'], `stages[${i}].target`, 0),
    };
  });
  if (stages.some((s) => Number.isNaN(s.durationMs)))
    throw new Error(`scenarios.${name}.stages: every stage needs a duration`);
  return {
    scenarioName: name,
    startVUs: wholeNumber(scenario['startVUs'], `scenarios.${name}.startVUs`, 1),
    stages,
    gracefulRampDownMs: durationMs(
      scenario['gracefulRampDown'],
      'gracefulRampDown',
      DEFAULT_GRACEFUL_MS,
    ),
    gracefulStopMs: durationMs(scenario['gracefulStop'], 'gracefulStop', DEFAULT_GRACEFUL_MS),
    exec: typeof scenario['exec'] === 'string' ? scenario['exec'] : 'default',
  };
}

/** How long the stages take. */
export function stagesDurationMs(config: RampingVusConfig): number {
  return config.stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/** The most VUs any moment needs: k6 initializes this many before the test starts. */
export function maxVusOf(config: RampingVusConfig): number {
  return Math.max(config.startVUs, ...config.stages.map((s) => s.target));
}

/**
 * When the number of running VUs changes. Within a stage from `from` to `to` VUs over `d` ms,
 * the i-th step comes at `start + d * i / |to - from|` (grafana/k6 lib/executor/ramping_vus.go,
 * getRawExecutionSteps): a ramp up starts VU n when the line reaches n, a ramp down stops one
 * each time the line passes the next whole number down.
 */
export function rampingVuSteps(startVUs: number, stages: RampingVusConfig['stages']): VuStep[] {
  const steps: VuStep[] = [{ atMs: 0, vus: startVUs }];
  const add = (atMs: number, vus: number): void => {
    if ((steps.at(-1) as VuStep).vus !== vus) steps.push({ atMs, vus });
  };
  let from = startVUs;
  let startMs = 0;
  for (const stage of stages) {
    const to = stage.target;
    const diff = to - from;
    if (diff !== 0) {
      if (stage.durationMs === 0) {
        add(startMs, to);
      } else {
        const sign = Math.sign(diff);
        const count = Math.abs(diff);
        for (let i = 1; i <= count; i++)
          add(startMs + (stage.durationMs * i) / count, from + sign * i);
      }
    }
    from = to;
    startMs += stage.durationMs;
  }
  return steps;
}

/** A VU as the executor drives it. */
export interface ExecutorVu {
  readonly id: number;
  runIteration(exec: string): Promise<unknown>;
  interrupt(why: string): void;
}

export interface ExecutorHooks {
  /** The number of running VUs changed. */
  onActiveVus(count: number): void;
}

/** The executor's clock and timers: the real ones in a run, a manual one in the tests. */
export interface ExecutorClock {
  nowMs(): number;
  /** Calls `callback` in `delayMs`; returns what cancels it. */
  after(delayMs: number, callback: () => void): () => void;
}

export const REAL_EXECUTOR_CLOCK: ExecutorClock = {
  nowMs: () => Date.now(),
  after(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};

export interface ExecutorControl {
  /** Resolves when the test is aborted (exec.test.abort, or a run failure): every VU stops. */
  signal: Promise<void>;
  /** Default REAL_EXECUTOR_CLOCK. */
  clock?: ExecutorClock;
}

/**
 * Runs the scenario on `vus` (ids 1..maxVUs, in order: VUs start lowest first and stop highest
 * first) until every VU is done; `control.signal` ends it early.
 */
export async function runRampingVus(
  config: RampingVusConfig,
  vus: readonly ExecutorVu[],
  hooks: ExecutorHooks,
  control: ExecutorControl,
): Promise<void> {
  const clock = control.clock ?? REAL_EXECUTOR_CLOCK;
  const startMs = clock.nowMs();
  const endMs = startMs + stagesDurationMs(config);
  const isWanted = new Map<ExecutorVu, boolean>();
  const running = new Map<ExecutorVu, Promise<void>>();
  const cancels: (() => void)[] = [];
  let isOver = false;

  const activate = (vu: ExecutorVu): void => {
    isWanted.set(vu, true);
    if (running.has(vu)) return;
    const loop = (async () => {
      while (isWanted.get(vu) === true && !isOver && clock.nowMs() < endMs) {
        await vu.runIteration(config.exec);
      }
      running.delete(vu);
    })();
    running.set(vu, loop);
  };

  const deactivate = (vu: ExecutorVu): void => {
    isWanted.set(vu, false);
    if (!running.has(vu)) return;
    if (config.gracefulRampDownMs === 0) {
      vu.interrupt('gracefulRampDown 0s');
      return;
    }
    cancels.push(
      clock.after(config.gracefulRampDownMs, () => {
        if (isWanted.get(vu) !== true) vu.interrupt('gracefulRampDown elapsed');
      }),
    );
  };

  const setActive = (count: number): void => {
    vus.forEach((vu, i) => {
      if (i < count && isWanted.get(vu) !== true) activate(vu);
      else if (i >= count && isWanted.get(vu) === true) deactivate(vu);
    });
    hooks.onActiveVus(Math.min(count, vus.length));
  };

  for (const step of rampingVuSteps(config.startVUs, config.stages)) {
    if (step.atMs === 0) setActive(step.vus);
    else cancels.push(clock.after(step.atMs, () => setActive(step.vus)));
  }

  const stagesEnded = new Promise<void>((resolve) => {
    cancels.push(clock.after(endMs - startMs, resolve));
  });
  let isAborted = false;
  await Promise.race([stagesEnded, control.signal.then(() => (isAborted = true))]);
  isOver = true;
  for (const cancel of cancels) cancel();
  const stopAll = (why: string): void => {
    for (const vu of running.keys()) vu.interrupt(why);
  };
  if (isAborted) stopAll('test aborted');
  const cancelGraceful = clock.after(config.gracefulStopMs, () => stopAll('gracefulStop elapsed'));
  void control.signal.then(() => stopAll('test aborted'));
  while (running.size > 0) await Promise.race([...running.values()]);
  cancelGraceful();
  hooks.onActiveVus(0);
}
