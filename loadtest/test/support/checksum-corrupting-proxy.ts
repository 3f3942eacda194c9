import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  MessageId,
  decodeServerMessage,
  encodeSnapshot,
  type CompiledSchema,
} from '@tickwire/protocol';

/**
 * A broken server for the load tests to catch: a WebSocket proxy in front of a real server
 * (started with --checksums) that passes every frame through, except that each Snapshot's
 * checksum comes out wrong. It reads the frames with the schema of the connection's Welcome and
 * writes them again with the protocol's encodeSnapshot, so everything else stays valid.
 */

export interface CorruptingProxy {
  /** ws://127.0.0.1:PORT/ws: direct joins of the target's default room, through the proxy. */
  wsUrl: string;
  /** Snapshots whose checksum it changed so far. */
  corruptedSnapshots(): number;
  close(): Promise<void>;
}

function bytesOf(data: RawData): Uint8Array {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Passes a close on to the other side; codes no endpoint may send (1005, 1006) become a cut. */
function closeLike(socket: WebSocket, code: number, reason: Buffer): void {
  if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return;
  const isSendable =
    code === 1000 || (code >= 1001 && code <= 1003) || (code >= 3000 && code <= 4999);
  if (socket.readyState === WebSocket.OPEN && isSendable) socket.close(code, reason);
  else socket.terminate();
}

export async function startChecksumCorruptingProxy(targetWsUrl: string): Promise<CorruptingProxy> {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/ws',
    perMessageDeflate: false,
    // Offer the server what the client offered, and tell the client the first of it.
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
  });
  await once(server, 'listening');
  let corrupted = 0;

  server.on('connection', (client, request) => {
    const offered = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const upstream = new WebSocket(targetWsUrl, offered, { perMessageDeflate: false });
    const waiting: Uint8Array[] = [];
    let schema: CompiledSchema | null = null;

    const corrupt = (frame: Uint8Array): Uint8Array => {
      const decoded = decodeServerMessage(frame, schema);
      if (decoded.id === MessageId.Welcome) schema = decoded.message.schema;
      if (decoded.id !== MessageId.Snapshot || schema === null) return frame;
      const snapshot = decoded.message;
      if (snapshot.checksum === null) return frame;
      corrupted++;
      // A copy: encodeSnapshot writes into a buffer it reuses.
      return encodeSnapshot(schema, {
        ...snapshot,
        checksum: (snapshot.checksum ^ 1) >>> 0,
      }).slice();
    };

    client.on('message', (data) => {
      const frame = bytesOf(data);
      if (upstream.readyState === WebSocket.OPEN) upstream.send(frame);
      else waiting.push(frame);
    });
    upstream.on('open', () => {
      for (const frame of waiting.splice(0)) upstream.send(frame);
    });
    upstream.on('message', (data) => {
      if (client.readyState === WebSocket.OPEN) client.send(corrupt(bytesOf(data)));
    });
    client.on('close', (code, reason) => closeLike(upstream, code, reason));
    upstream.on('close', (code, reason) => closeLike(client, code, reason));
    // A failed side shows as its close; nothing else to do with the error.
    client.on('error', () => {});
    upstream.on('error', () => {});
  });

  const { port } = server.address() as AddressInfo;
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    corruptedSnapshots: () => corrupted,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
