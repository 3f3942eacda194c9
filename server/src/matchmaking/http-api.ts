// The answers' JSON shapes are the protocol package's (one home for the API's contract).
import {
  WEBSOCKET_PATH,
  type MatchAnswer,
  type RoomInfo,
  type RoomListing,
} from '@tickwire/protocol';
import { AuthError, type PlayerAuth } from '../auth/player-auth.js';
import { RegistryUnavailableError, type SeatGrant, type SeatHolder } from '../cluster/registry.js';
import type { RoomRecord } from '../cluster/registry.js';
import { isOriginAllowed, type OriginPolicy } from '../net/origin-policy.js';
import { addressKey } from '../room/address.js';
import type { RequestLimits } from './request-limits.js';
import {
  MatchError,
  type CreateRoomOptions,
  type JoinTarget,
  type Matchmaker,
} from './matchmaker.js';

/** One HTTP request to /match/..., as the transport read it. */
export interface ApiRequest {
  method: string;
  /** The path, without the query. */
  path: string;
  /** The query string, without '?'. */
  query: string;
  /** Header values ('' when absent). */
  authorization: string;
  host: string;
  origin: string;
  /** X-Forwarded-Proto from a TLS-terminating proxy: 'https' makes the answer's URL wss://. */
  forwardedProto: string;
  /** The body as text (POST), at most MAX_BODY_BYTES. */
  body: string;
  /** The client's address, as the transport saw it. */
  remoteAddress: string;
}

export interface ApiAnswer {
  status: number;
  headers: [string, string][];
  /** Serialized as JSON; null: no body (204). */
  json: unknown;
}

/** The largest request body matchmaking reads; longer ones get 413. */
export const MAX_BODY_BYTES = 4096;
/** Paths under this prefix are matchmaking's. */
export const MATCH_PATH_PREFIX = '/match/';

export interface MatchApiOptions {
  matchmaker: Matchmaker;
  /** Per-address request limits; null: none. */
  limits: RequestLimits | null;
  /** null: anyone may play, with the name they type. */
  auth: PlayerAuth | null;
  /** Pages allowed to call matchmaking from a browser (the WebSocket's policy): CORS. */
  allowedOrigins: OriginPolicy;
  /** Ports of the cluster's processes on this host name, for the `self` origin rule. */
  peerPorts(): ReadonlySet<number>;
  /** A request failed on the server's side (500/503): for the log. */
  onError?(path: string, error: unknown): void;
  /** Every answer, by endpoint (the path after /match/) and status: for the metrics. */
  onAnswered?(endpoint: string, status: number): void;
}

const ANYONE: SeatHolder = { playerId: null, name: null };

/**
 * Matchmaking's HTTP API (README "Matchmaking", PROTOCOL.md 15): JSON in and out, every error a
 * status with `{error, message}`. Transport-free: transport/uws.ts reads the request and writes
 * the answer.
 */
export class MatchApi {
  readonly #options: MatchApiOptions;

  constructor(options: MatchApiOptions) {
    this.#options = options;
  }

  async answer(request: ApiRequest): Promise<ApiAnswer> {
    let answer: ApiAnswer;
    try {
      answer = await this.#route(request);
    } catch (error) {
      answer = this.#failure(request, error);
    }
    answer.headers.push(...this.#cors(request));
    this.#options.onAnswered?.(request.path.slice(MATCH_PATH_PREFIX.length), answer.status);
    return answer;
  }

  async #route(request: ApiRequest): Promise<ApiAnswer> {
    const route = request.path.slice(MATCH_PATH_PREFIX.length);
    const methods = route === 'rooms' ? 'GET, HEAD, OPTIONS' : 'POST, OPTIONS';
    if (!['quickplay', 'create', 'join', 'rooms'].includes(route)) {
      throw new MatchError(404, 'not-found', `no matchmaking endpoint ${request.path}`);
    }
    if (request.method === 'OPTIONS') {
      return {
        status: 204,
        headers: [
          ['Allow', methods],
          ['Access-Control-Allow-Methods', methods],
          ['Access-Control-Allow-Headers', 'Authorization, Content-Type'],
          ['Access-Control-Max-Age', '600'],
        ],
        json: null,
      };
    }
    if (!methods.split(', ').includes(request.method)) {
      const error = new MatchError(405, 'method-not-allowed', `${request.path} takes ${methods}`);
      const answer = errorAnswer(error);
      answer.headers.push(['Allow', methods]);
      return answer;
    }
    const limits = this.#options.limits;
    const address = addressKey(request.remoteAddress);
    if (limits && !limits.allowRequest(address)) {
      throw new MatchError(429, 'rate-limited', 'too many matchmaking requests: slow down');
    }
    const matchmaker = this.#options.matchmaker;
    if (route === 'rooms') {
      const game = matchmaker.gameOf(new URLSearchParams(request.query).get('game') ?? undefined);
      const rooms = await matchmaker.list(game);
      const listing: RoomListing = {
        game,
        games: [...matchmaker.games],
        rooms: rooms.map((r) => roomInfo(r, false)),
      };
      return ok(listing);
    }
    const body = parseBody(request.body);
    const holder = await this.#holder(request);
    let grant: SeatGrant;
    let showCode = false;
    switch (route) {
      case 'quickplay':
        grant = await matchmaker.quickPlay(matchmaker.gameOf(optionalString(body, 'game')), holder);
        break;
      case 'create':
        grant = await matchmaker.create(createOptions(body), holder);
        showCode = true;
        break;
      default: {
        const target = joinTarget(body);
        showCode = 'code' in target;
        if (showCode && limits && !limits.allowCodeGuess(address)) {
          throw new MatchError(
            429,
            'rate-limited',
            'too many joins by a code that names no room: wait a minute',
          );
        }
        try {
          grant = await matchmaker.join(target, holder);
        } catch (error) {
          if (showCode && error instanceof MatchError && error.status === 404) {
            limits?.codeMissed(address);
          }
          throw error;
        }
      }
    }
    return ok(this.#matchAnswer(request, grant, showCode));
  }

  async #holder(request: ApiRequest): Promise<SeatHolder> {
    const auth = this.#options.auth;
    if (!auth) return ANYONE;
    const identity = await auth.verify(request.authorization);
    return { playerId: identity.playerId, name: identity.name };
  }

