import WebSocket from 'ws';
import type { WebSocketConstructor } from '@tickwire/protocol';

/**
 * The `ws` WebSocket class (Node 20 has no global one), with every socket it makes remembered
 * until it has closed. The runner waits for the close handshakes before it exits: a bot that
 * leaves with 1000 is removed from the world at once, while a cut connection leaves its player
 * standing there for the server's resume grace period (PROTOCOL.md, "Session lifecycle").
 */
export class SocketTracker {
  readonly WebSocket: WebSocketConstructor;
  readonly #open = new Set<WebSocket>();

  constructor() {
    const open = this.#open;
    this.WebSocket = class TrackedWebSocket extends WebSocket {
      constructor(url: string, protocols: string | string[]) {
        // The server has compression off: do not even offer it.
        super(url, protocols, { perMessageDeflate: false });
        open.add(this);
        this.once('close', () => open.delete(this));
      }
    };
  }

  get openCount(): number {
    return this.#open.size;
  }

  /** Cuts every open socket without a close frame, as a network failure would (tests). */
  dropAll(): number {
    const count = this.#open.size;
    for (const socket of this.#open) socket.terminate();
    return count;
  }

  /** Waits until every socket has closed, or `timeoutMs`; then cuts the rest. Returns how many. */
  async waitUntilClosed(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.#open.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const left = this.#open.size;
    for (const socket of this.#open) socket.terminate();
    return left;
  }
}
