import type { ModuleHost } from './module-host.js';

/**
 * k6/execution for one VU: what the test, its one scenario and this VU are doing now. As in k6,
 * the VU's and the scenario's information exist only while an iteration runs.
 */

/** The run as a whole, shared by every VU. */
export interface TestState {
  readonly scenarioName: string;
  readonly executor: string;
  /** Date.now() when the scenario started; 0 before. */
  scenarioStartMs: number;
  /** The scenario's stages in ms (its progress runs over them). */
  readonly stagesMs: number;
  testStartMs: number;
  vusActive: number;
  vusInitialized: number;
  iterationsCompleted: number;
  iterationsInterrupted: number;
  /** Iterations started in the test (the next one's iterationInTest). */
  iterationsStarted: number;
  readonly options: unknown;
  /** exec.test.abort(): the run stops at once and exits 108. */
  abort(reason: string): void;
  /** An error k6 would not survive (a hang): the run stops at once and exits 107. */
  fail(message: string): void;
}

/** This VU's counters. */
export interface VuCounters {
  readonly idInTest: number;
  /** Iterations this VU has started, so far. */
  iterations: number;
  /** iterationInTest of the running iteration. */
  iterationInTest: number;
}

export function createExecutionModule(
  host: ModuleHost,
  test: TestState,
  vu: VuCounters,
): Record<string, unknown> {
  const inIteration = (what: string): void => {
    if (host.isInInitContext())
      throw host.realm.error(`getting ${what} information in the init context is not supported`);
  };
  const vuInfo = {
    get idInInstance() {
      inIteration('VU');
      return vu.idInTest;
    },
    get idInTest() {
      inIteration('VU');
      return vu.idInTest;
    },
    get iterationInInstance() {
      inIteration('VU');
      return vu.iterations - 1;
    },
    get iterationInScenario() {
      inIteration('VU');
      return vu.iterations - 1;
    },
    get tags() {
      inIteration('VU');
      return host.realm.object({ ...host.systemTags() });
    },
  };
  const scenario = {
    get name() {
      inIteration('scenario');
      return test.scenarioName;
    },
    get executor() {
      inIteration('scenario');
      return test.executor;
    },
    get startTime() {
      inIteration('scenario');
      return test.scenarioStartMs;
    },
    get progress() {
      inIteration('scenario');
      return Math.min(1, (Date.now() - test.scenarioStartMs) / Math.max(1, test.stagesMs));
    },
    get iterationInInstance() {
      inIteration('scenario');
      return vu.iterationInTest;
    },
    get iterationInTest() {
      inIteration('scenario');
      return vu.iterationInTest;
    },
  };
  const instance = {
    get iterationsInterrupted() {
      return test.iterationsInterrupted;
    },
    get iterationsCompleted() {
      return test.iterationsCompleted;
    },
    get vusActive() {
      return test.vusActive;
    },
    get vusInitialized() {
      return test.vusInitialized;
    },
    get currentTestRunDuration() {
      return test.testStartMs === 0 ? 0 : Date.now() - test.testStartMs;
    },
  };
  const testControl = {
    abort(reason?: unknown) {
      test.abort(reason === undefined ? 'test aborted' : String(reason));
      throw host.realm.error(`test aborted: ${reason === undefined ? '' : String(reason)}`);
    },
    get options() {
      return test.options;
    },
  };
  return { vu: vuInfo, scenario, instance, test: testControl };
}
