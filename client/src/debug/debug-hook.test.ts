import { Replica } from '@tickwire/protocol';
import type { EntityRecord } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { debugSnapshot } from './debug-hook.js';
import type { DebugSources } from './debug-hook.js';
import { GameState } from '../game/game-state.js';
import {
  pelletRecord,
  playerRecord,
  projectileRecord,
} from '../../../protocol/src/testing/records.js';
import { testArenaSchema } from '../../../protocol/src/testing/test-schemas.js';

const camera = { x: 600, y: 400, zoom: 0.8, viewport: { widthPx: 1280, heightPx: 720 } };
const traffic = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0, snapshotsApplied: 0 };
const frames = {
  fps: 0,
  meanIntervalMs: 0,
  meanWorkMs: 0,
  maxWorkMs: 0,
  pooledViews: 0,
  createdViews: 0,
  peakViewsInUse: 0,
};

function sources(overrides: Partial<DebugSources>): DebugSources {
  return {
    status: 'connecting',
    playerId: null,
    view: null,
    rendered: [],
    frameAtMs: 0,
    camera,
    netcode: new GameState().figures(0),
    traffic,
    reconnects: 0,
    frames,
    ...overrides,
  };
}

describe('debugSnapshot', () => {
  it('is empty before the first snapshot', () => {
    expect(debugSnapshot(sources({}))).toMatchObject({
      status: 'connecting',
      playerId: null,
      tick: 0,
      entities: [],
      rendered: [],
      camera: { x: 600, y: 400, zoom: 0.8, viewportWidth: 1280, viewportHeight: 720 },
    });
  });

  it('lists entities in world units with their declared fields, by kind name', () => {
    const records: EntityRecord[] = [
      playerRecord(1, { x: 402, y: 8, vx: 4, hp: 1, name: 'A' }),
      pelletRecord(5, 4, 6),
      projectileRecord(9, { x: 40, y: 80, owner: 1, ticksLeft: 30 }),
    ];
    const replica = new Replica({ schema: testArenaSchema, worldWidth: 1000, worldHeight: 1000 });
    const view = replica.apply({
      tick: 42,
      baselineTick: 0,
      inputAck: 0,
      removed: [],
      entered: records,
      updated: [],
      checksum: null,
    });
    const snapshot = debugSnapshot(
      sources({
        status: 'connected',
        playerId: 1,
        view,
        rendered: [
          { id: 1, kind: 'player', x: 100, y: 2, isSelf: true, fields: records[0] ?? {} },
          { id: -1, kind: 'projectile', x: 7, y: 8, isSelf: false, fields: { owner: 1 } },
        ],
      }),
    );
    expect(snapshot.rendered).toEqual([
      { id: 1, kind: 'player', x: 100, y: 2, isSelf: true },
      { id: -1, kind: 'projectile', x: 7, y: 8, isSelf: false },
    ]);
    expect(snapshot.tick).toBe(42);
    expect(snapshot.playerId).toBe(1);
    expect(snapshot.entities).toEqual([
      { id: 1, kind: 'player', x: 100.5, y: 2, aim: 0, hp: 1, score: 0, name: 'A' },
      { id: 5, kind: 'pellet', x: 1, y: 1.5 },
      { id: 9, kind: 'projectile', x: 10, y: 20, owner: 1, ticksLeft: 30 },
    ]);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});
