/**
 * One timer for every player of a process: at `hz`, each player's `tick` (its Input with the
 * acknowledgement, and a Ping when due). The players are split into GROUPS staggered over the
 * period, so the server does not get N inputs at one instant and this process does not send them
 * in one long burst. Thousands of per-player timers would cost more than the inputs.
 */

/** Groups per period: at 20 Hz one group every 10 ms. */
const GROUPS = 5;

export interface Ticking {
  tick(nowMs: number): void;
}

export interface InputClock {
  stop(): void;
}

/**
 * Ticks the players in `players` (read at every beat: the caller adds and removes in place) at
 * `hz`; player i belongs to group i % GROUPS.
 */
export function startInputClock(
  players: readonly Ticking[],
  hz: number,
  nowMs: () => number,
): InputClock {
  const beatMs = 1000 / hz / GROUPS;
  let group = 0;
  const timer = setInterval(() => {
    const now = nowMs();
    for (let i = group; i < players.length; i += GROUPS) (players[i] as Ticking).tick(now);
    group = (group + 1) % GROUPS;
  }, beatMs);
  return { stop: () => clearInterval(timer) };
}
