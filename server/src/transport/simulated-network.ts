import { DelayLine, SimulatedLink, type LinkConditions } from '@tickwire/protocol';
import type { Clock, Schedule } from '../loop/clock.js';
import { SendStatus, type Connection, type ConnectionHandler } from './types.js';

/**
 * Puts a simulated bad network (latency, jitter, loss: protocol/src/netsim) between the transport
 * and the room, in both directions, per connection. For development and tests only
 * (--sim-latency-ms, --sim-jitter-ms, --sim-loss-percent).
 *
 * Frames are copied on the way in and out: uWS frees an incoming frame when its callback returns,
 * and the server reuses its outgoing snapshot buffer (transport/types.ts).
 */
export function withSimulatedNetwork(
  handler: ConnectionHandler,
  conditions: LinkConditions,
  clock: Clock,
  schedule: Schedule,
  random: () => number = Math.random,
): ConnectionHandler {
  const links = new Map<number, DelayedConnection>();
  const nowMs = (): number => clock.nowMs();
  return {
    onOpen(real) {
      const delayed = new DelayedConnection(real, handler, conditions, nowMs, schedule, random);
      links.set(real.id, delayed);
      handler.onOpen(delayed);
    },
    onMessage(real, frame, isBinary) {
      links.get(real.id)?.receive(frame.slice(), isBinary);
    },
    onClose(real, code) {
      const delayed = links.get(real.id);
      links.delete(real.id);
      delayed?.onTransportClose(code);
    },
  };
}

class DelayedConnection implements Connection {
  readonly id: number;
  readonly remoteAddress: string;
  readonly #real: Connection;
  readonly #handler: ConnectionHandler;
  readonly #outbound: DelayLine<{ frame: Uint8Array } | { code: number; reason: string }>;
  readonly #inbound: DelayLine<{ frame: Uint8Array; isBinary: boolean } | { closedWith: number }>;
  #outboundBytes = 0;
  #isClosing = false;
  #isClosed = false;

  constructor(
    real: Connection,
    handler: ConnectionHandler,
    conditions: LinkConditions,
    nowMs: () => number,
    schedule: Schedule,
    random: () => number,
  ) {
    this.id = real.id;
    this.remoteAddress = real.remoteAddress;
    this.#real = real;
    this.#handler = handler;
    this.#outbound = new DelayLine(
      new SimulatedLink(conditions, random),
      nowMs,
      schedule,
      (item) => {
        if ('frame' in item) {
          this.#outboundBytes -= item.frame.byteLength;
          this.#real.send(item.frame);
        } else {
          this.#real.close(item.code, item.reason);
        }
      },
    );
    this.#inbound = new DelayLine(
      new SimulatedLink(conditions, random),
      nowMs,
      schedule,
      (item) => {
        if (this.#isClosed) return;
        if ('frame' in item) {
          this.#handler.onMessage(this, item.frame, item.isBinary);
        } else {
          this.#isClosed = true;
          this.#outbound.clear();
          this.#handler.onClose(this, item.closedWith);
        }
      },
    );
  }

  get isOpen(): boolean {
    return !this.#isClosing && !this.#isClosed && this.#real.isOpen;
  }

  send(frame: Uint8Array): SendStatus {
    if (!this.isOpen) return SendStatus.Dropped;
    this.#outboundBytes += frame.byteLength;
    this.#outbound.push({ frame: frame.slice() });
    return SendStatus.Sent;
  }

  /** Frames waiting in the simulated link count as unsent, as they would in a real one. */
  bufferedBytes(): number {
    return this.#outboundBytes + this.#real.bufferedBytes();
  }

  /** The close frame travels behind the frames sent before it (the Kick arrives first). */
  close(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.#isClosing = true;
    this.#outbound.push({ code, reason });
  }

  receive(frame: Uint8Array, isBinary: boolean): void {
    this.#inbound.push({ frame, isBinary });
  }

  /** The socket closed: the room hears of it after the frames that were still on their way. */
  onTransportClose(code: number): void {
    this.#inbound.push({ closedWith: code });
  }
}
