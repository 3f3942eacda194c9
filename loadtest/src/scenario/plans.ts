import { KICK_CODES, type MetricName } from './metrics.js';

/**
 * The load-test scenarios, as data both runtimes read: k6 turns a plan's stages into a
 * ramping-vus scenario and its thresholds into options.thresholds; the Node swarm follows the
 * same stages with its own players and checks the same thresholds. Options come from an
 * environment (k6's __ENV, or the swarm's command line turned into one).
 *
 * Plain module: no Node, no k6.
 */

export const SCENARIO_NAMES = ['smoke', 'players', 'soak', 'reconnect-storm', 'spike'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Ramp linearly to `target` players over `durationS` (k6's ramping-vus stage, in players). */
export interface Stage {
  durationS: number;
  target: number;
}

export interface ScenarioPlan {
  name: ScenarioName;
  /** One line for the report. */
  description: string;
  stages: Stage[];
  /** The reconnect storm: every `everyS` seconds, `share` of the playing players drop and resume at once. */
  storm: { everyS: number; share: number } | null;
  /** k6 threshold expressions by metric (and submetric, `tickwire_kicks{code:4005}`). */
  thresholds: Record<string, string[]>;
}

/** What every scenario reads from the environment; README lists them. */
export interface LoadSettings {
  /**
   * `http(s)://host:port` of any server process: players join through matchmaking (quick play
   * of `game`). `ws(s)://host:port/ws`: players join that process's default room directly.
   */
  url: string;
  game: string;
  /** Bearer token for matchmaking, when the server runs with player auth. */
  token: string | null;
  /** Share of players (0..1) that decode, apply and verify every snapshot. */
  verifyShare: number;
  /** Inputs per second per player. */
  inputHz: number;
  /** Where handleSummary (and the swarm) writes the JSON summary. */
  summaryPath: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_URL = 'http://127.0.0.1:8080';

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/** `90s`, `5m`, `1h`, `1m30s` to seconds; a bare number is seconds too (k6 would read ms). */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(trimmed);
  if (!parts || trimmed === '')
    throw new Error(`not a duration: "${text}" (say 90, 90s, 5m or 1h)`);
  return Number(parts[1] ?? 0) * 3600 + Number(parts[2] ?? 0) * 60 + Number(parts[3] ?? 0);
}

function numberFrom(
  env: Env,
  name: string,
  fallback: number,
  isValid: (n: number) => boolean,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !isValid(n)) throw new Error(`${name}: not a valid value: "${raw}"`);
  return n;
}

function secondsFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : parseDuration(raw);
}

const positiveInteger = (n: number): boolean => Number.isInteger(n) && n > 0;

