import { describe, expect, it } from 'vitest';
import { combineRuns, formatTable, toRecord } from './report.js';
import { failedRun, type BenchSystem, type RunResult } from './run-scenario.js';

const measured = (mode: BenchSystem, cpu: number): RunResult => ({
  ...failedRun(mode, 2000, 'unused'),
  seconds: 20,
  bytesPerClientPerSec: 3000,
  cpuMicrosPerClientTick: cpu,
  ticksPerSec: 30,
  rssMB: 300,
  joinedClients: 2000,
  failure: null,
});

describe('bench report', () => {
  it('a run that failed keeps the figures of the others and says why', () => {
    const failed = failedRun('delta', 2000, 'client 1650 did not join within 15 s', {
      joinedClients: 1650,
      disconnects: 3,
    });
    const combined = combineRuns([measured('delta', 20), failed, measured('delta', 22)]);
    expect(combined.cpuMicrosPerClientTick).toBe(20);
    expect(combined.disconnects).toBe(3);
    expect(combined.failures).toEqual(['client 1650 did not join within 15 s']);

    const record = toRecord([failed], [measured('broadcast', 50)]);
    expect(Number.isNaN(record.cpuMicrosPerClientTick)).toBe(true);
    const table = formatTable([record]);
    expect(table).toContain(
      'N=2000 tickwire: 1 of 1 runs failed (figures from the rest): client 1650 did not join within 15 s',
    );
    // The record survives JSON (NaN becomes null), as the bench writes it after every N.
    expect(JSON.parse(JSON.stringify(record)).cpuMicrosPerClientTick).toBeNull();
  });

  it('sets the floor beside the baseline: tickwire / floor, and tickwire − floor (our own work)', () => {
    const floorRun = (cpu: number): RunResult => ({
      ...measured('floor', cpu),
      meanFrameBytes: 70,
      tickP50Ms: 2,
    });
    const record = toRecord(
      [20, 22, 21].map((cpu) => ({ ...measured('delta', cpu), tickP50Ms: 5 })),
      [measured('broadcast', 16)],
      [floorRun(12), floorRun(14), floorRun(13)],
    );
    expect(record.floor?.cpuMicrosPerClientTick).toBe(13);
    expect(record.floorRatios.cpuMicrosPerClientTick).toBeCloseTo(21 / 13);
    expect(record.floorRatios.tickP50Ms).toBe(2.5);
    // The floor has no entities: no ratio of bytes per update or per record.
    expect(Object.keys(record.floorRatios)).not.toContain('bytesPerEntityUpdate');
    expect(record.ownCpuMicrosPerClientTick).toBe(8);
    expect(record.ratios.cpuMicrosPerClientTick).toBeCloseTo(21 / 16);

    const lines = formatTable([record]).split('\n');
    const systems = lines.slice(2).map((line) => line.split(' | ')[1]);
    expect(systems).toEqual([
      'tickwire (AOI deltas)',
      'baseline (full msgpack broadcast)',
      'floor (bare uWS, 70 B frames)',
      'ratio tickwire / baseline',
      'ratio tickwire / floor',
      'tickwire − floor (our own work)',
    ]);
    expect(lines).toContain(
      '| 2000 | ratio tickwire / floor | 1.000 | - | - | 1.62 | 2.50 / - | | | | 1.00 | | | | |',
    );
    expect(lines).toContain(
      '| 2000 | tickwire − floor (our own work) | | | | 8.00 | | | | | | | | | |',
    );

    const json = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
    expect(json).toMatchObject({
      ownCpuMicrosPerClientTick: 8,
      floor: { cpuMicrosPerClientTick: 13, meanFrameBytes: 70, failures: [] },
    });
  });

  it('without a floor (--tickwire-only): no floor rows, and no figure of our own work', () => {
    const record = toRecord([measured('delta', 20)], []);
    expect(record.floor).toBeNull();
    expect(record.floorRatios).toEqual({});
    expect(JSON.parse(JSON.stringify(record)).ownCpuMicrosPerClientTick).toBeNull();
    expect(formatTable([record])).not.toContain('floor');
  });

  it('under a byte budget, a second table sets bytes/client/s against it, with the staleness', () => {
    const budgeted = (bytes: number, p99: number): RunResult => ({
      ...measured('delta', 20),
      bytesPerClientPerSec: bytes,
      budgetBytesPerClientS: 4000,
      stalenessP50Ticks: 3,
      stalenessP99Ticks: p99,
      stalenessMaxTicks: 60,
      recordsWithheldPerClientPerSec: 250,
    });
    const record = toRecord([budgeted(3900, 40), budgeted(3800, 45), budgeted(3950, 42)], []);
    expect(record).toMatchObject({ budgetBytesPerClientS: 4000, stalenessP99Ticks: 42 });
    const lines = formatTable([record]).split('\n');
    expect(lines).toContain(
      '| N | budget B/client/s | bytes/client/s | share of the budget | staleness p50 / p99 / max ticks | records withheld /client/s |',
    );
    expect(lines).toContain('| 2000 | 4000 | 3900 | 0.97 | 3.0 / 42.0 / 60 | 250.0 |');
    // Without a budget, no such table.
    expect(formatTable([toRecord([measured('delta', 20)], [])])).not.toContain('budget');
  });

  it('reports a floor run that failed under the table, as the other systems', () => {
    const record = toRecord(
      [measured('delta', 20)],
      [],
      [failedRun('floor', 2000, 'the floor exited with 1 before listening')],
    );
    expect(Number.isNaN(record.ownCpuMicrosPerClientTick)).toBe(true);
    expect(formatTable([record])).toContain(
      'N=2000 floor: 1 of 1 runs failed (figures from the rest): the floor exited with 1 before listening',
    );
  });
});
