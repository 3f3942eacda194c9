import type { FleetFigures, ProcessFigures, RoomLoad } from './figures.js';

/** Ticks run per room per wall second a step must keep (of 30) to hold. */
export const MIN_TICKS_PER_ROOM_PER_SEC = 29.5;

/** One step of the ramp: N players through matchmaking, held for a measured window. */
export interface StepRecord {
  players: number;
  /** Room capacity (--max-players): `players` fit in ceil(players / roomCapacity) rooms. */
  roomCapacity: number;
  /** Seconds the fleet took to grow to `players` (quick plays and joins). */
  joinSeconds: number;
  /** Measured window, wall seconds. */
  seconds: number;
  /** Whether the cluster held this many players at 30 Hz (see holdFailures). */
  holds: boolean;
  /** Why it did not hold; empty when it did. */
  failures: string[];
  processes: ProcessFigures[];
  totals: { players: number; rooms: number; connections: number; cpuPercent: number };
  fleet: FleetFigures;
  /** The fleet's rooms, fullest first. */
  rooms: RoomLoad[];
  /** This process (the load generator), as a share of one core over the window. */
  generatorCpuPercent: number;
  /** The fleet could not reach `players` (a client got no seat or did not join): no window. */
  error: string | null;
  /** The first few things the fleet saw go wrong (closes, desyncs). */
  notes: string[];
}

/**
 * Why a step did not hold, empty when it did: every process keeps its tick p99 under the tick
 * budget and runs at least 29.5 ticks per room per second, and the fleet sees no desync, decode
 * error or disconnect.
 */
export function holdFailures(processes: readonly ProcessFigures[], fleet: FleetFigures): string[] {
  const failures: string[] = [];
  for (const p of processes) {
    // A process that holds no room runs no tick: nothing to hold (matchmaking put none there).
    if (p.rooms === 0 && !Number.isFinite(p.tickP99Ms)) continue;
    if (!(p.tickP99Ms < p.tickBudgetMs)) {
      failures.push(
        `process ${p.process}: tick p99 ${f(p.tickP99Ms)} ms >= budget ${f(p.tickBudgetMs)} ms`,
      );
    }
    if (!(p.ticksPerRoomPerSec >= MIN_TICKS_PER_ROOM_PER_SEC)) {
      failures.push(
        `process ${p.process}: ${f(p.ticksPerRoomPerSec)} ticks/s per room (< ${MIN_TICKS_PER_ROOM_PER_SEC})`,
      );
    }
    // A held tick is not enough: every player must also get every snapshot (a snapshot is
    // skipped for a client that has not read the ones before, here or in the load generator).
    if (p.snapshotsSkipped > 0) {
      failures.push(
        `process ${p.process}: ${p.snapshotsSkipped} snapshots skipped (clients behind)`,
      );
    }
  }
  if (!(fleet.snapshotsPerClientPerSec >= MIN_TICKS_PER_ROOM_PER_SEC)) {
    failures.push(
      `${f(fleet.snapshotsPerClientPerSec, 2)} snapshots/s per client (< ${MIN_TICKS_PER_ROOM_PER_SEC})`,
    );
  }
  if (fleet.desyncs + fleet.decodeErrors > 0) {
    failures.push(`${fleet.desyncs} desyncs, ${fleet.decodeErrors} decode errors`);
  }
  if (fleet.disconnects > 0) failures.push(`${fleet.disconnects} disconnects`);
  if (fleet.joined < fleet.clients) failures.push(`${fleet.joined} of ${fleet.clients} joined`);
  return failures;
}

