import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, PLAYER_SUBPROTOCOL } from '@tickwire/protocol';
import { MAX_LINES_PER_KIND_PER_SECOND } from '../src/log.js';
import { scrapeMetrics, startServer, type ServerProcess } from './support/server-process.js';
import { waitFor } from './support/test-client.js';

// Issue 10, structured logs: a flood of bad clients, each kicked with 4000, must not become a
// flood of log lines, while the kicks counter still counts every one of them.

const BAD_CLIENTS = 400;
const CONCURRENT = 50;

let server: ServerProcess | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

/** Opens a socket, sends one frame that is not msgpack, and resolves with the close code. */
function badClient(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, [PLAYER_SUBPROTOCOL]);
    ws.on('error', () => {});
    ws.on('open', () => ws.send(new Uint8Array([0xc1, 0xc1, 0xc1])));
    ws.on('close', (code) => resolve(code));
  });
}

/** Kicks with code 4000 as /metrics reports them. */
async function kicksCounted(url: string): Promise<number> {
  const metrics = await scrapeMetrics(url);
  return metrics.value('tickwire_kicks_total', { code: String(CloseCode.MalformedFrame) });
}

interface LogLine {
  msg?: string;
  code?: number;
  suppressed?: number;
}

function closingLines(output: string): { logged: number; suppressed: number } {
  let logged = 0;
  let suppressed = 0;
  for (const text of output.split('\n')) {
    if (!text.startsWith('{')) continue;
    const line = JSON.parse(text) as LogLine & { similarTo?: string };
    if (line.code !== CloseCode.MalformedFrame) continue;
    if (line.msg === 'closing connection') logged++;
    if (line.similarTo === 'closing connection') suppressed += line.suppressed ?? 0;
  }
  return { logged, suppressed };
}

describe('a flood of kicked clients (real server)', () => {
  it('logs a bounded number of lines and a summary, and counts every kick', async () => {
    const running = await startServer({ args: ['--static', ''] });
    server = running;
    const { wsUrl, url } = running;
    const startedMs = Date.now();
    const codes: number[] = [];
    for (let sent = 0; sent < BAD_CLIENTS; sent += CONCURRENT) {
      codes.push(
        ...(await Promise.all(Array.from({ length: CONCURRENT }, () => badClient(wsUrl)))),
      );
    }
    const floodSeconds = Math.ceil((Date.now() - startedMs) / 1000);
    expect(codes).toEqual(Array(BAD_CLIENTS).fill(CloseCode.MalformedFrame));
    await waitFor(async () => (await kicksCounted(url)) === BAD_CLIENTS, 'every kick counted');

    // Every kick is in the log, as a line of its own or within a summary, once the windows end.
    const output = running.output;
    await waitFor(() => {
      const { logged, suppressed } = closingLines(output());
      return logged + suppressed === BAD_CLIENTS;
    }, 'every kick accounted for in the log');
    const { logged } = closingLines(output());
    // At most MAX lines per one-second window, over the windows the flood spanned.
    expect(logged).toBeLessThanOrEqual((floodSeconds + 1) * MAX_LINES_PER_KIND_PER_SECOND);
    expect(logged).toBeLessThan(BAD_CLIENTS / 4);
    expect(output()).toMatch(/"msg":"suppressed [\d,]+ similar lines in the last 1 s"/);
  });
});
