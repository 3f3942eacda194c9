import { SendStatus, type Connection, type ConnectionHandler } from './types.js';

let nextId = 1_000_000;

/**
 * In-memory connection for unit tests of the logic above the socket. Frames the server sends are
 * collected in `outbox`; `buffered` simulates a client that stops reading.
 */
export class MemoryConnection implements Connection {
  readonly id = nextId++;
  readonly remoteAddress = 'memory';
  readonly outbox: Uint8Array[] = [];
  buffered = 0;
  closeCode: number | null = null;
  closeReason = '';
  readonly #handler: ConnectionHandler;

  constructor(handler: ConnectionHandler) {
    this.#handler = handler;
    handler.onOpen(this);
  }

  get isOpen(): boolean {
    return this.closeCode === null;
  }

  send(frame: Uint8Array): SendStatus {
    if (!this.isOpen) return SendStatus.Dropped;
    // Frames are only valid during send (the server reuses its buffer): keep a copy.
    this.outbox.push(frame.slice());
    return SendStatus.Sent;
  }

  bufferedBytes(): number {
    return this.buffered;
  }

  close(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.closeCode = code;
    this.closeReason = reason;
    this.#handler.onClose(this, code);
  }

  /** The client side sends a frame. */
  deliver(frame: Uint8Array, isBinary = true): void {
    if (this.isOpen) this.#handler.onMessage(this, frame, isBinary);
  }

  /** The client side hangs up (Normal Closure: it is leaving). */
  hangUp(): void {
    this.close(1000, 'client closed');
  }

  /** The connection is lost (1006: no close frame, as a network failure). */
  drop(): void {
    this.close(1006, 'connection lost');
  }

  /** Takes every frame sent since the last call. */
  drain(): Uint8Array[] {
    return this.outbox.splice(0, this.outbox.length);
  }
}
