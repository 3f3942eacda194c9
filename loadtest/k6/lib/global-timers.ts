import { clearInterval, clearTimeout, setInterval, setTimeout } from 'k6/timers';

/**
 * k6/timers' functions, also installed on the global object where the runtime has not put them
 * there itself (every k6 the bundles run on has them global: k6-sandbox/k6-api.ts; the sandbox's
 * legacy mode does not, to keep this fallback honest): the protocol's Matchmaker and
 * scenario/quick-play.ts call the global setTimeout.
 */
const host = globalThis as unknown as Record<string, unknown>;
if (typeof host['setTimeout'] !== 'function') {
  Object.assign(host, { setTimeout, clearTimeout, setInterval, clearInterval });
}

export { clearInterval, setInterval };
