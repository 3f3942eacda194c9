import { WEBSOCKET_PATH } from '@tickwire/protocol';

/** The parts of `window.location` the server address depends on. */
export interface PageLocation {
  /** `http:` or `https:` */
  protocol: string;
  /** host[:port] */
  host: string;
  /** `?a=b...` or '' */
  search: string;
}

/** URL query parameter that points the client at another server (`?server=ws://host:port/ws`). */
export const SERVER_PARAMETER = 'server';

/**
 * The WebSocket URL to connect to: the `?server=` override when it is a ws:// or wss:// URL,
 * else `/ws` on the host that served the page (the game server serves the client itself).
 * Returns an error message instead when the override is not a usable URL.
 */
export function resolveServerUrl(
  location: PageLocation,
): { ok: true; url: string } | { ok: false; error: string } {
  const override = new URLSearchParams(location.search).get(SERVER_PARAMETER);
  if (override !== null && override !== '') {
    let parsed: URL;
    try {
      parsed = new URL(override);
    } catch {
      return { ok: false, error: `The ?server= parameter "${override}" is not a URL.` };
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      return {
        ok: false,
        error: `The ?server= parameter must be a ws:// or wss:// URL, not "${override}".`,
      };
    }
    return { ok: true, url: parsed.href };
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { ok: true, url: `${scheme}//${location.host}${WEBSOCKET_PATH}` };
}
