import { CloseCode } from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import type { Session } from './session.js';

type LimitsConfig = Pick<
  ServerConfig,
  'maxConnections' | 'maxConnectionsPerIp' | 'maxPendingConnections'
>;

/** Why a new connection is not let in: the close code and reason it is closed with. */
export interface Refusal {
  code: CloseCode;
  reason: string;
}

/**
 * The connection limits an operator sets: connections in total, per address (session.addressKey),
 * and still without a Hello. Counts only: the room closes what these name.
 *
 * A connection over the total or per-address cap is refused before it has a session. A new
 * connection over the Hello-less cap is let in and the one that has waited longest is closed
 * instead: a client sends Hello one round trip after the upgrade, so only idle connections are
 * ever that old, and a flood of them cannot keep newcomers out.
 */
export class ConnectionLimits {
  readonly #config: LimitsConfig;
  readonly #perAddress = new Map<string, number>();
  #total = 0;
  /** Sessions that have not sent Hello yet, oldest first (a Set keeps insertion order). */
  readonly #pending = new Set<Session>();

  constructor(config: LimitsConfig) {
    this.#config = config;
  }

  get connectionCount(): number {
    return this.#total;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Why a connection from `address` may not open now, or null when it may. */
  refusal(address: string): Refusal | null {
    const c = this.#config;
    if (this.#total >= c.maxConnections) {
      return {
        code: CloseCode.TooManyConnections,
        reason: `the server is at its limit of ${c.maxConnections} connections`,
      };
    }
    if ((this.#perAddress.get(address) ?? 0) >= c.maxConnectionsPerIp) {
      return {
        code: CloseCode.TooManyConnectionsFromAddress,
        reason: `your address already has ${c.maxConnectionsPerIp} connections open`,
      };
    }
    return null;
  }

  /**
   * Counts a new session, Hello-less. Returns the session that has waited longest for its Hello
   * when there are now more than maxPendingConnections, for the caller to close; else null.
   */
  add(session: Session): Session | null {
    this.#total++;
    this.#perAddress.set(session.addressKey, (this.#perAddress.get(session.addressKey) ?? 0) + 1);
    this.#pending.add(session);
    if (this.#pending.size <= this.#config.maxPendingConnections) return null;
    const [oldest] = this.#pending;
    if (!oldest) return null;
    // No longer a place holder from now on, even before its close handler runs.
    this.#pending.delete(oldest);
    return oldest;
  }

  /** The sessions that have not sent Hello yet, the one waiting longest first. */
  pendingOldestFirst(): IterableIterator<Session> {
    return this.#pending.values();
  }

  /** The session sent its Hello: it no longer counts as pending. */
  helloReceived(session: Session): void {
    this.#pending.delete(session);
  }

  /** The session closed (counted by `add`, and only once). */
  remove(session: Session): void {
    this.#total--;
    this.#pending.delete(session);
    const count = (this.#perAddress.get(session.addressKey) ?? 1) - 1;
    if (count === 0) this.#perAddress.delete(session.addressKey);
    else this.#perAddress.set(session.addressKey, count);
  }
}
