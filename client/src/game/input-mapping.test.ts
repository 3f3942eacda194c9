import { NO_DIRECTION } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { aimTowards, isMoveKey, moveDirFromKeys } from './input-mapping.js';

describe('moveDirFromKeys', () => {
  it('stands still with no movement key held', () => {
    expect(moveDirFromKeys([])).toBe(NO_DIRECTION);
    expect(moveDirFromKeys(['Space', 'KeyQ'])).toBe(NO_DIRECTION);
  });

  it('maps WASD and the arrows to the four wire directions (+y down)', () => {
    expect(moveDirFromKeys(['KeyD'])).toBe(0);
    expect(moveDirFromKeys(['ArrowRight'])).toBe(0);
    expect(moveDirFromKeys(['KeyS'])).toBe(64);
    expect(moveDirFromKeys(['ArrowDown'])).toBe(64);
    expect(moveDirFromKeys(['KeyA'])).toBe(128);
    expect(moveDirFromKeys(['ArrowLeft'])).toBe(128);
    expect(moveDirFromKeys(['KeyW'])).toBe(192);
    expect(moveDirFromKeys(['ArrowUp'])).toBe(192);
  });

  it('combines two axes into a diagonal', () => {
    expect(moveDirFromKeys(['KeyD', 'KeyS'])).toBe(32);
    expect(moveDirFromKeys(['KeyA', 'ArrowUp'])).toBe(160);
    expect(moveDirFromKeys(['KeyW', 'KeyD'])).toBe(224);
  });

  it('counts two keys for the same direction once, and cancels opposite ones', () => {
    expect(moveDirFromKeys(['KeyW', 'ArrowUp', 'KeyD'])).toBe(224);
    expect(moveDirFromKeys(['KeyA', 'KeyD'])).toBe(NO_DIRECTION);
    expect(moveDirFromKeys(['KeyA', 'KeyD', 'KeyS'])).toBe(64);
  });

  it('knows which keys move', () => {
    expect(isMoveKey('KeyW')).toBe(true);
    expect(isMoveKey('ArrowLeft')).toBe(true);
    expect(isMoveKey('KeyE')).toBe(false);
  });
});

describe('aimTowards', () => {
  const player = { x: 640, y: 360 };

  it('measures the angle from the player to the mouse on screen, +y down', () => {
    expect(aimTowards(player, { x: 700, y: 360 }, 0)).toBe(0);
    expect(aimTowards(player, { x: 640, y: 500 }, 0)).toBe(64);
    expect(aimTowards(player, { x: 100, y: 360 }, 0)).toBe(128);
    expect(aimTowards(player, { x: 640, y: 0 }, 0)).toBe(192);
    expect(aimTowards(player, { x: 740, y: 460 }, 0)).toBe(32);
  });

  it('wraps just below a full turn to 0..255', () => {
    const aim = aimTowards(player, { x: 1000, y: 359 }, 0);
    expect(aim).toBeGreaterThanOrEqual(0);
    expect(aim).toBeLessThan(256);
    expect(aim === 0 || aim === 255).toBe(true);
  });

  it('keeps the previous aim with the mouse on the player', () => {
    expect(aimTowards(player, player, 77)).toBe(77);
  });
});
