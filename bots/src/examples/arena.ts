import type { EntityRecord, Welcome } from '@tickwire/protocol';
import { arenaSpec, type ArenaPlayer } from '../../../games/arena/shared.js';

// The example bots play the arena: its declaration (games/arena/shared.ts) names their kinds,
// input fields and constants. The SDK itself is generic: its records are plain EntityRecords,
// which these helpers read as the arena's types once the kind says what they are.

/** True when `welcome` is from a server running the arena (the game these bots play). */
export function isArena(welcome: Welcome | null): welcome is Welcome {
  return welcome?.schema.game === arenaSpec.name;
}

/** `record` as an arena player, or null when it is something else (or nothing). */
export function asPlayer(record: EntityRecord | null | undefined): ArenaPlayer | null {
  // The schema the record was decoded with declares a player's fields (arenaSpec): the kind
  // name is the proof of the shape.
  return record?.kind === 'player' ? (record as unknown as ArenaPlayer) : null;
}

/** How far and how fast the arena's shots fly, from the schema the server sent. */
export interface ShotReach {
  /** Wire units per tick. */
  speed: number;
  /** Wire units a shot flies before its lifetime ends. */
  range: number;
}

/** The arena's shot speed and range (its `projectileSpeed` constant and projectile lifetime). */
export function shotReachOf(welcome: Welcome): ShotReach {
  const speed = welcome.schema.constants.projectileSpeed ?? 0;
  const lifetimeTicks = welcome.schema.kindByName.get('projectile')?.lifetimeTicks ?? 0;
  return { speed, range: speed * lifetimeTicks };
}
