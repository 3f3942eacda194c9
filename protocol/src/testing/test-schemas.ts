// Game schemas for the repository's tests (not part of the published package: the build excludes
// src/testing). protocol/ imports no game, so the tests declare their own here.
import { NO_DIRECTION } from '../sim/quantize.js';
import { defineGame } from '../schema/define.js';
import { angle8, flags, int, string, uint16, uint32, uint8 } from '../schema/field-types.js';
import { compileGame } from '../schema/to-wire.js';

/**
 * An arena-like game, declared like games/arena/shared.ts: its records, update masks and
 * checksums are byte for byte protocol v1's (players kind 0, pellets kind 1; groups motion 1,
 * aim 2, hp 4, score 8), plus projectiles (kind 2) with a lifetime and an owner.
 */
export const testArenaSpec = defineGame({
  name: 'arena',
  kinds: {
    player: {
      motion: 'linear',
      fields: {
        aim: { type: angle8(), sync: 'changes' },
        hp: { type: uint16(), sync: 'changes' },
        score: { type: uint32(), sync: 'changes' },
        name: { type: string(16), sync: 'constant' },
      },
    },
    pellet: { motion: 'static' },
    projectile: {
      motion: 'linear',
      lifetimeTicks: 36,
      fields: { owner: { type: uint16(), sync: 'constant' } },
    },
  },
  input: {
    moveDir: int(NO_DIRECTION, 255, NO_DIRECTION),
    aim: angle8(),
    buttons: flags(['fire']),
  },
  constants: ['playerSpeed', 'projectileSpeed', 'playerRadius', 'maxHp'],
});

export const testArenaConstants = {
  playerSpeed: 27,
  projectileSpeed: 80,
  playerRadius: 80,
  maxHp: 100,
} as const;

export const testArenaSchema = compileGame(testArenaSpec, testArenaConstants);

/**
 * Everything the arena does not have: a 'position' kind, strings and flags in update groups,
 * a group two kinds share with their fields in different record orders, a uint32 above int32,
 * a lifetime on a position kind, and input defaults both derived and explicit.
 */
export const testMixedSpec = defineGame({
  name: 'mixed',
  kinds: {
    cursor: {
      motion: 'position',
      fields: {
        label: { type: string(8), sync: 'changes', group: 'look' },
        color: { type: uint8(), sync: 'changes', group: 'look' },
        pressed: { type: flags(['left', 'right']), sync: 'changes' },
        owner: { type: uint16(), sync: 'constant' },
      },
    },
    rock: {
      motion: 'static',
      fields: {
        size: { type: int(1, 9), sync: 'constant' },
        title: { type: string(12), sync: 'constant' },
      },
    },
    beacon: {
      motion: 'position',
      lifetimeTicks: 5,
      fields: {
        color: { type: uint8(), sync: 'changes', group: 'look' },
        label: { type: string(8), sync: 'changes', group: 'look' },
        energy: { type: uint32(), sync: 'changes' },
      },
    },
    spark: {
      motion: 'linear',
      lifetimeTicks: 10,
      fields: { heat: { type: int(-50, 50), sync: 'changes' } },
    },
  },
  input: {
    dx: int(-1, 1),
    mode: int(3, 5),
    target: int(-1, 255, -1),
    keys: flags(['jump', 'duck', 'use']),
  },
  constants: ['cursorSpeed'],
});

export const testMixedSchema = compileGame(testMixedSpec, { cursorSpeed: 12 });