export function loadSettings(env: Env, scenario: ScenarioName): LoadSettings {
  const url = env['TICKWIRE_URL'] || DEFAULT_URL;
  if (!/^(https?|wss?):\/\//.test(url))
    throw new Error(
      `TICKWIRE_URL: expected http(s):// (matchmaking) or ws(s):// (direct), got "${url}"`,
    );
  return {
    url,
    game: env['GAME'] || 'arena',
    token: env['TOKEN'] || null,
    verifyShare: numberFrom(env, 'VERIFY', 1, (n) => n >= 0 && n <= 1),
    inputHz: numberFrom(env, 'INPUT_HZ', 20, (n) => n > 0 && n <= 60),
    summaryPath: env['SUMMARY_JSON'] || `tickwire-${scenario}-summary.json`,
  };
}

/** The thresholds every scenario has; the limits can be moved by the environment. */
function baseThresholds(env: Env, joinP95Ms: number): Record<string, string[]> {
  const limit = (name: string, fallback: number): number =>
    numberFrom(env, name, fallback, (n) => n > 0);
  const thresholds: Record<string, string[]> = {
    tickwire_join_ms: [`p(95)<${limit('MAX_JOIN_P95_MS', joinP95Ms)}`],
    tickwire_join_failures: ['count==0'],
    // 30 Hz: a snapshot every 33 ms; 100 ms is three ticks without one.
    tickwire_snapshot_interval_ms: [
      `p(99)<${limit('MAX_SNAPSHOT_INTERVAL_P99_MS', 100)}`,
      // No player went 5 s without a snapshot (a stream that stopped counts at its close).
      `max<${limit('MAX_SNAPSHOT_GAP_MS', 5000)}`,
    ],
    // Snapshots came at all (a server that only answers Pings fails here).
    tickwire_snapshots: ['count>0'],
    // 95 % of snapshots fit one TCP segment of an Ethernet MTU.
    tickwire_snapshot_bytes: [`p(95)<${limit('MAX_SNAPSHOT_BYTES_P95', 1400)}`],
    tickwire_rtt_ms: [`p(95)<${limit('MAX_RTT_P95_MS', 100)}`],
    tickwire_desyncs: ['count==0'],
    tickwire_resyncs: ['count==0'],
    tickwire_kicks: ['count==0'],
  } satisfies Partial<Record<MetricName, string[]>>;
  // One submetric per close code, so the summary says which code a kick had.
  for (const code of KICK_CODES) thresholds[`tickwire_kicks{code:${code}}`] = ['count==0'];
  return thresholds;
}

/** The plan for `name`, with the environment's options applied. */
export function scenarioPlan(name: ScenarioName, env: Env): ScenarioPlan {
  const players = (fallback: number): number =>
    numberFrom(env, 'PLAYERS', fallback, positiveInteger);
  switch (name) {
    case 'smoke': {
      const p = players(5);
      const hold = secondsFrom(env, 'DURATION', 10);
      return {
        name,
        description: `${p} players join at once and play ${hold} s`,
        stages: [
          { durationS: 1, target: p },
          { durationS: hold, target: p },
        ],
        storm: null,
        thresholds: baseThresholds(env, 1000),
      };
    }
    case 'players': {
      const p = players(1000);
      const ramp = secondsFrom(env, 'RAMP', 60);
      const hold = secondsFrom(env, 'DURATION', 60);
      return {
        name,
        description: `ramp to ${p} players over ${ramp} s (rooms fill by quick play), hold ${hold} s`,
        stages: [
          { durationS: ramp, target: p },
          { durationS: hold, target: p },
        ],
        storm: null,
        thresholds: baseThresholds(env, 2000),
      };
    }
    case 'soak': {
      const p = players(200);
      const ramp = secondsFrom(env, 'RAMP', 30);
      const hold = secondsFrom(env, 'DURATION', 30 * 60);
      return {
        name,
        description: `${p} players for ${hold} s after a ${ramp} s ramp: leaks and drift show over time`,
        stages: [
          { durationS: ramp, target: p },
          { durationS: hold, target: p },
        ],
        storm: null,
        thresholds: baseThresholds(env, 2000),
      };
    }
    case 'reconnect-storm': {
      const p = players(200);
      const ramp = secondsFrom(env, 'RAMP', 10);
      const hold = secondsFrom(env, 'DURATION', 60);
      const everyS = secondsFrom(env, 'STORM_EVERY', 15);
      const share = numberFrom(env, 'STORM_SHARE', 1, (n) => n > 0 && n <= 1);
      return {
        name,
        description: `${p} players; every ${everyS} s ${Math.round(share * 100)} % of them drop and resume at once, for ${hold} s`,
        stages: [
          { durationS: ramp, target: p },
          { durationS: hold, target: p },
        ],
        storm: { everyS, share },
        thresholds: {
          ...baseThresholds(env, 2000),
          tickwire_resumed: ['rate>0.99'],
          tickwire_resume_ms: [`p(95)<${numberFrom(env, 'MAX_RESUME_P95_MS', 2000, (n) => n > 0)}`],
        },
      };
    }
    case 'spike': {
      const p = players(1000);
      const base = Math.max(1, Math.round(p / 10));
      const ramp = secondsFrom(env, 'RAMP', 5);
      // Time at the base load before the spike and after it.
      const settle = secondsFrom(env, 'SETTLE', 10);
      const spike = secondsFrom(env, 'SPIKE', 5);
      const hold = secondsFrom(env, 'DURATION', 30);
      return {
        name,
        description: `${base} players, then ${p} within ${spike} s, held ${hold} s, then back to ${base}`,
        stages: [
          { durationS: ramp, target: base },
          { durationS: settle, target: base },
          { durationS: spike, target: p },
          { durationS: hold, target: p },
          { durationS: spike, target: base },
          { durationS: settle, target: base },
        ],
        storm: null,
        thresholds: baseThresholds(env, 5000),
      };
    }
  }
}

/** Seconds from the start to the end of the last stage. */
export function planDurationS(plan: ScenarioPlan): number {
  return plan.stages.reduce((sum, s) => sum + s.durationS, 0);
}

/** Players the stages ask for `elapsedS` into the run (linear within a stage, from 0). */
export function targetPlayersAt(plan: ScenarioPlan, elapsedS: number): number {
  let from = 0;
  let startS = 0;
  for (const stage of plan.stages) {
    if (elapsedS < startS + stage.durationS) {
      const f = stage.durationS > 0 ? (elapsedS - startS) / stage.durationS : 1;
      return Math.round(from + (stage.target - from) * f);
    }
    startS += stage.durationS;
    from = stage.target;
  }
  return from;
}
