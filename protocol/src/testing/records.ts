// Test fixtures shared by the repository's tests (not part of the published package: the build
// excludes src/testing). Tests import this file by path. Records are of testArenaSpec, whose
// wire layout is the arena's.
import { PLAYER_PROTOCOL_VERSION } from '../wire/version.js';
import type { EntityOf } from '../schema/define.js';
import type { EntityRecord, Snapshot } from '../messages/snapshot.js';
import type { Welcome } from '../messages/server.js';
import { testArenaSchema, type testArenaSpec } from './test-schemas.js';

export type TestPlayer = EntityOf<typeof testArenaSpec, 'player'>;
export type TestPellet = EntityOf<typeof testArenaSpec, 'pellet'>;
export type TestProjectile = EntityOf<typeof testArenaSpec, 'projectile'>;

/** A player record at rest with full hp; override any field. */
export function playerRecord(
  id: number,
  fields: Partial<Omit<TestPlayer, 'kind' | 'id'>> = {},
): TestPlayer {
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

export function pelletRecord(id: number, x: number, y: number): TestPellet {
  return { id, kind: 'pellet', x, y };
}

/** A projectile with all its lifetime ahead; override any field. */
export function projectileRecord(
  id: number,
  fields: Partial<Omit<TestProjectile, 'kind' | 'id'>> = {},
): TestProjectile {
  return {
    id,
    kind: 'projectile',
    x: 400,
    y: 400,
    vx: 80,
    vy: 0,
    owner: 1,
    ticksLeft: 36,
    ...fields,
  };
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

/**
 * A Welcome for tests: player 7 in a 1200 x 800 world at 30 Hz, playing testArenaSchema; any
 * field (the schema too) can be overridden.
 */
export function welcomeRecord(fields: Partial<Welcome> = {}): Welcome {
  return {
    protocolVersion: PLAYER_PROTOCOL_VERSION,
    playerId: 7,
    tickHz: 30,
    serverTick: 100,
    serverTimeMs: 5000,
    worldWidth: 1200,
    worldHeight: 800,
    viewWidth: 1600,
    viewHeight: 1000,
    resumeToken: 'token',
    schema: testArenaSchema,
    ...fields,
  };
}
