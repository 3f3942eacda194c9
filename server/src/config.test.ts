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

  it('takes the connection limits, with defaults that let the benchmark and the tests in', () => {
    const config = parseConfig(
      ['--max-connections', '100', '--max-connections-per-ip=20', '--max-detached-per-ip', '0'],
      { MAX_PENDING_CONNECTIONS: '7' },
    );
    expect(config).toMatchObject({
      maxConnections: 100,
      maxConnectionsPerIp: 20,
      maxDetachedPerIp: 0,
      maxPendingConnections: 7,
    });
    // The benchmark opens up to 2,000 connections from 127.0.0.1, 50 at a time; a whole room
    // behind one proxy or NAT address fits under the per-address cap.
    expect(DEFAULT_CONFIG.maxConnectionsPerIp).toBeGreaterThanOrEqual(DEFAULT_CONFIG.maxPlayers);
    expect(DEFAULT_CONFIG.maxConnections).toBeGreaterThanOrEqual(
      DEFAULT_CONFIG.maxPlayers + DEFAULT_CONFIG.maxPendingConnections,
    );
    expect(() => parseConfig(['--max-connections', '0'], {})).toThrow(/--max-connections:/);
    expect(usage()).toMatch(/--max-detached-per-ip\s+MAX_DETACHED_PER_IP\s+.*\(default: 8\)/);
  });

  it('lists every option with its environment variable and default', () => {
    expect(usage()).toMatch(/--tick-hz\s+TICK_HZ\s+.*\(default: 30\)/);
    expect(usage()).toMatch(/--view\s+VIEW\s+.*\(default: 1600x1000\)/);
    expect(usage()).toMatch(/--game\s+GAME\s+.*\(default: arena\)/);
  });
});
