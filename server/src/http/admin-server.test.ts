import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startAdminServer, type AdminServer, type AdminServerOptions } from './admin-server.js';
import { RawClient } from './raw-client.js';

const HOST = '127.0.0.1';
const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const METRICS_BODY = '# TYPE tickwire_players gauge\ntickwire_players 3\n';

function request(method: string, path: string, extraHeaders: string[] = []): string {
  return [`${method} ${path} HTTP/1.1`, `Host: ${HOST}`, ...extraHeaders, '', ''].join('\r\n');
}

function manyHeaders(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `X-Filler-${i}: ${i}`);
}

describe('startAdminServer', () => {
  let server: AdminServer | null = null;
  const clients: RawClient[] = [];
  let errors: { url: string; error: unknown }[] = [];
  let health: () => unknown = () => ({ status: 'ok', players: 3 });

  const baseOptions = (): AdminServerOptions => ({
    host: HOST,
    port: 0,
    health: () => health(),
    metrics: () => Promise.resolve({ contentType: METRICS_TYPE, body: METRICS_BODY }),
    onError: (url, error) => errors.push({ url, error }),
  });

  async function start(overrides: Partial<AdminServerOptions> = {}): Promise<AdminServer> {
    server = await startAdminServer({ ...baseOptions(), ...overrides });
    return server;
  }

  async function client(): Promise<RawClient> {
    if (!server) throw new Error('start the server first');
    const raw = await RawClient.connect(server.port);
    clients.push(raw);
    return raw;
  }

  afterEach(async () => {
    for (const raw of clients.splice(0)) raw.destroy();
    await server?.close();
    server = null;
    errors = [];
    health = () => ({ status: 'ok', players: 3 });
  });

  it('answers HTTP/1.0 GET /healthz without Host with the JSON body, then closes', async () => {
    await start();
    const raw = await client();
    raw.send('GET /healthz HTTP/1.0\r\n\r\n');
    const response = await raw.readResponse('the HTTP/1.0 answer');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(response.body)).toEqual({ status: 'ok', players: 3 });
    await raw.waitForClose('the server to close the HTTP/1.0 connection');
  });

  it('answers HTTP/1.1 GET /metrics with the given content type and body, ignoring the query, and keeps the connection alive for the next (absolute-form) request', async () => {
    await start();
    const raw = await client();
    raw.send(request('GET', '/metrics?reset=1'));
    const metrics = await raw.readResponse('GET /metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe(METRICS_TYPE);
    expect(metrics.headers.get('cache-control')).toBe('no-store');
    expect(metrics.body).toBe(METRICS_BODY);
    raw.send(request('GET', 'http://127.0.0.1/healthz'));
    const healthz = await raw.readResponse('absolute-form GET /healthz on the same connection');
    expect(healthz.status).toBe(200);
    expect(raw.isClosed).toBe(false);
  });

  it('answers HEAD with the status and Content-Length of GET and no body', async () => {
    await start();
    const raw = await client();
    raw.send(request('HEAD', '/metrics'));
    const head = await raw.readResponse('HEAD /metrics', true);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(METRICS_TYPE);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(METRICS_BODY)));
    // A body after the HEAD answer would be read as the start of the next response.
    raw.send(request('GET', '/healthz'));
    const next = await raw.readResponse('GET /healthz after HEAD');
    expect(next.statusLine).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw.unreadBytes).toBe(0);
  });

  it('answers OPTIONS 204 with Allow', async () => {
    await start();
    const raw = await client();
    raw.send(request('OPTIONS', '/healthz'));
    const response = await raw.readResponse('OPTIONS /healthz');
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(response.body).toBe('');
  });

  it('answers other methods 405 with Allow, and unknown paths 404', async () => {
    await start();
    const raw = await client();
    raw.send(request('POST', '/metrics', ['Content-Length: 0']));
    const post = await raw.readResponse('POST /metrics');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    raw.send(request('GET', '/'));
    expect((await raw.readResponse('GET /')).status).toBe(404);
  });

  it('answers a request with 60 headers, and one with 120 headers 431', async () => {
    await start();
    const raw = await client();
    raw.send(request('GET', '/healthz', manyHeaders(60)));
    expect((await raw.readResponse('GET with 60 headers')).status).toBe(200);
    raw.send(request('GET', '/healthz', manyHeaders(120)));
    const tooMany = await raw.readResponse('GET with 120 headers');
    expect(tooMany.status).toBe(431);
    await raw.waitForClose('the server to close after 431');
  });

  it("answers an oversize (20 KB) header 431 through Node's own clientError handling", async () => {
    await start();
    const raw = await client();
    raw.send(request('GET', '/healthz', [`X-Big: ${'a'.repeat(20 * 1024)}`]));
    const response = await raw.readResponse('GET with a 20 KB header');
    expect(response.status).toBe(431);
    await raw.waitForClose('the server to close after 431');
  });

  it('answers 500 when a handler throws or rejects, reports it, and answers the next request', async () => {
    await start({ metrics: () => Promise.reject(new Error('registry broke')) });
    health = () => {
      throw new Error('health broke');
    };
    const raw = await client();
    raw.send(request('GET', '/healthz'));
    expect((await raw.readResponse('GET /healthz that throws')).status).toBe(500);
    raw.send(request('GET', '/metrics'));
    expect((await raw.readResponse('GET /metrics that rejects')).status).toBe(500);
    expect(errors.map(({ url, error }) => [url, (error as Error).message])).toEqual([
      ['/healthz', 'health broke'],
      ['/metrics', 'registry broke'],
    ]);

    health = () => ({ status: 'ok' });
    raw.send(request('GET', '/healthz'));
    const next = await raw.readResponse('GET /healthz after the failures');
    expect(next.status).toBe(200);
    expect(JSON.parse(next.body)).toEqual({ status: 'ok' });
  });

  it('rejects naming host:port when the port is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, HOST, resolve));
    const address = blocker.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    try {
      await expect(startAdminServer({ ...baseOptions(), port: address.port })).rejects.toThrow(
        `cannot listen on ${HOST}:${address.port}`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
