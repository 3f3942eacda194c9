import {
  NO_DIRECTION,
  POSITION_SCALE,
  directionTowards,
  distanceSquared,
  nearestOfKind,
} from '@tickwire/protocol';
import type { Bot, ViewState } from '@tickwire/protocol';
import { FIRE, type ArenaControls, type ArenaPlayer } from '../../../games/arena/shared.js';
import { asPlayer, isArena, shotReachOf, type ShotReach } from './arena.js';
import { createWander, decideWander } from './wander.js';

// The chaser runs at the nearest other player it can see, aims where that player will be when a
// shot gets there, and holds fire while it is in range (the server fires once per cooldown). It
// stops when it is on top of its target. With nobody in view it wanders.

/** Close enough to stop (wire units: 30 world units, less than two player radii). */
const CAUGHT_DISTANCE = 30 * POSITION_SCALE;
/**
 * Fire when the target is within this share of a shot's range: the target keeps moving while
 * the shot flies, and a shot that expires first is wasted.
 */
const FIRE_RANGE_SHARE = 0.75;

/** The chaser's input for `view`, or null when no other player is in view. */
export function decideChase(
  view: ViewState,
  self: ArenaPlayer,
  shot: ShotReach,
): ArenaControls | null {
  const target = asPlayer(nearestOfKind(view, 'player', self));
  if (!target) return null;
  const towards = directionTowards(self.x, self.y, target.x, target.y);
  const distance2 = distanceSquared(self.x, self.y, target.x, target.y);
  const isCaught = distance2 <= CAUGHT_DISTANCE * CAUGHT_DISTANCE;
  const fireRange = shot.range * FIRE_RANGE_SHARE;
  const isInRange = shot.speed > 0 && distance2 <= fireRange * fireRange;
  // Lead the target by its velocity over the shot's flight time (one step: close enough).
  const flightTicks = shot.speed > 0 ? Math.sqrt(distance2) / shot.speed : 0;
  const lead = directionTowards(
    self.x,
    self.y,
    target.x + target.vx * flightTicks,
    target.y + target.vy * flightTicks,
  );
  return {
    moveDir: isCaught ? NO_DIRECTION : towards,
    aim: lead === NO_DIRECTION ? self.aim : lead,
    buttons: isInRange ? FIRE : 0,
  };
}

/** Makes `bot` chase and shoot. Returns the function that stops it. */
export function chase(bot: Bot, random: () => number = Math.random): () => void {
  const wandering = createWander(random);
  return bot.on('snapshot', (view, b) => {
    const self = asPlayer(b.self);
    const { welcome } = b;
    if (!self || !isArena(welcome)) return;
    b.setInput(
      decideChase(view, self, shotReachOf(welcome)) ??
        decideWander(wandering, self, view.tick, welcome, random),
    );
  });
}
