// Test fixtures shared by the repository's tests (not part of the published package: the build
// excludes src/testing). Tests import this file by path.
import { EntityKind } from '../wire/ids.js';
import { PROTOCOL_VERSION } from '../wire/version.js';
import type { EntityRecord, PelletRecord, PlayerRecord, Snapshot } from '../messages/snapshot.js';
import type { Welcome } from '../messages/server.js';

/** A player record at rest with full hp; override any field. */
export function playerRecord(
  id: number,
  fields: Partial<Omit<PlayerRecord, 'kind' | 'id'>> = {},
): PlayerRecord {
  return {
    kind: EntityKind.Player,
    id,
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

export function pelletRecord(id: number, x: number, y: number): PelletRecord {
  return { kind: EntityKind.Pellet, id, x, y };
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

/** A Welcome for tests: player 7 in a 1200 x 800 world at 30 Hz; any field can be overridden. */
export function welcomeRecord(fields: Partial<Welcome> = {}): Welcome {
  return {
    protocolVersion: PROTOCOL_VERSION,
    playerId: 7,
    tickHz: 30,
    serverTick: 100,
    serverTimeMs: 5000,
    worldWidth: 1200,
    worldHeight: 800,
    viewWidth: 1600,
    viewHeight: 1000,
    playerSpeed: 27,
    resumeToken: 'token',
    ...fields,
  };
}
