// The one plain line `npm start` prints for a person at a terminal once the server listens:
//   tickwire arena on http://localhost:8080 · LAN http://192.168.1.20:8080 (Ctrl+C stops)
// It goes to stderr, beside the JSON log lines on stdout (which keep their `"msg":"listening"`
// line unchanged: tests, the benchmark and collectors parse it).
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { ServerConfig } from '../config.js';

export interface ListeningLine {
  game: string;
  /** --host as given. */
  host: string;
  /** The port of every process that listens (several under --workers); the first is named. */
  ports: readonly number[];
  /** 'none': --static ""; 'not built': client/dist is missing (main.ts serves none then). */
  client: 'served' | 'none' | 'not built';
  /** This machine's LAN IPv4 addresses (lanIPv4Addresses()). */
  lanAddresses: readonly string[];
}

/**
 * Whether to print the line: 'auto' only when stderr is a terminal, so that output piped to a
 * log collector holds the JSON lines alone.
 */
export function isListeningLineShown(mode: ServerConfig['banner'], isStderrTty: boolean): boolean {
  return mode === 'on' || (mode === 'auto' && isStderrTty);
}

/**
 * IPv4 addresses other machines may reach this one at: not loopback (internal), not link-local
 * (169.254/16: an interface that got no address from DHCP).
 */
export function lanIPv4Addresses(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  const addresses: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal || info.address.startsWith('169.254.')) continue;
      if (!addresses.includes(info.address)) addresses.push(info.address);
    }
  }
  return addresses;
}

/** The line, without its newline. */
export function formatListeningLine(line: ListeningLine): string {
  const [port, ...otherPorts] = line.ports;
  if (port === undefined) throw new Error('formatListeningLine: no port');
  const scope = hostScope(line.host);
  const url = (host: string): string => `http://${host}:${port}`;
  // What a browser on this machine opens for the wildcard and 127.0.0.1; any other address (::1,
  // 127.0.0.2, a LAN address) only answers as itself.
  const localHost =
    scope === 'any' || line.host === '127.0.0.1' || line.host === 'localhost'
      ? 'localhost'
      : urlHost(line.host);
  let text = `tickwire ${line.game} on ${url(localHost)}`;
  const lastPort = otherPorts.at(-1);
  if (lastPort !== undefined) {
    text += ` (${line.ports.length} processes, ports ${port}-${lastPort})`;
  }
  if (scope === 'any') {
    text +=
      line.lanAddresses.length > 0
        ? ` · LAN ${line.lanAddresses.map(url).join(', ')}`
        : ' · no LAN address (no network interface with an IPv4 address)';
  } else if (scope === 'loopback') {
    text += ` · local only (--host ${line.host}; --host 0.0.0.0 opens it to the LAN)`;
  }
  if (line.client === 'none') {
    text += ` · no client page (--static ""): players connect to ws://${localHost}:${port}/ws`;
  } else if (line.client === 'not built') {
    text += ' · no client page: not built (npm run build)';
  }
  return `${text} (Ctrl+C stops)`;
}

/** 'any': every interface (0.0.0.0, ::); 'loopback': this machine only; else one address. */
function hostScope(host: string): 'any' | 'loopback' | 'specific' {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (['', '0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0'].includes(bare)) return 'any';
  if (bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)) {
    return 'loopback';
  }
  return 'specific';
}

/** An IPv6 address goes in brackets in a URL. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
