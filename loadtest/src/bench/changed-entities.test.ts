import { describe, expect, it } from 'vitest';
import { Replica, type EntityRecord } from '@tickwire/protocol';
import { countChangedEntities } from './changed-entities.js';

const player = (id: number, x: number, vx = 0): EntityRecord => ({
  kind: 0,
  id,
  x,
  y: 0,
  vx,
  vy: 0,
  aim: 0,
  hp: 100,
  score: 0,
  name: 'p',
});

describe('countChangedEntities', () => {
  it('counts entered, left and changed entities, and extrapolated movers as changed', () => {
    const r = new Replica({ worldWidth: 1000, worldHeight: 1000 });
    const first = r.apply({
      tick: 1,
      baselineTick: 0,
      inputAck: 0,
      removed: [],
      entered: [player(1, 10, 5), player(2, 10), player(3, 10)],
      updated: [],
      checksum: null,
    });
    expect(countChangedEntities(null, first.entities)).toBe(3);
    // 1 moves by extrapolation (no bytes), 2 leaves, 3 stays still, 4 enters, 3's score changes.
    const second = r.apply({
      tick: 2,
      baselineTick: 1,
      inputAck: 0,
      removed: [2],
      entered: [player(4, 0)],
      updated: [],
      checksum: null,
    });
    expect(countChangedEntities(first.entities, second.entities)).toBe(3);
    const third = r.apply({
      tick: 3,
      baselineTick: 2,
      inputAck: 0,
      removed: [],
      entered: [],
      updated: [{ id: 3, score: 1 }],
      checksum: null,
    });
    expect(countChangedEntities(second.entities, third.entities)).toBe(2);
  });
});
