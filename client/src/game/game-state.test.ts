import { EntityKind, PROTOCOL_VERSION, ReplicaError } from '@tickwire/protocol';
import type { Snapshot, Welcome } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { GameState } from './game-state.js';
import { fullSnapshot, pelletRecord, playerRecord } from '../../../protocol/src/testing/records.js';

const welcome: Welcome = {
  protocolVersion: PROTOCOL_VERSION,
  playerId: 1,
  tickHz: 30,
  serverTick: 10,
  serverTimeMs: 0,
  worldWidth: 4000,
  worldHeight: 3000,
  viewWidth: 1600,
  viewHeight: 1000,
  playerSpeed: 27,
  resumeToken: 't',
};
const viewport = { widthPx: 1280, heightPx: 720 };

function snapshot(tick: number, selfX: number, otherX: number): Snapshot {
  return fullSnapshot(tick, [
    playerRecord(1, { x: selfX, y: 4000, aim: 64, name: 'me' }),
    playerRecord(2, { x: otherX, y: 4000, name: 'you' }),
    pelletRecord(3, 400, 800),
  ]);
}

describe('GameState', () => {
  it('draws nothing, centred on the origin at zoom 1, before Welcome', () => {
    const state = new GameState();
    const frame = state.frame(0, viewport);
    expect(frame.entities).toEqual([]);
    expect(frame.world).toBeNull();
    expect(frame.camera).toMatchObject({ x: 0, y: 0, zoom: 1 });
    expect(state.ackTick).toBe(0);
    expect(state.playerId).toBeNull();
  });

  it('turns the latest view into world units, marking the own player', () => {
    const state = new GameState();
    state.onWelcome(welcome, 0);
    state.applySnapshot(snapshot(11, 8000, 8400), 100);
    const frame = state.frame(100, viewport);
    expect(state.ackTick).toBe(11);
    expect(frame.world).toEqual({ width: 4000, height: 3000 });
    expect(frame.entities).toEqual([
      {
        id: 1,
        kind: EntityKind.Player,
        x: 2000,
        y: 1000,
        name: 'me',
        aimRadians: Math.PI / 2,
        isSelf: true,
      },
      {
        id: 2,
        kind: EntityKind.Player,
        x: 2100,
        y: 1000,
        name: 'you',
        aimRadians: 0,
        isSelf: false,
      },
      { id: 3, kind: EntityKind.Pellet, x: 100, y: 200, name: '', aimRadians: 0, isSelf: false },
    ]);
    expect(frame.self?.id).toBe(1);
    expect(frame.camera).toMatchObject({ x: 2000, y: 1000, zoom: 0.8 });
  });

  it('moves entities from the previous snapshot to the latest over one snapshot interval', () => {
    const state = new GameState();
    state.onWelcome(welcome, 0);
    state.applySnapshot(snapshot(11, 8000, 8000), 1000);
    state.applySnapshot(snapshot(12, 8000, 8400), 1040);
    const otherAt = (nowMs: number): number | undefined =>
      state.frame(nowMs, viewport).entities.find((e) => e.id === 2)?.x;
    expect(otherAt(1040)).toBe(2000);
    expect(otherAt(1040 + 1000 / 60)).toBeCloseTo(2050);
    expect(otherAt(1040 + 1000 / 30)).toBeCloseTo(2100);
    expect(otherAt(5000)).toBe(2100);
  });

  it('keeps its state when a snapshot cannot be applied', () => {
    const state = new GameState();
    state.onWelcome(welcome, 0);
    state.applySnapshot(snapshot(11, 8000, 8000), 0);
    const delta: Snapshot = { ...snapshot(13, 0, 0), baselineTick: 12, entered: [] };
    expect(() => state.applySnapshot(delta, 10)).toThrow(ReplicaError);
    expect(state.ackTick).toBe(11);
    expect(state.frame(10, viewport).entities).toHaveLength(3);
  });

  it('keeps showing the last view after its baselines are reset, and acks 0', () => {
    const state = new GameState();
    state.onWelcome(welcome, 0);
    state.applySnapshot(snapshot(11, 8000, 8000), 0);
    state.resetReplica();
    expect(state.ackTick).toBe(0);
    expect(state.frame(0, viewport).entities).toHaveLength(3);
    state.applySnapshot(snapshot(20, 8000, 8000), 0);
    expect(state.ackTick).toBe(20);
  });

  it('forgets the room on clear but keeps the camera still', () => {
    const state = new GameState();
    state.onWelcome(welcome, 0);
    state.applySnapshot(snapshot(11, 8000, 8000), 0);
    state.frame(0, viewport);
    state.clear();
    const frame = state.frame(0, viewport);
    expect(frame.entities).toEqual([]);
    expect(frame.camera).toMatchObject({ x: 2000, y: 1000 });
  });
});
