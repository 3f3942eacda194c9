/**
 * Which k6 the sandbox behaves as, and the one home of what changed between the k6 versions the
 * bundles run on (grafana/k6's release notes). The k6 scripts (loadtest/k6/) and the sandbox's
 * messages point here instead of stating versions of their own.
 *
 * - v0.52: the oldest k6 the bundles run on: k6/experimental/websockets sends the subprotocols of
 *   the constructor's second argument; setTimeout and co. are global (and in k6/timers).
 * - v1.5: a close event carries `code` and `reason` (grafana/k6#5376); before, a close other than
 *   1000 and 1001 shows only as an `error` event whose message holds the code (gorilla/websocket's
 *   CloseError). send(view) sends the view's bytes, not its whole buffer (grafana/k6#5358).
 * - v1.6: the module is k6/websockets (grafana/k6#5586); k6/experimental/websockets is deprecated.
 *
 * Plain module: no side effects.
 */

export const K6_VERSIONS = {
  oldest: 'v0.52',
  closeEventCodes: 'v1.5',
  stableWebSockets: 'v1.6',
} as const;

export type K6Api = 'current' | 'legacy';

/** What each K6Api stands for, in words (the CLI's usage, the docs). */
export const K6_API_DESCRIPTIONS: Readonly<Record<K6Api, string>> = {
  current:
    `k6 ${K6_VERSIONS.stableWebSockets} and later: k6/websockets, global timers, close events ` +
    `with code and reason`,
  legacy:
    `k6 ${K6_VERSIONS.oldest} until ${K6_VERSIONS.closeEventCodes}: k6/experimental/websockets ` +
    `only, close events without code or reason, send(view) sending the view's whole buffer; ` +
    `and, stricter than any of them, no global timers (a bundle must import k6/timers)`,
};
