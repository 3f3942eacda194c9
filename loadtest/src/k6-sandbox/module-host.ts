import type { K6Logger } from './console.js';
import type { EventLoop } from './event-loop.js';
import type { K6Api } from './k6-api.js';
import type { Tags } from './metrics.js';
import type { Realm } from './realm.js';

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
  isInInitContext(): boolean;
  /** Tags k6 puts on every sample of the VU (`scenario`). */
  systemTags(): Tags;
  /** A sample of one of k6's built-in metrics. */
  emit(metric: string, value: number, tags?: Tags): void;
  /**
   * The script did what would hang k6 itself (block its VU for good): the sandbox cannot block
   * the one thread all its VUs share, so it ends the run (exit 107) with `message` and returns
   * an error of the VU's realm for the caller to throw.
   */
  wouldHang(message: string): Error;
}
