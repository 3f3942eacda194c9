import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  formatListeningLine,
  isListeningLineShown,
  lanIPv4Addresses,
  type ListeningLine,
} from './listening-line.js';

const base: ListeningLine = {
  game: 'arena',
  host: '0.0.0.0',
  ports: [8080],
  client: 'served',
  lanAddresses: ['192.168.1.20'],
};

function info(address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo {
  const common = { address, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: null };
  return family === 'IPv4' ? { ...common, family } : { ...common, family, scopeid: 0 };
}

describe('formatListeningLine', () => {
  it('names the local and LAN URLs on every interface', () => {
    expect(formatListeningLine(base)).toBe(
      'tickwire arena on http://localhost:8080 · LAN http://192.168.1.20:8080 (Ctrl+C stops)',
    );
    expect(formatListeningLine({ ...base, lanAddresses: ['10.0.0.5', '192.168.1.20'] })).toBe(
      'tickwire arena on http://localhost:8080 · LAN http://10.0.0.5:8080, http://192.168.1.20:8080 (Ctrl+C stops)',
    );
    expect(formatListeningLine({ ...base, host: '::', lanAddresses: [] })).toBe(
      'tickwire arena on http://localhost:8080 · no LAN address (no network interface with an IPv4 address) (Ctrl+C stops)',
    );
  });

  it('says a loopback server is local only, and names one address as itself', () => {
    expect(formatListeningLine({ ...base, host: '127.0.0.1' })).toBe(
      'tickwire arena on http://localhost:8080 · local only (--host 127.0.0.1; --host 0.0.0.0 opens it to the LAN) (Ctrl+C stops)',
    );
    expect(formatListeningLine({ ...base, host: '::1' })).toMatch(
      /^tickwire arena on http:\/\/\[::1\]:8080 · local only \(--host ::1;/,
    );
    expect(formatListeningLine({ ...base, host: '192.168.1.20', game: 'stars' })).toBe(
      'tickwire stars on http://192.168.1.20:8080 (Ctrl+C stops)',
    );
  });

  it('says when no client page is served, and why', () => {
    expect(formatListeningLine({ ...base, client: 'none', lanAddresses: [] })).toContain(
      ' · no client page (--static ""): players connect to ws://localhost:8080/ws (Ctrl+C stops)',
    );
    expect(formatListeningLine({ ...base, client: 'not built' })).toContain(
      ' · no client page: not built (npm run build) (Ctrl+C stops)',
    );
  });

  it('names the first of several processes, and their ports', () => {
    expect(formatListeningLine({ ...base, ports: [8080, 8081, 8082] })).toBe(
      'tickwire arena on http://localhost:8080 (3 processes, ports 8080-8082) · LAN http://192.168.1.20:8080 (Ctrl+C stops)',
    );
  });
});

describe('lanIPv4Addresses', () => {
  it('keeps IPv4 addresses other machines can reach, once each', () => {
    expect(
      lanIPv4Addresses({
        lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
        eth0: [info('192.168.1.20', 'IPv4', false), info('fe80::1', 'IPv6', false)],
        wlan0: [info('169.254.3.4', 'IPv4', false)],
        docker0: [info('172.17.0.1', 'IPv4', false)],
        alias: [info('192.168.1.20', 'IPv4', false)],
        down: undefined,
      }),
    ).toEqual(['192.168.1.20', '172.17.0.1']);
  });
});

describe('isListeningLineShown', () => {
  it('auto: only on a terminal; on and off whatever stderr is', () => {
    expect(isListeningLineShown('auto', true)).toBe(true);
    expect(isListeningLineShown('auto', false)).toBe(false);
    expect(isListeningLineShown('on', false)).toBe(true);
    expect(isListeningLineShown('off', true)).toBe(false);
  });
});
