import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALLOWED_ORIGINS,
  formatOriginPolicy,
  isOriginAllowed,
  parseOriginPolicy,
} from './origin-policy.js';

describe('origin policy', () => {
  const byDefault = parseOriginPolicy(DEFAULT_ALLOWED_ORIGINS);

  it('by default accepts the page its own host serves, and local development pages', () => {
    expect(isOriginAllowed(byDefault, 'https://game.example', 'game.example')).toBe(true);
    expect(isOriginAllowed(byDefault, 'http://game.example:8080', 'game.example:8080')).toBe(true);
    // A default port written out in the Host header is the same host.
    expect(isOriginAllowed(byDefault, 'https://game.example', 'game.example:443')).toBe(true);
    // TLS ends at a proxy: the scheme is not compared, the host and port are.
    expect(isOriginAllowed(byDefault, 'https://game.example', 'GAME.example')).toBe(true);
    for (const origin of [
      'http://localhost:5173',
      'https://localhost',
      'http://127.0.0.1:8080',
      'http://[::1]:3000',
    ]) {
      expect(isOriginAllowed(byDefault, origin, 'game.example'), origin).toBe(true);
    }
  });

  it('by default refuses other sites, other ports, and opaque origins', () => {
    expect(isOriginAllowed(byDefault, 'https://evil.example', 'game.example')).toBe(false);
    expect(isOriginAllowed(byDefault, 'http://game.example:9000', 'game.example:8080')).toBe(false);
    expect(isOriginAllowed(byDefault, 'https://game.example.evil', 'game.example')).toBe(false);
    expect(isOriginAllowed(byDefault, 'http://localhost.evil.example', 'game.example')).toBe(false);
    expect(isOriginAllowed(byDefault, 'null', 'game.example')).toBe(false);
    expect(isOriginAllowed(byDefault, 'file://', 'game.example')).toBe(false);
    expect(isOriginAllowed(byDefault, 'https://game.example', '')).toBe(false);
    expect(isOriginAllowed(byDefault, 'https://game.example', 'game.example/path')).toBe(false);
  });

  it('accepts a request with no Origin at all: bots and tools send none', () => {
    expect(isOriginAllowed(byDefault, '', 'game.example')).toBe(true);
    expect(isOriginAllowed(parseOriginPolicy('https://game.example'), '', '')).toBe(true);
  });

  it('takes an explicit list, which replaces the default', () => {
    const policy = parseOriginPolicy(' https://game.example , http://play.example:8080/ ');
    expect(policy).toEqual([
      { kind: 'exact', origin: 'https://game.example' },
      { kind: 'exact', origin: 'http://play.example:8080' },
    ]);
    expect(isOriginAllowed(policy, 'https://GAME.example:443', 'other')).toBe(true);
    expect(isOriginAllowed(policy, 'http://play.example:8080', 'other')).toBe(true);
    expect(isOriginAllowed(policy, 'http://game.example', 'other')).toBe(false);
    expect(isOriginAllowed(policy, 'http://localhost:8080', 'localhost:8080')).toBe(false);
    const withSelf = parseOriginPolicy('self,https://game.example');
    expect(isOriginAllowed(withSelf, 'http://localhost:8080', 'localhost:8080')).toBe(true);
  });

  it('* accepts any origin, opaque ones included', () => {
    const any = parseOriginPolicy('*');
    expect(isOriginAllowed(any, 'https://evil.example', 'game.example')).toBe(true);
    expect(isOriginAllowed(any, 'null', 'game.example')).toBe(true);
  });

  it('refuses entries that are not origins, naming them', () => {
    expect(() => parseOriginPolicy('')).toThrow(/expected origins/);
    expect(() => parseOriginPolicy(' , ')).toThrow(/expected origins/);
    expect(() => parseOriginPolicy('game.example')).toThrow(/"game.example" is not an origin/);
    expect(() => parseOriginPolicy('https://game.example/play')).toThrow(/is not an origin/);
    expect(() => parseOriginPolicy('ws://game.example')).toThrow(/is not an origin/);
    expect(() => parseOriginPolicy('https://u:p@game.example')).toThrow(/is not an origin/);
  });

  it('prints a policy as the option takes it', () => {
    expect(formatOriginPolicy(byDefault)).toBe(DEFAULT_ALLOWED_ORIGINS);
    const raw = 'self,https://game.example,*';
    expect(formatOriginPolicy(parseOriginPolicy(raw))).toBe(raw);
  });
});
