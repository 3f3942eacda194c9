import { describe, expect, it } from 'vitest';
import { ProgressPrinter, formatProgressLine, type ProgressStats } from './progress.js';

const stats: ProgressStats = {
  elapsedS: 41.6,
  totalS: 120,
  playing: 2980,
  target: 3000,
  joining: 20,
  joinsPerS: 48,
  snapshotsPerS: 89_400,
  bytesPerS: 6_120_000,
  desyncs: 0,
  kicks: 2,
  rttP95Ms: 3.24,
  generatorCpuPercent: [38.2],
};

class Recorder {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(text: string): void {
    this.text += text;
  }
}

describe('the progress line', () => {
  it('says elapsed/total, players playing/target (+ joining), rates, trouble, rtt and CPU', () => {
    expect(formatProgressLine(stats)).toBe(
      ' 42s/120s  players 2980/3000 +20  joins 48/s  snaps 89.4k/s  6.1 MB/s  rtt p95 3.2ms  desyncs 0  kicks 2  cpu 38%',
    );
  });

  it('sums several generators’ CPU and shows the busiest; a dash for no rtt yet', () => {
    const line = formatProgressLine({
      ...stats,
      joining: 0,
      rttP95Ms: Number.NaN,
      bytesPerS: 900,
      snapshotsPerS: 1500,
      generatorCpuPercent: [40, 55.4],
    });
    expect(line).toContain('players 2980/3000  joins');
    expect(line).toContain('snaps 1.50k/s  900 B/s  rtt p95 -');
    expect(line).toMatch(/cpu 95% \(2 gens, max 55%\)$/);
  });

  it('rewrites itself in place on a terminal and keeps notes above it', () => {
    const out = new Recorder(true);
    const printer = new ProgressPrinter(out);
    printer.line(stats);
    printer.note('generator 0: g0p3: closed by the server with 4005');
    printer.line({ ...stats, elapsedS: 43 });
    printer.end();
    expect(out.text.split('\x1b[K')).toEqual([
      `\r${formatProgressLine(stats)}`,
      '\r',
      `generator 0: g0p3: closed by the server with 4005\n\r${formatProgressLine({ ...stats, elapsedS: 43 })}`,
      '\n',
    ]);
  });

  it('prints a plain line a second when not on a terminal (a CI log)', () => {
    const out = new Recorder(false);
    const printer = new ProgressPrinter(out);
    printer.line(stats);
    printer.note('wrote summary.json');
    printer.line(stats);
    printer.end();
    const line = formatProgressLine(stats);
    expect(out.text).toBe(`${line}\nwrote summary.json\n${line}\n`);
  });
});
