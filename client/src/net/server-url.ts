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
/** URL query parameter of a share link: the private room to join (`?room=ABC234`). */
export const ROOM_PARAMETER = 'room';
/** What a room code may hold: the server's codes are short and alphanumeric. */
const ROOM_CODE_PATTERN = /^[A-Za-z0-9]{1,32}$/;

/**
 * How the page joins a game:
 * - `lobby`: through the matchmaking API of the server that served the page (its origin), with
 *   quick play, the room list and private rooms; `roomCode` from a share link (`?room=CODE`);
 * - `direct`: straight to a WebSocket URL given with `?server=` (development: no lobby, the
 *   process's default room).
 */
export type JoinMode =
  | { kind: 'lobby'; matchmakingUrl: string; roomCode: string | null }
  | { kind: 'direct'; url: string };

/** The join mode the page's address asks for, or an error message for a bad parameter. */
export function resolveJoinMode(
  location: PageLocation,
): { ok: true; mode: JoinMode } | { ok: false; error: string } {
  const search = new URLSearchParams(location.search);
  const override = search.get(SERVER_PARAMETER);
  if (override !== null && override !== '') {
    const server = resolveServerUrl(location);
    return server.ok ? { ok: true, mode: { kind: 'direct', url: server.url } } : server;
  }
  const code = search.get(ROOM_PARAMETER)?.trim() ?? '';
  if (code !== '' && !ROOM_CODE_PATTERN.test(code)) {
    return {
      ok: false,
      error: `The ?room= parameter "${code}" is not a room code (letters and digits).`,
    };
  }
  return {
    ok: true,
    mode: {
      kind: 'lobby',
      matchmakingUrl: `${location.protocol}//${location.host}`,
      roomCode: code === '' ? null : code,
    },
  };
}

/** The share link of a private room: this page's origin with `?room=CODE`. */
export function shareLinkFor(
  location: Pick<PageLocation, 'protocol' | 'host'>,
  code: string,
): string {
  return `${location.protocol}//${location.host}/?${ROOM_PARAMETER}=${encodeURIComponent(code)}`;
}

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
