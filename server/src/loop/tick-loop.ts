import type { Clock, Schedule } from './clock.js';

export interface TickLoopOptions {
  clock: Clock;
  schedule: Schedule;
  tickHz: number;
  /** Most ticks run back to back when the loop is late; older missed ticks are skipped. */
  maxCatchUpTicks: number;
  /** Runs one tick. `tick` starts at 1. A throw is reported to onError and the loop goes on. */
  onTick(tick: number): void;
  onError(error: unknown, tick: number): void;
}

export interface TickLoopStats {
  /** Ticks run so far (also the number of the last tick run). */
  ticks: number;
  /** Tick slots dropped because the loop fell more than maxCatchUpTicks behind. */
  skippedTicks: number;
  /** Ticks whose onTick threw. */
  failedTicks: number;
}

export interface TickLoop {
  start(): void;
  stop(): void;
  readonly stats: Readonly<TickLoopStats>;
  /** Clock time at which `tick` was (or will be) due, under the current schedule. */
  tickTimeMs(tick: number): number;
}

/**
 * Fixed-timestep loop. Tick k is due at anchor + k * dtMs exactly (no accumulated drift: the
 * schedule is recomputed from the anchor, never from the last wake-up). A late wake-up runs the
 * due ticks back to back, at most maxCatchUpTicks of them; beyond that the loop drops the missed
 * time by moving the anchor forward.
 *
 * Tick numbers stay consecutive even then: the world advances one step per tick number, and
 * clients extrapolate motion by tick differences, so a skipped number would desynchronize them.
 */
export function createTickLoop(options: TickLoopOptions): TickLoop {
  const { clock, schedule, maxCatchUpTicks, onTick, onError } = options;
  const dtMs = 1000 / options.tickHz;
  const stats: TickLoopStats = { ticks: 0, skippedTicks: 0, failedTicks: 0 };
  /** Origin of the schedule: tick k is due at startMs + k * dtMs. Moves forward on overload. */
  let startMs = 0;
  /** Index of the next tick to run; it is due at startMs + nextTick * dtMs. */
  let nextTick = 1;
  let cancel: (() => void) | null = null;
  let isRunning = false;

  const dueAtMs = (tick: number): number => startMs + tick * dtMs;
  /** The newest tick due at `nowMs`, computed with the same float expression the schedule uses. */
  const lastDueTick = (nowMs: number): number => {
    let tick = Math.floor((nowMs - startMs) / dtMs);
    while (dueAtMs(tick + 1) <= nowMs) tick++;
    while (tick > 0 && dueAtMs(tick) > nowMs) tick--;
    return tick;
  };

  const run = (): void => {
    cancel = null;
    const dueTicks = lastDueTick(clock.nowMs()) - nextTick + 1;
    if (dueTicks > maxCatchUpTicks) {
      const skipped = dueTicks - maxCatchUpTicks;
      stats.skippedTicks += skipped;
      startMs += skipped * dtMs;
    }
    for (let i = 0; i < Math.min(dueTicks, maxCatchUpTicks); i++) {
      const tick = nextTick++;
      stats.ticks++;
      try {
        onTick(tick);
      } catch (error) {
        stats.failedTicks++;
        onError(error, tick);
      }
    }
    // onTick may have stopped the loop.
    if (isRunning) cancel = schedule(dueAtMs(nextTick) - clock.nowMs(), run);
  };

  return {
    start() {
      if (isRunning) return;
      isRunning = true;
      startMs = clock.nowMs();
      nextTick = 1;
      cancel = schedule(dtMs, run);
    },
    stop() {
      isRunning = false;
      cancel?.();
      cancel = null;
    },
    stats,
    tickTimeMs: dueAtMs,
  };
}
