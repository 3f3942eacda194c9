import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../src/http/raw-client.js';
import {
  MetricsScrape,
  scrapeMetrics,
  startServer,
  type ServerProcess,
} from './support/server-process.js';

// Issue 10, defects 6 and 7, through the real server. uWS v20.30 closed HEAD and OPTIONS
// requests with no answer, and never answers HTTP/1.0 (it holds the socket 10 s): HTTP/1.0 health
// checkers now use the operator port (--admin-port), served by node:http. /metrics?reset=1 wiped
// the timing windows for anyone: nothing resets by URL now.

function request(method: string, path: string, version = '1.1'): string {
  const host = version === '1.0' ? [] : ['Host: 127.0.0.1'];
  return [`${method} ${path} HTTP/${version}`, ...host, '', ''].join('\r\n');
}

async function answer(port: number, method: string, path: string, version = '1.1') {
  const client = await RawClient.connect(port);
  try {
    client.send(request(method, path, version));
    return await client.readResponse(`${method} ${path} HTTP/${version}`, method === 'HEAD');
  } finally {
    client.destroy();
  }
}

describe('the game port', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({ args: ['--static', ''] });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers HEAD like GET without a body, OPTIONS with 204 and Allow, other methods 405', async () => {
    const get = await answer(server.port, 'GET', '/healthz');
    expect(get.status).toBe(200);
    const head = await answer(server.port, 'HEAD', '/healthz');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(head.body).toBe('');
    const options = await answer(server.port, 'OPTIONS', '/healthz');
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const refused = await answer(server.port, method, '/healthz');
      expect(refused.status, method).toBe(405);
      expect(refused.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    }
  });

  it('serves /metrics in Prometheus text, and ?reset=1 resets nothing', async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const before = new MetricsScrape(await response.text());
    const count = (m: MetricsScrape): number => m.value('tickwire_tick_duration_seconds_count');
    expect(count(before)).toBeGreaterThan(0);
    await fetch(`${server.url}/metrics?reset=1`);
    const after = await scrapeMetrics(server.url);
    expect(count(after)).toBeGreaterThanOrEqual(count(before));
    expect(after.value('tickwire_ticks_total')).toBeGreaterThanOrEqual(
      before.value('tickwire_ticks_total'),
    );
  });
});

describe('the operator port (--admin-port)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({ args: ['--static', '', '--admin-port', '0'] });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers HTTP/1.0 health checks and serves /metrics, which leaves the game port', async () => {
    expect(server.adminUrl).not.toBeNull();
    const adminPort = Number(new URL(server.adminUrl as string).port);
    const health = await answer(adminPort, 'GET', '/healthz', '1.0');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', game: 'arena' });
    const metrics = await scrapeMetrics(server.adminUrl as string);
    expect(metrics.types.get('tickwire_ticks_total')).toBe('counter');
    // /healthz stays on the game port for the load balancer; /metrics is the operator's only.
    expect((await answer(server.port, 'GET', '/healthz')).status).toBe(200);
    expect((await answer(server.port, 'GET', '/metrics')).status).toBe(404);
  });
});
