// The optional operator port: /healthz and /metrics served by Node's own node:http, apart from the
// game port. It exists because the uWS v20.30 C++ HTTP parser that serves the game port (see
// transport/uws.ts) NEVER answers an HTTP/1.0 request nor a request with more than 48 headers: it
// holds the socket until its 10 s idle timeout. HTTP/1.0 health checkers (HAProxy's default
// `option httpchk`, some load balancers) therefore mark the game port down. Newer uWS fixes the
// parser, but no newer build of the alias package is installable. A separate port also lets an
// operator keep metrics off the public game port.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AdminServerOptions {
  host: string;
  /** 0 = ephemeral (the bound port is then AdminServer.port). */
  port: number;
  /** Body of GET /healthz (JSON). May throw: answer 500 then. */
  health(): unknown;
  /** Body of GET /metrics (Prometheus text): resolves with the content type and text. May reject: 500. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** A handler threw or rejected (it was answered 500): for the log. */
  onError?(url: string, error: unknown): void;
}

export interface AdminServer {
  readonly port: number;
  /** Stops listening and cuts open connections, in-flight answers included; idempotent. */
  close(): Promise<void>;
}

/**
 * More headers than this answers 431. Node itself only truncates past `maxHeadersCount` (2000);
 * a health check or a scraper sends about ten.
 */
const MAX_HEADER_COUNT = 100;
/**
 * Node's own limit on the header section (start line included); past it Node's default
 * 'clientError' handling answers 431 and destroys the socket. That default only runs while the
 * server has NO 'clientError' listener: do not add one without writing the 431 yourself.
 */
const MAX_HEADER_BYTES = 16 * 1024;
/** A slowloris client holds a socket at most this long while trickling its headers. */
const HEADERS_TIMEOUT_MS = 5_000;
/** ... and at most this long for the whole request. */
const REQUEST_TIMEOUT_MS = 10_000;
/** An idle keep-alive connection is closed after this. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/**
 * How often Node checks the two request timeouts above. Its default is 30 s, which would let a
 * stalled request outlive HEADERS_TIMEOUT_MS by up to 30 s.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

const ALLOW = 'GET, HEAD, OPTIONS';
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

type Route = '/healthz' | '/metrics';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function textAnswer(status: number, body: string, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'Content-Type': TEXT_TYPE, ...headers }, body };
}

/**
 * The path without its query (`/metrics?reset=1` is /metrics). HTTP/1.1 servers MUST also accept
 * the absolute form (`GET http://host/metrics`) that some proxies send.
 */
function routeOf(url: string): Route | null {
  const target = url.replace(/^https?:\/\/[^/?#]*/i, '');
  const path = target.split(/[?#]/, 1)[0];
  return path === '/healthz' || path === '/metrics' ? path : null;
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function answerRoute(route: Route, options: AdminServerOptions): Promise<Answer> {
  if (route === '/healthz') {
    return {
      status: 200,
      headers: { 'Content-Type': JSON_TYPE },
      body: JSON.stringify(options.health()),
    };
  }
  const metrics = await options.metrics();
  return { status: 200, headers: { 'Content-Type': metrics.contentType }, body: metrics.body };
}

async function answerRequest(req: IncomingMessage, options: AdminServerOptions): Promise<Answer> {
  if (req.rawHeaders.length / 2 > MAX_HEADER_COUNT) {
    // The rest of a request with that many headers is not worth reading: close after the answer.
    return textAnswer(431, 'too many headers', { Connection: 'close' });
  }
  const route = routeOf(req.url ?? '');
  if (!route) return textAnswer(404, 'not found');
  switch (req.method) {
    case 'GET':
    case 'HEAD':
      return answerRoute(route, options);
    case 'OPTIONS':
      return { status: 204, headers: { Allow: ALLOW }, body: '' };
    default:
      return textAnswer(405, 'method not allowed', { Allow: ALLOW });
  }
}

function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  // The client left while /metrics was being computed: nobody to answer.
  if (res.writableEnded || res.destroyed || req.socket.destroyed) return;
  const body = Buffer.from(answer.body);
  res.writeHead(answer.status, {
    ...answer.headers,
    'Cache-Control': 'no-store',
    // 204 MUST NOT carry Content-Length; HEAD carries the length GET would send, and no body.
    ...(answer.status === 204 ? {} : { 'Content-Length': String(body.length) }),
  });
  res.end(req.method === 'HEAD' || answer.status === 204 ? undefined : body);
}

function reportError(options: AdminServerOptions, url: string, error: unknown): void {
  try {
    options.onError?.(url, error);
  } catch {
    // The error report itself failed (a logger out of descriptors): the answer still goes out.
  }
}

/**
 * Starts the operator port. Resolves once it listens; rejects naming host:port when it cannot
 * (port in use, address not available). HTTP/1.0 requests are answered and then closed, as
 * HTTP/1.0 requires; HTTP/1.1 connections are kept alive.
 */
export function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    (req, res) => {
      const url = req.url ?? '';
      answerRequest(req, options)
        .catch((error: unknown): Answer => {
          reportError(options, url, error);
          return textAnswer(500, 'internal error');
        })
        .then((answer) => writeAnswer(req, res, answer))
        .catch((error: unknown) => {
          // Writing failed (the socket broke mid-answer): report, drop the connection, live on.
          reportError(options, url, error);
          res.destroy();
        });
    },
  );

  const address = formatAddress(options.host, options.port);
  return new Promise((resolve, reject) => {
    const onListenError = (error: Error): void => {
      reject(new Error(`cannot listen on ${address}: ${error.message}`, { cause: error }));
    };
    server.once('error', onListenError);
    server.listen(options.port, options.host, () => {
      server.off('error', onListenError);
      // An 'error' with no listener would end the process; after listen there is only the log.
      server.on('error', (error) => reportError(options, address, error));
      const { port } = server.address() as AddressInfo;
      let closing: Promise<void> | null = null;
      resolve({
        port,
        close: () => {
          closing ??= new Promise<void>((resolveClose) => {
            server.close(() => resolveClose());
            // A health answer is worthless once we shut down; a slow client must not hold us.
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}
