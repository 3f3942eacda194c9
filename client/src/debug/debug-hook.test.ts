import { EntityKind, Replica } from '@tickwire/protocol';
import type { EntityRecord } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { debugSnapshot } from './debug-hook.js';

const camera = { x: 600, y: 400, zoom: 0.8, viewport: { widthPx: 1280, heightPx: 720 } };

describe('debugSnapshot', () => {
  it('is empty before the first snapshot', () => {
    expect(debugSnapshot('connecting', null, null, camera)).toEqual({
      status: 'connecting',
      playerId: null,
      tick: 0,
      entities: [],
      camera: { x: 600, y: 400, zoom: 0.8, viewportWidth: 1280, viewportHeight: 720 },
    });
  });

  it('lists entities in world units, names for players only', () => {
    const records: EntityRecord[] = [
      {
        kind: EntityKind.Player,
        id: 1,
        x: 402,
        y: 8,
        vx: 0,
        vy: 0,
        aim: 0,
        hp: 1,
        score: 0,
        name: 'A',
      },
      { kind: EntityKind.Pellet, id: 5, x: 4, y: 6 },
    ];
    const replica = new Replica({ worldWidth: 1000, worldHeight: 1000 });
    const view = replica.apply({
      tick: 42,
      baselineTick: 0,
      inputAck: 0,
      removed: [],
      entered: records,
      updated: [],
      checksum: null,
    });
    const snapshot = debugSnapshot('connected', 1, view, camera);
    expect(snapshot.tick).toBe(42);
    expect(snapshot.playerId).toBe(1);
    expect(snapshot.entities).toEqual([
      { id: 1, kind: EntityKind.Player, x: 100.5, y: 2, name: 'A' },
      { id: 5, kind: EntityKind.Pellet, x: 1, y: 1.5 },
    ]);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});
