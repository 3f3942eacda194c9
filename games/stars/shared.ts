// Stars: a shared-cursor party game. Every player is a cursor that glides towards where its
// mouse points; clicking near a star collects it (its points go to the clicker's score) and
// leaves a spark everyone sees for a moment. A different shape of game from the arena: cursors
// move by position updates (not velocities), stars are static, sparks are positions with a
// lifetime, and the own cursor needs no prediction rule.
import {
  MAX_WIRE_POSITION,
  defineGame,
  flags,
  quarter,
  string,
  uint8,
  uint16,
  uint32,
  type ConstantsOf,
  type EntityOf,
  type InputOf,
} from '@tickwire/protocol';

export const starsSpec = defineGame({
  name: 'stars',
  kinds: {
    cursor: {
      motion: 'position',
      fields: {
        name: { type: string(16), sync: 'constant' },
        /** Palette index of the cursor's colour. */
        hue: { type: uint8(), sync: 'constant' },
        score: { type: uint32(), sync: 'changes' },
      },
    },
    star: {
      motion: 'static',
      fields: {
        /** What collecting it is worth: 1 (small) to 3 (large). */
        points: { type: uint8(), sync: 'constant' },
      },
    },
    spark: {
      motion: 'position',
      lifetimeTicks: 20,
      fields: {
        /** The cursor that clicked. */
        owner: { type: uint16(), sync: 'constant' },
        /** Points collected by the click (0 for a miss). */
        points: { type: uint8(), sync: 'constant' },
      },
    },
  },
  input: {
    /** Where the cursor glides to while `glide` is held, in wire units (clamped to the world). */
    targetX: quarter(0, MAX_WIRE_POSITION),
    targetY: quarter(0, MAX_WIRE_POSITION),
    // `glide` makes the idle input (every control at its default: a client that is away or has
    // not set a target yet) mean "stay", not "glide to the corner at target (0, 0)".
    buttons: flags(['click', 'glide']),
  },
  constants: ['cursorSpeed', 'reach', 'hues'],
});

export type StarsSpec = typeof starsSpec;
export type StarsCursor = EntityOf<StarsSpec, 'cursor'>;
export type StarsStar = EntityOf<StarsSpec, 'star'>;
export type StarsSpark = EntityOf<StarsSpec, 'spark'>;
export type StarsControls = InputOf<StarsSpec>;
export type StarsConstants = ConstantsOf<StarsSpec>;

/** Bit of `buttons`: a click (collects on the tick it goes down). */
export const CLICK = 1;
/** Bit of `buttons`: glide to the target; without it the cursor stays where it is. */
export const GLIDE = 2;

/**
 * One axis of a cursor's glide: `from` moved at most `step` towards `to` (wire units). Per axis,
 * so cursors glide diagonally at up to √2 × step. The server's step runs it every tick; the
 * client uses it to guess where its own cursor is now.
 */
export function glideTowards(from: number, to: number, step: number): number {
  return from < to ? Math.min(to, from + step) : Math.max(to, from - step);
}
