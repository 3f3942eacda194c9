import { describe, expect, it } from 'vitest';
import { NO_DIRECTION } from '../sim/quantize.js';
import { Replica } from '../replica/replica.js';
import type { ViewState } from '../replica/replica.js';
import { fullSnapshot, pelletRecord, playerRecord } from '../testing/records.js';
import {
  directionTowards,
  distanceSquared,
  nearestPellet,
  nearestPlayer,
  worldBounds,
} from './steering.js';

function viewOf(...records: Parameters<typeof fullSnapshot>[1]): ViewState {
  return new Replica({ worldWidth: 1000, worldHeight: 1000 }).apply(fullSnapshot(1, records));
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

describe('nearest', () => {
  const me = playerRecord(1, { x: 1000, y: 1000 });
  const view = viewOf(
    me,
    playerRecord(2, { x: 2000, y: 1000 }),
    playerRecord(3, { x: 1000, y: 1500 }),
    pelletRecord(10, 1200, 1200),
    pelletRecord(11, 900, 1000),
  );

  it('finds the nearest other player, leaving the bot itself out', () => {
    expect(nearestPlayer(view, me)?.id).toBe(3);
    expect(nearestPlayer(view, { x: 1000, y: 1000 })?.id).toBe(1);
    expect(nearestPlayer(viewOf(me, pelletRecord(10, 0, 0)), me)).toBeNull();
  });

  it('finds the nearest pellet', () => {
    expect(nearestPellet(view, me)).toEqual(pelletRecord(11, 900, 1000));
    expect(nearestPellet(view, { x: 1300, y: 1300 })?.id).toBe(10);
    expect(nearestPellet(viewOf(me), me)).toBeNull();
  });
});

describe('worldBounds', () => {
  it('turns the Welcome world size into wire units', () => {
    const bounds = worldBounds({
      protocolVersion: 1,
      playerId: 1,
      tickHz: 30,
      serverTick: 0,
      serverTimeMs: 0,
      worldWidth: 1500,
      worldHeight: 1000,
      viewWidth: 100,
      viewHeight: 100,
      playerSpeed: 27,
      resumeToken: 't',
    });
    expect(bounds).toEqual({ maxX: 6000, maxY: 4000 });
  });
});
