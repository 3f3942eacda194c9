import type { ModuleHost } from './module-host.js';

/**
 * The `k6` module for one VU: check, fail and group. sleep() is not offered: it blocks its VU's
 * event loop, and the sandbox runs every VU on one thread, so it would stop them all. The
 * scenarios use timers instead.
 */
export function createK6Module(host: ModuleHost): Record<string, unknown> {
  return {
    check(value: unknown, checks: unknown): boolean {
      let isOk = true;
      for (const [name, test] of Object.entries((checks ?? {}) as Record<string, unknown>)) {
        const passed = typeof test === 'function' ? Boolean(test(value)) : Boolean(test);
        host.emit('checks', passed ? 1 : 0, { ...host.systemTags(), check: name });
        isOk &&= passed;
      }
      return isOk;
    },
    fail(message?: unknown): never {
      throw host.realm.error(message === undefined ? 'fail' : String(message));
    },
    group(_name: unknown, fn: unknown): unknown {
      if (typeof fn !== 'function') throw host.realm.typeError('group: not a function');
      return fn();
    },
    sleep(): never {
      throw host.realm.error(
        'the k6 sandbox has no sleep(): it would block every VU (they share one thread); use timers',
      );
    },
  };
}
