// The ONE file that imports uWebSockets.js. Everything else sees transport/types.ts.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import uWS from 'uWebSockets.js';
import {
  LEGACY_SUBPROTOCOLS,
  SERVED_SUBPROTOCOLS,
  SUBPROTOCOL,
  WEBSOCKET_PATH,
  CloseCode,
} from '@tickwire/protocol';
import type { Connection, ConnectionHandler, SendStatus } from './types.js';
import type { StaticFile } from '../http/static-files.js';
import { isOriginAllowed, type OriginPolicy } from '../net/origin-policy.js';
import type { ApiAnswer, ApiRequest } from '../matchmaking/http-api.js';

export interface UwsBuild {
  /** 'native' (the C++ uWS core) or 'fallback' (the package's slow ws-based emulation). */
  kind: 'native' | 'fallback';
  packageName: string;
  packageVersion: string;
  /** Where the loaded module lives, for the startup log. */
  location: string;
}

/**
 * Which uWS build was loaded. The unofficial package silently swaps in a ws-based emulation
 * when its native binary fails to load; the native App is a C++ function ("[native code]").
 */
export function detectUwsBuild(): UwsBuild {
  const require = createRequire(import.meta.url);
  const mainPath = require.resolve('uWebSockets.js');
  let packageName = 'uWebSockets.js';
  let packageVersion = 'unknown';
  try {
    const pkg = require('uWebSockets.js/package.json') as { name?: string; version?: string };
    packageName = pkg.name ?? packageName;
    packageVersion = pkg.version ?? packageVersion;
  } catch {
    // The official release has no package.json export; the version then stays unknown.
  }
  const isNative = Function.prototype.toString.call(uWS.App).includes('[native code]');
  return {
    kind: isNative ? 'native' : 'fallback',
    packageName,
    packageVersion,
    location: dirname(mainPath),
  };
}

export interface UwsServerOptions {
  host: string;
  port: number;
  handler: ConnectionHandler;
  staticFiles: Map<string, StaticFile> | null;
  /** Body of GET /healthz, as JSON. */
  health(): unknown;
  /** Body of GET /metrics (Prometheus text) and its content type; null: not served here. */
  metrics: (() => Promise<{ contentType: string; body: string }>) | null;
  maxPayloadBytes: number;
  maxBackpressureBytes: number;
  idleTimeoutSeconds: number;
  /** Browser pages allowed to connect; others are closed with OriginNotAllowed on open. */
  allowedOrigins: OriginPolicy;
  /** Game ports of the cluster's processes: pages they serve count as `self` (origin-policy.ts). */
  peerPorts?: () => ReadonlySet<number>;
  /** JSON API under `prefix` (matchmaking), any method; null: none. */
  api?: {
    prefix: string;
    maxBodyBytes: number;
    answer(request: ApiRequest): Promise<ApiAnswer>;
  } | null;
  /** An HTTP handler threw (it was answered 500): for the log. */
  onHttpError?(url: string, error: unknown): void;
}

export interface UwsServer {
  readonly port: number;
  /** Connections closed here before the handler saw them (origin, subprotocol), by close code. */
  readonly refusedByCode: Readonly<Record<number, number>>;
  /** Stops listening; open sockets are left to the caller to close. */
  stopListening(): void;
  /** Closes the listen socket for a while (out of descriptors: see net/accept-guard.ts). */
  pauseAccepting(): void;
  /** Listens again on the same port; false when it cannot (yet). */
  resumeAccepting(): Promise<boolean>;
}

interface SocketData {
  hasSubprotocol: boolean;
  /** The Origin header of a browser page the policy refuses; null when allowed. */
  refusedOrigin: string | null;
  remoteAddress: string;
  connection: UwsConnection | null;
}

/** Close-frame reasons are at most 123 bytes. */
function truncateReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= 123) return reason;
  return new TextDecoder().decode(bytes.slice(0, 120)).replace(/\uFFFD$/, '') + '...';
}

let nextConnectionId = 1;

