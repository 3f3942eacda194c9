import { NO_DIRECTION, Replica, compileGame, speedPerTick } from '@tickwire/protocol';
import type { EntityRecord, Motion, ViewState } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import type {
  GameSession,
  Present,
  RenderEntity,
  TouchPadState,
  TouchStickState,
} from '../../client/src/game/game-module.js';
import { STICK_AT_REST } from '../../client/src/ui/touch-stick.js';
import { inputState } from '../../client/src/testing/test-game.js';
import {
  fullSnapshot,
  playerRecord,
  projectileRecord,
} from '../../protocol/src/testing/records.js';
import { ArenaSession } from './client-session.js';
import { FIRE, arenaSpec, projectileSpawn } from './shared.js';

// The arena in play without a browser: its controls, and the prediction of its own shots.

const TICK_HZ = 30;
const constants = {
  playerSpeed: speedPerTick(200, TICK_HZ),
  projectileSpeed: speedPerTick(600, TICK_HZ),
  playerRadius: 20 * 4,
  projectileRadius: 6 * 4,
  fireCooldownTicks: 8,
  maxHp: 100,
};
const schema = compileGame(arenaSpec, constants);
const SELF = 3;
const WORLD = { width: 1000, height: 800 };
const SELF_AT: Motion = { x: 2000, y: 1600, vx: 0, vy: 0 };

function start(): GameSession {
  return new ArenaSession({
    schema,
    playerId: SELF,
    tickHz: TICK_HZ,
    worldWidth: WORLD.width,
    worldHeight: WORLD.height,
  });
}

/**
 * The present at fractional tick `tick`, the own player standing at SELF_AT; `inputAck`: the
 * newest Input the server had applied by `view`.
 */
function presentAt(
  tick: number,
  view: ViewState | null = null,
  nowMs = tick * 100,
  inputAck = 0,
): Present {
  return {
    nowMs,
    tick,
    view,
    inputAck,
    selfAt: () => ({ ...SELF_AT }),
    extrapolate: (record, at) => {
      const ticks = at - (view?.tick ?? at);
      return {
        x: Number(record['x']) + Number(record['vx']) * ticks,
        y: Number(record['y']) + Number(record['vy']) * ticks,
      };
    },
  };
}

function viewAt(tick: number, entered: EntityRecord[]): ViewState {
  const replica = new Replica({ schema, worldWidth: WORLD.width, worldHeight: WORLD.height });
  return replica.apply(fullSnapshot(tick, entered));
}

/** Where the server has a shot fired at `aim` in `tick` at (fractional) tick `at`. */
function serverShotAt(aim: number, tick: number, at: number): { x: number; y: number } {
  const s = projectileSpawn({ ...SELF_AT, aim }, constants);
  return { x: (s.x + s.vx * (at - tick + 1)) / 4, y: (s.y + s.vy * (at - tick + 1)) / 4 };
}

/** A stick or button held down, pushed towards `angle` (snapped: `direction`). */
function pushed(presses: number, angle: number, direction: number): TouchStickState {
  return { isHeld: true, presses, push: angle === NO_DIRECTION ? 0 : 1, angle, direction };
}

function pad(stick: TouchStickState, button: TouchStickState): TouchPadState {
  return { isShown: true, stick, button };
}

const shots = (drawn: readonly RenderEntity[]): RenderEntity[] =>
  drawn.filter((e) => e.kind === 'projectile');

/** Reports an Input `seq` carrying fire at `aim`, for the step of `tick`, sent half a tick before. */
function sendFire(session: GameSession, seq: number, tick: number, aim = 0): void {
  const input = { seq, ackTick: 0, controls: { moveDir: -1, aim, buttons: FIRE } };
  session.onInputSent?.(input, tick, presentAt(tick - 0.5));
}

