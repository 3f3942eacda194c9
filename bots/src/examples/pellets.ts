import { NO_DIRECTION, directionTowards, nearestPellet } from '@tickwire/protocol';
import type { Bot, Controls, PlayerRecord, ViewState } from '@tickwire/protocol';
import { createWander, decideWander } from './wander.js';

// The pellet eater walks to the nearest pellet it can see; touching one eats it (+1 score) and
// the next nearest becomes the target. With no pellet in view it wanders.

/** The pellet eater's input for `view`, or null when no pellet is in view. */
export function decidePellets(view: ViewState, self: PlayerRecord): Controls | null {
  const pellet = nearestPellet(view, self);
  if (!pellet) return null;
  const towards = directionTowards(self.x, self.y, pellet.x, pellet.y);
  // Exactly on it, it is eaten this tick: keep going the way it faces.
  if (towards === NO_DIRECTION) return { moveDir: self.aim, aim: self.aim };
  return { moveDir: towards, aim: towards };
}

/** Makes `bot` eat pellets. Returns the function that stops it. */
export function pellets(bot: Bot, random: () => number = Math.random): () => void {
  const wandering = createWander(random);
  return bot.on('snapshot', (view, b) => {
    const { self, welcome } = b;
    if (!self || !welcome) return;
    b.setInput(
      decidePellets(view, self) ?? decideWander(wandering, self, view.tick, welcome, random),
    );
  });
}
