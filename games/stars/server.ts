// Stars on the server: cursors glide to their targets, clicks collect stars. About a hundred
// lines: the engine does the rest. This folder touches no engine file.
import { POSITION_SCALE } from '@tickwire/protocol';
import { defineServerGame, type GameContext, type GameLogic } from '../../server/src/game/game.js';
import { Rng } from '../../server/src/sim/rng.js';
import type { World } from '../../server/src/sim/world.js';
import {
  CLICK,
  GLIDE,
  glideTowards,
  starsSpec,
  type StarsConstants,
  type StarsControls,
  type StarsCursor,
  type StarsSpec,
} from './shared.js';

/** Stars in the world at any time: one per 250 x 250 units. */
const STAR_DENSITY_UNITS = 250;
const CURSOR_SPEED_UNITS_PER_SEC = 600;
const REACH_UNITS = 40;
const HUES = 12;

/** What the server keeps of a cursor besides its entity: where it glides to, and its clicks. */
interface CursorTarget {
  /** Wire units, in the world. */
  x: number;
  y: number;
  /** Whether the click button was down at its last input. */
  wasDown: boolean;
  /** A press since the last step: the step collects. */
  clicked: boolean;
}

class StarsLogic implements GameLogic<StarsSpec> {
  readonly #world: World<StarsSpec>;
  readonly #c: StarsConstants;
  readonly #rng: Rng;
  /** Each cursor's target and click state, by id. */
  readonly #targets = new Map<number, CursorTarget>();
  #nextHue = 0;

  constructor({ world, settings, constants }: GameContext<StarsSpec>) {
    this.#world = world;
    this.#c = constants;
    this.#rng = new Rng(settings.seed);
    const stars = Math.ceil((settings.worldWidth * settings.worldHeight) / STAR_DENSITY_UNITS ** 2);
    for (let i = 0; i < stars; i++) this.#spawnStar(0);
  }

  join(name: string, tick: number): StarsCursor | null {
    const w = this.#world;
    const x = this.#rng.int(w.maxX + 1);
    const y = this.#rng.int(w.maxY + 1);
    const hue = this.#nextHue++ % this.#c.hues;
    const cursor = w.spawn('cursor', { x, y, name, hue, score: 0 }, tick);
    if (cursor) this.#targets.set(cursor.id, { x, y, wasDown: false, clicked: false });
    return cursor;
  }

  leave(cursor: StarsCursor, tick: number): void {
    this.#targets.delete(cursor.id);
    this.#world.remove(cursor, tick);
  }

  applyInput(cursor: StarsCursor, controls: Readonly<StarsControls>, _tick: number): void {
    const target = this.#targets.get(cursor.id);
    if (!target) return;
    const isGliding = (controls.buttons & GLIDE) !== 0;
    target.x = isGliding ? this.#world.clampX(controls.targetX) : cursor.x;
    target.y = isGliding ? this.#world.clampY(controls.targetY) : cursor.y;
    const isDown = (controls.buttons & CLICK) !== 0;
    // A click is the press, not the hold: one collect per press.
    if (isDown && !target.wasDown) target.clicked = true;
    target.wasDown = isDown;
  }

  step(tick: number): void {
    const speed = this.#c.cursorSpeed;
    for (const cursor of this.#world.all('cursor')) {
      const target = this.#targets.get(cursor.id);
      if (!target) continue;
      cursor.x = glideTowards(cursor.x, target.x, speed);
      cursor.y = glideTowards(cursor.y, target.y, speed);
      if (target.clicked) {
        target.clicked = false;
        this.#click(cursor, tick);
      }
    }
  }

  #click(cursor: StarsCursor, tick: number): void {
    const reach = this.#c.reach;
    let points = 0;
    for (const star of this.#world.near('star', cursor.x, cursor.y, reach)) {
      const dx = star.x - cursor.x;
      const dy = star.y - cursor.y;
      if (dx * dx + dy * dy > reach * reach) continue;
      points += star.points;
      this.#world.remove(star, tick);
      this.#spawnStar(tick);
    }
    cursor.score += points;
    this.#world.spawn('spark', { x: cursor.x, y: cursor.y, owner: cursor.id, points }, tick);
  }

  #spawnStar(tick: number): void {
    const w = this.#world;
    const points = 1 + this.#rng.int(3);
    w.spawn('star', { x: this.#rng.int(w.maxX + 1), y: this.#rng.int(w.maxY + 1), points }, tick);
  }
}

export const stars = defineServerGame({
  spec: starsSpec,
  constants: ({ tickHz }) => ({
    cursorSpeed: Math.round((CURSOR_SPEED_UNITS_PER_SEC * POSITION_SCALE) / tickHz),
    reach: REACH_UNITS * POSITION_SCALE,
    hues: HUES,
  }),
  // The room summary's leaderboard (protocol v4): cursors by score, named by their name field.
  ranking: { kind: 'cursor', score: 'score', label: 'name' },
  create: (context: GameContext<StarsSpec>) => new StarsLogic(context),
});
