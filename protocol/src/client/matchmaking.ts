// A typed client of the matchmaking HTTP API every tickwire server process answers on its game
// port (PROTOCOL.md, Matchmaking): quick play, create a room, join by id or code, list the public
// rooms. Each answer with a seat names the WebSocket URL of the process holding the room; the
// client connects there and sends the seat in its Hello (ConnectionOptions.seat).
//
// protocol/ compiles without DOM or Node types, so the parts of fetch used are declared here;
// the browser's fetch and Node 20's both fit.

import { WEBSOCKET_PATH } from '../wire/version.js';
import { isRecord, readMatchAnswer, readRoomListing } from './matchmaking-json.js';

/** A room as matchmaking describes it. */
export interface RoomInfo {
  id: string;
  /** The game type the room runs (e.g. 'arena'). */
  game: string;
  isPrivate: boolean;
  /** A private room's join code, only in the answers to create and join; else null. */
  code: string | null;
  players: number;
  capacity: number;
}

/** A seat reservation: connect to `url` within `expiresInMs` and send `seat` in the Hello. */
export interface MatchAnswer {
  room: RoomInfo;
  /** WebSocket URL of the process that holds the room (ws://host:port/ws). */
  url: string;
  /** Single use; expires. */
  seat: string;
  expiresInMs: number;
}

/** GET /match/rooms: the public rooms of `game`, fullest first, and every game the server runs. */
export interface RoomListing {
  game: string;
  games: string[];
  rooms: RoomInfo[];
}

export interface CreateRoomRequest {
  /** Default: the server's default game. */
  game?: string;
  /** A private room is joined only by its code. Default false. */
  isPrivate?: boolean;
  /** Players at most. Default: the server's. */
  capacity?: number;
  /** Verified player ids (token `sub`) that may join; needs auth on the server. Default anyone. */
  allowedPlayerIds?: string[];
}

/** Which room to join: by id (from a listing) or by a private room's code. */
export type JoinRoomRequest = { roomId: string } | { code: string };

/** The part of a fetch Response used here. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface FetchRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** An AbortSignal, where the host has AbortController. */
  signal?: unknown;
}

/** `fetch` as browsers and Node 20+ have it (only the parts used here). */
export type FetchLike = (url: string, init: FetchRequestInit) => Promise<FetchResponseLike>;

export interface MatchmakerOptions {
  /**
   * Bearer token (a JWT) sent with every request, for servers that run with auth; or a function
   * asked before each request, so an expiring token can be refreshed. Default none.
   */
  token?: string | null | (() => string | null | Promise<string | null>);
  /** Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** A request unanswered this long fails as unreachable. Default 10 s. */
  timeoutMs?: number;
}

/** `status` of a MatchmakingError when no HTTP answer came (refused, DNS, timeout). */
export const UNREACHABLE_STATUS = 0;

/**
 * A matchmaking request that got no seat. `status` is the HTTP status (0: no answer at all),
 * `error` the server's word for it (`room-full`, `no-such-room`, `unavailable`, ...; `unreachable`
 * when nothing answered, `bad-answer` when the answer was not the API's JSON) and `message` a
 * sentence saying what happened.
 */
export class MatchmakingError extends Error {
  override readonly name = 'MatchmakingError';
  readonly status: number;
  readonly error: string;
  /** From a 503's Retry-After header, in ms; else null. */
  readonly retryAfterMs: number | null;

  constructor(status: number, error: string, message: string, retryAfterMs: number | null = null) {
    super(message);
    this.status = status;
    this.error = error;
    this.retryAfterMs = retryAfterMs;
  }

  /**
   * True when asking again later can succeed: no answer, the client asked too fast (429), or
   * the server (or a proxy before it) says it cannot serve now (502, 503, 504). Every other
   * refusal stands until something changes.
   */
  get isRetryable(): boolean {
    return (
      this.status === UNREACHABLE_STATUS ||
      this.status === 429 ||
      (this.status >= 502 && this.status <= 504)
    );
  }
}

