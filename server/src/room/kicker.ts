import { MAX_REASON_LENGTH, encodeKick, type CloseCode } from '@tickwire/protocol';
import type { Logger } from '../log.js';
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
    const { connection } = session;
    if (!connection.isOpen) return;
    this.countsByCode[code] = (this.countsByCode[code] ?? 0) + 1;
    this.#log.info('closing connection', { connection: connection.id, code, reason });
    connection.send(encodeKick({ closeCode: code, reason: reason.slice(0, MAX_REASON_LENGTH) }));
    connection.close(code, reason);
  }
}