describe('the arena client session', () => {
  it('maps keys to movement, the pointer to the aim, and a held button or Space to fire', () => {
    const session = start();
    const self = { x: 500, y: 400 };
    expect(session.controls(inputState({ self }), presentAt(10))).toEqual({
      moveDir: NO_DIRECTION,
      aim: 0,
      buttons: 0,
    });
    const held = inputState({
      self,
      keysDown: new Set(['KeyW', 'KeyD']),
      pointer: { x: 500, y: 500 },
      mouseButtons: 1,
    });
    expect(session.controls(held, presentAt(10))).toEqual({ moveDir: 224, aim: 64, buttons: FIRE });
    const space = inputState({ self, keysDown: new Set(['Space']) });
    expect(session.controls(space, presentAt(10))).toMatchObject({ buttons: FIRE, aim: 64 });
  });

  it('on the touch controls: the stick moves and aims, the button fires, dragged it aims', () => {
    const session = start();
    const self = { x: 500, y: 400 };
    const up = pushed(1, 192, 192);
    const moving = inputState({ self, touchPad: pad(up, STICK_AT_REST) });
    expect(session.controls(moving, presentAt(10))).toEqual({ moveDir: 192, aim: 192, buttons: 0 });
    // The stick back in its dead zone: the player stops and keeps its aim.
    const resting = inputState({
      self,
      touchPad: pad(pushed(1, NO_DIRECTION, NO_DIRECTION), STICK_AT_REST),
    });
    expect(session.controls(resting, presentAt(10))).toEqual({
      moveDir: NO_DIRECTION,
      aim: 192,
      buttons: 0,
    });
    // The button held: fire along the stick; dragged down-left, it aims there while moving up.
    const firing = inputState({ self, touchPad: pad(up, pushed(1, NO_DIRECTION, NO_DIRECTION)) });
    expect(session.controls(firing, presentAt(10))).toEqual({
      moveDir: 192,
      aim: 192,
      buttons: FIRE,
    });
    const aimingBack = inputState({ self, touchPad: pad(up, pushed(2, 93, 96)) });
    expect(session.controls(aimingBack, presentAt(10))).toEqual({
      moveDir: 192,
      aim: 93,
      buttons: FIRE,
    });
  });

  it('fires at a finger on the game, ignores a stale mouse, and lets keys move by the pad', () => {
    const session = start();
    const self = { x: 500, y: 400 };
    const touched = inputState({
      self,
      touches: [{ x: 500, y: 300 }],
      touchPad: pad(STICK_AT_REST, STICK_AT_REST),
    });
    expect(session.controls(touched, presentAt(10))).toEqual({
      moveDir: NO_DIRECTION,
      aim: 192,
      buttons: FIRE,
    });
    const staleMouse = inputState({
      self,
      pointer: { x: 600, y: 400 },
      keysDown: new Set(['KeyS']),
      touchPad: pad(STICK_AT_REST, STICK_AT_REST),
    });
    expect(session.controls(staleMouse, presentAt(10))).toEqual({
      moveDir: 64,
      aim: 192,
      buttons: 0,
    });
    // The pad hidden (a desktop): the mouse aims.
    const desktop = inputState({
      self,
      pointer: { x: 600, y: 400 },
      touchPad: { ...pad(STICK_AT_REST, STICK_AT_REST), isShown: false },
    });
    expect(session.controls(desktop, presentAt(10))).toMatchObject({ aim: 0 });
  });

  it('keeps a tap on the fire button that went down and up between two reads', () => {
    const session = start();
    const self = { x: 500, y: 400 };
    expect(
      session.controls(
        inputState({ self, touchPad: pad(STICK_AT_REST, STICK_AT_REST) }),
        presentAt(10),
      ),
    ).toMatchObject({ buttons: 0 });
    const tapped = inputState({
      self,
      touchPad: pad(STICK_AT_REST, { ...STICK_AT_REST, presses: 1 }),
    });
    expect(session.controls(tapped, presentAt(10))).toMatchObject({ buttons: FIRE });
  });

  it('keeps a tap that went down and up between two reads until an Input carried it', () => {
    const session = start();
    let presses = 0;
    const tapped = (): ReturnType<typeof inputState> =>
      inputState({ pressCount: (source) => (source === 'Mouse0' ? presses : 0) });
    expect(session.controls(tapped(), presentAt(10.2)).buttons).toBe(0);
    presses = 1;
    expect(session.controls(tapped(), presentAt(10.3)).buttons).toBe(FIRE);
    expect(session.controls(tapped(), presentAt(10.4)).buttons).toBe(FIRE);
    // An Input carried it, for tick 11: fire stays in Inputs tagged for that tick (a release
    // tagged the same would replace it on the server), and no longer.
    sendFire(session, 1, 11);
    expect(session.controls(tapped(), presentAt(10.9)).buttons).toBe(FIRE);
    expect(session.controls(tapped(), presentAt(11.0)).buttons).toBe(0);
  });

  it('draws an own shot the moment its Input goes out, where the server will spawn it', () => {
    const session = start();
    sendFire(session, 1, 11, 32);
    const drawn = shots(session.predict?.(presentAt(10.5)) ?? []);
    expect(drawn).toHaveLength(1);
    const expected = serverShotAt(32, 11, 10.5);
    expect(drawn[0]).toMatchObject({ kind: 'projectile', isSelf: false, fields: { owner: SELF } });
    expect(drawn[0]?.id).toBeLessThan(0);
    expect(drawn[0]?.x).toBeCloseTo(expected.x, 9);
    expect(drawn[0]?.y).toBeCloseTo(expected.y, 9);
    // It moves with the server's integer motion.
    const later = shots(session.predict?.(presentAt(14)) ?? [])[0];
    expect(later?.x).toBeCloseTo(serverShotAt(32, 11, 14).x, 9);
  });

  it('honours the fire cooldown, as the server does', () => {
    const session = start();
    sendFire(session, 1, 11);
    sendFire(session, 2, 13);
    sendFire(session, 3, 18);
    expect(shots(session.predict?.(presentAt(18.5)) ?? [])).toHaveLength(1);
    sendFire(session, 4, 19);
    expect(shots(session.predict?.(presentAt(19.5)) ?? [])).toHaveLength(2);
  });

  it('restarts the cooldown when the own player respawns, as the server does', () => {
    const session = start();
    session.predict?.(presentAt(21, viewAt(20, [playerRecord(SELF, { hp: 25 })])));
    session.predict?.(presentAt(22, viewAt(21, [playerRecord(SELF, { hp: 100 })])));
    sendFire(session, 1, 28);
    expect(shots(session.predict?.(presentAt(28.5)) ?? [])).toEqual([]);
    sendFire(session, 2, 29);
    expect(shots(session.predict?.(presentAt(29.5)) ?? [])).toHaveLength(1);
  });

  it('draws a pressed shot before the connection sends it, and moves it to the tick it went in', () => {
    const session = start();
    let presses = 0;
    const tapped = (): ReturnType<typeof inputState> =>
      inputState({ pressCount: (source) => (source === 'Mouse0' ? presses : 0) });
    session.controls(tapped(), presentAt(10.9));
    presses = 1;
    session.controls(tapped(), presentAt(10.95));
    // The frame right after the press: drawn for tick 11 already.
    const early = shots(session.predict?.(presentAt(10.95, null, 1000)) ?? []);
    expect(early).toHaveLength(1);
    expect(early[0]?.x).toBeCloseTo(serverShotAt(0, 11, 10.95).x, 9);
    // The Input went out a little later, into tick 12: the same shot moves there, gliding.
    const input = { seq: 1, ackTick: 0, controls: { moveDir: -1, aim: 0, buttons: FIRE } };
    session.onInputSent?.(input, 12, presentAt(11.05, null, 1010));
    const moved = shots(session.predict?.(presentAt(11.05, null, 1010)) ?? []);
    expect(moved.map((e) => e.id)).toEqual(early.map((e) => e.id));
    expect(moved[0]?.x).toBeCloseTo(serverShotAt(0, 11, 11.05).x, 9);
    const settled = shots(session.predict?.(presentAt(12, null, 3000)) ?? []);
    expect(settled[0]?.x).toBeCloseTo(serverShotAt(0, 12, 12).x, 6);
  });

  it("hands its shot over to the server's once the server applied its Input, without a jump", () => {
    const session = start();
    sendFire(session, 5, 11);
    // The server applied Input 5 later than the clock estimate said: its shot spawned in tick 17.
    // (Matching goes by the Input, not the tick: the estimate may be off by many ticks.)
    const spawn = projectileSpawn({ ...SELF_AT, aim: 0 }, constants);
    const record = projectileRecord(40, {
      x: spawn.x + spawn.vx * (18 - 17 + 1),
      y: spawn.y,
      vx: spawn.vx,
      vy: spawn.vy,
      owner: SELF,
      ticksLeft: 36 - (18 - 17),
    });
    // A view that does not yet cover Input 5 leaves the local shot alone.
    const self = playerRecord(SELF, { x: SELF_AT.x, y: SELF_AT.y });
    const before = shots(session.predict?.(presentAt(24, viewAt(16, [self]), 2400, 4)) ?? []);
    expect(before.map((e) => e.id)).toEqual([-1]);
    const localDrawn = before[0];
    const next = viewAt(18, [self, record]);
    expect(session.isPredicted?.(next.entities.get(40) as EntityRecord)).toBe(true);
    expect(session.isPredicted?.(next.entities.get(SELF) as EntityRecord)).toBe(false);
    const handedOver = shots(session.predict?.(presentAt(24, next, 2400, 5)) ?? []);
    expect(handedOver.map((e) => e.id)).toEqual([40]);
    expect(handedOver[0]?.x).toBeCloseTo(localDrawn?.x ?? NaN, 9);
    // Then it glides onto the server's shot, drawn at the present, never faster than half a
    // shot's speed (here 6 ticks of motion, 120 units, take 0.4 s at 300 units/s).
    const after100Ms = shots(session.predict?.(presentAt(27, next, 2500, 5)) ?? []);
    expect(after100Ms[0]?.x).toBeCloseTo(serverShotAt(0, 17, 27).x + 120 - 30, 6);
    const settled = shots(session.predict?.(presentAt(30, next, 4000, 5)) ?? []);
    expect(settled[0]?.x).toBeCloseTo(serverShotAt(0, 17, 30).x, 6);
    // It leaves at the world's edge (x = 4000 wire units, 24 ticks out), as the server removes
    // it there, and when its lifetime is over.
    expect(shots(session.predict?.(presentAt(17 + 22, next, 5000, 5)) ?? [])).toHaveLength(1);
    expect(shots(session.predict?.(presentAt(17 + 24, next, 5000, 5)) ?? [])).toEqual([]);
    expect(shots(session.predict?.(presentAt(17 + 36, next, 9000, 5)) ?? [])).toEqual([]);
  });

  it('drops a shot the server applied the Input of but never fired, and leaves others’ shots alone', () => {
    const session = start();
    sendFire(session, 7, 11);
    const other = projectileRecord(41, { owner: 9, ticksLeft: 30 });
    const early = viewAt(13, [playerRecord(SELF), other]);
    expect(session.isPredicted?.(early.entities.get(41) as EntityRecord)).toBe(false);
    expect(shots(session.predict?.(presentAt(15, early, 1500, 6)) ?? [])).toHaveLength(1);
    const late = viewAt(14, [playerRecord(SELF), other]);
    expect(shots(session.predict?.(presentAt(16, late, 1600, 7)) ?? [])).toEqual([]);
  });

  it('shows hp and score on the HUD', () => {
    const session = start();
    expect(session.hudText(null)).toBe('');
    expect(session.hudText(playerRecord(SELF, { hp: 75, score: 6 }))).toBe('hp 75 / 100 · score 6');
    expect(session.helpText).toMatch(/Space fires/);
    expect(session.touchHelpText).toMatch(/Left thumb: move and aim · right button: fire/);
    // The goal comes first, on every device.
    for (const text of [session.helpText, session.touchHelpText]) {
      expect(text).toMatch(/^Eat the yellow pellets and shoot the others to top the leaderboard\./);
    }
    expect(session.touchHelpText).not.toMatch(/WASD|mouse/);
  });
});
