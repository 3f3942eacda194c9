import type { FleetWindow, Placement } from '../bench/fleet.js';
import { percentile } from '../bench/stats.js';
import { quantileBetween, type MetricsScrape } from '../../../server/src/process/metrics-scrape.js';

/** One worker over one step's window, from its /metrics scraped before and after. */
export interface ProcessFigures {
  process: number;
  /** The WebSocket URL matchmaking hands out for its rooms. */
  url: string;
  /** Gauges at the end of the window. */
  players: number;
  rooms: number;
  connections: number;
  /** The fleet's clients that landed here, and in how many rooms (a check on the gauges). */
  fleetClients: number;
  fleetRooms: number;
  /** Over all its rooms' ticks, estimated from the histogram's buckets (5 ms wide near 33 ms). */
  tickP50Ms: number;
  tickP99Ms: number;
  tickIntervalP99Ms: number;
  /** 1 / --tick-hz, from tickwire_tick_budget_seconds. */
  tickBudgetMs: number;
  /** Ticks actually run per wall second, per room (rooms averaged over the window's two ends). */
  ticksPerRoomPerSec: number;
  ticksSkipped: number;
  snapshotsSkipped: number;
  snapshotBytesPerSec: number;
  /** user + system CPU over the window, as a share of one core (100 = one core busy). */
  cpuPercent: number;
  rssMB: number;
  /** Connections the server closed in the window. */
  kicks: number;
}

/** The fleet over one step: what arrived at the clients, and what went wrong since the step began. */
export interface FleetFigures {
  clients: number;
  /** Clients that had joined and were still open at the end of the window. */
  joined: number;
  snapshotsPerClientPerSec: number;
  bytesPerClientPerSec: number;
  interArrivalMeanMs: number;
  interArrivalP99Ms: number;
  /** Clients that decode, apply and checksum every snapshot: desyncs are counted over these. */
  verifiedClients: number;
  /** Checksum mismatches and deltas that do not apply. */
  desyncs: number;
  decodeErrors: number;
  disconnects: number;
  /** Unrequested closes by close code. */
  closeCodes: Record<string, number>;
  /** Quick plays asked again after a 503. */
  matchRetries: number;
}

/** Per room: where it is and how many of the fleet's clients sit in it (largest first). */
export interface RoomLoad {
  url: string;
  roomId: string;
  clients: number;
}

export function processFigures(
  index: number,
  url: string,
  before: MetricsScrape,
  after: MetricsScrape,
  landed: readonly Placement[],
): ProcessFigures {
  const seconds = (after.atMs - before.atMs) / 1000;
  const delta = (name: string): number => after.value(name) - before.value(name);
  const meanRooms = (before.value('tickwire_rooms') + after.value('tickwire_rooms')) / 2;
  const here = landed.filter((p) => p.url === url);
  return {
    process: index,
    url,
    players: after.value('tickwire_players'),
    rooms: after.value('tickwire_rooms'),
    connections: after.value('tickwire_connections'),
    fleetClients: here.length,
    fleetRooms: new Set(here.map((p) => p.roomId)).size,
    tickP50Ms: quantileBetween(before, after, 'tickwire_tick_duration_seconds', 0.5) * 1000,
    tickP99Ms: quantileBetween(before, after, 'tickwire_tick_duration_seconds', 0.99) * 1000,
    tickIntervalP99Ms:
      quantileBetween(before, after, 'tickwire_tick_interval_seconds', 0.99) * 1000,
    tickBudgetMs: tickBudgetMs(after),
    ticksPerRoomPerSec:
      meanRooms > 0 ? delta('tickwire_ticks_total') / meanRooms / seconds : Number.NaN,
    ticksSkipped: delta('tickwire_ticks_skipped_total'),
    snapshotsSkipped: delta('tickwire_snapshots_skipped_total'),
    snapshotBytesPerSec: delta('tickwire_snapshot_bytes_total') / seconds,
    cpuPercent: (delta('process_cpu_seconds_total') / seconds) * 100,
    rssMB: after.value('process_resident_memory_bytes') / 1024 / 1024,
    kicks: delta('tickwire_kicks_total'),
  };
}

/** The 30 Hz budget when no room reports one (a process with no room yet). */
const DEFAULT_TICK_BUDGET_MS = 1000 / 30;

function tickBudgetMs(scrape: MetricsScrape): number {
  let budgetS = 0;
  for (const s of scrape.samples) {
    if (s.name === 'tickwire_tick_budget_seconds') budgetS = Math.max(budgetS, s.value);
  }
  return budgetS > 0 ? budgetS * 1000 : DEFAULT_TICK_BUDGET_MS;
}

/** The fleet's counters when a step began, to report what went wrong during it. */
export interface FleetCounters {
  desyncs: number;
  decodeErrors: number;
  disconnects: number;
  matchRetries: number;
  closeCodes: ReadonlyMap<number, number>;
}

export function fleetFigures(
  window: FleetWindow,
  seconds: number,
  clients: number,
  joined: number,
  verifiedClients: number,
  start: FleetCounters,
  now: FleetCounters,
): FleetFigures {
  const samples = window.interArrivalMs;
  let sumMs = 0;
  for (const ms of samples) sumMs += ms;
  const closeCodes: Record<string, number> = {};
  for (const [code, count] of now.closeCodes) {
    const since = count - (start.closeCodes.get(code) ?? 0);
    if (since > 0) closeCodes[String(code)] = since;
  }
  return {
    clients,
    joined,
    snapshotsPerClientPerSec: window.snapshots / clients / seconds,
    bytesPerClientPerSec: window.bytes / clients / seconds,
    interArrivalMeanMs: samples.length > 0 ? sumMs / samples.length : Number.NaN,
    interArrivalP99Ms: percentile(samples, 99),
    verifiedClients,
    desyncs: now.desyncs - start.desyncs,
    decodeErrors: now.decodeErrors - start.decodeErrors,
    disconnects: now.disconnects - start.disconnects,
    closeCodes,
    matchRetries: now.matchRetries - start.matchRetries,
  };
}

export function roomLoads(placements: readonly Placement[]): RoomLoad[] {
  const byRoom = new Map<string, RoomLoad>();
  for (const { url, roomId } of placements) {
    const key = `${url} ${roomId ?? ''}`;
    const room = byRoom.get(key) ?? { url, roomId: roomId ?? '(default)', clients: 0 };
    room.clients++;
    byRoom.set(key, room);
  }
  return [...byRoom.values()].sort((a, b) => b.clients - a.clients);
}
