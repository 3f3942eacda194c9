import { closeSync, openSync, readdirSync } from 'node:fs';
import type { DescriptorLimit } from './descriptor-limit.js';

/**
 * What the guard does to the listen socket. `pause` closes it; `resume` listens again on the same
 * port (false: not now, e.g. the port was taken meanwhile; the guard retries).
 */
export interface Listening {
  pause(): void;
  resume(): Promise<boolean>;
}

/** The process's descriptors, as the guard sees them (the real ones, or a stand-in in unit tests). */
export interface Descriptors {
  /** Opens one (of /dev/null); null when the process is at its limit. */
  open(): number | null;
  close(fd: number): void;
  /** How many more can be opened, or null when that cannot be read. */
  free(): number | null;
}

/** The real descriptors: /dev/null to probe and reserve, /proc/self/fd to count (Linux). */
export function processDescriptors(limit: DescriptorLimit | null): Descriptors {
  return {
    open: () => {
      try {
        return openSync('/dev/null', 'r');
      } catch (error) {
        if (isOutOfDescriptors(error)) return null;
        throw error;
      }
    },
    close: (fd) => closeSync(fd),
    free: () => {
      try {
        // The listing holds one descriptor while it reads.
        return (
          (limit?.soft ?? Number.POSITIVE_INFINITY) - (readdirSync('/proc/self/fd').length - 1)
        );
      } catch {
        return null;
      }
    },
  };
}

export interface AcceptGuardOptions {
  listening: Listening;
  descriptors: Descriptors;
  /** How often to check for the limit: one open and close of /dev/null, about 2.5 µs. */
  probeIntervalMs?: number;
  /** Descriptors held while healthy and released on a pause, so the process has some to work with. */
  reserveFds?: number;
  /** Of those, taken back at a resume; the rest stay free for the connections accepted next. */
  keepOnResume?: number;
  /** The first pause; it doubles, up to maxPauseMs, while the limit comes back soon after a resume. */
  minPauseMs?: number;
  maxPauseMs?: number;
  onPause?(pauseMs: number): void;
  onResume?(pausedMs: number): void;
}

const isOutOfDescriptors = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
};

/**
 * Stops accepting connections while the process is out of file descriptors, as nginx does.
 *
 * uSockets (uWS v20.30) retries a failing accept() (EMFILE) on its level-triggered listen socket
 * forever: the process spun at 100 % CPU and /healthz waited for idle sockets to time out, 10 s
 * (issue 10, defect 2). uWS offers no hook at accept, so the guard probes: when a descriptor
 * cannot be opened, it closes the listen socket (no more spin; connections still in the backlog
 * are reset, new ones refused at once), releases a small reserve of descriptors so the process can
 * keep working, and listens again after a pause, keeping only part of the reserve so the next
 * accepts find descriptors. A flood that keeps reconnecting takes those at every resume: then
 * the pauses lengthen (up to maxPauseMs) and the game port refuses, quickly, rather than hanging;
 * the operator port (--admin-port) keeps answering from the released reserve.
 */
export class AcceptGuard {
  readonly #options: Required<Omit<AcceptGuardOptions, 'onPause' | 'onResume'>> &
    AcceptGuardOptions;
  readonly #reserve: number[] = [];
  #isAccepting = true;
  #pauses = 0;
  #pauseMs: number;
  #pausedAtMs = 0;
  #resumedAtMs = Number.NEGATIVE_INFINITY;
  #lastRefillCheckMs = 0;
  #probeTimer: NodeJS.Timeout | null = null;
  #resumeTimer: NodeJS.Timeout | null = null;