  #matchAnswer(request: ApiRequest, grant: SeatGrant, showCode: boolean): MatchAnswer {
    return {
      room: roomInfo(grant.room, showCode),
      url: grant.process.publicUrl ?? socketUrl(request, grant.process.port),
      seat: grant.seat,
      // The TTL the registry just gave the seat: its expiry is on the registry's clock (Redis
      // TIME), which this machine's clock need not agree with.
      expiresInMs: this.#options.matchmaker.seatTtlMs,
    };
  }

  #failure(request: ApiRequest, error: unknown): ApiAnswer {
    if (error instanceof MatchError) {
      if (error.status >= 500) this.#options.onError?.(request.path, error);
      return errorAnswer(error, error.status === 429 ? [['Retry-After', '1']] : []);
    }
    if (error instanceof AuthError) {
      if (error.reason === 'unavailable') {
        this.#options.onError?.(request.path, error);
        return errorAnswer(new MatchError(503, 'unavailable', error.message), [
          ['Retry-After', '2'],
        ]);
      }
      return errorAnswer(new MatchError(401, 'unauthorized', error.message), [
        ['WWW-Authenticate', `Bearer error="invalid_token"`],
      ]);
    }
    if (error instanceof RegistryUnavailableError) {
      this.#options.onError?.(request.path, error);
      return errorAnswer(
        new MatchError(
          503,
          'unavailable',
          'matchmaking is unavailable right now: try again shortly',
        ),
        [['Retry-After', '2']],
      );
    }
    this.#options.onError?.(request.path, error);
    return errorAnswer(new MatchError(500, 'internal', 'internal error'));
  }

  /** CORS for pages the WebSocket origin policy allows (they may play, so they may matchmake). */
  #cors(request: ApiRequest): [string, string][] {
    if (request.origin === '') return [];
    const allowed = isOriginAllowed(
      this.#options.allowedOrigins,
      request.origin,
      request.host,
      this.#options.peerPorts(),
    );
    return allowed
      ? [
          ['Access-Control-Allow-Origin', request.origin],
          ['Vary', 'Origin'],
        ]
      : [['Vary', 'Origin']];
  }
}

function ok(json: unknown): ApiAnswer {
  return { status: 200, headers: [], json };
}

function errorAnswer(error: MatchError, headers: [string, string][] = []): ApiAnswer {
  return { status: error.status, headers, json: { error: error.error, message: error.message } };
}

function roomInfo(room: RoomRecord, showCode: boolean): RoomInfo {
  return {
    id: room.id,
    game: room.game,
    isPrivate: room.isPrivate,
    code: showCode ? room.code : null,
    players: room.players,
    capacity: room.capacity,
  };
}

/** ws://<the host name the client used>:<port>/ws (wss behind a TLS-terminating proxy). */
function socketUrl(request: ApiRequest, port: number): string {
  const scheme = request.forwardedProto.toLowerCase() === 'https' ? 'wss' : 'ws';
  let hostname = 'localhost';
  try {
    if (request.host !== '') hostname = new URL(`http://${request.host}`).hostname;
  } catch {
    // An unparsable Host header: the URL falls back to localhost.
  }
  return `${scheme}://${hostname}:${port}${WEBSOCKET_PATH}`;
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MatchError(400, 'bad-request', 'the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MatchError(400, 'bad-request', 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 64) {
    throw new MatchError(400, 'bad-request', `${key} must be a string of at most 64 characters`);
  }
  return value;
}

function createOptions(body: Record<string, unknown>): CreateRoomOptions {
  const isPrivate = body.private ?? false;
  if (typeof isPrivate !== 'boolean') {
    throw new MatchError(400, 'bad-request', 'private must be true or false');
  }
  const capacity = body.capacity;
  if (capacity !== undefined && typeof capacity !== 'number') {
    throw new MatchError(400, 'bad-request', 'capacity must be a number');
  }
  const allowed = body.allowedPlayerIds;
  if (
    allowed !== undefined &&
    (!Array.isArray(allowed) ||
      allowed.length > 100 ||
      !allowed.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 64))
  ) {
    throw new MatchError(
      400,
      'bad-request',
      'allowedPlayerIds must be a list of at most 100 player ids (strings of 1..64 characters)',
    );
  }
  return {
    game: optionalString(body, 'game'),
    isPrivate,
    capacity,
    allowedPlayerIds: allowed as string[] | undefined,
  };
}

function joinTarget(body: Record<string, unknown>): JoinTarget {
  const roomId = optionalString(body, 'roomId');
  const code = optionalString(body, 'code');
  if (roomId !== undefined && code === undefined) return { roomId };
  if (code !== undefined && roomId === undefined) return { code };
  throw new MatchError(400, 'bad-request', 'give either roomId or code');
}
