// The game schemas the vectors are written against. The arena's is its real declaration
// (games/arena/shared.ts) with the constants a default server sends; "sketch" is a small test
// game declared here to reach what the arena does not use: a 'position' kind, a string field
// that changes, a group of two fields shared by nothing else, a group shared by two kinds, a
// position kind with a lifetime, a static kind with declared fields, and quarter and int inputs
// whose default is not 0. "tiny" is the smallest schema there is.
//
// The vectors are tools, not the protocol package: they may import games/ by relative path.
import {
  compileGame,
  packFrame,
  defineGame,
  flags,
  int,
  quarter,
  string,
  uint16,
  uint8,
  type CompiledSchema,
} from '@tickwire/protocol';
import { arenaSpec, type ArenaConstants } from '../../games/arena/shared.js';

/**
 * The arena's constants on a default server (30 Hz, players 200 u/s with radius 20, projectiles
 * 600 u/s with radius 6): the values a recorded session's Welcome carries too.
 */
export const ARENA_CONSTANTS: ArenaConstants = {
  playerSpeed: 27,
  projectileSpeed: 80,
  playerRadius: 80,
  projectileRadius: 24,
  fireCooldownTicks: 8,
  maxHp: 100,
};

export const sketchSpec = defineGame({
  name: 'sketch',
  kinds: {
    /** A player's pointer: a position, no velocity. */
    cursor: {
      motion: 'position',
      fields: {
        label: { type: string(12), sync: 'changes' },
        color: { type: int(0, 0xff_ffff), sync: 'constant' },
        pressed: { type: flags(['down', 'shift']), sync: 'changes', group: 'state' },
        energy: { type: int(-100, 100), sync: 'changes', group: 'state' },
      },
    },
    beacon: {
      motion: 'static',
      fields: {
        radius: { type: uint16(), sync: 'constant' },
        title: { type: string(8), sync: 'constant' },
      },
    },
    spark: {
      motion: 'linear',
      lifetimeTicks: 10,
      fields: { heat: { type: uint8(), sync: 'changes' } },
    },
    /** A note pinned to the canvas for 300 ticks; shares the `label` group with cursors. */
    marker: {
      motion: 'position',
      lifetimeTicks: 300,
      fields: { label: { type: string(12), sync: 'changes' } },
    },
  },
  input: {
    pointerX: quarter(0, 16000),
    pointerY: quarter(0, 16000),
    /** 1..5: 0 is out of range, so the default is the minimum. */
    tool: int(1, 5),
    keys: flags(['down', 'shift', 'undo']),
  },
  constants: ['brushSize', 'maxSparks'],
});

export const tinySpec = defineGame({
  name: 't',
  kinds: { dot: { motion: 'static' } },
  input: {},
});

export const arenaSchema = compileGame(arenaSpec, ARENA_CONSTANTS);
export const sketchSchema = compileGame(sketchSpec, { brushSize: 12, maxSparks: -1 });
export const tinySchema = compileGame(tinySpec);

export type SchemaName = 'arena' | 'sketch' | 'tiny';

export const schemas: Readonly<Record<SchemaName, CompiledSchema>> = {
  arena: arenaSchema,
  sketch: sketchSchema,
  tiny: tinySchema,
};

export const schemaDescriptions: Readonly<Record<SchemaName, string>> = {
  arena:
    "The arena's schema (games/arena/shared.ts) with the constants of a default server: players " +
    '(linear; aim, hp, score in groups of their own; a constant name), pellets (static) and ' +
    'projectiles (linear, 36-tick lifetime, a constant owner). Groups: motion 0, aim 1, hp 2, ' +
    'score 3. Input: moveDir, aim, buttons (flag fire).',
  sketch:
    'A test game: cursors (position; a string label in group label; pressed and energy together ' +
    'in group state; a constant color), beacons (static, with a radius and a string title), ' +
    'sparks (linear, 10-tick lifetime, heat) and markers (position, 300-tick lifetime, sharing ' +
    'group label with cursors). Groups: position 0, label 1, state 2, motion 3, heat 4. Input: ' +
    'pointerX, pointerY (quarter units), tool 1..5 (default 1), keys (3 flags). Constant ' +
    'maxSparks is negative.',
  tiny:
    'The smallest schema: one static kind with only x and y, no groups, no input fields, no ' +
    'constants. Updates are impossible under it; an Input is [2, seq, ackTick].',
};

/** FNV-1a, 32 bits: written here again, so the vectors check the package's fingerprint. */
export function fnv1a32(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

/** The msgpack bytes of one value (a one-element fixarray's header is the single byte 0x91). */
export function packValueBytes(value: unknown): Uint8Array {
  return packFrame([value]).subarray(1);
}

/**
 * Welcome.schemaFingerprint of a schema value: FNV-1a 32 over its msgpack bytes (PROTOCOL.md
 * 4.1), computed here without the package's own function.
 */
export function fingerprintOf(schema: unknown): number {
  return fnv1a32(packValueBytes(schema));
}
