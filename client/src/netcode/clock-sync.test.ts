import { describe, expect, it } from 'vitest';
import { ClockSync } from './clock-sync.js';

/** Server clock minus client clock in every scenario below. */
const TRUE_OFFSET_MS = 5_000;

/** A Pong for a Ping sent at `sentAtMs`, with the given one-way delays. */
function roundTrip(sentAtMs: number, upMs: number, downMs: number): [number, number, number] {
  const serverTimeMs = sentAtMs + upMs + TRUE_OFFSET_MS;
  return [sentAtMs, sentAtMs + upMs + downMs, serverTimeMs];
}

/** Deterministic pseudo-random numbers in [0, 1): the tests must not depend on Math.random. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('ClockSync', () => {
  it('is not synced and passes client time through before any sample', () => {
    const clock = new ClockSync();
    expect(clock.isSynced).toBe(false);
    expect(clock.rttMs).toBe(0);
    expect(clock.serverNowMs(1234)).toBe(1234);
  });

  it('converges on the exact offset and RTT from symmetric samples', () => {
    const clock = new ClockSync();
    for (let k = 0; k < 5; k++) clock.addSample(...roundTrip(k * 1000, 40, 40));
    expect(clock.isSynced).toBe(true);
    expect(clock.rttMs).toBe(80);
    expect(clock.jitterMs).toBe(0);
    expect(clock.targetOffsetMs).toBe(TRUE_OFFSET_MS);
    expect(clock.serverNowMs(10_000)).toBe(10_000 + TRUE_OFFSET_MS);
  });

  it('needs minSyncedSamples before isSynced', () => {
    const clock = new ClockSync({ minSyncedSamples: 3 });
    clock.addSample(...roundTrip(0, 20, 20));
    clock.addSample(...roundTrip(100, 20, 20));
    expect(clock.isSynced).toBe(false);
    clock.addSample(...roundTrip(200, 20, 20));
    expect(clock.isSynced).toBe(true);
  });

  it('stays close to the true offset with noisy, asymmetric delays by trusting the fastest samples', () => {
    const random = lcg(7);
    const clock = new ClockSync();
    for (let k = 0; k < 64; k++) {
      // Base 30 ms each way plus queueing of up to 60 ms up and 120 ms down; now and then a
      // round trip queues hardly at all, which is what the estimator looks for.
      const queued = k % 4 === 0 ? 0.02 : 1;
      clock.addSample(
        ...roundTrip(k * 500, 30 + 60 * random() * queued, 30 + 120 * random() * queued),
      );
    }
    expect(Math.abs(clock.targetOffsetMs - TRUE_OFFSET_MS)).toBeLessThan(5);
    // Median RTT reflects the typical queueing, not only the fast samples.
    expect(clock.rttMs).toBeGreaterThan(100);
    expect(clock.rttMs).toBeLessThan(200);
    expect(clock.jitterMs).toBeGreaterThan(10);
  });

  it('is not moved by an outlier with a huge RTT', () => {
    const clock = new ClockSync();
    for (let k = 0; k < 8; k++) clock.addSample(...roundTrip(k * 1000, 25, 25));
    const before = clock.targetOffsetMs;
    // Stuck 2 s on the way back: offset from this sample alone would be 1 s off.
    expect(clock.addSample(...roundTrip(8000, 25, 2025))).toBe(true);
    expect(clock.targetOffsetMs).toBe(before);
    expect(clock.rttMs).toBe(50);
  });

  it('rejects impossible samples', () => {
    const clock = new ClockSync();
    expect(clock.addSample(100, 90, 5000)).toBe(false);
    expect(clock.addSample(Number.NaN, 90, 5000)).toBe(false);
    expect(clock.addSample(0, Infinity, 5000)).toBe(false);
    expect(clock.addSample(0, 50, Number.NaN)).toBe(false);
    expect(clock.addSample(0, 50, -1)).toBe(false);
    expect(clock.sampleCount).toBe(0);
    expect(clock.addSample(0, 50, 5000)).toBe(true);
  });

  it('slews towards a lower estimate at the bounded rate without going backwards', () => {
    const clock = new ClockSync({ windowSize: 4, offsetSampleCount: 1, maxSlewMsPerSecond: 10 });
    for (let k = 0; k < 4; k++) clock.addSample(...roundTrip(k * 100, 50, 50));
    expect(clock.serverNowMs(1000)).toBe(1000 + TRUE_OFFSET_MS);
    // The route got faster: the server's reply now shows its clock 100 ms behind our estimate.
    clock.addSample(1000, 1020, 1010 + TRUE_OFFSET_MS - 100);
    expect(clock.targetOffsetMs).toBe(TRUE_OFFSET_MS - 100);

    let previous = clock.serverNowMs(1020);
    for (let nowMs = 1036; nowMs <= 12_020; nowMs += 16) {
      const serverMs = clock.serverNowMs(nowMs);
      expect(serverMs).toBeGreaterThan(previous);
      previous = serverMs;
    }
    // 10 s at 10 ms/s slews the whole 100 ms error; 11 s in, the estimate holds exactly.
    expect(clock.serverNowMs(12_020)).toBe(12_020 + TRUE_OFFSET_MS - 100);
  });

  it('slews no faster than maxSlewMsPerSecond towards a higher estimate', () => {
    const clock = new ClockSync({ windowSize: 4, offsetSampleCount: 1, maxSlewMsPerSecond: 10 });
    for (let k = 0; k < 4; k++) clock.addSample(...roundTrip(k * 100, 50, 50));
    clock.addSample(1000, 1020, 1010 + TRUE_OFFSET_MS + 100);
    expect(clock.serverNowMs(1020)).toBe(1020 + TRUE_OFFSET_MS);
    expect(clock.serverNowMs(2020)).toBeCloseTo(2020 + TRUE_OFFSET_MS + 10, 9);
    expect(clock.serverNowMs(4020)).toBeCloseTo(4020 + TRUE_OFFSET_MS + 30, 9);
  });

  it('snaps a huge forward error at once', () => {
    const clock = new ClockSync({ windowSize: 4, offsetSampleCount: 1, snapThresholdMs: 250 });
    for (let k = 0; k < 4; k++) clock.addSample(...roundTrip(k * 100, 50, 50));
    clock.addSample(1000, 1020, 1010 + TRUE_OFFSET_MS + 1000);
    expect(clock.serverNowMs(1020)).toBe(1020 + TRUE_OFFSET_MS + 1000);
  });

  it('holds rather than jumping back when a huge backward error snaps', () => {
    const clock = new ClockSync({ windowSize: 4, offsetSampleCount: 1, snapThresholdMs: 250 });
    for (let k = 0; k < 4; k++) clock.addSample(...roundTrip(k * 100, 50, 50));
    const shownMs = clock.serverNowMs(1000);
    clock.addSample(1000, 1020, 1010 + TRUE_OFFSET_MS - 1000);
    expect(clock.serverNowMs(1020)).toBe(shownMs);
    expect(clock.serverNowMs(1900)).toBe(shownMs);
    expect(clock.serverNowMs(2100)).toBe(2100 + TRUE_OFFSET_MS - 1000);
  });

  it('never goes backwards while warm-up estimates jump around', () => {
    const clock = new ClockSync({ minSyncedSamples: 4 });
    clock.addSample(...roundTrip(0, 200, 10));
    const shownMs = clock.serverNowMs(525);
    // This one alone puts the server 240 ms earlier; warm-up applies the new average at once.
    clock.addSample(...roundTrip(220, 10, 300));
    expect(clock.targetOffsetMs).toBe(TRUE_OFFSET_MS - 25);
    expect(clock.serverNowMs(531)).toBe(shownMs);
  });

  it('drops samples that leave the window', () => {
    const clock = new ClockSync({ windowSize: 4, offsetSampleCount: 1 });
    for (let k = 0; k < 4; k++) clock.addSample(...roundTrip(k * 100, 10, 10));
    for (let k = 4; k < 8; k++) clock.addSample(...roundTrip(k * 100, 60, 60));
    expect(clock.rttMs).toBe(120);
  });

  it('starts over after reset', () => {
    const clock = new ClockSync();
    for (let k = 0; k < 4; k++) clock.addSample(...roundTrip(k * 100, 50, 50));
    clock.serverNowMs(1000);
    clock.reset();
    expect(clock.isSynced).toBe(false);
    expect(clock.serverNowMs(1100)).toBe(1100);
    clock.addSample(1100, 1200, 50);
    expect(clock.serverNowMs(1200)).toBe(100);
  });
});
