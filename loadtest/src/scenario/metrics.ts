/**
 * The load tests' metrics: one list, one set of names, for the k6 scripts and the Node swarm
 * alike. Each runtime turns `MetricSink.add` into its own metrics (k6: Trend, Counter, Rate;
 * the swarm: mergeable histograms and counters), and both hand the aggregate to the same
 * threshold check and summary (summary.ts) in k6's handleSummary shape.
 *
 * Plain module: no Node, no k6, no DOM. It runs in k6's JavaScript runtime.
 */
import { CloseCode } from '@tickwire/protocol';

export type MetricType = 'trend' | 'counter' | 'rate';
/** k6's `contains`: what a trend's values are (time in ms, bytes, or plain numbers). */
export type MetricContains = 'time' | 'data' | 'default';

export interface MetricDefinition {
  readonly type: MetricType;
  readonly contains: MetricContains;
  /** What it means, for README and the text report. */
  readonly help: string;
}

export const METRICS = {
  tickwire_join_ms: {
    type: 'trend',
    contains: 'time',
    help: 'first step of joining (the matchmaking request, else the WebSocket connect) to the Welcome, ms',
  },
  tickwire_join_failures: {
    type: 'counter',
    contains: 'default',
    help: 'joins that never got a Welcome (no seat from matchmaking, refused, or closed before the Welcome)',
  },
  tickwire_resume_ms: {
    type: 'trend',
    contains: 'time',
    help: 'a dropped player reconnecting with its resume token: drop to the Welcome, ms',
  },
  tickwire_resumed: {
    type: 'rate',
    contains: 'default',
    help: 'share of resumes that got the same player back (the rest came back as a new player)',
  },
  tickwire_snapshot_interval_ms: {
    type: 'trend',
    contains: 'time',
    help: 'time between two snapshots arriving at one player, ms (1000 / tick rate when the server keeps up)',
  },
  tickwire_snapshot_bytes: {
    type: 'trend',
    contains: 'data',
    help: 'size of one snapshot frame (WebSocket payload), bytes',
  },
  tickwire_snapshots: {
    type: 'counter',
    contains: 'default',
    help: 'snapshots received, over all players',
  },
  tickwire_rtt_ms: {
    type: 'trend',
    contains: 'time',
    help: 'Ping to its Pong, ms: network and the server event loop; one Ping per player per second',
  },
  tickwire_desyncs: {
    type: 'counter',
    contains: 'default',
    help: 'snapshots a verifying player could not apply (checksum mismatches, with --checksums on the server, and invalid deltas) and server frames no player could decode; always a bug',
  },
  tickwire_resyncs: {
    type: 'counter',
    contains: 'default',
    help: 'full snapshots after a connection’s first delta: the server resent the whole view (a Resync, or an acknowledgement too old)',
  },
  tickwire_kicks: {
    type: 'counter',
    contains: 'default',
    help: 'connections the server closed, tagged by close code (PROTOCOL.md, close codes)',
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** Where the players' measurements go. `tags` only for tickwire_kicks (`code`). */
export interface MetricSink {
  add(metric: MetricName, value: number, tags?: Readonly<Record<string, string>>): void;
}

/**
 * Close codes a kick is counted under, each its own submetric (`tickwire_kicks{code:4005}`), so
 * the summary says which: every code of the protocol's CloseCode, and WebSocket's 1001 (going away), 1006
 * (dropped without a close frame) and 1011 (server error).
 */
export const KICK_CODES: readonly number[] = [1001, 1006, 1011, ...Object.values(CloseCode)];
