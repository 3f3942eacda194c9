import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig, sendIntervalTicks, usage } from './config.js';

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

  it('takes the send rate apart from the tick rate: by default every tick', () => {
    expect(parseConfig([], {}).sendHz).toBeNull();
    expect(sendIntervalTicks(parseConfig(['--tick-hz', '60'], {}))).toBe(1);
    const config = parseConfig(['--tick-hz', '60', '--send-hz', '20'], {});
    expect(config).toMatchObject({ tickHz: 60, sendHz: 20 });
    expect(sendIntervalTicks(config)).toBe(3);
    expect(sendIntervalTicks(parseConfig([], { TICK_HZ: '66', SEND_HZ: '22' }))).toBe(3);
    expect(sendIntervalTicks(parseConfig(['--send-hz=30'], {}))).toBe(1);
    expect(usage()).toMatch(/--send-hz\s+SEND_HZ\s+.*\(default: same as --tick-hz\)/);
  });

  it('refuses a send rate that does not divide the tick rate, naming both', () => {
    expect(() => parseConfig(['--tick-hz', '60', '--send-hz', '25'], {})).toThrow(
      '--send-hz 25 does not divide the tick rate --tick-hz 60: snapshots go out on every ' +
        '(tick-hz / send-hz)-th tick, so choose one of 60, 30, 20, 15, 12, 10, 6, 5, 4, 3, 2, 1',
    );
    expect(() => parseConfig(['--send-hz', '60'], {})).toThrow(
      /^--send-hz 60 is above the tick rate --tick-hz 30: .* choose one of 30, 15, 10, 6, 5, 3, 2, 1$/,
    );
    // Checked whichever way each was given, and whatever the order.
    expect(() => parseConfig(['--send-hz', '20'], { TICK_HZ: '50' })).toThrow(
      /--send-hz 20 does not divide the tick rate --tick-hz 50/,
    );
    expect(() => parseConfig(['--send-hz', '0'], {})).toThrow(/--send-hz: expected an integer/);
    expect(() => sendIntervalTicks({ tickHz: 30, sendHz: 7 })).toThrow(/--send-hz 7/);
  });

  it('takes the operator port: off by default, a number, or off again', () => {
    expect(parseConfig([], {})).toMatchObject({ adminPort: null, adminHost: '' });
    expect(parseConfig(['--admin-port', '9100', '--admin-host', '10.0.0.2'], {})).toMatchObject({
      adminPort: 9100,
      adminHost: '10.0.0.2',
    });
    expect(parseConfig(['--admin-port=off'], { ADMIN_PORT: '9100' }).adminPort).toBeNull();
    expect(() => parseConfig(['--admin-port', 'yes'], {})).toThrow(
      /--admin-port: expected an integer/,
    );
    expect(usage()).toMatch(/--admin-port .*\(default: off\)/);
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

  it('reads flags with node:util parseArgs: both value forms, the last one winning', () => {
    const config = parseConfig(
      ['--port=9001', '--tick-hz', '20', '--static=', '--host', '::1', '--port', '9002'],
      { PORT: '7000', HOST: 'example' },
    );
    expect(config).toMatchObject({ port: 9002, tickHz: 20, staticDir: '', host: '::1' });
    // A value is taken as written, even one that looks like a flag (then checked as usual).
    expect(parseConfig(['--static', '--port'], {}).staticDir).toBe('--port');
    expect(() => parseConfig(['--port', '--tick-hz'], {})).toThrow(
      /--port: expected an integer in 0\.\.65535, got "--tick-hz"/,
    );
  });

  it('takes a boolean flag alone, before another flag, or with a word', () => {
    expect(parseConfig(['--checksums', '--port', '1'], {})).toMatchObject({
      checksums: true,
      port: 1,
    });
    expect(parseConfig(['--eat-pellets', 'false'], {}).eatPellets).toBe(false);
    expect(parseConfig(['--eat-pellets=no', '--checksums', 'on'], {})).toMatchObject({
      eatPellets: false,
      checksums: true,
    });
    expect(parseConfig(['--checksums=false'], { CHECKSUMS: 'true' }).checksums).toBe(false);
    expect(() => parseConfig(['--checksums', 'maybe'], {})).toThrow(
      /--checksums: expected true or false, got "maybe"/,
    );
  });

  it('refuses unknown flags, stray words and missing values with a clear message', () => {
    expect(() => parseConfig(['--bogus=3'], {})).toThrow('unknown option --bogus (try --help)');
    expect(() => parseConfig(['-x'], {})).toThrow('unknown option -x (try --help)');
    expect(() => parseConfig(['9000'], {})).toThrow('unknown option 9000 (try --help)');
    expect(() => parseConfig(['--', '--port', '1'], {})).toThrow('unknown option -- (try --help)');
    expect(() => parseConfig(['--tick-hz', '20', '--port'], {})).toThrow('--port needs a value');
  });

  it('takes the allowed browser origins, by default the page itself and localhost', () => {
    expect(DEFAULT_CONFIG.allowedOrigins).toEqual([{ kind: 'self' }, { kind: 'localhost' }]);
    expect(
      parseConfig(['--allowed-origins', 'https://game.example,self'], {}).allowedOrigins,
    ).toEqual([{ kind: 'exact', origin: 'https://game.example' }, { kind: 'self' }]);
    expect(parseConfig([], { ALLOWED_ORIGINS: '*' }).allowedOrigins).toEqual([{ kind: 'any' }]);
    expect(() => parseConfig(['--allowed-origins=game.example'], {})).toThrow(
      /--allowed-origins: "game.example" is not an origin/,
    );
    expect(() => parseConfig([], { ALLOWED_ORIGINS: '' })).toThrow(
      /ALLOWED_ORIGINS: expected origins/,
    );
    expect(usage()).toMatch(/--allowed-origins\s+ALLOWED_ORIGINS\s+.*\(default: self,localhost\)/);
  });

  it('takes the cluster options: workers, Redis and public URLs checked, the auth secret never shown', () => {
    expect(parseConfig(['--workers', 'auto'], {}).workers).toBe(0);
    expect(parseConfig([], { WORKERS: '3' }).workers).toBe(3);
    expect(() => parseConfig(['--workers', '0'], {})).toThrow(/--workers: expected an integer/);
    expect(parseConfig(['--redis', 'redis://10.0.0.5:6379'], {}).redisUrl).toBe(
      'redis://10.0.0.5:6379',
    );
    expect(() => parseConfig(['--redis', 'http://10.0.0.5'], {})).toThrow(
      '--redis: expected a redis:// or rediss:// URL, got "http://10.0.0.5"',
    );
    expect(parseConfig([], { PUBLIC_URL: 'wss://eu1.game.example/ws' }).publicUrl).toBe(
      'wss://eu1.game.example/ws',
    );
    expect(() => parseConfig(['--public-url', 'eu1.game.example'], {})).toThrow(
      '--public-url: "eu1.game.example" is not a URL',
    );
    expect(parseConfig(['--direct-join', 'false'], {}).directJoin).toBe(false);
    const secret = 'a-secret-of-at-least-thirty-two-bytes-long';
    expect(parseConfig([], { AUTH_SECRET: secret }).authSecret).toBe(secret);
    expect(usage()).toMatch(/--auth-secret\s+AUTH_SECRET\s+.*\(default: none\)/);
    expect(usage()).not.toContain(secret);
    // Auth on: no way in without a token unless direct joins are asked for explicitly.
    expect(parseConfig([], { AUTH_SECRET: secret }).directJoin).toBe(false);
    expect(parseConfig(['--auth-jwks-url', 'https://id.example/jwks.json'], {}).directJoin).toBe(
      false,
    );
    expect(parseConfig(['--direct-join'], { AUTH_SECRET: secret }).directJoin).toBe(true);
  });

  it('takes the listening line: auto (on a terminal) by default, on or off', () => {
    expect(parseConfig([], {}).banner).toBe('auto');
    expect(parseConfig(['--banner', 'on'], {}).banner).toBe('on');
    expect(parseConfig([], { BANNER: 'off' }).banner).toBe('off');
    expect(() => parseConfig(['--banner', 'yes'], {})).toThrow(
      /--banner: expected one of auto, on, off/,
    );
    expect(usage()).toMatch(/--banner\s+BANNER\s+.*\(default: auto\)/);
  });
});
