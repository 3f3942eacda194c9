import { describe, expect, it } from 'vitest';
import { loadSettings, scenarioPlan } from '../scenario/plans.js';
import { UsageError, parseSwarmCommand } from './cli.js';

describe('the command line', () => {
  it('turns scenario flags into the environment names the plans read, over the environment', () => {
    const command = parseSwarmCommand(
      ['--scenario', 'players', '--players', '3000', '--ramp', '2m', '--verify', '0.1'],
      { PLAYERS: '5', DURATION: '30s', MAX_RTT_P95_MS: '50' },
    );
    expect(command).toMatchObject({ scenario: 'players', generators: 1, seed: 42, isIdle: false });
    const env = command?.env ?? {};
    expect(env).toMatchObject({ PLAYERS: '3000', RAMP: '2m', VERIFY: '0.1', DURATION: '30s' });
    const plan = scenarioPlan('players', env);
    expect(plan.stages).toEqual([
      { durationS: 120, target: 3000 },
      { durationS: 30, target: 3000 },
    ]);
    expect(plan.thresholds['tickwire_rtt_ms']).toEqual(['p(95)<50']);
    expect(loadSettings(env, 'players').verifyShare).toBe(0.1);
  });

  it('maps every scenario flag', () => {
    const command = parseSwarmCommand(
      [
        ...['--url', 'ws://h:1/ws', '--duration', '5', '--game', 'stars'],
        ...['--input-hz', '10', '--summary', 'out.json', '--idle', '--generators', '3'],
        ...['--seed', '7'],
      ],
      { SCENARIO: 'soak' },
    );
    expect(command).toMatchObject({ scenario: 'soak', generators: 3, seed: 7, isIdle: true });
    expect(command?.env).toMatchObject({
      TICKWIRE_URL: 'ws://h:1/ws',
      DURATION: '5',
      GAME: 'stars',
      INPUT_HZ: '10',
      SUMMARY_JSON: 'out.json',
    });
  });

  it('refuses what it cannot run, and --help asks for the help', () => {
    expect(parseSwarmCommand(['--help'], {})).toBeNull();
    expect(() => parseSwarmCommand(['--scenario', 'nope'], {})).toThrow(/none of smoke/);
    expect(() => parseSwarmCommand(['--generators', '0'], {})).toThrow(/positive integer/);
    expect(() => parseSwarmCommand(['--players'], {})).toThrow(UsageError);
    expect(() => parseSwarmCommand(['--bogus'], {})).toThrow(UsageError);
  });

  it('checks the plan’s values, naming the flag typed or the environment name', () => {
    const refusal = (args: string[], env: Record<string, string> = {}): string => {
      try {
        parseSwarmCommand(args, env);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal(['--players', 'abc'])).toBe('--players: not a valid value: "abc"');
    expect(refusal(['--verify', '5'])).toBe('--verify: not a valid value: "5"');
    expect(refusal(['--input-hz', '0'])).toBe('--input-hz: not a valid value: "0"');
    expect(refusal(['--duration', '5x'])).toMatch(/^--duration: not a duration: "5x"/);
    // The flag's fault is found first, when the environment is wrong too.
    expect(refusal(['--scenario', 'players', '--ramp', 'soon'], { DURATION: 'later' })).toMatch(
      /^--ramp: not a duration: "soon"/,
    );
    expect(refusal(['--url', 'ftp://h'])).toMatch(/^--url: expected http\(s\):\/\//);
    // From the environment: its name, and a flag over it wins.
    expect(refusal([], { VERIFY: '5' })).toBe('VERIFY: not a valid value: "5"');
    expect(refusal([], { DURATION: 'later' })).toMatch(/^DURATION: not a duration: "later"/);
    expect(refusal(['--scenario', 'reconnect-storm'], { STORM_EVERY: 'x' })).toMatch(
      /^STORM_EVERY: not a duration/,
    );
    expect(refusal([], { SCENARIO: 'nope' })).toMatch(/^SCENARIO: "nope" is none of/);
    expect(refusal(['--players', '3'], { PLAYERS: 'abc' })).toBe('accepted');
    // Names a scenario does not read are not its business.
    expect(refusal(['--scenario', 'smoke'], { STORM_EVERY: 'x' })).toBe('accepted');
  });
});