class UwsConnection implements Connection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  #ws: uWS.WebSocket<SocketData>;
  #isOpen = true;
  /**
   * Whether uWS may hold bytes of ours: false while every send since the last drain returned 1
   * (written through to the kernel), when getBufferedAmount() is 0 without asking it. Asking is
   * a call into C++ per client per tick, which the room's skip check would make for nothing.
   */
  #mayBuffer = false;

  constructor(ws: uWS.WebSocket<SocketData>, remoteAddress: string) {
    this.#ws = ws;
    this.remoteAddress = remoteAddress;
  }

  get isOpen(): boolean {
    return this.#isOpen;
  }

  /** Called by the close handler: after it, touching the uWS socket throws. */
  markClosed(): void {
    this.#isOpen = false;
  }

  send(frame: Uint8Array): SendStatus {
    if (!this.#isOpen) return 2;
    const status = this.#ws.send(frame, true, false) as SendStatus;
    if (status !== 1) this.#mayBuffer = true;
    return status;
  }

  bufferedBytes(): number {
    if (!this.#isOpen || !this.#mayBuffer) return 0;
    const bytes = this.#ws.getBufferedAmount();
    // Drained: until a send buffers again, the answer stays 0.
    if (bytes === 0) this.#mayBuffer = false;
    return bytes;
  }

  close(code: number, reason: string): void {
    if (!this.#isOpen) return;
    this.#isOpen = false;
    this.#ws.end(code, truncateReason(reason));
  }
}

/** An HTTP answer, written the same way for GET and HEAD (HEAD gets no body). */
interface HttpAnswer {
  status: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body: string | Uint8Array;
}

const NO_STORE = ['Cache-Control', 'no-store'] as const;
const ALLOW = ['Allow', 'GET, HEAD, OPTIONS'] as const;

function textAnswer(status: string, body: string, extra: HttpAnswer['headers'] = []): HttpAnswer {
  return {
    status,
    headers: [['Content-Type', 'text/plain; charset=utf-8'], NO_STORE, ...extra],
    body,
  };
}

const INTERNAL_ERROR = textAnswer('500 Internal Server Error', 'internal error');

function jsonAnswer(body: unknown): HttpAnswer {
  return {
    status: '200 OK',
    headers: [['Content-Type', 'application/json; charset=utf-8'], NO_STORE],
    body: JSON.stringify(body),
  };
}

function staticAnswer(url: string, staticFiles: Map<string, StaticFile> | null): HttpAnswer {
  const file = staticFiles?.get(url);
  if (!file) {
    return staticFiles
      ? textAnswer('404 Not Found', 'not found')
      : textAnswer(
          '503 Service Unavailable',
          'the client is not built: run `npm run build` (or `npm start`, which builds it)',
        );
  }
  return {
    status: '200 OK',
    headers: [
      ['Content-Type', file.contentType],
      ['Cache-Control', file.cacheControl],
      ['X-Content-Type-Options', 'nosniff'],
    ],
    body: file.body,
  };
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

function writeAnswer(res: uWS.HttpResponse, answer: HttpAnswer, isHead: boolean): void {
  try {
    res.cork(() => {
      res.writeStatus(answer.status);
      for (const [name, value] of answer.headers) res.writeHeader(name, value);
      if (isHead) {
        // endWithoutBody(length) writes nothing at all in uWS v20.30: the length goes as a header.
        res.writeHeader('Content-Length', String(byteLength(answer.body)));
        res.endWithoutBody();
      } else if (answer.status.startsWith('204')) {
        res.endWithoutBody(); // No Content-Length on a 204 (RFC 9110 8.6).
      } else {
        res.end(answer.body);
      }
    });
  } catch {
    // The socket is gone (closed by the peer, or already answered): nothing to send.
  }
}

/**
 * Answers one HTTP request with what `produce` makes, now or once its promise settles. A handler
 * that fails answers 500 instead of ending the process: an exception that escapes a uWS callback
 * is uncaught, and takes the tick and every player with it (issue 10, defect 1). `url` MUST be
 * copied out of req before the call (req is stack-allocated).
 */
function respond(
  res: uWS.HttpResponse,
  url: string,
  isHead: boolean,
  produce: () => HttpAnswer | Promise<HttpAnswer>,
  onError: ((url: string, error: unknown) => void) | undefined,
): void {
  const failed = (error: unknown): HttpAnswer => {
    try {
      onError?.(url, error);
    } catch {
      // The error report itself failed (a logger out of descriptors): the answer still goes out.
    }
    return INTERNAL_ERROR;
  };
  let answer: HttpAnswer | Promise<HttpAnswer>;
  try {
    answer = produce();
  } catch (error) {
    answer = failed(error);
  }
  if (!(answer instanceof Promise)) {
    writeAnswer(res, answer, isHead);
    return;
  }
  // uWS requires onAborted before answering later; after an abort, res must not be touched.
  let isAborted = false;
  res.onAborted(() => {
    isAborted = true;
  });
  void answer.catch(failed).then((settled) => {
    if (!isAborted) writeAnswer(res, settled, isHead);
  });
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function apiAnswer(answer: ApiAnswer): HttpAnswer {
  const status = `${answer.status} ${STATUS_TEXT[answer.status] ?? ''}`.trimEnd();
  if (answer.json === null) return { status, headers: [NO_STORE, ...answer.headers], body: '' };
  return {
    status,
    headers: [['Content-Type', 'application/json; charset=utf-8'], NO_STORE, ...answer.headers],
    body: JSON.stringify(answer.json),
  };
}

/**
 * One request to the JSON API: the headers are copied out of req at once (it is stack-allocated),
 * a POST body is read up to maxBodyBytes (413 beyond, without reading the rest), then the API
 * answers, now or later.
 */
function serveApi(
  res: uWS.HttpResponse,
  req: uWS.HttpRequest,
  api: NonNullable<UwsServerOptions['api']>,
  isHead: boolean,
  onError: ((url: string, error: unknown) => void) | undefined,
): void {
  const request: ApiRequest = {
    method: req.getCaseSensitiveMethod().toUpperCase(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    authorization: req.getHeader('authorization'),
    host: req.getHeader('host'),
    origin: req.getHeader('origin'),
    forwardedProto: req.getHeader('x-forwarded-proto'),
    body: '',
    remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString(),
  };
  const answer = (): Promise<HttpAnswer> => api.answer(request).then(apiAnswer);
  if (request.method !== 'POST') {
    respond(res, request.path, isHead, answer, onError);
    return;
  }
  let isAborted = false;
  res.onAborted(() => {
    isAborted = true;
  });
  const chunks: Buffer[] = [];
  let length = 0;
  let isDone = false;
  res.onData((chunk, isLast) => {
    if (isDone || isAborted) return;
    length += chunk.byteLength;
    if (length > api.maxBodyBytes) {
      isDone = true;
      const tooLarge = apiAnswer({
        status: 413,
        headers: [['Connection', 'close']],
        json: { error: 'too-large', message: `the body is over ${api.maxBodyBytes} bytes` },
      });
      writeAnswer(res, tooLarge, false);
      return;
    }
    // The chunk's memory is uWS's and is reused after this callback: copy it.
    chunks.push(Buffer.from(new Uint8Array(chunk)));
    if (!isLast) return;
    isDone = true;
    request.body = Buffer.concat(chunks).toString('utf8');
    // The body is read: answered as any other request (respond takes over the abort handler).
    respond(res, request.path, false, answer, onError);
  });
}

// async: a failure to listen rejects, as every other startup failure does.
export async function startUwsServer(options: UwsServerOptions): Promise<UwsServer> {
  const { handler, staticFiles } = options;
  const app = uWS.App();
  const refusedByCode: Record<number, number> = {};
  const refused = (code: CloseCode): void => {
    refusedByCode[code] = (refusedByCode[code] ?? 0) + 1;
  };

  app.ws<SocketData>(WEBSOCKET_PATH, {
    compression: uWS.DISABLED,
    maxPayloadLength: options.maxPayloadBytes,
    maxBackpressure: options.maxBackpressureBytes,
    // We skip slow readers ourselves long before this limit (see sync); v20.30 types this flag as a number.
    closeOnBackpressureLimit: 0,
    idleTimeout: options.idleTimeoutSeconds,
    sendPingsAutomatically: true,

    upgrade: (res, req, context) => {
      // req is stack-allocated: MUST copy everything needed out of it here, synchronously.
      const key = req.getHeader('sec-websocket-key');
      const offered = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      const origin = req.getHeader('origin');
      const host = req.getHeader('host');
      const refusedOrigin = isOriginAllowed(
        options.allowedOrigins,
        origin,
        host,
        options.peerPorts?.(),
      )
        ? null
        : origin;
      const protocols = offered
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      // An older client's subprotocol is accepted too, so that its Hello can be answered with
      // UnsupportedVersion naming the versions spoken, rather than a failed handshake.
      const known = [...SERVED_SUBPROTOCOLS, ...LEGACY_SUBPROTOCOLS].find((p) =>
        protocols.includes(p),
      );
      const hasSubprotocol = known !== undefined;
      const remoteAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
      // Without a known subprotocol, or from a refused origin, the upgrade still completes, so the
      // client can be told why with a close code instead of a bare HTTP error (which a browser
      // reports only as 1006, with no reason). A client that offered only unknown subprotocols
      // (a later version, say) gets its first one echoed: browsers and `ws` fail a handshake
      // whose answer names none of those offered, before any close code.
      res.upgrade<SocketData>(
        { hasSubprotocol, refusedOrigin, remoteAddress, connection: null },
        key,
        known ?? protocols[0] ?? '',
        extensions,
        context,
      );
    },

    open: (ws) => {
      const data = ws.getUserData();
      if (data.refusedOrigin !== null) {
        refused(CloseCode.OriginNotAllowed);
        // Before the room sees it: a refused page never counts against any connection limit.
        ws.end(
          CloseCode.OriginNotAllowed,
          truncateReason(`origin ${data.refusedOrigin} is not allowed (--allowed-origins)`),
        );
        return;
      }
      if (!data.hasSubprotocol) {
        refused(CloseCode.SubprotocolRequired);
        ws.end(
          CloseCode.SubprotocolRequired,
          `offer the WebSocket subprotocol ${SUBPROTOCOL} (or ${SERVED_SUBPROTOCOLS.filter((p) => p !== SUBPROTOCOL).join(', ')})`,
        );
        return;
      }
      const connection = new UwsConnection(ws, data.remoteAddress);
      data.connection = connection;
      handler.onOpen(connection);
    },

    message: (ws, message, isBinary) => {
      const connection = ws.getUserData().connection;
      if (!connection || !connection.isOpen) return;
      // `message` is freed when this callback returns: the handler decodes it synchronously.
      handler.onMessage(connection, new Uint8Array(message), isBinary);
    },

    close: (ws, code) => {
      const connection = ws.getUserData().connection;
      if (!connection) return;
      connection.markClosed();
      handler.onClose(connection, code);
    },
  });

  const onHttpError = options.onHttpError;
  const routes = new Map<string, () => HttpAnswer | Promise<HttpAnswer>>([
    ['/healthz', () => jsonAnswer(options.health())],
  ]);
  const metrics = options.metrics;
  routes.set(
    '/metrics',
    metrics
      ? async () => {
          const { contentType, body } = await metrics();
          return { status: '200 OK', headers: [['Content-Type', contentType], NO_STORE], body };
        }
      : () =>
          textAnswer('404 Not Found', 'not found: /metrics is on the operator port (--admin-port)'),
  );
  const api = options.api ?? null;
  const serve = (res: uWS.HttpResponse, req: uWS.HttpRequest, isHead: boolean): void => {
    const url = req.getUrl();
    if (api && url.startsWith(api.prefix)) {
      serveApi(res, req, api, isHead, onHttpError);
      return;
    }
    const route = routes.get(url) ?? (() => staticAnswer(url, staticFiles));
    respond(res, url, isHead, route, onHttpError);
  };
  app.get('/*', (res, req) => serve(res, req, false));
  app.head('/*', (res, req) => serve(res, req, true));
  app.options('/*', (res, req) => {
    if (api && req.getUrl().startsWith(api.prefix)) {
      serveApi(res, req, api, false, onHttpError);
      return;
    }
    writeAnswer(res, { status: '204 No Content', headers: [ALLOW], body: '' }, false);
  });
  if (api) app.post(`${api.prefix}*`, (res, req) => serveApi(res, req, api, false, onHttpError));
  // Every other method: 405 naming the ones served (uWS closed the connection with no answer).
  app.any('/*', (res, req) => {
    // Matchmaking answers every method itself, in JSON (405 with the endpoint's Allow).
    if (api && req.getUrl().startsWith(api.prefix)) {
      serveApi(res, req, api, false, onHttpError);
      return;
    }
    writeAnswer(res, textAnswer('405 Method Not Allowed', 'method not allowed', [ALLOW]), false);
  });

  const listener = new Listener(app, options.host);
  if (!(await listener.listen(options.port))) {
    throw new Error(
      `cannot listen on ${options.host}:${options.port}: the port is in use (by this or another ` +
        'process) or the address is not available',
    );
  }
  return {
    port: listener.port,
    refusedByCode,
    pauseAccepting: () => listener.close(),
    resumeAccepting: () => listener.listen(listener.port),
    stopListening: () => listener.close(),
  };
}

/** uSockets' flag for a port no other socket may share (not declared in v20.30's types). */
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

type ListenWithOptions = (
  host: string,
  port: number,
  options: number,
  callback: (token: uWS.us_listen_socket | false) => void,
) => void;

/**
 * The listen socket, which can be closed and opened again on the same port (the accept guard
 * pauses accepting that way). It listens EXCLUSIVELY: by default uSockets sets SO_REUSEPORT, so a
 * second server on a busy port would silently share it, the kernel alternating connections
 * between two separate worlds. The token is forgotten when closed: uWS frees it, and a stale one
 * reads another socket's memory.
 */
class Listener {
  readonly #app: uWS.TemplatedApp;
  readonly #host: string;
  #token: uWS.us_listen_socket | null = null;
  port = 0;

  constructor(app: uWS.TemplatedApp, host: string) {
    this.#app = app;
    this.#host = host;
  }

  /**
   * Listens on `port` (0: a free one); false when it cannot. Native uWS answers before `listen`
   * returns (so this settles before the loop accepts anything); its ws-based fallback later.
   */
  async listen(port: number): Promise<boolean> {
    if (this.#token) return true;
    if (port === 0 && detectUwsBuild().kind === 'native') {
      // uSockets sets SO_REUSEADDR only for a non-zero port, and without it this socket could not
      // listen again on its own port while accepted connections live: take a free port, then
      // listen on it by number. (The ws-based fallback closes every socket with its listener:
      // it never listens again, see server.ts.)
      if (!(await this.#listenOn(0))) return false;
      const chosen = this.port;
      this.close();
      return this.#listenOn(chosen);
    }
    return this.#listenOn(port);
  }

  close(): void {
    if (!this.#token) return;
    uWS.us_listen_socket_close(this.#token);
    this.#token = null;
  }

  #listenOn(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      // The host + port + options form exists in the binary but not in v20.30's declarations.
      (this.#app.listen as unknown as ListenWithOptions)(
        this.#host,
        port,
        LIBUS_LISTEN_EXCLUSIVE_PORT,
        (token) => {
          if (token) {
            this.#token = token;
            this.port = uWS.us_socket_local_port(token);
          }
          resolve(token !== false);
        },
      );
    });
  }
}
