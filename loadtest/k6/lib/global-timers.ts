import { clearInterval, clearTimeout, setInterval, setTimeout } from 'k6/timers';

/**
 * k6/timers' functions, also installed on the global object where the k6 running the bundle has
 * not put them there itself (k6 made them global after v0.52): the protocol's Matchmaker and
 * scenario/quick-play.ts call the global setTimeout.
 */
const host = globalThis as unknown as Record<string, unknown>;
if (typeof host['setTimeout'] !== 'function') {
  Object.assign(host, { setTimeout, clearTimeout, setInterval, clearInterval });
}

export { clearInterval, setInterval };
