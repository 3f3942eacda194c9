import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CloseCode,
  MessageId,
  PLAYER_PROTOCOL_VERSION,
  PLAYER_SUBPROTOCOL,
  decodeServerMessage,
  encodeHello,
} from '@tickwire/protocol';
import { scrapeMetrics, startServer, type ServerProcess } from './support/server-process.js';
import { waitFor } from './support/test-client.js';

// Issue 10, defect 7: the WebSocket upgrade accepted any Origin. Against the real server: a page
// from another site is closed with OriginNotAllowed; the page's own host, localhost and clients
// that send no Origin play.

let server: ServerProcess | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

async function start(args: string[] = []): Promise<ServerProcess> {
  server = await startServer({ args: ['--static', '', '--pellets', '10', ...args] });
  return server;
}

interface Outcome {
  isWelcomed: boolean;
  closeCode: number | null;
  closeReason: string;
}

/**
 * Connects as a browser page at `origin` would (null: as a bot, with no Origin header), with
 * `host` as the Host header when given, sends Hello, and resolves when it is welcomed or closed.
 */
async function connect(url: string, origin: string | null, host?: string): Promise<Outcome> {
  const ws = new WebSocket(url, [PLAYER_SUBPROTOCOL], {
    ...(origin === null ? {} : { origin }),
    ...(host === undefined ? {} : { headers: { host } }),
  });
  const outcome: Outcome = { isWelcomed: false, closeCode: null, closeReason: '' };
  ws.on('error', () => {});
  ws.on('open', () =>
    ws.send(
      encodeHello({ protocolVersion: PLAYER_PROTOCOL_VERSION, name: 'o', resumeToken: null }),
    ),
  );
  ws.on('message', (data: Buffer) => {
    const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // Only a Welcome is decoded: snapshots need its schema, which this test does not keep.
    if (
      frame[1] === MessageId.Welcome &&
      decodeServerMessage(frame, null).id === MessageId.Welcome
    ) {
      outcome.isWelcomed = true;
    }
  });
  ws.on('close', (code, reason) => {
    outcome.closeCode = code;
    outcome.closeReason = reason.toString();
  });
  await waitFor(
    () => outcome.isWelcomed || outcome.closeCode !== null,
    `a Welcome or a close for origin ${origin ?? '(none)'}`,
  );
  ws.close(1000);
  return outcome;
}

describe('origin policy (real server)', () => {
  it('by default refuses another site with 4014 and lets its own page, localhost and bots in', async () => {
    const { wsUrl } = await start();
    const evil = await connect(wsUrl, 'https://evil.example');
    expect(evil).toMatchObject({ isWelcomed: false, closeCode: CloseCode.OriginNotAllowed });
    expect(evil.closeReason).toContain('https://evil.example');

    // The page's own origin: its host equals the request's Host header (here through a proxy).
    expect(await connect(wsUrl, 'https://game.example', 'game.example')).toMatchObject({
      isWelcomed: true,
    });
    expect(await connect(wsUrl, 'https://game.example', 'other.example')).toMatchObject({
      closeCode: CloseCode.OriginNotAllowed,
    });
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', null]) {
      expect(await connect(wsUrl, origin), String(origin)).toMatchObject({ isWelcomed: true });
    }
    // Refused before any room sees them, and still counted for the operator.
    const metrics = await scrapeMetrics(wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, ''));
    expect(
      metrics.value('tickwire_kicks_total', {
        code: String(CloseCode.OriginNotAllowed),
        reason: 'OriginNotAllowed',
      }),
    ).toBe(2);
  });

  it('--allowed-origins replaces the default with its list', async () => {
    const { wsUrl } = await start(['--allowed-origins', 'https://game.example']);
    expect(await connect(wsUrl, 'https://game.example')).toMatchObject({ isWelcomed: true });
    expect(await connect(wsUrl, null)).toMatchObject({ isWelcomed: true });
    for (const origin of ['https://evil.example', 'http://localhost:5173']) {
      expect(await connect(wsUrl, origin), origin).toMatchObject({
        isWelcomed: false,
        closeCode: CloseCode.OriginNotAllowed,
      });
    }
  });

  it('--allowed-origins * lets any page in', async () => {
    const { wsUrl } = await start(['--allowed-origins=*']);
    expect(await connect(wsUrl, 'https://evil.example')).toMatchObject({ isWelcomed: true });
  });
});
