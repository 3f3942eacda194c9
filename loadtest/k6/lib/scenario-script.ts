import exec from 'k6/execution';
import type { Options } from 'k6/options';
import {
  loadSettings,
  planDurationS,
  scenarioPlan,
  type ScenarioName,
} from '../../src/scenario/plans.js';
import { summaryOutputs, type SummaryData } from '../../src/scenario/summary.js';
import { createK6MetricSink } from './k6-metric-sink.js';
import { k6Options, playersOfVu, playersPerVuFrom } from './options.js';
import { VuPlayers } from './vu-players.js';

/** What a scenario's entry file exports to k6. */
export interface ScenarioScript {
  options: Options;
  /** The VU's iteration (the entry's default export). */
  run: () => void;
  handleSummary: (data: SummaryData) => Record<string, string>;
}

/**
 * A scenario as a k6 script. MUST be called at the bundle's top level: k6 runs it in every VU's
 * init context, where the plan is read from __ENV and the metrics are created.
 */
export function createScenarioScript(name: ScenarioName): ScenarioScript {
  const plan = scenarioPlan(name, __ENV);
  const settings = loadSettings(__ENV, name);
  const playersPerVu = playersPerVuFrom(__ENV);
  const metrics = createK6MetricSink();
  const durationMs = planDurationS(plan) * 1000;
  return {
    options: k6Options(plan, playersPerVu),
    run() {
      const vuId = exec.vu.idInTest;
      const endMs = exec.scenario.startTime + durationMs;
      const playerCount = playersOfVu(vuId, plan, playersPerVu);
      const nowMs = Date.now();
      // Nothing to do: past the end (a VU restarted in the last moment), or no players left for it.
      if (playerCount === 0 || nowMs >= endMs) return;
      new VuPlayers({
        plan,
        settings,
        metrics,
        vuId,
        iteration: exec.vu.iterationInScenario,
        firstPlayerIndex: (vuId - 1) * playersPerVu,
        playerCount,
        scenarioStartMs: exec.scenario.startTime,
        endMs,
      }).start(nowMs);
    },
    handleSummary: (data) => summaryOutputs(data, plan, settings),
  };
}
