/**
 * The server core holds no sockets: it sees connections through this interface. transport/uws.ts
 * implements it over uWebSockets.js; transport/memory.ts implements it for unit tests.
 */

/** Result of Connection.send, mirroring uWS: sent now, queued behind backpressure, or dropped. */
export const SendStatus = {
  Sent: 1,
  Queued: 0,
  Dropped: 2,
} as const;
export type SendStatus = (typeof SendStatus)[keyof typeof SendStatus];

export interface Connection {
  /** Unique per process. */
  readonly id: number;
  readonly remoteAddress: string;
  readonly isOpen: boolean;
  /**
   * Sends one binary frame. `frame` is valid ONLY during this call (the server writes every
   * client's snapshot into one reused buffer): a transport that keeps it must copy it. uWS copies
   * whatever it cannot write at once. A closed connection ignores the frame and reports Dropped.
   */
  send(frame: Uint8Array): SendStatus;
  /** Bytes written but not yet accepted by the kernel. */
  bufferedBytes(): number;
  /** Closes with a close frame carrying `code` and `reason` (truncated to 123 bytes). */
  close(code: number, reason: string): void;
}

export interface ConnectionHandler {
  onOpen(connection: Connection): void;
  /**
   * One binary frame. `frame` is valid ONLY during this call (uWS frees it on return): decode or
   * copy it synchronously, never keep it.
   */
  onMessage(connection: Connection, frame: Uint8Array, isBinary: boolean): void;
  onClose(connection: Connection, code: number): void;
}
