/**
 * The live progress line: once a second on stderr (rewritten in place with `\r` on a terminal, a
 * plain line otherwise, so a CI log keeps one per second), with problems printed above it.
 */

export interface ProgressStats {
  elapsedS: number;
  totalS: number;
  playing: number;
  target: number;
  joining: number;
  /** Joins and resumes that got their Welcome, per second over the last interval. */
  joinsPerS: number;
  snapshotsPerS: number;
  /** Snapshot payload bytes per second, all players. */
  bytesPerS: number;
  /** Over the whole run. */
  desyncs: number;
  kicks: number;
  /** Over the last interval; NaN when no Pong came. */
  rttP95Ms: number;
  /** Each generator's share of one core over its last second, in %. */
  generatorCpuPercent: readonly number[];
}

/** 950, 12.3k, 4.5M. */
function compact(n: number): string {
  if (n < 1000) return n.toFixed(0);
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 2 : 1)}k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)}M`;
}

function bytesRate(bytesPerS: number): string {
  if (bytesPerS < 1e3) return `${bytesPerS.toFixed(0)} B/s`;
  if (bytesPerS < 1e6) return `${(bytesPerS / 1e3).toFixed(1)} kB/s`;
  return `${(bytesPerS / 1e6).toFixed(1)} MB/s`;
}

function cpu(percents: readonly number[]): string {
  if (percents.length === 0) return 'cpu -';
  if (percents.length === 1) return `cpu ${(percents[0] as number).toFixed(0)}%`;
  const total = percents.reduce((a, b) => a + b, 0);
  return `cpu ${total.toFixed(0)}% (${percents.length} gens, max ${Math.max(...percents).toFixed(0)}%)`;
}

/**
 * `  12s/70s  players 980/1000 +20  joins 50/s  snaps 29.4k/s  2.1 MB/s  rtt p95 1.8ms
 * desyncs 0  kicks 0  cpu 38%` (one line).
 */
export function formatProgressLine(s: ProgressStats): string {
  const width = String(Math.ceil(s.totalS)).length;
  const rtt = Number.isNaN(s.rttP95Ms) ? '-' : `${s.rttP95Ms.toFixed(s.rttP95Ms < 10 ? 1 : 0)}ms`;
  return [
    `${String(Math.round(s.elapsedS)).padStart(width)}s/${Math.ceil(s.totalS)}s`,
    `players ${s.playing}/${s.target}${s.joining > 0 ? ` +${s.joining}` : ''}`,
    `joins ${compact(s.joinsPerS)}/s`,
    `snaps ${compact(s.snapshotsPerS)}/s`,
    bytesRate(s.bytesPerS),
    `rtt p95 ${rtt}`,
    `desyncs ${s.desyncs}`,
    `kicks ${s.kicks}`,
    cpu(s.generatorCpuPercent),
  ].join('  ');
}

export interface ProgressOutput {
  write(text: string): void;
  readonly isTTY?: boolean;
}

export class ProgressPrinter {
  readonly #out: ProgressOutput;
  readonly #isTty: boolean;
  #isLineOnScreen = false;

  constructor(out: ProgressOutput) {
    this.#out = out;
    this.#isTty = out.isTTY === true;
  }

  line(stats: ProgressStats): void {
    const text = formatProgressLine(stats);
    if (this.#isTty) {
      this.#out.write(`\r${text}\x1b[K`);
      this.#isLineOnScreen = true;
    } else {
      this.#out.write(`${text}\n`);
    }
  }

  /** A line of its own above the progress line (a problem, a note). */
  note(text: string): void {
    this.#clear();
    this.#out.write(`${text}\n`);
  }

  /** Leaves the last progress line on screen and moves below it. */
  end(): void {
    if (this.#isLineOnScreen) this.#out.write('\n');
    this.#isLineOnScreen = false;
  }

  #clear(): void {
    if (this.#isLineOnScreen) this.#out.write('\r\x1b[K');
    this.#isLineOnScreen = false;
  }
}
