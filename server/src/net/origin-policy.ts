/**
 * Which browser pages may open a WebSocket to this server (`--allowed-origins`).
 *
 * The `Origin` header protects browsers only: a browser always sends it on a WebSocket upgrade and
 * a page cannot forge it, while a bot, k6 or Node's `ws` sends none (or anything it likes). So a
 * request with no Origin at all is accepted: refusing it would stop no attacker, only tools.
 */

/** One allowlist entry, as the operator wrote it. */
export type OriginRule =
  /** The page's own origin: the Origin's host (and port) equals the request's Host header. */
  | { kind: 'self' }
  /** http(s)://localhost, 127.0.0.1 or [::1] on any port: what development needs. */
  | { kind: 'localhost' }
  /** Any origin at all (`*`). */
  | { kind: 'any' }
  /** One exact origin, normalized as `URL.origin` gives it, e.g. `https://game.example`. */
  | { kind: 'exact'; origin: string };

export type OriginPolicy = readonly OriginRule[];

/** The default: the page this server serves, plus local development pages. */
export const DEFAULT_ALLOWED_ORIGINS = 'self,localhost';

const LOCAL_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Reads a comma-separated allowlist: origins (`https://game.example`, `http://host:8080`) and the
 * keywords `self`, `localhost` and `*`. Throws with a message naming the bad entry.
 */
export function parseOriginPolicy(raw: string): OriginPolicy {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new Error(`expected origins or self, localhost, *; got "${raw}"`);
  }
  return entries.map((entry): OriginRule => {
    const lower = entry.toLowerCase();
    if (lower === 'self') return { kind: 'self' };
    if (lower === 'localhost') return { kind: 'localhost' };
    if (lower === '*') return { kind: 'any' };
    const url = parseHttpUrl(entry);
    // An origin has no path, query or credentials: anything else is probably a mistyped URL.
    if (url === null || url.origin + '/' !== url.href) {
      throw new Error(
        `"${entry}" is not an origin (scheme://host[:port], e.g. https://game.example) nor self, localhost or *`,
      );
    }
    return { kind: 'exact', origin: url.origin };
  });
}

function parseHttpUrl(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

const NO_PEERS: ReadonlySet<number> = new Set();

/**
 * Whether an upgrade request may proceed. `origin` and `host` are the raw header values, empty
 * when absent (as uWS reports a missing header). `peerPorts`: the game ports of the cluster's
 * processes; `self` also admits a page served by one of them on the same host name (with
 * --workers, the page comes from one process and matchmaking may seat the player on another).
 */
export function isOriginAllowed(
  policy: OriginPolicy,
  origin: string,
  host: string,
  peerPorts: ReadonlySet<number> = NO_PEERS,
): boolean {
  if (origin === '') return true;
  if (policy.some((rule) => rule.kind === 'any')) return true;
  // "null" (a sandboxed iframe, a file:// page) and anything unparsable fall through to refusal.
  const url = parseHttpUrl(origin);
  if (url === null) return false;
  return policy.some((rule) => {
    switch (rule.kind) {
      case 'self':
        return isSameHost(url, host) || isPeer(url, host, peerPorts);
      case 'localhost':
        return LOCAL_HOSTNAMES.has(url.hostname);
      case 'exact':
        return rule.origin === url.origin;
      case 'any':
        return true;
    }
  });
}

/**
 * The Host header read against the Origin's scheme, so that a default port written out on either
 * side ("game.example:443" vs "https://game.example") still matches. The scheme itself is not
 * compared: behind a TLS-terminating proxy the page is https while the request arrives as http.
 */
function isSameHost(origin: URL, host: string): boolean {
  if (host === '') return false;
  const hostUrl = parseHttpUrl(`${origin.protocol}//${host}`);
  return hostUrl !== null && hostUrl.host === origin.host && hostUrl.href === `${hostUrl.origin}/`;
}

/** A page served by another process of the cluster: the same host name, a peer's port. */
function isPeer(origin: URL, host: string, peerPorts: ReadonlySet<number>): boolean {
  if (host === '' || peerPorts.size === 0) return false;
  const hostUrl = parseHttpUrl(`${origin.protocol}//${host}`);
  const port = Number(origin.port || (origin.protocol === 'https:' ? 443 : 80));
  return hostUrl !== null && hostUrl.hostname === origin.hostname && peerPorts.has(port);
}

/** The policy as `--allowed-origins` takes it (for `--help` and the startup log). */
export function formatOriginPolicy(policy: OriginPolicy): string {
  return policy
    .map((rule) => {
      switch (rule.kind) {
        case 'self':
        case 'localhost':
          return rule.kind;
        case 'any':
          return '*';
        case 'exact':
          return rule.origin;
      }
    })
    .join(',');
}
