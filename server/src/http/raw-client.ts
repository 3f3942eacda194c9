// Test support (not shipped: only tests import it): an HTTP client that writes the exact bytes of
// a request on its own TCP connection and parses the answers by hand, so nothing pools, retries
// or fixes a request up (HTTP/1.0, odd methods, too many headers).
import { connect, type Socket } from 'node:net';
import { waitFor } from '../../../protocol/src/testing/wait.js';

/** Each read waits this long at most (a miss names what it waited for). */
const DEADLINE_MS = 4_000;

export interface RawResponse {
  statusLine: string;
  status: number;
  /** Header names lowercased. */
  headers: Map<string, string>;
  body: string;
}

/**
 * A raw TCP client: the bytes we write are the request, nothing pools, retries or fixes them up,
 * and the responses are parsed by hand.
 */
export class RawClient {
  #socket: Socket;
  #received = Buffer.alloc(0);
  #isClosed = false;
  #error: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
    });
    socket.on('error', (error) => {
      this.#error = error;
    });
    socket.on('close', () => {
      this.#isClosed = true;
    });
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  send(request: string): void {
    this.#socket.write(request);
  }

  /** Reads the next response; `isHead`: it has no body, whatever Content-Length says. */
  async readResponse(what: string, isHead = false): Promise<RawResponse> {
    const found: { response: RawResponse | null } = { response: null };
    await waitFor(
      () => {
        found.response = this.#takeResponse(isHead);
        if (found.response) return true;
        if (this.#error) throw this.#error;
        return this.#isClosed;
      },
      what,
      DEADLINE_MS,
    );
    if (!found.response) throw new Error(`connection closed before ${what}`);
    return found.response;
  }

  async waitForClose(what: string): Promise<void> {
    await waitFor(() => this.#isClosed, what, DEADLINE_MS);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #takeResponse(isHead: boolean): RawResponse | null {
    const headerEnd = this.#received.indexOf('\r\n\r\n');
    if (headerEnd < 0) return null;
    const [statusLine = '', ...headerLines] = this.#received
      .subarray(0, headerEnd)
      .toString('latin1')
      .split('\r\n');
    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const status = Number(statusLine.split(' ')[1]);
    const contentLength = headers.get('content-length');
    const bodyStart = headerEnd + 4;
    let bodyEnd: number;
    if (isHead || status === 204 || status === 304) {
      bodyEnd = bodyStart;
    } else if (contentLength !== undefined) {
      bodyEnd = bodyStart + Number(contentLength);
      if (this.#received.length < bodyEnd) return null;
    } else {
      // No length: the body runs to the end of the connection (HTTP/1.0 style).
      if (!this.#isClosed) return null;
      bodyEnd = this.#received.length;
    }
    const body = this.#received.subarray(bodyStart, bodyEnd).toString('utf8');
    this.#received = this.#received.subarray(bodyEnd);
    return { statusLine, status, headers, body };
  }

  /** Bytes received after the last parsed response (a HEAD answer must leave none). */
  get unreadBytes(): number {
    return this.#received.length;
  }
}
