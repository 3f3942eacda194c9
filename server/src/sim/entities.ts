import type { EntityKind } from '@tickwire/protocol';

/**
 * Server-side entities. Positions and velocities are already in wire units (quantized): the
 * simulation runs on the exact integers clients see. When each field last changed lives in the
 * world's ChangeTicks, not here (sync reads it for every visible entity of every client).
 */
interface EntityBase {
  id: number;
  x: number;
  y: number;
  /** Tick the entity appeared. */
  spawnTick: number;
  /** Encoded entity record at recordTick (see World.recordBytesOf); null until first needed. */
  recordBytes: Uint8Array | null;
  recordTick: number;
}

export interface Player extends EntityBase {
  kind: typeof EntityKind.Player;
  vx: number;
  vy: number;
  aim: number;
  hp: number;
  score: number;
  name: string;
  /** Last input direction (wire angle or NO_DIRECTION). */
  moveDir: number;
}

export interface Pellet extends EntityBase {
  kind: typeof EntityKind.Pellet;
}

export type Entity = Player | Pellet;
