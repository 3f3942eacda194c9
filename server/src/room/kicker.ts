import { MAX_REASON_LENGTH, encodeKick, type CloseCode } from '@tickwire/protocol';
import type { Logger } from '../log.js';
import type { Connection } from '../transport/types.js';
import type { Session } from './session.js';

/** Closes connections the protocol's way, a Kick frame with the reason and then the close. */
export class Kicker {
  /** Connections closed, by close code (for /metrics). */
  readonly countsByCode: Record<number, number> = {};
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  kick(session: Session, code: CloseCode, reason: string): void {
    this.#close(session.connection, code, reason, 'info');
  }

  /**
   * Closes a connection refused before it has a session (a connection limit). Logged at debug
   * level: a flood of refusals must not become a flood of log lines (they are counted instead).
   */
  refuse(connection: Connection, code: CloseCode, reason: string): void {
    this.#close(connection, code, reason, 'debug');
  }

  #close(connection: Connection, code: CloseCode, reason: string, level: 'info' | 'debug'): void {
    if (!connection.isOpen) return;
    this.countsByCode[code] = (this.countsByCode[code] ?? 0) + 1;
    this.#log[level]('closing connection', { connection: connection.id, code, reason });
    connection.send(encodeKick({ closeCode: code, reason: reason.slice(0, MAX_REASON_LENGTH) }));
    connection.close(code, reason);
  }
}
