// A small protocol client for the recorder: a real `ws` WebSocket, the real codec and the real
// replica, and the raw frames it received. Kept here (not server/test/support) so the recorder
// depends on nothing but the protocol package and a server process.
import WebSocket from 'ws';
import {
  MessageId,
  PLAYER_PROTOCOL_VERSION,
  Replica,
  PLAYER_SUBPROTOCOL,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  type Controls,
  type EntityRecord,
  type Welcome,
} from '@tickwire/protocol';
import { waitFor } from '../src/testing/wait.js';

export const HISTORY_TICKS = 32;

export class SessionClient {
  readonly ws: WebSocket;
  welcome: Welcome | null = null;
  replica: Replica | null = null;
  /** Every binary frame received, copied, in order. */
  readonly frames: Uint8Array[] = [];
  readonly errors: unknown[] = [];
  /** Called after each Snapshot has been applied, with its index among this client's snapshots. */
  onSnapshot: ((index: number) => void) | null = null;
  #snapshotCount = 0;
  #seq = 0;
  readonly #opened: Promise<void>;
  readonly #closed: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url, [PLAYER_SUBPROTOCOL]);
    this.#opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.#closed = new Promise((resolve) => this.ws.once('close', () => resolve()));
    this.ws.on('error', (error) => this.errors.push(error));
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        this.errors.push(new Error('a text frame from the server'));
        return;
      }
      // A copy: ws may reuse the Buffer's memory.
      const bytes = new Uint8Array(data);
      this.frames.push(bytes);
      try {
        this.#onFrame(bytes);
      } catch (error) {
        this.errors.push(error);
      }
    });
  }

  #onFrame(bytes: Uint8Array): void {
    const m = decodeServerMessage(bytes, this.welcome?.schema ?? null);
    if (m.id === MessageId.Welcome) {
      this.welcome = m.message;
      this.replica = new Replica({
        schema: m.message.schema,
        worldWidth: m.message.worldWidth,
        worldHeight: m.message.worldHeight,
        historyTicks: HISTORY_TICKS,
      });
    } else if (m.id === MessageId.Snapshot) {
      if (!this.replica) throw new Error('a Snapshot before the Welcome');
      this.replica.apply(m.message);
      this.onSnapshot?.(this.#snapshotCount++);
    } else if (m.id === MessageId.Kick) {
      this.errors.push(new Error(`kicked: ${m.message.closeCode} ${m.message.reason}`));
    }
  }

  get playerId(): number {
    return this.welcome?.playerId ?? -1;
  }

  /** An entity of the newest view, or undefined. */
  entity(id: number): EntityRecord | undefined {
    return this.replica?.latest?.entities.get(id);
  }

  async join(name: string): Promise<Welcome> {
    await this.#opened;
    this.ws.send(
      encodeHello({ protocolVersion: PLAYER_PROTOCOL_VERSION, name, resumeToken: null }),
    );
    await waitFor(() => (this.replica?.latest ?? null) !== null, `${name} welcomed`);
    return this.welcome as Welcome;
  }

  /** Sends an Input with these controls; returns its bytes. */
  input(controls: Controls, ackTick: number = this.replica?.tick ?? 0): Uint8Array {
    const schema = this.welcome?.schema;
    if (!schema) throw new Error('an Input before the Welcome');
    const bytes = encodeInput(schema, { seq: ++this.#seq, ackTick, controls });
    this.ws.send(bytes);
    return bytes;
  }

  send(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.ws.close(1000);
    return this.#closed;
  }
}
