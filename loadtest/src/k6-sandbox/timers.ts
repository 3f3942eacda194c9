import type { EventLoop } from './event-loop.js';

/**
 * k6/timers (and, in k6 since v0.5x, the same functions as globals) for one VU: each timer keeps
 * the VU's current event loop alive until it fires (setTimeout) or is cleared, and dies with it.
 */

type TimerCallback = (...args: unknown[]) => unknown;

export interface K6Timers {
  setTimeout(callback: TimerCallback, delayMs?: number, ...args: unknown[]): number;
  clearTimeout(id?: number): void;
  setInterval(callback: TimerCallback, intervalMs?: number, ...args: unknown[]): number;
  clearInterval(id?: number): void;
}

/** `currentLoop`: the loop the VU code runs in now (an iteration's, or the init context's). */
export function createK6Timers(currentLoop: () => EventLoop): K6Timers {
  let nextId = 1;
  const active = new Map<number, () => void>();

  const clear = (id?: number): void => {
    if (id === undefined) return;
    active.get(id)?.();
  };

  const start = (
    callback: TimerCallback,
    delayMs: number | undefined,
    args: unknown[],
    isRepeating: boolean,
  ): number => {
    if (typeof callback !== 'function')
      throw new TypeError('setTimeout: the callback is not a function');
    const loop = currentLoop();
    const id = nextId++;
    const ms = Math.max(0, Number(delayMs) || 0);
    const hold = loop.hold();
    const fire = (): void => {
      if (!isRepeating) stop();
      loop.run(() => {
        callback(...args);
      });
    };
    const handle = isRepeating ? setInterval(fire, Math.max(1, ms)) : setTimeout(fire, ms);
    const forget = loop.onInterrupt(() => stop());
    function stop(): void {
      if (!active.has(id)) return;
      active.delete(id);
      if (isRepeating) clearInterval(handle);
      else clearTimeout(handle);
      forget();
      hold.release();
    }
    active.set(id, stop);
    return id;
  };

  return {
    setTimeout: (callback, delayMs, ...args) => start(callback, delayMs, args, false),
    clearTimeout: clear,
    setInterval: (callback, intervalMs, ...args) => start(callback, intervalMs, args, true),
    clearInterval: clear,
  };
}
