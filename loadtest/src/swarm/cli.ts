import { parseArgs } from 'node:util';
import {
  SCENARIO_NAMES,
  isScenarioName,
  loadSettings,
  scenarioPlan,
  type Env,
  type ScenarioName,
} from '../scenario/plans.js';

/**
 * `npm run loadtest` options. Every scenario option is an environment name the k6 scripts read
 * too (scenario/plans.ts); a flag sets that name, over the environment, so one plan serves both
 * runtimes: `--players 3000` is `PLAYERS=3000`.
 */

/** Flags that stand for an environment name of plans.ts. */
const FLAG_TO_ENV = {
  url: 'TICKWIRE_URL',
  players: 'PLAYERS',
  duration: 'DURATION',
  ramp: 'RAMP',
  game: 'GAME',
  verify: 'VERIFY',
  'input-hz': 'INPUT_HZ',
  summary: 'SUMMARY_JSON',
} as const;

export interface SwarmCommand {
  scenario: ScenarioName;
  env: Env;
  generators: number;
  seed: number;
  isIdle: boolean;
}

export const HELP = `npm run loadtest -- [options]   a Node swarm of players, the k6 scenarios' twin

  --scenario NAME    ${SCENARIO_NAMES.join(', ')} (default smoke; env SCENARIO)
  --url URL          http(s)://host:port: players join by quick play (matchmaking);
                     ws(s)://host:port/ws: straight into that process's default room
                     (default http://127.0.0.1:8080; env TICKWIRE_URL)
  --players N        players at the plan's peak (env PLAYERS)
  --duration D       hold time: 90, 90s, 5m, 1h (env DURATION)
  --ramp D           time to reach the first target (env RAMP)
  --game NAME        game to quick-play (default arena; env GAME)
  --verify SHARE     share of players, 0..1, that decode, apply and verify every snapshot;
                     the rest read each snapshot's tick and acknowledge it (default 1; env VERIFY)
  --input-hz HZ      inputs per second per player (default 20; env INPUT_HZ)
  --idle             players stand still: an Input (with the acknowledgement) twice a second
  --generators N     child processes sharing the players (default 1: this process)
  --summary FILE     JSON summary (default tickwire-SCENARIO-summary.json; env SUMMARY_JSON)
  --seed N           the players' random walks (default 42)
  --help

  Environment only: TOKEN (matchmaking bearer token), STORM_EVERY, STORM_SHARE, SPIKE, SETTLE,
  MAX_JOIN_P95_MS, MAX_SNAPSHOT_INTERVAL_P99_MS, MAX_SNAPSHOT_BYTES_P95, MAX_RTT_P95_MS,
  MAX_RESUME_P95_MS (scenario/plans.ts).

  Progress on stderr once a second; the summary on stdout and in the JSON file.
  Exit 1 when a threshold fails (or a generator dies), 2 when an option is wrong.
`;

/**
 * A command line that cannot run: main.ts prints the message alone (one line, no stack) and
 * exits 2. The message names the flag the user typed, or the environment name the value came
 * from.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${flag}: not a positive integer: ${text}`);
  return n;
}

type Values = Partial<Record<keyof typeof FLAG_TO_ENV, string>>;

/**
 * Reads the plan and the settings as the generators will, so a bad value fails here, named as
 * the user gave it. plans.ts names the environment variable (`PLAYERS: not a valid value`), or
 * for a duration only the value: each variable is read on its own first (plans.ts reads every
 * one independently), flags before the environment, so the one at fault is known and named.
 */
function checkScenario(scenario: ScenarioName, env: Env, values: Values): void {
  const check = (vars: Env): void => {
    scenarioPlan(scenario, vars);
    loadSettings(vars, scenario);
  };
  const fromFlags = new Map<string, string>();
  for (const [flag, name] of Object.entries(FLAG_TO_ENV))
    if (values[flag as keyof Values] !== undefined) fromFlags.set(name, `--${flag}`);
  const names = [...fromFlags.keys(), ...Object.keys(env).filter((n) => !fromFlags.has(n))];
  for (const name of names) {
    try {
      check({ [name]: env[name] });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const why = message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
      throw new UsageError(`${fromFlags.get(name) ?? name}: ${why}`, { cause: error });
    }
  }
  // Nothing wrong alone: whatever is wrong together says so as plans.ts words it.
  try {
    check(env);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** The command line (and environment) as a run; null for --help. Throws a UsageError. */
export function parseSwarmCommand(args: readonly string[], env: Env): SwarmCommand | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        scenario: { type: 'string' },
        url: { type: 'string' },
        players: { type: 'string' },
        duration: { type: 'string' },
        ramp: { type: 'string' },
        game: { type: 'string' },
        verify: { type: 'string' },
        'input-hz': { type: 'string' },
        idle: { type: 'boolean', default: false },
        generators: { type: 'string', default: '1' },
        summary: { type: 'string' },
        seed: { type: 'string', default: '42' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    // parseArgs' own words: `Unknown option '--bogus'`, `Option '--players <value>' argument missing`.
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (values.help) return null;
  const scenario = values.scenario ?? env['SCENARIO'] ?? 'smoke';
  if (!isScenarioName(scenario)) {
    const source = values.scenario === undefined ? 'SCENARIO' : '--scenario';
    throw new UsageError(`${source}: "${scenario}" is none of ${SCENARIO_NAMES.join(', ')}`);
  }
  const merged: Record<string, string | undefined> = { ...env };
  for (const [flag, name] of Object.entries(FLAG_TO_ENV)) {
    const value = values[flag as keyof typeof FLAG_TO_ENV];
    if (value !== undefined) merged[name] = value;
  }
  checkScenario(scenario, merged, values);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed: not an integer: ${values.seed}`);
  return {
    scenario,
    env: merged,
    generators: positiveInteger(values.generators, 'generators'),
    seed,
    isIdle: values.idle,
  };
}
