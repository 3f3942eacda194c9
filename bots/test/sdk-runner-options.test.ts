import { describe, expect, it } from 'vitest';
import { UsageError, botName, kindOf, parseRunnerArgs } from '../src/runner/options.js';
import type { RunnerOptions } from '../src/runner/options.js';
import { formatStatus, formatSummary } from '../src/runner/status.js';
import type { FleetReport, FleetTotals } from '../src/runner/fleet.js';

// The bot runner's command line and its output, without a server (bots/test/examples.test.ts
// runs the real thing).

function optionsOf(...argv: string[]): RunnerOptions {
  const command = parseRunnerArgs(argv);
  if (command.isHelp) throw new Error('expected options, got --help');
  return command.options;
}

describe('parseRunnerArgs', () => {
  it('has defaults for everything', () => {
    expect(optionsOf()).toEqual({
      url: 'http://localhost:8080',
      game: null,
      count: 10,
      name: 'bot',
      kind: 'mix',
      seconds: null,
      staggerMs: 20,
    });
  });

  it('reads every option', () => {
    expect(
      optionsOf(
        '--server',
        'https://game.example:9000',
        '--game',
        'stars',
        '--count',
        '20',
        '--name',
        'swarm',
        '--kind',
        'pellets',
        '--seconds',
        '2.5',
        '--stagger-ms',
        '0',
      ),
    ).toEqual({
      url: 'https://game.example:9000',
      game: 'stars',
      count: 20,
      name: 'swarm',
      kind: 'pellets',
      seconds: 2.5,
      staggerMs: 0,
    });
    expect(optionsOf('--count=3', '--kind=chase')).toMatchObject({ count: 3, kind: 'chase' });
  });

  it('takes a WebSocket URL for a direct join, with --server or --url', () => {
    expect(optionsOf('--server', 'ws://localhost:9000/ws')).toMatchObject({
      url: 'ws://localhost:9000/ws',
      game: null,
    });
    expect(optionsOf('--url', 'wss://game.example/ws').url).toBe('wss://game.example/ws');
    expect(optionsOf('--url', 'http://localhost:8080').url).toBe('http://localhost:8080');
  });

  it('recognises --help and -h', () => {
    expect(parseRunnerArgs(['--help'])).toEqual({ isHelp: true });
    expect(parseRunnerArgs(['--count', '3', '-h'])).toEqual({ isHelp: true });
  });

  it.each([
    [['--count', '0'], '--count 0: expected a whole number from 1 to 2000'],
    [['--count', '2.5'], '--count 2.5: expected a whole number from 1 to 2000'],
    [['--count', 'ten'], '--count ten: expected a whole number from 1 to 2000'],
    [['--count', '2001'], '--count 2001: expected a whole number from 1 to 2000'],
    [['--count', ''], '--count : expected a whole number from 1 to 2000'],
    [['--kind', 'zombie'], '--kind zombie: expected one of wander, chase, pellets, mix'],
    [['--seconds', '0'], '--seconds 0: expected a number of seconds above 0'],
    [['--seconds', 'soon'], '--seconds soon: expected a number of seconds above 0'],
    [['--stagger-ms=-5'], '--stagger-ms -5: expected a whole number from 0 to 10000'],
    // parseArgs takes a separate "-5" for an option and says how to pass it.
    [['--stagger-ms', '-5'], "use '--stagger-ms=-XYZ'"],
    [['--server', 'localhost:8080'], '--server localhost:8080: expected http(s)://host:port'],
    [['--url', 'ws://'], '--url ws://: expected http(s)://host:port'],
    [['--server', 'ftp://x'], 'or a ws:// or wss:// URL (direct join)'],
    [['--server', 'http://a', '--url', 'ws://b/ws'], 'the same option: give one'],
    [['--server', 'ws://a/ws', '--game', 'stars'], '--game stars: only through matchmaking'],
    [['--name', ' '], '--name: must not be empty'],
    [['--name', 'a\u0007b'], '--name: must not contain control characters'],
    [
      ['--name', 'fourteen-chars', '--count', '10'],
      'the names reach "fourteen-chars-10" (17 characters); the server allows 16',
    ],
    [['--cuont', '3'], "Unknown option '--cuont'"],
    [['extra'], 'extra'],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseRunnerArgs(argv)).toThrow(UsageError);
    expect(() => parseRunnerArgs(argv)).toThrow(message);
  });

  it('accepts the longest name that still fits with the numbers appended', () => {
    expect(optionsOf('--name', 'fourteen-chars', '--count', '9').name).toBe('fourteen-chars');
  });
});

