import type { Options } from 'k6/options';
import type { Env, ScenarioPlan } from '../../src/scenario/plans.js';

/**
 * A scenario plan as k6 options: one ramping-vus scenario whose stages are the plan's, counted in
 * VUs of `playersPerVu` players each, and the plan's thresholds.
 */

/**
 * The trend statistics handleSummary gets: those summary.ts's report shows, and `count` for the
 * JSON summary (how many joins, resumes, RTT samples).
 */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

const DEFAULT_PLAYERS_PER_VU = 10;

/**
 * PLAYERS_PER_VU (default 10): players one VU holds. A k6 VU is a whole JavaScript runtime, so
 * 1000 players as 1000 VUs would cost the generator far more than the players do; each VU's
 * players share its event loop and one input timer.
 */
export function playersPerVuFrom(env: Env): number {
  const raw = env['PLAYERS_PER_VU'];
  if (raw === undefined || raw === '') return DEFAULT_PLAYERS_PER_VU;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new Error(`PLAYERS_PER_VU: expected a whole number from 1 to 1000, got "${raw}"`);
  return n;
}

/** The most players any stage asks for. */
export function peakPlayers(plan: ScenarioPlan): number {
  return Math.max(0, ...plan.stages.map((s) => s.target));
}

/**
 * Players VU `vuId` (k6's exec.vu.idInTest, from 1) holds: `playersPerVu`, except that the VUs
 * past the peak's last full one hold the rest, so that at the peak (every VU running) exactly the
 * plan's players play. Below the peak, players = running VUs x playersPerVu, rounded to whole VUs.
 */
export function playersOfVu(vuId: number, plan: ScenarioPlan, playersPerVu: number): number {
  const left = peakPlayers(plan) - (vuId - 1) * playersPerVu;
  return Math.max(0, Math.min(playersPerVu, left));
}

/** k6 durations in whole milliseconds: a plan's seconds may be fractional (RAMP=0.5). */
function k6Duration(seconds: number): string {
  return `${Math.round(seconds * 1000)}ms`;
}

export function k6Options(plan: ScenarioPlan, playersPerVu: number): Options {
  return {
    scenarios: {
      [plan.name]: {
        executor: 'ramping-vus',
        // The plan ramps from no players.
        startVUs: 0,
        stages: plan.stages.map((s) => ({
          duration: k6Duration(s.durationS),
          target: Math.ceil(s.target / playersPerVu),
        })),
        // A VU the ramp no longer wants stops at once (its players' sockets close with 1000,
        // so the server removes them), as players leaving a spike would.
        gracefulRampDown: '0s',
      },
    },
    thresholds: plan.thresholds,
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
}
