import {
  EntityKind,
  type EntityRecord,
  type PelletRecord,
  type PlayerRecord,
} from '@tickwire/protocol';

/**
 * Server-side entities: the protocol's records plus server-only state. Positions and velocities
 * are already in wire units (quantized): the simulation runs on the exact integers clients see.
 * When each field last changed lives in the world's ChangeTicks, not here (sync reads it for
 * every visible entity of every client).
 */
interface ServerState {
  /** Tick the entity appeared. */
  spawnTick: number;
  /** Encoded entity record at recordTick (see World.recordBytesOf); null until first needed. */
  recordBytes: Uint8Array | null;
  recordTick: number;
}

export interface Player extends PlayerRecord, ServerState {
  /** Last input direction (wire angle or NO_DIRECTION). */
  moveDir: number;
}

export interface Pellet extends PelletRecord, ServerState {}

export type Entity = Player | Pellet;

/** The protocol record of an entity (a copy without the server-only fields). */
export function toEntityRecord(e: Entity): EntityRecord {
  return e.kind === EntityKind.Player
    ? {
        kind: e.kind,
        id: e.id,
        x: e.x,
        y: e.y,
        vx: e.vx,
        vy: e.vy,
        aim: e.aim,
        hp: e.hp,
        score: e.score,
        name: e.name,
      }
    : { kind: e.kind, id: e.id, x: e.x, y: e.y };
}