describe('bot names and kinds', () => {
  it('numbers the bots from 1 and takes the examples in turn for mix', () => {
    expect([0, 1, 2, 3, 4].map((i) => botName('bot', i))).toEqual([
      'bot-1',
      'bot-2',
      'bot-3',
      'bot-4',
      'bot-5',
    ]);
    expect([0, 1, 2, 3, 4].map((i) => kindOf('mix', i))).toEqual([
      'wander',
      'chase',
      'pellets',
      'wander',
      'chase',
    ]);
    expect(kindOf('chase', 4)).toBe('chase');
  });
});

const totals = (overrides: Partial<FleetTotals> = {}): FleetTotals => ({
  started: 4,
  connecting: 0,
  connected: 3,
  reconnecting: 1,
  closed: 0,
  snapshots: 0,
  checksumsVerified: 0,
  replicaErrors: 0,
  missingBaselines: 0,
  bytesIn: 0,
  bytesOut: 0,
  reconnects: 2,
  ...overrides,
});

describe('formatStatus', () => {
  it('shows states now and rates since the previous sample', () => {
    const previous = {
      totals: totals({ snapshots: 100, bytesIn: 10_240, bytesOut: 1024 }),
      atMs: 1000,
    };
    const now = {
      totals: totals({ snapshots: 340, bytesIn: 30_720, bytesOut: 3072, replicaErrors: 1 }),
      atMs: 3000,
    };
    expect(formatStatus(4, now, previous)).toBe(
      'bots 4: connected 3, reconnecting 1, closed 0 | 120 snapshots/s | in 10.0 KB/s, out 1.0 KB/s | reconnects 2 | replica errors 1',
    );
  });

  it('says how many bots still wait to connect', () => {
    const now = {
      totals: totals({ started: 2, connecting: 1, connected: 1, reconnecting: 0 }),
      atMs: 500,
    };
    expect(formatStatus(10, now, null)).toMatch(
      /^bots 10: starting 8, connecting 1, connected 1, reconnecting 0, closed 0 \| 0 snapshots\/s/,
    );
  });
});

describe('formatSummary', () => {
  const report = (overrides: Partial<FleetReport> = {}): FleetReport => ({
    totals: totals({
      connected: 0,
      reconnecting: 0,
      closed: 4,
      snapshots: 480,
      checksumsVerified: 480,
      bytesIn: 40_960,
      bytesOut: 8192,
    }),
    count: 4,
    joined: 4,
    byKind: new Map([
      ['wander', { bots: 2, score: 1 }],
      ['chase', { bots: 1, score: 0 }],
      ['pellets', { bots: 1, score: 9 }],
    ]),
    problems: [],
    ...overrides,
  });

  it('sums up the run', () => {
    expect(formatSummary(report(), 4000)).toEqual([
      'summary after 4.0 s: 4 bots (wander 2, chase 1, pellets 1)',
      '  joined 4 of 4; reconnects 2',
      '  snapshots 480 (30.0/s per bot), checksums verified 480, replica errors 0, missing baselines 0',
      '  traffic in 40.0 KB (10.0 KB/s), out 8.0 KB (2.0 KB/s)',
      '  score in the last view: wander 1, chase 0, pellets 9',
    ]);
  });

  it('lists problems once per kind of problem, with the bots it hit', () => {
    const refused = 'did not join: closed with 4007 RoomFull: room full';
    const lines = formatSummary(
      report({
        joined: 0,
        problems: [
          ...['bot-1', 'bot-2', 'bot-3', 'bot-4', 'bot-5'].map((botName) => ({
            botName,
            problem: refused,
          })),
          { botName: 'bot-6', problem: 'lost its game: closed with 4008 ServerShutdown' },
        ],
      }),
      1000,
    );
    expect(lines.slice(-3)).toEqual([
      '  problems (6):',
      `    ${refused} (bot-1, bot-2, bot-3 and 2 more)`,
      '    lost its game: closed with 4008 ServerShutdown (bot-6)',
    ]);
  });
});