const f = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** A readable block for one step: a row per process, the totals, then the fleet's line. */
export function formatStep(r: StepRecord): string {
  const head = `### ${r.players} players: ${r.holds ? 'HOLDS' : 'does not hold'}`;
  if (r.error !== null) return `${head}\n\nramp failed after ${f(r.joinSeconds)} s: ${r.error}`;
  const rows = [
    "| process | players | rooms (fleet's) | connections | tick p50 / p99 ms | tick interval p99 ms | ticks/s per room (skipped) | snapshot KB/s | skipped snapshots | kicks | CPU % | RSS MB |",
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.processes.map(
      (p) =>
        `| ${p.process} ${p.url} | ${p.players} | ${p.rooms} (${p.fleetRooms}) | ${p.connections} | ${f(p.tickP50Ms, 2)} / ${f(p.tickP99Ms, 2)} | ${f(p.tickIntervalP99Ms, 1)} | ${f(p.ticksPerRoomPerSec, 2)} (${p.ticksSkipped}) | ${f(p.snapshotBytesPerSec / 1024, 0)} | ${p.snapshotsSkipped} | ${p.kicks} | ${f(p.cpuPercent, 0)} | ${f(p.rssMB, 0)} |`,
    ),
    `| total | ${r.totals.players} | ${r.totals.rooms} | ${r.totals.connections} | | | | | | | ${f(r.totals.cpuPercent, 0)} | |`,
  ];
  const x = r.fleet;
  const closes = Object.entries(x.closeCodes)
    .map(([code, count]) => `${count} x ${code}`)
    .join(', ');
  const lines = [
    head,
    '',
    ...rows,
    '',
    `fleet: ${x.joined}/${x.clients} joined in ${f(r.joinSeconds)} s (${x.matchRetries} quick plays retried after a 503); ` +
      `${f(x.snapshotsPerClientPerSec, 2)} snapshots/s per client, ${f(x.bytesPerClientPerSec, 0)} B/s per client; ` +
      `inter-arrival mean ${f(x.interArrivalMeanMs, 1)} / p99 ${f(x.interArrivalP99Ms, 1)} ms`,
    `       desyncs ${x.desyncs}, decode errors ${x.decodeErrors} (over ${x.verifiedClients} verifying clients); ` +
      `disconnects ${x.disconnects}${closes === '' ? '' : ` (${closes})`}`,
    `rooms (players per room): ${r.rooms.map((room) => room.clients).join(' ')}`,
    ...(r.rooms.length > Math.ceil(r.players / r.roomCapacity)
      ? [
          `  matchmaking opened ${r.rooms.length} rooms where ${Math.ceil(r.players / r.roomCapacity)} would hold ${r.players} players ` +
            '(quick plays racing for a full room each open one)',
        ]
      : []),
    `load generator (this process): ${f(r.generatorCpuPercent, 0)} % of one core over the ${f(r.seconds)} s window`,
  ];
  if (r.failures.length > 0) lines.push(`does not hold: ${r.failures.join('; ')}`);
  for (const note of r.notes) lines.push(`  fleet: ${note}`);
  return lines.join('\n');
}

/** One row per step, and the most players a step held. */
export function formatSummary(records: readonly StepRecord[]): string {
  const rows = [
    '| players | rooms | holds | worst tick p99 ms | fewest ticks/s per room | CPU % per process | generator CPU % | desyncs / disconnects |',
    '|---|---|---|---|---|---|---|---|',
    ...records.map((r) => {
      // Processes that ran no tick (no room) have no figure here.
      const ticking = r.processes.filter((p) => Number.isFinite(p.tickP99Ms));
      const worstP99 = Math.max(...ticking.map((p) => p.tickP99Ms));
      const fewestTicks = Math.min(...ticking.map((p) => p.ticksPerRoomPerSec));
      const cpu = r.processes.map((p) => f(p.cpuPercent, 0)).join(' / ');
      return r.error !== null
        ? `| ${r.players} | | no (ramp failed) | | | | | |`
        : `| ${r.players} | ${r.totals.rooms} | ${r.holds ? 'yes' : 'no'} | ${f(worstP99, 2)} | ${f(fewestTicks, 2)} | ${cpu} | ${f(r.generatorCpuPercent, 0)} | ${r.fleet.desyncs + r.fleet.decodeErrors} / ${r.fleet.disconnects} |`;
    }),
  ];
  const held = records.filter((r) => r.holds).map((r) => r.players);
  rows.push(
    '',
    held.length > 0
      ? `most players held at 30 Hz: ${Math.max(...held)}`
      : 'no step held (tick p99 under budget, >= 29.5 ticks/s per room, no desync or disconnect)',
  );
  return rows.join('\n');
}
