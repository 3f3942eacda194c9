import { describe, expect, it } from 'vitest';
import { netGraphLines } from './net-graph.js';
import type { NetGraphData } from './net-graph.js';

const data: NetGraphData = {
  fps: 59.6,
  frameMs: 16.8,
  rttMs: 312.4,
  rttJitterMs: 11.2,
  kbInPerSecond: 2.04,
  kbOutPerSecond: 0.6,
  snapshotsPerSecond: 30,
  tickHz: 30,
  sendHz: 30,
  snapshotJitterMs: 9.9,
  interpolationDelayMs: 86.4,
  predictionErrorLast: 0,
  predictionErrorMax: 6.75,
  predictionLeadMs: 190,
  reconnects: 1,
  phase: 'connected',
  simulated: null,
};

describe('netGraphLines', () => {
  it('shows every figure the issue asks for, with units', () => {
    const text = netGraphLines(data).join('\n');
    expect(text).toContain('fps            60');
    expect(text).toContain('rtt           312 ms ± 11');
    expect(text).toContain('in            2.0 KB/s');
    expect(text).toContain('out           0.6 KB/s');
    expect(text).toContain('snapshots      30 /s');
    expect(text).toContain('send rate      30 Hz  (tick 30 Hz, every tick)');
    expect(text).toContain('interp         86 ms behind');
    expect(text).toContain('pred error   0.00 u  (max 6.75 in 1 s)');
    expect(text).toContain('reconnects      1   connected');
    expect(text).not.toContain('simulated');
  });

  it('shows a send rate below the tick rate, and says so while it is not known yet', () => {
    const at20 = netGraphLines({ ...data, tickHz: 60, sendHz: 20 }).join('\n');
    expect(at20).toContain('send rate      20 Hz  (tick 60 Hz, every 3 ticks)');
    const unknown = netGraphLines({ ...data, tickHz: 60, sendHz: null }).join('\n');
    expect(unknown).toContain('send rate       ? Hz  (tick 60 Hz)');
    expect(netGraphLines({ ...data, tickHz: 66, sendHz: 16.5 }).join('\n')).toContain(
      'send rate    16.5 Hz  (tick 66 Hz, every 4 ticks)',
    );
  });

  it('says when the page simulates a bad network', () => {
    const lines = netGraphLines({
      ...data,
      simulated: { latencyMs: 150, jitterMs: 30, lossPercent: 1 },
    });
    expect(lines.at(-1)).toBe('simulated  +150 ms ±30 loss 1 %');
  });
});
