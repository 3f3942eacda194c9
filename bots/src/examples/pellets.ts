import { NO_DIRECTION, directionTowards, nearestOfKind } from '@tickwire/protocol';
import type { Bot, ViewState } from '@tickwire/protocol';
import type { ArenaControls, ArenaPlayer } from '../../../games/arena/shared.js';
import { asPlayer, isArena } from './arena.js';
import { createWander, decideWander } from './wander.js';

// The pellet eater walks to the nearest pellet it can see; touching one eats it (+1 score) and
// the next nearest becomes the target. With no pellet in view it wanders. It never fires.

/** The pellet eater's input for `view`, or null when no pellet is in view. */
export function decidePellets(view: ViewState, self: ArenaPlayer): ArenaControls | null {
  const pellet = nearestOfKind(view, 'pellet', self);
  if (!pellet) return null;
  const towards = directionTowards(self.x, self.y, pellet.x as number, pellet.y as number);
  // Exactly on it, it is eaten this tick: keep going the way it faces.
  if (towards === NO_DIRECTION) return { moveDir: self.aim, aim: self.aim, buttons: 0 };
  return { moveDir: towards, aim: towards, buttons: 0 };
}

/** Makes `bot` eat pellets. Returns the function that stops it. */
export function pellets(bot: Bot, random: () => number = Math.random): () => void {
  const wandering = createWander(random);
  return bot.on('snapshot', (view, b) => {
    const self = asPlayer(b.self);
    const { welcome } = b;
    if (!self || !isArena(welcome)) return;
    b.setInput(
      decidePellets(view, self) ?? decideWander(wandering, self, view.tick, welcome, random),
    );
  });
}
