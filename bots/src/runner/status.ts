import type { FleetProblem, FleetReport, FleetTotals } from './fleet.js';

/** Fleet totals read at `atMs` (any monotonic clock in ms). */
export interface TotalsSample {
  totals: FleetTotals;
  atMs: number;
}

/**
 * The live status line: states now, rates since `previous` (or since the start, at 0 ms, when
 * there is none).
 */
export function formatStatus(
  count: number,
  now: TotalsSample,
  previous: TotalsSample | null,
): string {
  const t = now.totals;
  const before = previous?.totals;
  const seconds = Math.max(0.001, (now.atMs - (previous?.atMs ?? 0)) / 1000);
  const perSecond = (value: number, old: number | undefined): number =>
    (value - (old ?? 0)) / seconds;
  const states = [
    t.started < count ? `starting ${count - t.started}` : '',
    t.connecting > 0 ? `connecting ${t.connecting}` : '',
    `connected ${t.connected}`,
    `reconnecting ${t.reconnecting}`,
    `closed ${t.closed}`,
  ].filter((part) => part !== '');
  return [
    `bots ${count}: ${states.join(', ')}`,
    `${perSecond(t.snapshots, before?.snapshots).toFixed(0)} snapshots/s`,
    `in ${kilobytes(perSecond(t.bytesIn, before?.bytesIn))} KB/s, out ${kilobytes(perSecond(t.bytesOut, before?.bytesOut))} KB/s`,
    `reconnects ${t.reconnects}`,
    `replica errors ${t.replicaErrors}`,
  ].join(' | ');
}

/** The summary printed once every bot is closed. */
export function formatSummary(report: FleetReport, elapsedMs: number): string[] {
  const t = report.totals;
  const seconds = Math.max(0.001, elapsedMs / 1000);
  const kinds = [...report.byKind].map(([kind, { bots }]) => `${kind} ${bots}`).join(', ');
  const scores = [...report.byKind].map(([kind, { score }]) => `${kind} ${score}`).join(', ');
  const perBot = report.joined > 0 ? t.snapshots / report.joined / seconds : 0;
  const lines = [
    `summary after ${seconds.toFixed(1)} s: ${report.count} bots (${kinds || 'none started'})`,
    `  joined ${report.joined} of ${report.count}; reconnects ${t.reconnects}`,
    `  snapshots ${t.snapshots} (${perBot.toFixed(1)}/s per bot), checksums verified ${t.checksumsVerified}, replica errors ${t.replicaErrors}, missing baselines ${t.missingBaselines}`,
    `  traffic in ${kilobytes(t.bytesIn)} KB (${kilobytes(t.bytesIn / seconds)} KB/s), out ${kilobytes(t.bytesOut)} KB (${kilobytes(t.bytesOut / seconds)} KB/s)`,
    `  score in the last view: ${scores || 'none'}`,
  ];
  if (report.problems.length > 0) {
    lines.push(`  problems (${report.problems.length}):`, ...groupProblems(report.problems));
  }
  return lines;
}

function kilobytes(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

/** Bots with the same problem on one line: 50 bots refused alike make one line, not 50. */
function groupProblems(problems: FleetProblem[]): string[] {
  const byProblem = new Map<string, string[]>();
  for (const { botName, problem } of problems) {
    byProblem.set(problem, [...(byProblem.get(problem) ?? []), botName]);
  }
  return [...byProblem].map(([problem, names]) => {
    const who =
      names.length > 3
        ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
        : names.join(', ');
    return `    ${problem} (${who})`;
  });
}
