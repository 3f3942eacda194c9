// Arena fixtures for the bots' tests: the arena's compiled schema with the default server's
// constants, a Welcome, records of each kind and views built by the real Replica.
import {
  PROTOCOL_VERSION,
  Replica,
  compileGame,
  type EntityRecord,
  type Snapshot,
  type ViewState,
  type Welcome,
} from '@tickwire/protocol';
import { arenaSpec, type ArenaConstants } from '../../../games/arena/shared.js';

/** The constants a default server sends at 30 Hz (games/arena/server.ts). */
export const ARENA_CONSTANTS: ArenaConstants = {
  playerSpeed: 27,
  projectileSpeed: 80,
  playerRadius: 80,
  projectileRadius: 24,
  fireCooldownTicks: 8,
  maxHp: 100,
};

export const arenaSchema = compileGame(arenaSpec, ARENA_CONSTANTS);

/** A Welcome for player 1 in a 1500 x 1000 world at 30 Hz; override any field. */
export function arenaWelcome(fields: Partial<Welcome> = {}): Welcome {
  return {
    protocolVersion: PROTOCOL_VERSION,
    playerId: 1,
    tickHz: 30,
    serverTick: 0,
    serverTimeMs: 0,
    worldWidth: 1500,
    worldHeight: 1000,
    viewWidth: 3200,
    viewHeight: 2200,
    resumeToken: 't',
    schema: arenaSchema,
    ...fields,
  };
}

interface PlayerFields {
  x: number;
  y: number;
  vx: number;
  vy: number;
  aim: number;
  hp: number;
  score: number;
  name: string;
}

/** A player at rest with full hp; override any field. */
export function playerRecord(id: number, fields: Partial<PlayerFields> = {}): EntityRecord {
  return {
    id,
    kind: 'player',
    x: 400,
    y: 400,
    vx: 0,
    vy: 0,
    aim: 0,
    hp: 100,
    score: 0,
    name: `p${id}`,
    ...fields,
  };
}

export function pelletRecord(id: number, x: number, y: number): EntityRecord {
  return { id, kind: 'pellet', x, y };
}

/** A full snapshot (no baseline, no checksum) of `entered`; override any field. */
export function fullSnapshot(
  tick: number,
  entered: EntityRecord[],
  fields: Partial<Snapshot> = {},
): Snapshot {
  return {
    tick,
    baselineTick: 0,
    inputAck: 0,
    removed: [],
    entered,
    updated: [],
    checksum: null,
    ...fields,
  };
}

/** The view the real Replica builds from a full snapshot of `records`. */
export function viewOf(welcome: Welcome, records: EntityRecord[], tick = 1): ViewState {
  return new Replica(welcome).apply(fullSnapshot(tick, records));
}
