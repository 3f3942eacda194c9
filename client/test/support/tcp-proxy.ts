import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to the game server that a test can cut: `dropAll()` destroys every connection
 * through it at once (no close frame, as a network failure would), while it keeps accepting new
 * ones, so a client can reconnect through it.
 */
export interface TcpProxy {
  port: number;
  /** Connections cut so far. */
  readonly dropped: number;
  dropAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let dropped = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    get dropped() {
      return dropped;
    },
    dropAll() {
      for (const [client, upstream] of pairs) {
        // resetAndDestroy sends a TCP RST: no FIN, no WebSocket close frame.
        client.resetAndDestroy();
        upstream.resetAndDestroy();
        dropped++;
      }
      pairs.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
