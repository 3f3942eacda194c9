import { describe, expect, it } from 'vitest';
import {
  maxVusOf,
  rampingVuSteps,
  rampingVusConfigFrom,
  runRampingVus,
  stagesDurationMs,
  type ExecutorClock,
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

/**
 * The executor's clock in the tests: time moves only when a test advances it, timers fire in
 * order of their time (then of their setting), and the promise jobs each one starts run before
 * the next fires.
 */
class ManualClock implements ExecutorClock {
  #nowMs = 0;
  #nextId = 0;
  readonly #timers = new Map<number, { atMs: number; callback: () => void }>();

  nowMs(): number {
    return this.#nowMs;
  }

  after(delayMs: number, callback: () => void): () => void {
    const id = this.#nextId++;
    this.#timers.set(id, { atMs: this.#nowMs + delayMs, callback });
    return () => this.#timers.delete(id);
  }

  /** Moves time to `ms`, firing every timer due on the way. */
  async advanceTo(ms: number): Promise<void> {
    await settle();
    for (;;) {
      let next: [number, { atMs: number; callback: () => void }] | null = null;
      for (const entry of this.#timers) {
        if (entry[1].atMs <= ms && (next === null || entry[1].atMs < next[1].atMs)) next = entry;
      }
      if (next === null) break;
      this.#timers.delete(next[0]);
      this.#nowMs = next[1].atMs;
      next[1].callback();
      await settle();
    }
    this.#nowMs = ms;
  }
}

/** Lets every promise job that is ready run (the executor awaits several in a row). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('runRampingVus', () => {
  /** A VU whose iterations take `iterationMs` on `clock`, logging `<ms> <what> <id>`. */
  function makeVu(clock: ManualClock, log: string[], id: number, iterationMs: number): ExecutorVu {
    let stop: (() => void) | null = null;
    return {
      id,
      runIteration: () =>
        new Promise<void>((resolve) => {
          log.push(`${clock.nowMs()} start ${id}`);
          const cancel = clock.after(iterationMs, () => {
            log.push(`${clock.nowMs()} end ${id}`);
            resolve();
          });
          stop = () => {
            cancel();
            log.push(`${clock.nowMs()} interrupted ${id}`);
            resolve();
          };
        }),
      interrupt: () => stop?.(),
    };
  }

  it('restarts iterations that end before the stages do, and interrupts a VU the ramp no longer wants at once with gracefulRampDown 0', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
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
    let isDone = false;
    const done = runRampingVus(
      config,
      [makeVu(clock, log, 1, 50), makeVu(clock, log, 2, 10_000)],
      { onActiveVus: (n) => counts.push(n) },
      { signal: new Promise(() => {}), clock },
    ).then(() => (isDone = true));
    await clock.advanceTo(239);
    expect(isDone).toBe(false);
    await clock.advanceTo(240);
    await done;
    // VU 1's iterations of 50 ms restart until the stages end at 240 ms, where gracefulStop 0
    // cuts the one under way; VU 2's one long iteration is cut when the ramp drops it at 120 ms.
    expect(log).toEqual([
      '0 start 1',
      '0 start 2',
      '50 end 1',
      '50 start 1',
      '100 end 1',
      '100 start 1',
      '120 interrupted 2',
      '150 end 1',
      '150 start 1',
      '200 end 1',
      '200 start 1',
      '240 interrupted 1',
    ]);
    expect(counts).toEqual([2, 1, 0]);
  });

  it('gives a VU the ramp drops gracefulRampDown, and running iterations gracefulStop after the stages', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const config = rampingVusConfigFrom({
      scenarios: {
        s: {
          executor: 'ramping-vus',
          startVUs: 2,
          stages: [
            { duration: '100ms', target: 2 },
            { duration: '0s', target: 1 },
            { duration: '100ms', target: 1 },
          ],
          gracefulRampDown: '30ms',
          gracefulStop: '40ms',
        },
      },
    });
    const done = runRampingVus(
      config,
      // VU 1's iteration ends within the gracefulStop; VU 2's outlasts its gracefulRampDown.
      [makeVu(clock, log, 1, 220), makeVu(clock, log, 2, 500)],
      { onActiveVus: () => {} },
      { signal: new Promise(() => {}), clock },
    );
    await clock.advanceTo(300);
    await done;
    expect(log).toEqual(['0 start 1', '0 start 2', '130 interrupted 2', '220 end 1']);
  });

  it('stops every VU at once when the test is aborted', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const config = rampingVusConfigFrom({
      scenarios: { s: { executor: 'ramping-vus', stages: [{ duration: '1s', target: 1 }] } },
    });
    let abort: () => void = () => {};
    const done = runRampingVus(
      config,
      [makeVu(clock, log, 1, 10_000)],
      { onActiveVus: () => {} },
      { signal: new Promise<void>((resolve) => (abort = resolve)), clock },
    );
    await clock.advanceTo(10);
    abort();
    await done;
    expect(log).toEqual(['0 start 1', '10 interrupted 1']);
  });
});
