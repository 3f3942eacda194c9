// Support for the tests of the engine running the arena.
import type { ArenaPlayer, ArenaProjectile, ArenaSpec } from '../../../games/arena/shared.js';
import type { Room } from '../../src/room/room.js';

/** The arena player with this entity id; throws when there is none. */
export function playerIn(room: Room<ArenaSpec>, id: number): ArenaPlayer {
  const e = room.world.byId[id];
  if (e?.kind !== 'player') throw new Error(`no player ${id} in the world`);
  return e as unknown as ArenaPlayer;
}

/** The live projectiles, oldest first. */
export function projectilesIn(room: Room<ArenaSpec>): ArenaProjectile[] {
  return [...room.world.all('projectile')];
}

/** Puts a player at (x, y) wire units, standing still: a teleport, as the game's code would. */
export function place(player: ArenaPlayer, x: number, y: number): void {
  player.x = x;
  player.y = y;
  player.vx = 0;
  player.vy = 0;
}
