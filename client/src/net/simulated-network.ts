import {
  DelayLine,
  SimulatedLink,
  globalNowMs,
  globalScheduler,
  validateLinkConditions,
} from '@tickwire/protocol';
import type {
  LinkConditions,
  Scheduler,
  SocketCloseEvent,
  SocketMessageEvent,
  WebSocketConstructor,
  WebSocketLike,
} from '@tickwire/protocol';

/**
 * URL parameters that simulate a bad network on this client (development and tests), e.g.
 * `?latency=150&jitter=30&loss=1`: milliseconds added to every frame each way, ± variation, and
 * the percentage of frames stalled by a TCP retransmission (protocol/src/netsim).
 */
export const NETWORK_PARAMETERS = { latency: 'latency', jitter: 'jitter', loss: 'loss' } as const;

/** The simulated network the URL asks for; null when it asks for none. */
export function linkConditionsFromSearch(
  search: string,
): { ok: true; conditions: LinkConditions | null } | { ok: false; error: string } {
  const params = new URLSearchParams(search);
  const read = (name: string): number | null => {
    const raw = params.get(name);
    return raw === null || raw === '' ? null : Number(raw);
  };
  const latencyMs = read(NETWORK_PARAMETERS.latency);
  const jitterMs = read(NETWORK_PARAMETERS.jitter);
  const lossPercent = read(NETWORK_PARAMETERS.loss);
  if (latencyMs === null && jitterMs === null && lossPercent === null) {
    return { ok: true, conditions: null };
  }
  try {
    return {
      ok: true,
      conditions: validateLinkConditions({
        latencyMs: latencyMs ?? 0,
        jitterMs: jitterMs ?? 0,
        lossPercent: lossPercent ?? 0,
      }),
    };
  } catch (error) {
    return {
      ok: false,
      error: `Bad ?latency=/?jitter=/?loss= parameter: ${error instanceof Error ? error.message : String(error)}.`,
    };
  }
}

/**
 * A WebSocket class whose frames, open and close events all go through a simulated link in each
 * direction. Everything the page sees arrives late, as it would over a slow network.
 */
export function simulatedWebSocket(
  Base: WebSocketConstructor,
  conditions: LinkConditions,
  scheduler: Scheduler = globalScheduler,
  nowMs: () => number = globalNowMs,
): WebSocketConstructor {
  const schedule = (delayMs: number, fn: () => void): (() => void) => scheduler.after(delayMs, fn);
  const run = (action: () => void): void => action();

  return class SimulatedWebSocket implements WebSocketLike {
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: SocketMessageEvent) => void) | null = null;
    onclose: ((event: SocketCloseEvent) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    readonly #real: WebSocketLike;
    readonly #toServer = new DelayLine(new SimulatedLink(conditions), nowMs, schedule, run);
    readonly #toPage = new DelayLine(new SimulatedLink(conditions), nowMs, schedule, run);
    #isOpenDelivered = false;
    #isCloseDelivered = false;

    constructor(url: string, protocols: string | string[]) {
      const real = new Base(url, protocols);
      this.#real = real;
      real.onopen = (event) =>
        this.#toPage.push(() => {
          this.#isOpenDelivered = true;
          this.onopen?.(event);
        });
      real.onmessage = (event) => {
        const data = event.data;
        this.#toPage.push(() => this.onmessage?.({ data }));
      };
      real.onclose = (event) => {
        const closed = { code: event.code, reason: event.reason };
        this.#toPage.push(() => {
          this.#isCloseDelivered = true;
          this.#toServer.clear();
          this.onclose?.(closed);
        });
      };
      real.onerror = (event) => this.#toPage.push(() => this.onerror?.(event));
    }

    get binaryType(): string {
      return this.#real.binaryType;
    }

    set binaryType(value: string) {
      this.#real.binaryType = value;
    }

    /** CONNECTING until the open event is delivered, CLOSED once the close event is. */
    get readyState(): number {
      if (this.#isCloseDelivered) return 3;
      return this.#isOpenDelivered ? this.#real.readyState : 0;
    }

    send(data: Uint8Array): void {
      const copy = data.slice();
      this.#toServer.push(() => {
        if (this.#real.readyState === 1) this.#real.send(copy);
      });
    }

    close(code?: number, reason?: string): void {
      this.#toServer.push(() => this.#real.close(code, reason));
    }
  };
}
