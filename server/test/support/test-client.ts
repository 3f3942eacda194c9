import WebSocket from 'ws';
import {
  MessageId,
  PLAYER_PROTOCOL_VERSION,
  Replica,
  PLAYER_SUBPROTOCOL,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  encodeWatch,
  type Controls,
  type EntityRecord,
  type Kick,
  type RoomSummary,
  type Snapshot,
  type Welcome,
} from '@tickwire/protocol';
import { waitFor } from '../../../protocol/src/testing/wait.js';

// The server's integration tests (and the games' tests) take their waiting from here too.
export { waitFor };

/**
 * A minimal protocol client for integration tests: a real `ws` WebSocket, the real codec and the
 * real replica, for any game (it decodes with the schema of its Welcome). Every snapshot goes
 * through Replica.apply, so a bad delta or checksum throws and is recorded in `errors`.
 */
export class TestClient {
  readonly ws: WebSocket;
  readonly snapshots: Snapshot[] = [];
  readonly errors: Error[] = [];
  /** Summaries received (version 4, Hello flag `summary`). */
  readonly summaries: RoomSummary[] = [];
  welcome: Welcome | null = null;
  /** The Welcome frame as it came off the wire. */
  welcomeBytes: Uint8Array | null = null;
  kick: Kick | null = null;
  replica: Replica | null = null;
  closeCode: number | null = null;
  closeReason = '';
  #seq = 0;
  readonly #closed: Promise<void>;
  readonly #opened: Promise<void>;

  constructor(url: string, protocols: string[] = [PLAYER_SUBPROTOCOL]) {
    this.ws = new WebSocket(url, protocols);
    this.#opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.#closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve();
      });
    });
    this.ws.on('error', (error) => this.errors.push(error));
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) {
        this.errors.push(new Error('text frame from server'));
        return;
      }
      this.#onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
  }

  #onFrame(bytes: Uint8Array): void {
    try {
      const m = decodeServerMessage(bytes, this.welcome?.schema ?? null);
      switch (m.id) {
        case MessageId.Welcome:
          this.welcome = m.message;
          this.welcomeBytes = bytes.slice();
          this.replica = new Replica({
            schema: m.message.schema,
            worldWidth: m.message.worldWidth,
            worldHeight: m.message.worldHeight,
          });
          break;
        case MessageId.Snapshot:
          if (!this.replica) throw new Error('snapshot before welcome');
          this.replica.apply(m.message);
          this.snapshots.push(m.message);
          break;
        case MessageId.Kick:
          this.kick = m.message;
          break;
        case MessageId.Summary:
          if (!this.welcome) throw new Error('summary before welcome');
          this.summaries.push(m.message);
          break;
        case MessageId.Pong:
          break;
      }
    } catch (error) {
      this.errors.push(error instanceof Error ? error : new Error(String(error)));
    }
  }

  opened(): Promise<void> {
    return this.#opened;
  }

  closed(): Promise<void> {
    return this.#closed;
  }

  /** Stops reading the socket (the kernel buffers fill, then the server's send buffer). */
  stopReading(): void {
    this.ws.pause();
  }

  startReading(): void {
    this.ws.resume();
  }

  sendRaw(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  /** Sends Hello (with a seat from matchmaking, or none) and waits for the Welcome and a snapshot. */
  async join(
    name: string,
    resumeToken: string | null = null,
    seat: string | null = null,
    flags?: number,
  ): Promise<Welcome> {
    await this.hello(name, resumeToken, seat, flags);
    await waitFor(() => {
      if (this.closeCode !== null) {
        throw new Error(
          `${name} was closed with ${this.closeCode} (${this.closeReason}) before its Welcome`,
        );
      }
      return this.welcome !== null && this.snapshots.length > 0;
    }, `${name} welcomed`);
    return this.welcome as Welcome;
  }

  /** Sends Hello once the socket is open, without waiting for an answer. */
  async hello(
    name: string,
    resumeToken: string | null = null,
    seat: string | null = null,
    /** Version 4's Hello flags (HelloFlag); absent: a version-3 Hello. */
    flags?: number,
  ): Promise<void> {
    await this.opened();
    this.ws.send(
      encodeHello(
        flags === undefined
          ? { protocolVersion: PLAYER_PROTOCOL_VERSION, name, resumeToken, seat }
          : { protocolVersion: 4, name, resumeToken, seat, flags },
      ),
    );
  }

  /** A spectator's Watch: follow `followId` (0: a free camera at x, y), acknowledging the replica. */
  watch(followId: number, x = 0, y = 0): void {
    this.ws.send(encodeWatch({ ackTick: this.replica?.tick ?? 0, followId, x, y }));
  }

  /** Sends an Input with `controls` (the game's input fields; unset ones at their default). */
  send(controls: Controls): void {
    if (!this.welcome) throw new Error('send: no Welcome yet');
    const input = { seq: ++this.#seq, ackTick: this.replica?.tick ?? 0, controls };
    this.ws.send(encodeInput(this.welcome.schema, input));
  }

  /** The arena's controls: move towards `moveDir` (or stand: -1), aim, buttons. */
  input(moveDir: number, aim = 0, buttons = 0): void {
    this.send({ moveDir, aim, buttons });
  }

  /** An entity in this client's replica, or null if not in view. */
  entity(id: number): EntityRecord | null {
    return this.replica?.latest?.entities.get(id) ?? null;
  }

  /** Position (wire units) of an entity in this client's replica, or null if not in view. */
  positionOf(id: number): { x: number; y: number } | null {
    const e = this.entity(id);
    return e ? { x: e.x as number, y: e.y as number } : null;
  }

  close(): Promise<void> {
    this.ws.close();
    return this.#closed;
  }

  /** Cuts the TCP connection with no close frame, as a network failure would. */
  terminate(): Promise<void> {
    this.ws.terminate();
    return this.#closed;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
