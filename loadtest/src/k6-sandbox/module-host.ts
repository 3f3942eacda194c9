import type { K6Logger } from './console.js';
import type { EventLoop } from './event-loop.js';
import type { Tags } from './metrics.js';
import type { Realm } from './realm.js';

/** Which k6 the sandbox behaves as (README, "Load tests with k6"). */
export type K6Api =
  /** k6 v1.6 and later: k6/websockets, global timers, close events with code and reason. */
  | 'current'
  /**
   * k6 v0.52 to v1.4: k6/experimental/websockets only, timers only from k6/timers, close events
   * without code or reason, and send(view) sending the view's whole buffer (fixed in v1.5).
   */
  | 'legacy';

/** What a k6 module of one VU needs from the VU. */
export interface ModuleHost {
  readonly vuId: number;
  readonly realm: Realm;
  readonly api: K6Api;
  readonly logger: K6Logger;
  /**
   * The running iteration's event loop. Throws, as k6 does, in the init context (sockets and
   * requests are for iterations), naming `what`.
   */
  iterationLoop(what: string): EventLoop;
  /** The loop the VU's code runs in now: the init context's or the iteration's. */
  currentLoop(): EventLoop;
  isInInitContext(): boolean;
  /** Tags k6 puts on every sample of the VU (`scenario`). */
  systemTags(): Tags;
  /** A sample of one of k6's built-in metrics. */
  emit(metric: string, value: number, tags?: Tags): void;
}
