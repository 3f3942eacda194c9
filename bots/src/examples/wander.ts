import {
  ANGLE_STEPS,
  NO_DIRECTION,
  POSITION_SCALE,
  cosQ14,
  directionTowards,
  sinQ14,
  worldBounds,
} from '@tickwire/protocol';
import type { Bot, Welcome } from '@tickwire/protocol';
import type { ArenaControls, ArenaPlayer } from '../../../games/arena/shared.js';
import { asPlayer, isArena } from './arena.js';

// The wanderer walks straight, picks a new heading every couple of seconds, and turns back
// towards the middle of the world when it is about to walk into a wall. It never fires.

/** How close to a wall (wire units: 80 world units) the wanderer turns away from it. */
const WALL_MARGIN = 80 * POSITION_SCALE;
/** Largest random offset from "towards the middle" after a wall: 16 steps = 22.5 degrees. */
const WALL_SPREAD = 16;

export interface Wander {
  /** Wire angle it walks in. */
  heading: number;
  /** Tick at which it picks a new heading. */
  nextTurnTick: number;
}

export function createWander(random: () => number): Wander {
  return { heading: Math.floor(random() * ANGLE_STEPS), nextTurnTick: 0 };
}

/** The wanderer's input for the view at `tick`. Updates `wander`. */
export function decideWander(
  wander: Wander,
  self: ArenaPlayer,
  tick: number,
  welcome: Welcome,
  random: () => number,
): ArenaControls {
  if (tick >= wander.nextTurnTick) {
    wander.heading = Math.floor(random() * ANGLE_STEPS);
    wander.nextTurnTick = tick + Math.round(welcome.tickHz * (1.5 + random()));
  }
  const { maxX, maxY } = worldBounds(welcome);
  const dx = cosQ14(wander.heading);
  const dy = sinQ14(wander.heading);
  const isIntoWall =
    (self.x < WALL_MARGIN && dx < 0) ||
    (self.x > maxX - WALL_MARGIN && dx > 0) ||
    (self.y < WALL_MARGIN && dy < 0) ||
    (self.y > maxY - WALL_MARGIN && dy > 0);
  const towardsMiddle = directionTowards(self.x, self.y, maxX / 2, maxY / 2);
  if (isIntoWall && towardsMiddle !== NO_DIRECTION) {
    const spread = Math.floor(random() * (2 * WALL_SPREAD + 1)) - WALL_SPREAD;
    wander.heading = (towardsMiddle + spread + ANGLE_STEPS) % ANGLE_STEPS;
  }
  return { moveDir: wander.heading, aim: wander.heading, buttons: 0 };
}

/** Makes `bot` wander. Returns the function that stops it. */
export function wander(bot: Bot, random: () => number = Math.random): () => void {
  const state = createWander(random);
  return bot.on('snapshot', (view, b) => {
    const self = asPlayer(b.self);
    if (self && isArena(b.welcome)) {
      b.setInput(decideWander(state, self, view.tick, b.welcome, random));
    }
  });
}
