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
import { startServer, type ServerProcess } from './support/server-process.js';
import { TestClient, sleep, waitFor } from './support/test-client.js';

// Issue 10, defects 3 and 4, against the real server: one address cannot hold more than its cap
// of connections, of Hello-less connections, or of players kept for a resume.

let server: ServerProcess | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

async function start(args: string[]): Promise<ServerProcess> {
  server = await startServer({ args: ['--static', '', '--pellets', '50', ...args] });
  return server;
}

/** A bare socket, from `localAddress` (any 127.x.y.z is this host): its close code, and a Welcome. */
function rawSocket(
  url: string,
  localAddress = '127.0.0.1',
): { ws: WebSocket; closeCode: () => number | null; isWelcomed: () => boolean } {
  const ws = new WebSocket(url, [PLAYER_SUBPROTOCOL], { localAddress });
  let closeCode: number | null = null;
  let isWelcomed = false;
  ws.on('close', (code) => (closeCode = code));
  ws.on('error', () => {});
  ws.on('message', (data: Buffer) => {
    const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (
      frame[1] === MessageId.Welcome &&
      decodeServerMessage(frame, null).id === MessageId.Welcome
    ) {
      isWelcomed = true;
    }
  });
  return { ws, closeCode: () => closeCode, isWelcomed: () => isWelcomed };
}

function hello(ws: WebSocket, name: string): void {
  ws.send(encodeHello({ protocolVersion: PLAYER_PROTOCOL_VERSION, name, resumeToken: null }));
}

describe('connection limits (real server)', () => {
  it('one address keeps --max-connections-per-ip connections; the rest get 4013 and never join; others play on', async () => {
    const { wsUrl } = await start(['--max-connections-per-ip', '20']);
    const witness = new TestClient(wsUrl);
    await witness.join('witness');
    const flood = Array.from({ length: 24 }, () => rawSocket(wsUrl));
    for (const s of flood) s.ws.on('open', () => hello(s.ws, 'flood'));
    await waitFor(
      () => flood.filter((s) => s.closeCode() !== null).length >= 5,
      'five of the flood closed',
    );
    await sleep(300);
    const refused = flood.filter((s) => s.closeCode() !== null);
    expect(refused.map((s) => s.closeCode())).toEqual(
      Array(5).fill(CloseCode.TooManyConnectionsFromAddress),
    );
    expect(refused.some((s) => s.isWelcomed())).toBe(false);
    await waitFor(() => flood.filter((s) => s.isWelcomed()).length === 19, '19 of the flood play');
    // Another address is not affected.
    const other = rawSocket(wsUrl, '127.0.0.2');
    other.ws.on('open', () => hello(other.ws, 'other'));
    await waitFor(() => other.isWelcomed(), 'a client from 127.0.0.2 joins');
    const seen = witness.snapshots.length;
    await waitFor(() => witness.snapshots.length > seen + 10, 'the witness keeps playing');
    expect(witness.closeCode).toBeNull();
    expect(witness.errors).toEqual([]);
    for (const s of [...flood, other]) s.ws.close();
    await witness.close();
  });

  it('closes the Hello-less connection that waited longest (4012); a newcomer still joins', async () => {
    const { wsUrl } = await start(['--max-pending-connections', '5']);
    const witness = new TestClient(wsUrl);
    await witness.join('witness');
    const idle = Array.from({ length: 10 }, () => rawSocket(wsUrl));
    await waitFor(
      () => idle.filter((s) => s.closeCode() === CloseCode.TooManyConnections).length === 5,
      'five idle connections closed with TooManyConnections',
    );
    const newcomer = new TestClient(wsUrl);
    await newcomer.join('newcomer');
    expect(newcomer.closeCode).toBeNull();
    expect(witness.closeCode).toBeNull();
    for (const s of idle) s.ws.close();
    await Promise.all([witness.close(), newcomer.close()]);
  });

  it('keeps at most --max-detached-per-ip dropped players per address, so ghosts cannot fill the room', async () => {
    const { wsUrl } = await start(['--max-players', '5', '--max-detached-per-ip', '3']);
    const tokens: { playerId: number; resumeToken: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const ghost = new TestClient(wsUrl);
      const welcome = await ghost.join(`ghost${i}`);
      tokens.push({ playerId: welcome.playerId, resumeToken: welcome.resumeToken });
      await ghost.terminate(); // no close frame: the server keeps the player for a resume
    }
    await sleep(200);
    const newcomer = new TestClient(wsUrl);
    await newcomer.join('newcomer');
    expect(newcomer.closeCode).toBeNull();
    // The first three dropped were kept (they resume); the others were removed at once.
    const first = tokens[0] as { playerId: number; resumeToken: string };
    const last = tokens[9] as { playerId: number; resumeToken: string };
    const back = new TestClient(wsUrl);
    expect((await back.join('ghost0', first.resumeToken)).playerId).toBe(first.playerId);
    const notBack = new TestClient(wsUrl);
    expect((await notBack.join('ghost9', last.resumeToken)).playerId).not.toBe(last.playerId);
    await Promise.all([newcomer.close(), back.close(), notBack.close()]);
  });

  it('gives a newcomer the seat of the longest-kept player when the room is full of them', async () => {
    const { wsUrl } = await start(['--max-players', '3', '--max-detached-per-ip', '10']);
    for (let i = 0; i < 3; i++) {
      const ghost = new TestClient(wsUrl);
      await ghost.join(`ghost${i}`);
      await ghost.terminate();
    }
    await sleep(200);
    const newcomer = new TestClient(wsUrl);
    await newcomer.join('newcomer');
    expect(newcomer.closeCode).toBeNull();
    await newcomer.close();
  });
});