/** Whether `error` is a MatchmakingError worth retrying (see MatchmakingError.isRetryable). */
export function isRetryableMatchmakingError(error: unknown): boolean {
  return error instanceof MatchmakingError && error.isRetryable;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** `scheme://authority` and the rest of a URL (no URL class: k6 has none). */
const URL_PATTERN = /^(wss?|https?):\/\/([^/?#\s]+)([^\s]*)$/i;

/**
 * The matchmaking base URL (`http(s)://host:port`) of the server at a WebSocket URL
 * (`ws(s)://host:port/ws`): matchmaking is on the same port. Throws for anything else.
 */
export function matchmakingUrlFor(wsUrl: string): string {
  const match = URL_PATTERN.exec(wsUrl.trim());
  const scheme = match?.[1]?.toLowerCase();
  if (!match || (scheme !== 'ws' && scheme !== 'wss')) {
    throw new Error(`matchmakingUrlFor: "${wsUrl}" is not a ws:// or wss:// URL`);
  }
  return `${scheme === 'wss' ? 'https' : 'http'}://${match[2]}`;
}

/**
 * The WebSocket URL (`ws(s)://host:port/ws`) of the server whose matchmaking is at `baseUrl`
 * (`http(s)://host:port`), for a direct join without matchmaking. Throws for anything else.
 */
export function webSocketUrlFor(baseUrl: string): string {
  const match = URL_PATTERN.exec(baseUrl.trim());
  const scheme = match?.[1]?.toLowerCase();
  if (!match || (scheme !== 'http' && scheme !== 'https')) {
    throw new Error(`webSocketUrlFor: "${baseUrl}" is not an http:// or https:// URL`);
  }
  return `${scheme === 'https' ? 'wss' : 'ws'}://${match[2]}${WEBSOCKET_PATH}`;
}

/** Whether `url` is an http(s) URL: a matchmaking base rather than a WebSocket endpoint. */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url.trim());
}

interface AbortControllerLike {
  readonly signal: unknown;
  abort(): void;
}

interface HostGlobals {
  fetch?: FetchLike;
  AbortController?: new () => AbortControllerLike;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const host = globalThis as unknown as HostGlobals;

/**
 * The matchmaking API of a tickwire server (or cluster: every process answers for all of them).
 * Every method resolves with the server's answer or rejects with a MatchmakingError.
 */
export class Matchmaker {
  /** `http(s)://host:port`, without a trailing slash. */
  readonly baseUrl: string;
  readonly #token: MatchmakerOptions['token'];
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;

  /** `baseUrl`: the server's HTTP address, e.g. `http://localhost:8080` (a path is ignored). */
  constructor(baseUrl: string, options: MatchmakerOptions = {}) {
    const match = URL_PATTERN.exec(baseUrl.trim());
    const scheme = match?.[1]?.toLowerCase();
    if (!match || (scheme !== 'http' && scheme !== 'https')) {
      throw new Error(
        `Matchmaker: "${baseUrl}" is not an http:// or https:// URL (e.g. http://localhost:8080)`,
      );
    }
    this.baseUrl = `${scheme}://${match[2]}`;
    this.#token = options.token ?? null;
    const fetch = options.fetch;
    // Called as a plain function: a browser's fetch called as a method of another object
    // throws "Illegal invocation". Looked up at call time, so a fetch installed later is used.
    this.#fetch = fetch
      ? (url, init) => fetch(url, init)
      : (url, init) => {
          if (!host.fetch) {
            throw new Error('this environment has no global fetch: pass one in the options');
          }
          return host.fetch(url, init);
        };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** A seat in the fullest public room of `game` that has one, else in a new room. */
  quickPlay(game?: string): Promise<MatchAnswer> {
    return this.#post('/match/quickplay', game === undefined ? {} : { game }, readMatchAnswer);
  }

  /** A new room, and a seat in it for the creator. A private room's answer carries its code. */
  create(request: CreateRoomRequest = {}): Promise<MatchAnswer> {
    const body: Record<string, unknown> = {};
    if (request.game !== undefined) body['game'] = request.game;
    if (request.isPrivate !== undefined) body['private'] = request.isPrivate;
    if (request.capacity !== undefined) body['capacity'] = request.capacity;
    if (request.allowedPlayerIds !== undefined) body['allowedPlayerIds'] = request.allowedPlayerIds;
    return this.#post('/match/create', body, readMatchAnswer);
  }

  /** A seat in the room with this id (from a listing) or this code (a private room's). */
  join(request: JoinRoomRequest): Promise<MatchAnswer> {
    const body = 'code' in request ? { code: request.code } : { roomId: request.roomId };
    return this.#post('/match/join', body, readMatchAnswer);
  }

  /** The public rooms of `game` (default: the server's default game) and the games it runs. */
  listRooms(game?: string): Promise<RoomListing> {
    const query = game === undefined ? '' : `?game=${encodeURIComponent(game)}`;
    return this.#request('GET', `/match/rooms${query}`, undefined, readRoomListing);
  }

  #post<T>(path: string, body: object, read: (json: unknown) => T): Promise<T> {
    return this.#request('POST', path, JSON.stringify(body), read);
  }

  async #request<T>(
    method: string,
    path: string,
    body: string | undefined,
    read: (json: unknown) => T,
  ): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = typeof this.#token === 'function' ? await this.#token() : this.#token;
    if (token !== null && token !== undefined && token !== '') {
      headers['authorization'] = `Bearer ${token}`;
    }
    const controller = host.AbortController ? new host.AbortController() : null;
    let isTimedOut = false;
    const timer = host.setTimeout(() => {
      isTimedOut = true;
      controller?.abort();
    }, this.#timeoutMs);
    let response: FetchResponseLike;
    let text: string;
    try {
      const init: FetchRequestInit = { method, headers };
      if (body !== undefined) init.body = body;
      if (controller) init.signal = controller.signal;
      response = await this.#fetch(url, init);
      text = await response.text();
    } catch (error) {
      const why = isTimedOut ? `no answer within ${this.#timeoutMs} ms` : describeError(error);
      throw new MatchmakingError(
        UNREACHABLE_STATUS,
        'unreachable',
        `Cannot reach matchmaking at ${this.baseUrl} (${why}).`,
      );
    } finally {
      host.clearTimeout(timer);
    }
    return readAnswer(url, response, text, read);
  }
}

/** The answer's JSON read by `read` (2xx), or the MatchmakingError it stands for. */
function readAnswer<T>(
  url: string,
  response: FetchResponseLike,
  text: string,
  read: (json: unknown) => T,
): T {
  const { status } = response;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const start = text.slice(0, 80).replace(/\s+/g, ' ').trim();
    throw new MatchmakingError(
      status,
      'bad-answer',
      `${url} answered ${status} with something that is not JSON${start === '' ? '' : ` ("${start}")`}: is this a tickwire server with matchmaking?`,
      retryAfterOf(response),
    );
  }
  if (status < 200 || status > 299) {
    const word = isRecord(json) && typeof json['error'] === 'string' ? json['error'] : '';
    const message = isRecord(json) && typeof json['message'] === 'string' ? json['message'] : '';
    throw new MatchmakingError(
      status,
      word === '' ? `http-${status}` : word,
      message === '' ? `${url} answered ${status}.` : message,
      retryAfterOf(response),
    );
  }
  try {
    return read(json);
  } catch (error) {
    throw new MatchmakingError(
      status,
      'bad-answer',
      `${url} answered ${status} with JSON that is not the matchmaking API's: ${describeError(error)}`,
    );
  }
}

/** Retry-After in ms when it holds a number of seconds (the HTTP-date form is not used here). */
function retryAfterOf(response: FetchResponseLike): number | null {
  const value = response.headers.get('retry-after');
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return null;
  return Math.round(Number(value) * 1000);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's fetch says "fetch failed" and keeps the reason (ECONNREFUSED ...) in `cause`.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
