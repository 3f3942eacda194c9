import { describe, expect, it } from 'vitest';
import { ManualClock } from '../loop/clock.js';
import { CollectAfterLeaves } from './collect-after-leaves.js';

function collector(): {
  setConnections(n: number): void;
  clock: ManualClock;
  collections: { fromConnections: number; toConnections: number }[];
  errors: unknown[];
  failNext(): void;
} {
  const clock = new ManualClock(0);
  let connections = 0;
  let isFailing = false;
  const collections: { fromConnections: number; toConnections: number }[] = [];
  const errors: unknown[] = [];
  const c = new CollectAfterLeaves({
    connections: () => connections,
    collect: () => {
      if (!isFailing) return Promise.resolve();
      isFailing = false;
      return Promise.reject(new Error('no inspector'));
    },
    clock,
    schedule: clock.schedule,
    checkIntervalMs: 1000,
    onCollected: ({ fromConnections, toConnections }) =>
      collections.push({ fromConnections, toConnections }),
    onError: (error) => errors.push(error),
  });
  c.start();
  return {
    setConnections: (n) => (connections = n),
    clock,
    collections,
    errors,
    failNext: () => (isFailing = true),
  };
}

/** One check interval, then the collection's promise. */
async function nextCheck(clock: ManualClock): Promise<void> {
  clock.advance(1000);
  await Promise.resolve();
}

describe('CollectAfterLeaves', () => {
  it('collects once the count stops falling after a fall of 500 and a quarter', async () => {
    const { setConnections, clock, collections } = collector();
    setConnections(10_000);
    await nextCheck(clock);
    setConnections(4000);
    await nextCheck(clock);
    setConnections(1000);
    await nextCheck(clock);
    expect(collections).toEqual([]);
    await nextCheck(clock);
    expect(collections).toEqual([{ fromConnections: 10_000, toConnections: 1000 }]);
    await nextCheck(clock);
    await nextCheck(clock);
    expect(collections).toHaveLength(1);
  });

  it('does not collect after a small fall, in number or in share', async () => {
    const { setConnections, clock, collections } = collector();
    setConnections(800);
    await nextCheck(clock);
    setConnections(400);
    await nextCheck(clock);
    await nextCheck(clock);
    setConnections(10_000);
    await nextCheck(clock);
    setConnections(8000);
    await nextCheck(clock);
    await nextCheck(clock);
    expect(collections).toEqual([]);
  });

  it('counts the next fall from the count at the last collection', async () => {
    const { setConnections, clock, collections } = collector();
    setConnections(3000);
    await nextCheck(clock);
    setConnections(2000);
    await nextCheck(clock);
    await nextCheck(clock);
    setConnections(1400);
    await nextCheck(clock);
    await nextCheck(clock);
    expect(collections).toEqual([
      { fromConnections: 3000, toConnections: 2000 },
      { fromConnections: 2000, toConnections: 1400 },
    ]);
  });

  it('reports a failed collection and tries again after the next fall', async () => {
    const { setConnections, clock, collections, errors, failNext } = collector();
    failNext();
    setConnections(2000);
    await nextCheck(clock);
    setConnections(0);
    await nextCheck(clock);
    await nextCheck(clock);
    expect(errors).toHaveLength(1);
    setConnections(2000);
    await nextCheck(clock);
    setConnections(0);
    await nextCheck(clock);
    await nextCheck(clock);
    expect(collections).toEqual([{ fromConnections: 2000, toConnections: 0 }]);
  });
});
