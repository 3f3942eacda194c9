// The arena's declaration and the rules its server and its clients both run. This file is the
// whole contract of the game: the engine derives the wire format, decoders, the replica's tables,
// change tracking and checksums from it, and sends it to every client in the Welcome.
import {
  NO_DIRECTION,
  angle8,
  defineGame,
  flags,
  int,
  steer,
  string,
  uint16,
  uint32,
  velocityFor,
  type ConstantsOf,
  type EntityOf,
  type InputOf,
} from '@tickwire/protocol';

export const arenaSpec = defineGame({
  name: 'arena',
  kinds: {
    player: {
      motion: 'linear',
      fields: {
        aim: { type: angle8(), sync: 'changes' },
        hp: { type: uint16(), sync: 'changes' },
        score: { type: uint32(), sync: 'changes' },
        name: { type: string(16), sync: 'constant' },
      },
    },
    pellet: { motion: 'static' },
    projectile: {
      motion: 'linear',
      lifetimeTicks: 36,
      fields: {
        /** The player who fired it. */
        owner: { type: uint16(), sync: 'constant' },
      },
    },
  },
  input: {
    /** Wire angle to move towards, or -1 (NO_DIRECTION) to stand still. */
    moveDir: int(NO_DIRECTION, 255, NO_DIRECTION),
    /** Wire angle the player faces (and fires towards). */
    aim: angle8(),
    buttons: flags(['fire']),
  },
  constants: [
    'playerSpeed',
    'projectileSpeed',
    'playerRadius',
    'projectileRadius',
    'fireCooldownTicks',
    'maxHp',
  ],
});

export type ArenaSpec = typeof arenaSpec;
export type ArenaPlayer = EntityOf<ArenaSpec, 'player'>;
export type ArenaPellet = EntityOf<ArenaSpec, 'pellet'>;
export type ArenaProjectile = EntityOf<ArenaSpec, 'projectile'>;
export type ArenaControls = InputOf<ArenaSpec>;
export type ArenaConstants = ConstantsOf<ArenaSpec>;

/** Bit of `buttons`: fire a projectile along the aim. */
export const FIRE = 1;

/**
 * The movement rule, run by the server when it applies an Input and by a predicting client when
 * it replays one: the velocity becomes the player speed along `moveDir` (integer trig only).
 */
export function applyMovement(
  m: { vx: number; vy: number; x: number; y: number },
  controls: Readonly<ArenaControls>,
  constants: Readonly<Pick<ArenaConstants, 'playerSpeed'>>,
): void {
  steer(m, controls.moveDir, constants.playerSpeed);
}

/** A change worth an Input at once: movement or buttons (the aim follows the mouse: it waits). */
export function isUrgentChange(
  sent: Readonly<Record<string, number>>,
  now: Readonly<Record<string, number>>,
): boolean {
  return sent.moveDir !== now.moveDir || sent.buttons !== now.buttons;
}

/**
 * Where and how fast a shot starts: at the shooter's edge along its aim. Shared with the client,
 * which draws its own shots at once from the same numbers.
 */
export function projectileSpawn(
  player: { x: number; y: number; aim: number },
  c: Pick<ArenaConstants, 'projectileSpeed' | 'playerRadius'>,
): { x: number; y: number; vx: number; vy: number } {
  const offset = velocityFor(player.aim, c.playerRadius);
  const { vx, vy } = velocityFor(player.aim, c.projectileSpeed);
  return { x: player.x + offset.vx, y: player.y + offset.vy, vx, vy };
}
