import { ReplicaError } from '@tickwire/protocol';
import type { Snapshot, Welcome } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { GameState } from './game-state.js';
import {
  fullSnapshot,
  pelletRecord,
  playerRecord,
  welcomeRecord,
} from '../../../protocol/src/testing/records.js';
import { testMixedSchema } from '../../../protocol/src/testing/test-schemas.js';
import { inputState, testGame } from '../testing/test-game.js';
import type { TestSessionHooks } from '../testing/test-game.js';

// The test arena's player speed is 27 wire units per tick.
const welcome: Welcome = welcomeRecord({
  playerId: 1,
  serverTick: 10,
  serverTimeMs: 0,
  worldWidth: 4000,
  worldHeight: 3000,
  resumeToken: 't',
});
const viewport = { widthPx: 1280, heightPx: 720 };

function gameState(hooks: TestSessionHooks = {}): GameState {
  return new GameState(new Map([['arena', testGame(hooks)]]));
}

function snapshot(tick: number, selfX: number, otherX: number, selfVx = 0): Snapshot {
  return fullSnapshot(tick, [
    playerRecord(1, { x: selfX, y: 4000, vx: selfVx, aim: 64, name: 'me' }),
    playerRecord(2, { x: otherX, y: 4000, name: 'you' }),
    pelletRecord(3, 400, 800),
  ]);
}

