import { describe, expect, it } from 'vitest';
import {
  maxVusOf,
  rampingVuSteps,
  rampingVusConfigFrom,
  runRampingVus,
  stagesDurationMs,
  type ExecutorVu,
} from './ramping-vus.js';

describe('rampingVuSteps', () => {
  it('starts VU n when the ramp reaches n and stops one each time it passes a whole number down, as k6 does', () => {
    const steps = rampingVuSteps(0, [
      { durationMs: 1000, target: 4 },
      { durationMs: 500, target: 4 },
      { durationMs: 1000, target: 2 },
      { durationMs: 0, target: 5 },
    ]);
    expect(steps).toEqual([
      { atMs: 0, vus: 0 },
      { atMs: 250, vus: 1 },
      { atMs: 500, vus: 2 },
      { atMs: 750, vus: 3 },
      { atMs: 1000, vus: 4 },
      { atMs: 2000, vus: 3 },
      { atMs: 2500, vus: 2 },
      { atMs: 2500, vus: 5 },
    ]);
  });
});

describe('rampingVusConfigFrom', () => {
  it('reads the one ramping-vus scenario with k6 defaults', () => {
    const config = rampingVusConfigFrom({
      scenarios: {
        smoke: {
          executor: 'ramping-vus',
          startVUs: 0,
          stages: [{ duration: '1500ms', target: 3 }],
        },
      },
    });
    expect(config).toEqual({
      scenarioName: 'smoke',
      startVUs: 0,
      stages: [{ durationMs: 1500, target: 3 }],
      gracefulRampDownMs: 30_000,
      gracefulStopMs: 30_000,
      exec: 'default',
    });
    expect(maxVusOf(config)).toBe(3);
    expect(stagesDurationMs(config)).toBe(1500);
  });

  it('refuses what the sandbox does not run', () => {
    expect(() => rampingVusConfigFrom({ vus: 1, duration: '1s' })).toThrow(/ramping-vus/);
    expect(() =>
      rampingVusConfigFrom({ scenarios: { a: { executor: 'constant-vus', vus: 1 } } }),
    ).toThrow(/ramping-vus executor only/);
  });
});

describe('runRampingVus', () => {
  it('restarts iterations that end before the stages do, and interrupts a VU the ramp no longer wants at once with gracefulRampDown 0', async () => {
    const log: string[] = [];
    const makeVu = (id: number, iterationMs: number): ExecutorVu => {
      let stop: (() => void) | null = null;
      return {
        id,
        runIteration: () =>
          new Promise<void>((resolve) => {
            log.push(`start ${id}`);
            const timer = setTimeout(resolve, iterationMs);
            stop = () => {
              clearTimeout(timer);
              log.push(`interrupted ${id}`);
              resolve();
            };
          }),
        interrupt: () => stop?.(),
      };
    };
    const config = rampingVusConfigFrom({
      scenarios: {
        s: {
          executor: 'ramping-vus',
          startVUs: 2,
          stages: [
            { duration: '120ms', target: 2 },
            { duration: '0s', target: 1 },
            { duration: '120ms', target: 1 },
          ],
          gracefulRampDown: '0s',
          gracefulStop: '0s',
        },
      },
    });
    const counts: number[] = [];
    await runRampingVus(
      config,
      [makeVu(1, 1), makeVu(2, 10_000)],
      { onActiveVus: (n) => counts.push(n) },
      { signal: new Promise(() => {}) },
    );
    // VU 1's short iterations restarted; VU 2's one long iteration was cut at 120 ms.
    expect(log.filter((l) => l === 'start 1').length).toBeGreaterThanOrEqual(2);
    expect(log.filter((l) => l === 'start 2')).toEqual(['start 2']);
    expect(log).toContain('interrupted 2');
    expect(counts).toEqual([2, 1, 0]);
  });
});
