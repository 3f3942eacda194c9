/**
 * One timer for every player of a process: at `hz`, each player's `tick` (its Input with the
 * acknowledgement, and a Ping when due). The players are split into GROUPS staggered over the
 * period, so the server does not get N inputs at one instant and this process does not send them
 * in one long burst. Thousands of per-player timers would cost more than the inputs.
 *
 * A player MUST keep its group while it is on the clock, or it is ticked twice in a period or
 * skipped in one. `startInputClock` takes a list that only grows (the bench fleet's), where a
 * player's place never changes; a swarm's players come and go, so `SwarmInputClock` gives each
 * its group when it comes.
 */

/** Groups per period: at 20 Hz one group every 10 ms. */
const GROUPS = 5;

export interface Ticking {
  tick(nowMs: number): void;
}

export interface InputClock {
  stop(): void;
}

/** Calls `onBeat` with group 0, 1, ... GROUPS - 1, 0, ... spread over each period of `hz`. */
function startBeats(hz: number, onBeat: (group: number) => void): InputClock {
  let group = 0;
  const timer = setInterval(
    () => {
      onBeat(group);
      group = (group + 1) % GROUPS;
    },
    1000 / hz / GROUPS,
  );
  return { stop: () => clearInterval(timer) };
}

/**
 * Ticks the players in `players` (read at every beat) at `hz`; player i belongs to group
 * i % GROUPS. The caller MUST only append to `players`: removing one would move the players after
 * it into other groups.
 */
export function startInputClock(
  players: readonly Ticking[],
  hz: number,
  nowMs: () => number,
): InputClock {
  return startBeats(hz, (group) => {
    const now = nowMs();
    for (let i = group; i < players.length; i += GROUPS) (players[i] as Ticking).tick(now);
  });
}

/** A clock players join (`add`) and leave (`remove`) at any time, each staying in one group. */
export class SwarmInputClock implements InputClock {
  /** Sets: removing is O(1), and a player removed while its group ticks is not visited. */
  readonly #groups: Set<Ticking>[] = Array.from({ length: GROUPS }, () => new Set());
  readonly #groupOf = new Map<Ticking, Set<Ticking>>();
  #beats: InputClock | null = null;

  /** Ticks every player on the clock at `hz`, one group per beat, until `stop`. */
  start(hz: number, nowMs: () => number): void {
    this.#beats ??= startBeats(hz, (group) => {
      const now = nowMs();
      for (const player of this.#groups[group] as Set<Ticking>) player.tick(now);
    });
  }

  /** Puts `player` in the smallest group, where it stays; a no-op if it is on the clock. */
  add(player: Ticking): void {
    if (this.#groupOf.has(player)) return;
    let smallest = this.#groups[0] as Set<Ticking>;
    for (const group of this.#groups) if (group.size < smallest.size) smallest = group;
    smallest.add(player);
    this.#groupOf.set(player, smallest);
  }

  remove(player: Ticking): void {
    this.#groupOf.get(player)?.delete(player);
    this.#groupOf.delete(player);
  }

  stop(): void {
    this.#beats?.stop();
    this.#beats = null;
  }
}
