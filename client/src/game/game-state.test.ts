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

function snapshot(tick: number, selfX: number, otherX: number, selfVx = 0): Snapshot {
  return fullSnapshot(tick, [
    playerRecord(1, { x: selfX, y: 4000, vx: selfVx, aim: 64, name: 'me' }),
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

  // A timeline where the server clock equals the client clock, every frame takes 10 ms each way,
  // and tick k is due at k * 1000/30 ms: snapshot k arrives at k * 33.3 + 10.
  const TICK_MS = 1000 / 30;
  const arrival = (tick: number): number => tick * TICK_MS + 10;

  function synced(): GameState {
    const state = new GameState();
    state.onWelcome({ ...welcome, serverTimeMs: 10 * TICK_MS }, arrival(10));
    for (let i = 0; i < 4; i++) {
      const sentAt = arrival(10) + i;
      state.onPong(
        { clientTimeMs: sentAt, serverTimeMs: sentAt + 10, serverTick: 10 },
        sentAt + 20,
      );
    }
    return state;
  }

  it('turns the view into world units, marking the own player and following it', () => {
    const state = synced();
    state.applySnapshot(snapshot(11, 8000, 8400), arrival(11));
    const frame = state.frame(arrival(11) + 200, viewport);
    expect(state.ackTick).toBe(11);
    expect(frame.world).toEqual({ width: 4000, height: 3000 });
    const byId = new Map(frame.entities.map((e) => [e.id, e]));
    expect(byId.get(1)).toMatchObject({ x: 2000, y: 1000, name: 'me', isSelf: true });
    expect(byId.get(2)).toMatchObject({ x: 2100, y: 1000, name: 'you', isSelf: false });
    expect(byId.get(3)).toMatchObject({ kind: EntityKind.Pellet, x: 100, y: 200 });
    expect(frame.self?.id).toBe(1);
    expect(frame.camera).toMatchObject({ x: 2000, y: 1000, zoom: 0.8 });
  });

  it('draws other entities between the snapshots around server time minus the delay', () => {
    const state = synced();
    for (let tick = 11; tick <= 20; tick++) {
      state.applySnapshot(snapshot(tick, 8000, 8000 + 40 * (tick - 11)), arrival(tick));
    }
    // On-time snapshots: no jitter, so two intervals.
    expect(state.figures(arrival(20)).interpolationDelayMs).toBeCloseTo(2 * TICK_MS, 6);
    const otherAt = (nowMs: number): number | undefined =>
      state.frame(nowMs, viewport).entities.find((e) => e.id === 2)?.x;
    // At client time t the render time is t minus the 10 ms transit minus 2 ticks: halfway
    // between ticks 19 and 20 at t = 21.5 ticks + 10 ms. World x = (8000 + 40 * 8.5) / 4.
    expect(otherAt(21.5 * TICK_MS + 10)).toBeCloseTo((8000 + 40 * 8.5) / 4, 6);
    // Frame after frame the other player moves steadily: no jump bigger than its speed allows.
    let previous = otherAt(21.5 * TICK_MS + 10) as number;
    for (let t = 21.5 * TICK_MS + 10; t < 24 * TICK_MS; t += 1000 / 60) {
      const x = otherAt(t) as number;
      expect(Math.abs(x - previous)).toBeLessThanOrEqual(10 / 2 + 1e-9);
      previous = x;
    }
  });

  it('moves the own player on the frame a key goes down, before any Input is sent', () => {
    const state = synced();
    state.applySnapshot(snapshot(11, 8000, 8400), arrival(11));
    const now = 12.5 * TICK_MS;
    const before = state.frame(now, viewport).self;
    state.setControls({ moveDir: 0, aim: 64 });
    const after = state.frame(now, viewport).self;
    expect(after?.x).toBeGreaterThan(before?.x as number);
    expect(after?.aimRadians).toBeCloseTo(Math.PI / 2, 10);
  });

  it('measures zero prediction error when the server moved the player as predicted', () => {
    const state = synced();
    state.applySnapshot(snapshot(11, 8000, 8400), arrival(11));
    // Sent at 11.5 ticks + 0 ms: server time 11.5 ticks, lead 10 ms: lands in tick 12's step.
    state.setControls({ moveDir: 0, aim: 0 });
    state.onInputSent({ seq: 1, ackTick: 11, moveDir: 0, aim: 0, buttons: 0 }, 11.5 * TICK_MS);
    for (let tick = 12; tick <= 16; tick++) {
      const x = 8000 + 27 * (tick - 11);
      state.applySnapshot({ ...snapshot(tick, x, 8400, 27), inputAck: 1 }, arrival(tick));
      expect(state.figures(arrival(tick)).predictionErrorLast).toBe(0);
    }
    expect(state.figures(arrival(16))).toMatchObject({
      predictionErrorMaxEver: 0,
      predictionSamples: 5,
      snapshotsPerSecond: 6,
    });
  });

  it('measures a late input as an error, and slides the own player instead of jumping', () => {
    const state = synced();
    state.applySnapshot(snapshot(11, 8000, 8400), arrival(11));
    state.setControls({ moveDir: 0, aim: 0 });
    state.onInputSent({ seq: 1, ackTick: 11, moveDir: 0, aim: 0, buttons: 0 }, 11.5 * TICK_MS);
    // The input reached the server a tick late: at tick 12 the player had not moved yet.
    const drawnBefore = state.frame(arrival(12), viewport).self?.x as number;
    state.applySnapshot(snapshot(12, 8000, 8400), arrival(12));
    expect(state.figures(arrival(12)).predictionErrorLast).toBeCloseTo(27 / 4, 10);
    const drawnAfter = state.frame(arrival(12), viewport).self?.x as number;
    expect(drawnAfter).toBeCloseTo(drawnBefore, 6);
    // The replay moved it from tick 13 on; the next snapshot agrees with that exactly.
    state.applySnapshot({ ...snapshot(13, 8000 + 27, 8400, 27), inputAck: 1 }, arrival(13));
    expect(state.figures(arrival(13)).predictionErrorLast).toBe(0);
    // Later the correction is worked off: the player is drawn on the corrected prediction.
    const settled = state.frame(arrival(13) + 500, viewport).self?.x as number;
    const present = (arrival(13) + 500 + 10) / TICK_MS;
    expect(settled).toBeCloseTo((8000 + 27 * (present - 12)) / 4, 1);
  });

  it('keeps its state when a snapshot cannot be applied', () => {
    const state = synced();
    state.applySnapshot(snapshot(11, 8000, 8000), 0);
    const delta: Snapshot = { ...snapshot(13, 0, 0), baselineTick: 12, entered: [] };
    expect(() => state.applySnapshot(delta, 10)).toThrow(ReplicaError);
    expect(state.ackTick).toBe(11);
    expect(state.frame(10, viewport).entities).toHaveLength(3);
  });

  it('keeps showing the last view after its baselines are reset, and acks 0', () => {
    const state = synced();
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
