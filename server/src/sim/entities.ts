import type { EntityKind } from '@tickwire/protocol';
import type { GridItem } from '../interest/spatial-grid.js';

/**
 * Server-side entities. Positions and velocities are already in wire units (quantized): the
 * simulation runs on the exact integers clients see. The `*Tick` fields record the last tick a
 * field changed in a way a client cannot extrapolate; sync uses them to build deltas.
 */
interface EntityBase extends GridItem {
  id: number;
  x: number;
  y: number;
  /** Tick the entity appeared. */
  spawnTick: number;
  /** entityHash at hashTick (computed once per tick, shared by every client's checksum). */
  hash: number;
  hashTick: number;
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
  /** Last tick position or velocity changed other than by straight, clamped motion. */
  motionTick: number;
  aimTick: number;
  hpTick: number;
  scoreTick: number;
}

export interface Pellet extends EntityBase {
  kind: typeof EntityKind.Pellet;
}

export type Entity = Player | Pellet;
