import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { createTickLoop } from './tick-loop.js';

function setup(tickHz = 30, maxCatchUpTicks = 3) {
  const clock = new ManualClock(1000);
  const ran: { tick: number; atMs: number }[] = [];
  const errors: { tick: number; message: string }[] = [];
  let work: (tick: number) => void = () => {};
  const loop = createTickLoop({
    clock,
    schedule: clock.schedule,
    tickHz,
    maxCatchUpTicks,
    onTick: (tick) => {
      ran.push({ tick, atMs: clock.nowMs() });
      work(tick);
    },
    onError: (error, tick) => errors.push({ tick, message: String(error) }),
  });
  return { clock, loop, ran, errors, setWork: (w: (tick: number) => void) => (work = w) };
}

describe('createTickLoop', () => {
  it('runs exactly tickHz ticks per second with no drift over ten minutes', () => {
    const { clock, loop, ran } = setup(30);
    loop.start();
    // Ten simulated minutes.
    clock.advance(10 * 60 * 1000);
    expect(ran.length).toBe(30 * 60 * 10);
    const last = ran.at(-1);
    expect(last?.tick).toBe(18_000);
    // The 18000th tick fires at start + 18000 * 33.33 ms, not later: the schedule does not drift.
    expect(last?.atMs).toBeCloseTo(1000 + 600_000, 6);
    expect(loop.stats.skippedTicks).toBe(0);
  });

  it('fires each tick at its due time even when ticks take time', () => {
    const { clock, loop, ran, setWork } = setup(20);
    setWork(() => clock.spend(12));
    loop.start();
    clock.advance(1000);
    expect(ran.map((r) => r.tick)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    ran.forEach((r, i) => expect(r.atMs).toBeCloseTo(1000 + (i + 1) * 50, 6));
  });

  it('catches up a late tick back to back, then skips past the catch-up bound', () => {
    const { clock, loop, ran, setWork } = setup(10, 3);
    loop.start();
    clock.advance(100); // tick 1 at 1100
    // Tick 2 takes 250 ms: ticks 3, 4 are due late and run back to back.
    setWork((tick) => (tick === 2 ? clock.spend(250) : undefined));
    clock.advance(350); // to 1450, when tick 2 ends
    expect(ran.slice(1, 4).map((r) => r.tick)).toEqual([2, 3, 4]);
    expect(ran[2]?.atMs).toBeCloseTo(1450, 6);
    expect(ran[3]?.atMs).toBeCloseTo(1450, 6);
    // A 2 s stall at tick 5 (1500 -> 3500): 20 ticks are due; 3 run back to back, the other 17
    // slots are dropped by moving the schedule forward, not by skipping tick numbers.
    setWork((tick) => (tick === 5 ? clock.spend(2000) : undefined));
    clock.advance(2200);
    expect(loop.stats.skippedTicks).toBe(17);
    expect(ran.filter((r) => r.atMs === 3500).map((r) => r.tick)).toEqual([6, 7, 8]);
    // Tick numbers stay consecutive: the world steps once per number.
    expect(ran.map((r) => r.tick)).toEqual(Array.from({ length: ran.length }, (_, i) => i + 1));
    // The new schedule is regular again: tick 9 is due 100 ms after the last caught-up slot.
    expect(ran.find((r) => r.tick === 9)?.atMs).toBeCloseTo(3600, 6);
    expect(loop.tickTimeMs(9)).toBeCloseTo(3600, 6);
    // Server time (clock - tickTimeMs(0)) keeps tick T at T * dt: tick 9 is at 900 ms.
    expect(loop.tickTimeMs(9) - loop.tickTimeMs(0)).toBeCloseTo(900, 6);
  });

  it('reports a throwing tick with its number and keeps ticking', () => {
    const { clock, loop, ran, errors, setWork } = setup(30);
    setWork((tick) => {
      if (tick === 5) throw new Error('boom');
    });
    loop.start();
    clock.advance(1000);
    expect(errors).toEqual([{ tick: 5, message: 'Error: boom' }]);
    expect(ran.length).toBe(30);
    expect(loop.stats.failedTicks).toBe(1);
  });

  it('stops scheduling after stop(), even from inside a tick', () => {
    const { clock, loop, ran, setWork } = setup(30);
    setWork((tick) => (tick === 3 ? loop.stop() : undefined));
    loop.start();
    clock.advance(1000);
    expect(ran.length).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });
});
