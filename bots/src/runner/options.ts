import { parseArgs } from 'node:util';
import { MAX_NAME_LENGTH } from '@tickwire/protocol';
import { EXAMPLE_KINDS } from '../examples/kinds.js';
import type { ExampleKind } from '../examples/kinds.js';

export type RunnerKind = ExampleKind | 'mix';

export interface RunnerOptions {
  /**
   * The server: its HTTP address (http(s)://host:port), to go through matchmaking, or a WebSocket
   * endpoint (ws(s)://host:port/ws), to join that process's default room directly.
   */
  url: string;
  /** Through matchmaking: the game quick play asks for; null: the server's default game. */
  game: string | null;
  count: number;
  /** Bots are named `${name}-1`, `${name}-2`, ... */
  name: string;
  kind: RunnerKind;
  /** Stop after this long; null runs until SIGINT/SIGTERM. */
  seconds: number | null;
  /** Time between two bots' connects, so a swarm does not arrive in one burst. */
  staggerMs: number;
}

export type RunnerCommand = { isHelp: true } | { isHelp: false; options: RunnerOptions };

/** A command line the runner cannot run: the message says what to change. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const MAX_BOTS = 2000;

export const USAGE = `npm run bots -- [options]   connect a swarm of example bots to a tickwire server

  --server URL       the server: http(s)://host:port goes through    default http://localhost:8080
                     matchmaking (quick play; a restarting server
                     sends the bots to another); ws(s)://host:port/ws
                     joins that process's default room directly
  --url URL          the same as --server
  --game GAME        through matchmaking: the game to quick-play    default the server's
  --count N          how many bots, 1..${MAX_BOTS}                        default 10
  --name NAME        bots are named NAME-1, NAME-2, ...            default bot
  --kind KIND        wander, chase, pellets, or mix (in turn)      default mix
  --seconds N        stop after N seconds                          default: until Ctrl-C
  --stagger-ms N     time between two connects                     default 20
  --help             print this

While running it prints one status line (rewritten in place on a terminal, every 2 s otherwise);
on Ctrl-C, SIGTERM or --seconds it closes every bot and prints a summary. Exit code 0 when every
bot joined and none was closed by the server, 1 otherwise, 2 for a bad option.
`;

const DEFAULTS: RunnerOptions = {
  url: 'http://localhost:8080',
  game: null,
  count: 10,
  name: 'bot',
  kind: 'mix',
  seconds: null,
  staggerMs: 20,
};

/** Reads the runner's arguments (without `node` and the script). Throws UsageError. */
export function parseRunnerArgs(argv: readonly string[]): RunnerCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: 'string' },
        url: { type: 'string' },
        game: { type: 'string' },
        count: { type: 'string' },
        name: { type: 'string' },
        kind: { type: 'string' },
        seconds: { type: 'string' },
        'stagger-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs's messages name the option ("Unknown option '--cuont'"); keep them.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { isHelp: true };

  const server = stringOption(values.server);
  const urlAlias = stringOption(values.url);
  if (server !== undefined && urlAlias !== undefined) {
    throw new UsageError('--server and --url are the same option: give one');
  }
  const flag = urlAlias !== undefined ? '--url' : '--server';
  const url = server ?? urlAlias ?? DEFAULTS.url;
  if (!/^(wss?|https?):\/\/[^/\s]+/i.test(url)) {
    throw new UsageError(
      `${flag} ${url}: expected http(s)://host:port (matchmaking), e.g. http://localhost:8080, or a ws:// or wss:// URL (direct join), e.g. ws://localhost:8080/ws`,
    );
  }
  const game = stringOption(values.game) ?? DEFAULTS.game;
  if (game !== null && !/^https?:/i.test(url)) {
    throw new UsageError(
      `--game ${game}: only through matchmaking (an http:// --server); a ws:// URL joins the game its process runs`,
    );
  }
  const count = integerOption('--count', values.count, DEFAULTS.count, 1, MAX_BOTS);
  const name = stringOption(values.name) ?? DEFAULTS.name;
  checkName(name, count);
  const kind = stringOption(values.kind) ?? DEFAULTS.kind;
  if (!isRunnerKind(kind)) {
    throw new UsageError(`--kind ${kind}: expected one of ${[...EXAMPLE_KINDS, 'mix'].join(', ')}`);
  }
  const staggerMs = integerOption(
    '--stagger-ms',
    values['stagger-ms'],
    DEFAULTS.staggerMs,
    0,
    10_000,
  );
  return {
    isHelp: false,
    options: { url, game, count, name, kind, seconds: secondsOption(values.seconds), staggerMs },
  };
}

/** The kind of bot number `index` (0-based): `mix` takes the examples in turn. */
export function kindOf(kind: RunnerKind, index: number): ExampleKind {
  if (kind !== 'mix') return kind;
  return EXAMPLE_KINDS[index % EXAMPLE_KINDS.length] as ExampleKind;
}

export function botName(name: string, index: number): string {
  return `${name}-${index + 1}`;
}

function isRunnerKind(kind: string): kind is RunnerKind {
  return kind === 'mix' || (EXAMPLE_KINDS as string[]).includes(kind);
}

function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function integerOption(
  flag: string,
  value: string | boolean | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = stringOption(value);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} ${text}: expected a whole number from ${min} to ${max}`);
  }
  return n;
}

function secondsOption(value: string | boolean | undefined): number | null {
  const text = stringOption(value);
  if (text === undefined) return null;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--seconds ${text}: expected a number of seconds above 0`);
  }
  return n;
}

/** The longest name must still fit the protocol's limit once `-N` is appended. */
function checkName(name: string, count: number): void {
  const longest = botName(name, count - 1);
  if (name.trim() === '') throw new UsageError('--name: must not be empty');
  if (longest.length > MAX_NAME_LENGTH) {
    throw new UsageError(
      `--name ${name}: with --count ${count} the names reach "${longest}" (${longest.length} characters); the server allows ${MAX_NAME_LENGTH}`,
    );
  }
  // C0 and C1 control characters are refused by the server (PROTOCOL.md, Hello).
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      throw new UsageError('--name: must not contain control characters');
    }
  }
}
