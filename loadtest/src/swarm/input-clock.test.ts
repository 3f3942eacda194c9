import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SwarmInputClock, type Ticking } from './input-clock.js';

/** At 20 Hz a period is 50 ms: one group of five every 10 ms. */
const HZ = 20;
const PERIOD_MS = 50;

class Counted implements Ticking {
  ticks = 0;
  tick(): void {
    this.ticks++;
  }
}

describe('the swarm’s input clock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks every player once a period while players come and go', () => {
    const clock = new SwarmInputClock();
    const players = Array.from({ length: 10 }, () => new Counted());
    for (const p of players) clock.add(p);
    clock.start(HZ, () => Date.now());
    // Two of five groups have ticked; players leave from groups that have and have not ticked.
    vi.advanceTimersByTime(20);
    const gone = [players[0], players[4], players[9]] as Counted[];
    const ticksWhenGone = gone.map((p) => p.ticks);
    for (const p of gone) clock.remove(p);
    const late = new Counted();
    clock.add(late);
    vi.advanceTimersByTime(PERIOD_MS - 20);
    const staying = players.filter((p) => !gone.includes(p));
    // A shared array with swap-remove would move a player into a group that had ticked (skipped)
    // or had yet to (ticked twice).
    expect(staying.map((p) => p.ticks)).toEqual(staying.map(() => 1));
    expect(late.ticks).toBeLessThanOrEqual(1);
    vi.advanceTimersByTime(PERIOD_MS * 3);
    expect(staying.map((p) => p.ticks)).toEqual(staying.map(() => 4));
    expect(gone.map((p) => p.ticks)).toEqual(ticksWhenGone);
    clock.stop();
    vi.advanceTimersByTime(PERIOD_MS);
    expect(staying.map((p) => p.ticks)).toEqual(staying.map(() => 4));
  });

  it('does not visit a player removed while its group ticks, nor add one twice', () => {
    const clock = new SwarmInputClock();
    const victim = new Counted();
    const remover: Ticking = { tick: () => clock.remove(victim) };
    // Groups fill smallest first: five players, one a group, then the victim joins group 0 after
    // the remover.
    clock.add(remover);
    for (let i = 0; i < 4; i++) clock.add(new Counted());
    clock.add(victim);
    clock.add(victim);
    clock.start(HZ, () => Date.now());
    vi.advanceTimersByTime(PERIOD_MS * 2);
    expect(victim.ticks).toBe(0);
    clock.stop();
  });
});
