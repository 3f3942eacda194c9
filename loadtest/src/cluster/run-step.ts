import type { Fleet } from '../bench/fleet.js';
import { scrapeMetrics } from '../../../server/src/process/metrics-scrape.js';
import type { Cluster } from './cluster-process.js';
import {
  fleetFigures,
  processFigures,
  roomLoads,
  type FleetCounters,
  type ProcessFigures,
} from './figures.js';
import { holdFailures, type StepRecord } from './report.js';

export interface StepOptions {
  players: number;
  /** Room capacity the workers run with (--max-players). */
  roomCapacity: number;
  /** Quick plays (and joins) started together. */
  batch: number;
  warmupSeconds: number;
  windowSeconds: number;
  log: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function countersOf(fleet: Fleet): FleetCounters {
  return {
    desyncs: fleet.desyncs,
    decodeErrors: fleet.decodeErrors,
    disconnects: fleet.disconnects,
    matchRetries: fleet.matchRetries,
    closeCodes: new Map(fleet.closeCodes),
  };
}

/**
 * One step of the ramp: grows the fleet to `players` through matchmaking, waits the warmup, then
 * measures a window: every worker's /metrics before and after, the fleet's arrivals in between,
 * and this process's CPU (the load generator's) over the same window.
 */
export async function runStep(fleet: Fleet, cluster: Cluster, o: StepOptions): Promise<StepRecord> {
  const start = countersOf(fleet);
  const notesBefore = fleet.errors.length;
  const joinStartedMs = performance.now();
  o.log(`${o.players} players: joining through matchmaking`);
  try {
    await fleet.grow(o.players, o.batch);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...failedStep(o, fleet.joinedClients, (performance.now() - joinStartedMs) / 1000, message),
      rooms: roomLoads(fleet.placements()),
      notes: fleet.errors.slice(notesBefore),
    };
  }
  const joinSeconds = (performance.now() - joinStartedMs) / 1000;
  o.log(
    `${o.players} players: joined in ${joinSeconds.toFixed(1)} s, warming up ${o.warmupSeconds} s`,
  );
  await sleep(o.warmupSeconds * 1000);

  const before = await Promise.all(cluster.workers.map((w) => scrapeMetrics(w.adminUrl)));
  const generatorBefore = process.cpuUsage();
  const startedMs = performance.now();
  fleet.startMeasuring();
  await sleep(o.windowSeconds * 1000);
  const window = fleet.stopMeasuring();
  const elapsedSec = (performance.now() - startedMs) / 1000;
  const generator = process.cpuUsage(generatorBefore);
  const after = await Promise.all(cluster.workers.map((w) => scrapeMetrics(w.adminUrl)));

  const placements = fleet.placements();
  const processes: ProcessFigures[] = [];
  for (const [i, w] of cluster.workers.entries()) {
    const [b, a] = [before[i], after[i]];
    if (b && a) processes.push(processFigures(w.index, w.wsUrl, b, a, placements));
  }
  const fleetNow = fleetFigures(
    window,
    elapsedSec,
    o.players,
    fleet.joinedClients,
    fleet.decodingClientCount,
    start,
    countersOf(fleet),
  );
  const failures = holdFailures(processes, fleetNow);
  const sum = (read: (p: ProcessFigures) => number): number =>
    processes.reduce((total, p) => total + read(p), 0);
  return {
    players: o.players,
    roomCapacity: o.roomCapacity,
    joinSeconds,
    seconds: elapsedSec,
    holds: failures.length === 0,
    failures,
    processes,
    totals: {
      players: sum((p) => p.players),
      rooms: sum((p) => p.rooms),
      connections: sum((p) => p.connections),
      cpuPercent: sum((p) => p.cpuPercent),
    },
    fleet: fleetNow,
    rooms: roomLoads(placements),
    generatorCpuPercent: ((generator.user + generator.system) / 1e6 / elapsedSec) * 100,
    error: null,
    notes: fleet.errors.slice(notesBefore),
  };
}

/** A step whose fleet could not reach its players: nothing was measured. */
function failedStep(
  o: StepOptions,
  joined: number,
  joinSeconds: number,
  error: string,
): StepRecord {
  return {
    players: o.players,
    roomCapacity: o.roomCapacity,
    joinSeconds,
    seconds: 0,
    holds: false,
    failures: [error],
    processes: [],
    totals: { players: 0, rooms: 0, connections: 0, cpuPercent: 0 },
    fleet: {
      clients: o.players,
      joined,
      snapshotsPerClientPerSec: Number.NaN,
      bytesPerClientPerSec: Number.NaN,
      interArrivalMeanMs: Number.NaN,
      interArrivalP99Ms: Number.NaN,
      verifiedClients: 0,
      desyncs: 0,
      decodeErrors: 0,
      disconnects: 0,
      closeCodes: {},
      matchRetries: 0,
    },
    rooms: [],
    generatorCpuPercent: Number.NaN,
    error,
    notes: [],
  };
}
