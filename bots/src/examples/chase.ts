import {
  NO_DIRECTION,
  POSITION_SCALE,
  directionTowards,
  distanceSquared,
  nearestPlayer,
} from '@tickwire/protocol';
import type { Bot, Controls, PlayerRecord, ViewState } from '@tickwire/protocol';
import { createWander, decideWander } from './wander.js';

// The chaser runs at the nearest other player it can see, and stops when it is on top of it.
// With nobody in view it wanders.

/** Close enough to stop (wire units: 30 world units, less than two player radii). */
const CAUGHT_DISTANCE = 30 * POSITION_SCALE;

/** The chaser's input for `view`, or null when no other player is in view. */
export function decideChase(view: ViewState, self: PlayerRecord): Controls | null {
  const target = nearestPlayer(view, self);
  if (!target) return null;
  const towards = directionTowards(self.x, self.y, target.x, target.y);
  const isCaught =
    distanceSquared(self.x, self.y, target.x, target.y) <= CAUGHT_DISTANCE * CAUGHT_DISTANCE;
  return {
    moveDir: isCaught ? NO_DIRECTION : towards,
    aim: towards === NO_DIRECTION ? self.aim : towards,
  };
}

/** Makes `bot` chase. Returns the function that stops it. */
export function chase(bot: Bot, random: () => number = Math.random): () => void {
  const wandering = createWander(random);
  return bot.on('snapshot', (view, b) => {
    const { self, welcome } = b;
    if (!self || !welcome) return;
    b.setInput(
      decideChase(view, self) ?? decideWander(wandering, self, view.tick, welcome, random),
    );
  });
}
