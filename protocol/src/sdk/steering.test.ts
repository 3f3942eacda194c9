import { describe, expect, it } from 'vitest';
import { NO_DIRECTION } from '../sim/quantize.js';
import { Replica } from '../replica/replica.js';
import type { ViewState } from '../replica/replica.js';
import {
  fullSnapshot,
  pelletRecord,
  playerRecord,
  projectileRecord,
  welcomeRecord,
} from '../testing/records.js';
import { testArenaSchema } from '../testing/test-schemas.js';
import { directionTowards, distanceSquared, nearestOfKind, worldBounds } from './steering.js';

function viewOf(...records: Parameters<typeof fullSnapshot>[1]): ViewState {
  return new Replica({ schema: testArenaSchema, worldWidth: 1000, worldHeight: 1000 }).apply(
    fullSnapshot(1, records),
  );
}

describe('directionTowards', () => {
  it('gives wire angles with +y down, and NO_DIRECTION for the same point', () => {
    expect(directionTowards(100, 100, 200, 100)).toBe(0);
    expect(directionTowards(100, 100, 200, 200)).toBe(32);
    expect(directionTowards(100, 100, 100, 200)).toBe(64);
    expect(directionTowards(100, 100, 0, 100)).toBe(128);
    expect(directionTowards(100, 100, 100, 0)).toBe(192);
    expect(directionTowards(100, 100, 200, 99)).toBe(0);
    // atan2(-10, 100) is 4.06 steps above the +x axis (up): 256 - 4.
    expect(directionTowards(100, 100, 200, 90)).toBe(252);
    expect(directionTowards(5, 5, 5, 5)).toBe(NO_DIRECTION);
  });
});

describe('distanceSquared', () => {
  it('is the squared Euclidean distance', () => {
    expect(distanceSquared(0, 0, 3, 4)).toBe(25);
    expect(distanceSquared(3, 4, 0, 0)).toBe(25);
  });
});

describe('nearestOfKind', () => {
  const me = playerRecord(1, { x: 1000, y: 1000 });
  const view = viewOf(
    me,
    playerRecord(2, { x: 2000, y: 1000 }),
    playerRecord(3, { x: 1000, y: 1500 }),
    pelletRecord(10, 1200, 1200),
    pelletRecord(11, 900, 1000),
    projectileRecord(20, { x: 1000, y: 990, owner: 2 }),
    projectileRecord(21, { x: 3000, y: 3000, owner: 3 }),
  );

  it('finds the nearest other player, leaving the bot itself out', () => {
    expect(nearestOfKind(view, 'player', me)?.id).toBe(3);
    expect(nearestOfKind(view, 'player', { x: 1000, y: 1000 })?.id).toBe(1);
    expect(nearestOfKind(viewOf(me, pelletRecord(10, 0, 0)), 'player', me)).toBeNull();
  });

  it('finds the nearest pellet', () => {
    expect(nearestOfKind(view, 'pellet', me)).toEqual(pelletRecord(11, 900, 1000));
    expect(nearestOfKind(view, 'pellet', { x: 1300, y: 1300 })?.id).toBe(10);
    expect(nearestOfKind(viewOf(me), 'pellet', me)).toBeNull();
  });

  it('finds any kind the game declares, as a whole record', () => {
    expect(nearestOfKind(view, 'projectile', me)).toEqual(
      projectileRecord(20, { x: 1000, y: 990, owner: 2, ticksLeft: 36 }),
    );
    expect(nearestOfKind(view, 'projectile', { x: 2900, y: 2900 })?.id).toBe(21);
  });

  it('refuses a kind the game does not have, naming the ones it has', () => {
    expect(() => nearestOfKind(view, 'plyer', me)).toThrow(
      /arena has no kind plyer; it has player, pellet, projectile/,
    );
  });
});

describe('worldBounds', () => {
  it('turns the Welcome world size into wire units', () => {
    const bounds = worldBounds(welcomeRecord({ worldWidth: 1500, worldHeight: 1000 }));
    expect(bounds).toEqual({ maxX: 6000, maxY: 4000 });
  });
});