  constructor(options: AcceptGuardOptions) {
    this.#options = {
      probeIntervalMs: 25,
      reserveFds: 16,
      keepOnResume: 8,
      minPauseMs: 100,
      maxPauseMs: 500,
      ...options,
    };
    this.#pauseMs = this.#options.minPauseMs;
  }

  get isAccepting(): boolean {
    return this.#isAccepting;
  }

  /** Times accepting was paused. */
  get pauses(): number {
    return this.#pauses;
  }

  start(): void {
    this.#acquire(this.#options.reserveFds);
    this.#probeTimer = setInterval(() => this.#probe(), this.#options.probeIntervalMs);
    this.#probeTimer.unref();
  }

  /** Stops probing and any resume to come (before the listen socket closes for good). */
  stop(): void {
    if (this.#probeTimer) clearInterval(this.#probeTimer);
    if (this.#resumeTimer) clearTimeout(this.#resumeTimer);
    this.#probeTimer = null;
    this.#resumeTimer = null;
    this.#release();
  }

  /** True when one more descriptor cannot be opened: accept() is failing too. */
  #isAtLimit(): boolean {
    const fd = this.#options.descriptors.open();
    if (fd === null) return true;
    this.#options.descriptors.close(fd);
    return false;
  }

  #probe(): void {
    if (!this.#isAccepting) return;
    if (!this.#isAtLimit()) {
      this.#refillWhenRoomy();
      return;
    }
    const nowMs = Date.now();
    // Back off while the limit comes back soon after a resume (a flood that keeps reconnecting).
    const isRecurring = nowMs - this.#resumedAtMs < 4 * this.#options.maxPauseMs;
    this.#pauseMs = isRecurring
      ? Math.min(this.#pauseMs * 2, this.#options.maxPauseMs)
      : this.#options.minPauseMs;
    this.#isAccepting = false;
    this.#pauses++;
    this.#pausedAtMs = nowMs;
    try {
      this.#options.listening.pause();
    } finally {
      this.#release();
      this.#options.onPause?.(this.#pauseMs);
      this.#scheduleResume();
    }
  }

  #scheduleResume(): void {
    this.#resumeTimer = setTimeout(() => void this.#resume(), this.#pauseMs);
  }

  async #resume(): Promise<void> {
    this.#resumeTimer = null;
    if (!this.#probeTimer) return; // stopped meanwhile: no listening again after shutdown
    const isListening = await this.#options.listening.resume().catch(() => false);
    if (!isListening) {
      this.#pauseMs = Math.min(this.#pauseMs * 2, this.#options.maxPauseMs);
      this.#scheduleResume();
      return;
    }
    // Part of the reserve back, but never the descriptors the next accepts need: a flood's
    // retried connections may have taken all but a few while paused, and a reserve that took
    // those would find the process at its limit again at once, pausing forever (measured).
    // Native uWS listens synchronously and accepts on the next turn of the loop at the earliest,
    // after this continuation: what is taken here is taken first.
    const { keepOnResume } = this.#options;
    const free = this.#options.descriptors.free();
    this.#acquire(free === null ? 0 : Math.min(keepOnResume, Math.max(0, free - keepOnResume)));
    this.#isAccepting = true;
    this.#resumedAtMs = Date.now();
    this.#options.onResume?.(this.#resumedAtMs - this.#pausedAtMs);
  }

  /** The whole reserve again once there is clear room below the limit (checked once a second). */
  #refillWhenRoomy(): void {
    const { reserveFds } = this.#options;
    const nowMs = Date.now();
    if (this.#reserve.length >= reserveFds || nowMs - this.#lastRefillCheckMs < 1000) return;
    this.#lastRefillCheckMs = nowMs;
    const free = this.#options.descriptors.free();
    if (free !== null && free > 3 * reserveFds) this.#acquire(reserveFds);
  }

  /** Opens reserve descriptors up to `count`, quietly stopping at the limit. */
  #acquire(count: number): void {
    while (this.#reserve.length < count) {
      const fd = this.#options.descriptors.open();
      if (fd === null) return;
      this.#reserve.push(fd);
    }
  }

  #release(): void {
    for (const fd of this.#reserve.splice(0)) this.#options.descriptors.close(fd);
  }
}
