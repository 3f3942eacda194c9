import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig, usage } from './config.js';

describe('parseConfig', () => {
  it('takes defaults, then environment, then flags', () => {
    const config = parseConfig(['--port', '9000', '--world=2000x1500', '--checksums'], {
      PORT: '7000',
      TICK_HZ: '20',
    });
    expect(config.port).toBe(9000);
    expect(config.tickHz).toBe(20);
    expect([config.worldWidth, config.worldHeight]).toEqual([2000, 1500]);
    expect(config.checksums).toBe(true);
    expect(config.viewWidth).toBe(DEFAULT_CONFIG.viewWidth);
    expect(config.game).toBe('arena');
  });

  it('takes the game by name, from --game or GAME', () => {
    expect(parseConfig(['--game', 'stars'], {}).game).toBe('stars');
    expect(parseConfig([], { GAME: 'my-game2' }).game).toBe('my-game2');
    expect(() => parseConfig(['--game', 'Arena!'], {})).toThrow(/--game: expected a game name/);
    expect(() => parseConfig([], { GAME: '' })).toThrow(/GAME: expected a game name/);
  });

  it('rejects bad values with a message naming the option', () => {
    expect(() => parseConfig(['--port', 'x'], {})).toThrow(/--port: expected an integer/);
    expect(() => parseConfig([], { TICK_HZ: '0' })).toThrow(/TICK_HZ/);
    expect(() => parseConfig(['--world', '10x10'], {})).toThrow(/WIDTHxHEIGHT/);
    expect(() => parseConfig(['--bogus'], {})).toThrow(/unknown option --bogus/);
    expect(() => parseConfig(['--snapshots', 'fast'], {})).toThrow(/delta, broadcast/);
  });

  it('lists every option with its environment variable and default', () => {
    expect(usage()).toMatch(/--tick-hz\s+TICK_HZ\s+.*\(default: 30\)/);
    expect(usage()).toMatch(/--view\s+VIEW\s+.*\(default: 1600x1000\)/);
    expect(usage()).toMatch(/--game\s+GAME\s+.*\(default: arena\)/);
  });
});
