import { describe, expect, it } from 'vitest';
import { combineRuns, formatTable, toRecord } from './report.js';
import { failedRun, type RunResult } from './run-scenario.js';

const measured = (mode: 'delta' | 'broadcast', cpu: number): RunResult => ({
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
});
