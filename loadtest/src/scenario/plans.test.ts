import { describe, expect, it } from 'vitest';
import {
  SCENARIO_NAMES,
  loadSettings,
  parseDuration,
  planDurationS,
  scenarioPlan,
  targetPlayersAt,
} from './plans.js';
import { parseThreshold } from './thresholds.js';

describe('scenario plans', () => {
  it('every scenario has stages, and thresholds k6 can parse, with desyncs at zero', () => {
    for (const name of SCENARIO_NAMES) {
      const plan = scenarioPlan(name, {});
      expect(plan.stages.length).toBeGreaterThan(0);
      expect(plan.thresholds['tickwire_desyncs']).toEqual(['count==0']);
      for (const expressions of Object.values(plan.thresholds))
        for (const e of expressions) expect(() => parseThreshold(e)).not.toThrow();
    }
  });

  it('players ramps to PLAYERS over RAMP and holds for DURATION', () => {
    const plan = scenarioPlan('players', { PLAYERS: '300', RAMP: '30s', DURATION: '2m' });
    expect(plan.stages).toEqual([
      { durationS: 30, target: 300 },
      { durationS: 120, target: 300 },
    ]);
    expect(planDurationS(plan)).toBe(150);
    expect(targetPlayersAt(plan, 0)).toBe(0);
    expect(targetPlayersAt(plan, 15)).toBe(150);
    expect(targetPlayersAt(plan, 100)).toBe(300);
    expect(targetPlayersAt(plan, 1000)).toBe(300);
  });

  it('spike goes from a tenth of PLAYERS to all of them and back', () => {
    const plan = scenarioPlan('spike', { PLAYERS: '500' });
    const targets = plan.stages.map((s) => s.target);
    expect(Math.min(...targets)).toBe(50);
    expect(Math.max(...targets)).toBe(500);
    expect(targets.at(-1)).toBe(50);
  });

  it('reconnect-storm storms and requires the players back as themselves', () => {
    const plan = scenarioPlan('reconnect-storm', { STORM_EVERY: '5s', STORM_SHARE: '0.5' });
    expect(plan.storm).toEqual({ everyS: 5, share: 0.5 });
    expect(plan.thresholds['tickwire_resumed']).toEqual(['rate>0.99']);
  });

  it('moves a limit by the environment and refuses nonsense with the name of the option', () => {
    expect(scenarioPlan('smoke', { MAX_RTT_P95_MS: '40' }).thresholds['tickwire_rtt_ms']).toEqual([
      'p(95)<40',
    ]);
    expect(() => scenarioPlan('players', { PLAYERS: '-3' })).toThrow(/PLAYERS/);
    expect(() => scenarioPlan('players', { DURATION: 'soon' })).toThrow(/not a duration/);
    expect(() => loadSettings({ TICKWIRE_URL: 'localhost:8080' }, 'smoke')).toThrow(/TICKWIRE_URL/);
    expect(() => loadSettings({ VERIFY: '2' }, 'smoke')).toThrow(/VERIFY/);
  });

  it('reads durations in seconds, or with units as k6 writes them', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1m30s')).toBe(90);
    expect(parseDuration('1h')).toBe(3600);
    expect(() => parseDuration('')).toThrow();
  });

  it('settings default to matchmaking on localhost, the arena, verified players', () => {
    expect(loadSettings({}, 'players')).toEqual({
      url: 'http://127.0.0.1:8080',
      game: 'arena',
      token: null,
      verifyShare: 1,
      inputHz: 20,
      summaryPath: 'tickwire-players-summary.json',
    });
  });
});