describe('GameState', () => {
  it('draws nothing, centred on the origin at zoom 1, before Welcome', () => {
    const state = gameState();
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

  function synced(hooks: TestSessionHooks = {}): GameState {
    const state = gameState(hooks);
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
    expect(byId.get(1)).toMatchObject({ x: 2000, y: 1000, fields: { name: 'me' }, isSelf: true });
    expect(byId.get(2)).toMatchObject({
      x: 2100,
      y: 1000,
      fields: { name: 'you' },
      isSelf: false,
    });
    expect(byId.get(3)).toMatchObject({ kind: 'pellet', x: 100, y: 200 });
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
    // D held, the pointer straight below the player: aim 64 (down).
    const held = inputState({
      keysDown: new Set(['KeyD']),
      self: { x: 2000, y: 1000 },
      pointer: { x: 2000, y: 1100 },
    });
    expect(state.readControls(held, now)).toEqual({ moveDir: 0, aim: 64 });
    const after = state.frame(now, viewport).self;
    expect(after?.x).toBeGreaterThan(before?.x as number);
    expect(after?.fields.aim).toBe(64);
  });

  it('measures zero prediction error when the server moved the player as predicted', () => {
    const state = synced();
    state.applySnapshot(snapshot(11, 8000, 8400), arrival(11));
    // Sent at 11.5 ticks + 0 ms: server time 11.5 ticks, lead 10 ms: lands in tick 12's step.
    state.readControls(inputState({ keysDown: new Set(['KeyD']) }), 11.5 * TICK_MS);
    state.onInputSent({ seq: 1, ackTick: 11, controls: { moveDir: 0, aim: 0 } }, 11.5 * TICK_MS);
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

  it('predicts exactly and interpolates two send intervals back at 60 Hz ticks and 20 Hz sends', () => {
    // Tick k is due at k * 1000/60 ms and its snapshot, sent every third tick, arrives 10 ms later.
    const tickMs = 1000 / 60;
    const at = (tick: number): number => tick * tickMs + 10;
    const state = gameState();
    state.onWelcome({ ...welcome, tickHz: 60, serverTick: 9, serverTimeMs: 9 * tickMs }, at(9));
    for (let i = 0; i < 4; i++) {
      const sentAt = at(9) + i;
      state.onPong({ clientTimeMs: sentAt, serverTimeMs: sentAt + 10, serverTick: 9 }, sentAt + 20);
    }
    state.applySnapshot(snapshot(9, 8000, 8400), at(9));
    expect(state.figures(at(9))).toMatchObject({ tickHz: 60, sendHz: null });
    // Sent at 9.5 ticks: server time 9.5 ticks plus a 10 ms lead is tick 10.1: tick 11's step.
    state.readControls(inputState({ keysDown: new Set(['KeyD']) }), 9.5 * tickMs);
    state.onInputSent({ seq: 1, ackTick: 9, controls: { moveDir: 0, aim: 0 } }, 9.5 * tickMs);
    for (let tick = 12; tick <= 30; tick += 3) {
      const drawnBefore = state.frame(at(tick), viewport).self?.x;
      const x = 8000 + 27 * (tick - 10);
      const other = 8400 + 30 * (tick - 9);
      state.applySnapshot({ ...snapshot(tick, x, other, 27), inputAck: 1 }, at(tick));
      // Three ticks since the last snapshot, replayed from it: no error, no correction.
      expect(state.figures(at(tick)).predictionErrorLast).toBe(0);
      expect(state.frame(at(tick), viewport).self?.x).toBe(drawnBefore);
    }
    const figures = state.figures(at(30));
    expect(figures).toMatchObject({ predictionErrorMaxEver: 0, tickHz: 60, sendHz: 20 });
    expect(figures.interpolationDelayMs).toBeCloseTo(100, 6);
    // The other player is drawn 100 ms (6 ticks) behind the newest arrival, between two sends.
    const otherX = state.frame(at(30), viewport).entities.find((e) => e.id === 2)?.x;
    expect(otherX).toBeCloseTo((8400 + 30 * (24 - 9)) / 4, 6);
  });

  it('measures a late input as an error, and slides the own player instead of jumping', () => {
    const state = synced();
    state.applySnapshot(snapshot(11, 8000, 8400), arrival(11));
    state.readControls(inputState({ keysDown: new Set(['KeyD']) }), 11.5 * TICK_MS);
    state.onInputSent({ seq: 1, ackTick: 11, controls: { moveDir: 0, aim: 0 } }, 11.5 * TICK_MS);
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

  it('plays the game the schema names, with a fresh session per Welcome', () => {
    const state = gameState();
    state.onWelcome(welcome, 0);
    const first = state.session;
    expect(state.game?.name).toBe('arena');
    expect(first?.helpText).toBe('WASD moves, the pointer aims.');
    expect(state.context).toMatchObject({ playerId: 1, tickHz: 30, worldWidth: 4000 });
    state.onWelcome(welcome, 0);
    expect(state.session).not.toBe(first);
  });

  it('shows a game it has no module for, and holds every control at its default', () => {
    const state = gameState();
    const cursor = { id: 1, kind: 'cursor', x: 800, y: 400, label: 'me', color: 1, pressed: 0 };
    state.onWelcome({ ...welcome, schema: testMixedSchema }, 0);
    expect(state.game).toBeNull();
    expect(state.session?.helpText).toMatch(/no module for the game "mixed"/);
    expect(state.readControls(inputState({ keysDown: new Set(['KeyD']) }), 0)).toEqual({});
    state.applySnapshot(fullSnapshot(11, [{ ...cursor, owner: 1 }]), 0);
    const frame = state.frame(0, viewport);
    expect(frame.entities).toEqual([
      {
        id: 1,
        kind: 'cursor',
        x: 200,
        y: 100,
        isSelf: true,
        fields: { ...cursor, owner: 1 },
      },
    ]);
    expect(frame.self?.id).toBe(1);
  });

  it('only shows a game whose module cannot play the schema the server sent', () => {
    const refusing = {
      ...testGame(),
      start: () => {
        throw new Error('the schema has no constant playerSpeed');
      },
    };
    const state = new GameState(new Map([['arena', refusing]]));
    state.onWelcome(welcome, 0);
    expect(state.game).toBeNull();
    expect(state.session?.helpText).toBe(
      'This client\'s module for "arena" cannot play this server\'s version of it (the schema has no constant playerSpeed): it shows the game but cannot play it.',
    );
    expect(state.readControls(inputState({ keysDown: new Set(['KeyD']) }), 0)).toEqual({});
  });

  it('draws the own entity interpolated, and follows it, when the game predicts nothing', () => {
    const state = synced({ hasNoPrediction: true });
    for (let tick = 11; tick <= 14; tick++) {
      state.applySnapshot(snapshot(tick, 8000 + 40 * (tick - 11), 8400), arrival(tick));
    }
    // Render time: 2 ticks behind the transit, like every other entity (tick 12.5 here).
    const frame = state.frame(14.5 * TICK_MS + 10, viewport);
    expect(frame.self).toMatchObject({ id: 1, isSelf: true, x: (8000 + 40 * 1.5) / 4 });
    expect(frame.entities.filter((e) => e.id === 1)).toHaveLength(1);
    expect(frame.camera.x).toBe(frame.self?.x);
    expect(state.figures(arrival(14)).predictionSamples).toBe(0);
  });

  it('leaves what the game predicts to the game, and draws what it predicts in the present', () => {
    const presents: { tick: number; inputAck: number; selfX: number | null; pelletX: number }[] =
      [];
    const state = synced({
      isPredicted: (record) => record.kind === 'pellet',
      predict: (present) => {
        const pellet = present.view?.entities.get(3);
        presents.push({
          tick: present.tick,
          inputAck: present.inputAck,
          selfX: present.selfAt(Math.floor(present.tick))?.x ?? null,
          pelletX: pellet ? present.extrapolate(pellet, present.tick + 5).x : -1,
        });
        return [{ id: -1, kind: 'pellet', x: 5, y: 6, isSelf: false, fields: {} }];
      },
    });
    state.applySnapshot({ ...snapshot(11, 8000, 8400, 27), inputAck: 4 }, arrival(11));
    const frame = state.frame(12 * TICK_MS, viewport);
    expect(frame.entities.map((e) => e.id).sort()).toEqual([-1, 1, 2]);
    // Present: server time 12 ticks plus half the 20 ms round trip.
    const present = presents.at(-1);
    expect(present?.tick).toBeCloseTo(12 + 10 / TICK_MS, 9);
    expect(present?.inputAck).toBe(4);
    // The own player moves 27 a tick from 8000 at tick 11; pellets do not move.
    expect(present?.selfX).toBe(8000 + 27);
    expect(present?.pelletX).toBe(400);
  });

  it('tells the game the tick each Input takes effect in, and asks it what is urgent', () => {
    const sent: { seq: number; tick: number; moveDir: number | undefined }[] = [];
    const state = synced({
      onInputSent: (input, tick) =>
        sent.push({ seq: input.seq, tick, moveDir: input.controls['moveDir'] }),
    });
    state.applySnapshot(snapshot(11, 8000, 8400), arrival(11));
    // Sent at 11.5 ticks, 10 ms ahead: it reaches the server during tick 11, for tick 12's step.
    state.onInputSent({ seq: 1, ackTick: 11, controls: { moveDir: 0, aim: 0 } }, 11.5 * TICK_MS);
    expect(sent).toEqual([{ seq: 1, tick: 12, moveDir: 0 }]);
    expect(state.isUrgentChange({ moveDir: 0, aim: 0 }, { moveDir: 0, aim: 9 })).toBe(false);
    expect(state.isUrgentChange({ moveDir: 0, aim: 0 }, { moveDir: 64, aim: 0 })).toBe(true);
    // Before any game: every change is.
    expect(gameState().isUrgentChange({ aim: 0 }, { aim: 9 })).toBe(true);
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
    const state = gameState();
    state.onWelcome(welcome, 0);
    state.applySnapshot(snapshot(11, 8000, 8000), 0);
    state.frame(0, viewport);
    state.clear();
    const frame = state.frame(0, viewport);
    expect(frame.entities).toEqual([]);
    expect(frame.camera).toMatchObject({ x: 2000, y: 1000 });
  });
});
