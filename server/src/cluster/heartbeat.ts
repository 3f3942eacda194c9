import type { Schedule } from '../loop/clock.js';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';
import {
  HEARTBEAT_INTERVAL_MS,
  REGISTRY_TTL_MS,
  type ProcessRecord,
  type Registry,
  type RoomRecord,
} from './registry.js';

export interface HeartbeatDeps {
  registry: Registry;
  /** This process as it is now. */
  process(): ProcessRecord;
  /** Its rooms as they are now. */
  rooms(): RoomRecord[];
  schedule: Schedule;
  log: Logger;
}

/**
 * Publishes this process and its rooms every HEARTBEAT_INTERVAL_MS (they live REGISTRY_TTL_MS in
 * the registry), and reads which processes are up (their ports are the `self` origins of a
 * cluster on one host). When the registry cannot be reached the rooms carry on: the failure is
 * logged once, and so is the recovery; the next beat publishes everything again.
 */
export class Heartbeat {
  readonly #deps: HeartbeatDeps;
  #cancel: (() => void) | null = null;
  #isStopped = false;
  #isReachable = true;
  #peerPorts: ReadonlySet<number> = new Set();
  /** The publish under way, if any: stop() waits for it. */
  #inFlight: Promise<void> | null = null;

  constructor(deps: HeartbeatDeps) {
    this.#deps = deps;
  }

  /** Game ports of the live processes, as of the last beat. */
  get peerPorts(): ReadonlySet<number> {
    return this.#peerPorts;
  }

  /** Whether the last beat reached the registry. */
  get isRegistryReachable(): boolean {
    return this.#isReachable;
  }

  /** Publishes once (rejecting when the registry cannot be reached), then every interval. */
  async start(): Promise<void> {
    await this.#publish();
    this.#scheduleNext();
  }

  /**
   * Stops beating, once the publish under way (if any) has settled: a withdraw after this cannot
   * be undone by a late publish. The records expire within the TTL unless the caller withdraws them.
   */
  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#cancel?.();
    this.#cancel = null;
    await this.#inFlight?.catch(() => undefined);
  }

  async #publish(): Promise<void> {
    const { registry } = this.#deps;
    await registry.publish(this.#deps.process(), this.#deps.rooms(), REGISTRY_TTL_MS);
    const processes = await registry.processes();
    this.#peerPorts = new Set(processes.map((p) => p.port));
  }

  #scheduleNext(): void {
    if (this.#isStopped) return;
    this.#cancel = this.#deps.schedule(HEARTBEAT_INTERVAL_MS, () => {
      const publishing = this.#publish();
      this.#inFlight = publishing;
      publishing.then(
        () => {
          if (!this.#isReachable) this.#deps.log.info('registry reachable again');
          this.#isReachable = true;
          this.#scheduleNext();
        },
        (error: unknown) => {
          if (this.#isReachable) {
            this.#deps.log.warn(
              'registry unreachable: rooms carry on, matchmaking answers 503 until it is back',
              errorFields(error),
            );
          }
          this.#isReachable = false;
          this.#scheduleNext();
        },
      );
    });
  }
}
