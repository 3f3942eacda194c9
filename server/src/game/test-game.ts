// Test support (only tests import it): a small game that uses every feature of a declaration,
// for the engine's own tests. Engine code, tests included, imports no game from games/ (lint
// holds it to that); tests of the engine running the real games live in server/test/games/.
import {
  angle8,
  defineGame,
  flags,
  int,
  steer,
  string,
  uint16,
  uint32,
  uint8,
  velocityFor,
  type ConstantsOf,
  type EntityOf,
  type InputOf,
} from '@tickwire/protocol';
import { Rng } from '../sim/rng.js';
import type { World } from '../sim/world.js';
import { defineServerGame, type GameContext, type GameLogic } from './game.js';

export const testSpec = defineGame({
  name: 'engine-test',
  kinds: {
    /** What a client controls: linear motion, a changing string, two fields sharing a group. */
    ship: {
      motion: 'linear',
      fields: {
        name: { type: string(16), sync: 'constant' },
        hp: { type: uint8(), sync: 'changes', group: 'stats' },
        score: { type: uint32(), sync: 'changes', group: 'stats' },
        heading: { type: angle8(), sync: 'changes' },
        label: { type: string(8), sync: 'changes' },
      },
    },
    /** Static, with a constant field of its own. */
    rock: { motion: 'static', fields: { size: { type: uint8(), sync: 'constant' } } },
    /** Linear with a lifetime. */
    bolt: {
      motion: 'linear',
      lifetimeTicks: 12,
      fields: { owner: { type: uint16(), sync: 'constant' } },
    },
    /** Moved by position updates, with a lifetime and a signed field. */
    beacon: {
      motion: 'position',
      lifetimeTicks: 20,
      fields: { level: { type: int(-5, 5), sync: 'changes' } },
    },
  },
  input: {
    moveDir: int(-1, 255, -1),
    heading: angle8(),
    buttons: flags(['fire', 'drop']),
  },
  constants: ['speed', 'boltSpeed'],
});

export type TestSpec = typeof testSpec;
export type TestShip = EntityOf<TestSpec, 'ship'>;
export type TestControls = InputOf<TestSpec>;
export const FIRE = 1;
export const DROP = 2;
/** How near a bolt must come to a ship to hit it, in wire units (on both axes). */
const HIT_REACH = 80;

/** The test game's logic; it places `config.pelletCount` rocks at start. */
export class TestLogic implements GameLogic<TestSpec> {
  readonly #world: World<TestSpec>;
  readonly #c: ConstantsOf<TestSpec>;
  readonly #rng: Rng;

  constructor({ world, settings, constants }: GameContext<TestSpec>) {
    this.#world = world;
    this.#c = constants;
    this.#rng = new Rng(settings.seed);
    for (let i = 0; i < settings.config.pelletCount; i++) this.spawnRock(0);
  }

  spawnRock(tick: number, at?: { x: number; y: number }): void {
    const w = this.#world;
    const x = at ? at.x : this.#rng.int(w.maxX + 1);
    const y = at ? at.y : this.#rng.int(w.maxY + 1);
    w.spawn('rock', { x, y, size: 1 + this.#rng.int(9) }, tick);
  }

  join(name: string, tick: number): TestShip | null {
    const w = this.#world;
    const x = this.#rng.int(w.maxX + 1);
    const y = this.#rng.int(w.maxY + 1);
    return w.spawn(
      'ship',
      { x, y, vx: 0, vy: 0, name, hp: 100, score: 0, heading: 0, label: '' },
      tick,
    );
  }

  leave(ship: TestShip, tick: number): void {
    this.#world.remove(ship, tick);
  }

  applyInput(ship: TestShip, controls: Readonly<TestControls>, tick: number): void {
    steer(ship, controls.moveDir, this.#c.speed);
    ship.heading = controls.heading;
    if ((controls.buttons & FIRE) !== 0) {
      const { vx, vy } = velocityFor(ship.heading, this.#c.boltSpeed);
      this.#world.spawn('bolt', { x: ship.x, y: ship.y, vx, vy, owner: ship.id }, tick);
    }
    if ((controls.buttons & DROP) !== 0) {
      this.#world.spawn('beacon', { x: ship.x, y: ship.y, level: 0 }, tick);
    }
  }

  step(tick: number): void {
    // Beacons drift right by their level every tick: position updates, not velocities.
    for (const beacon of this.#world.all('beacon')) {
      if (beacon.level !== 0) beacon.x = this.#world.clampX(beacon.x + beacon.level * 8);
    }
    // Bolts that reach an edge are removed (listed as removed, unlike those whose time is up);
    // one that reaches a ship other than its owner's takes 1 hp.
    const { maxX, maxY } = this.#world;
    for (const bolt of this.#world.all('bolt')) {
      if (bolt.x === 0 || bolt.y === 0 || bolt.x === maxX || bolt.y === maxY) {
        this.#world.remove(bolt, tick);
        continue;
      }
      const hit = this.#world
        .near('ship', bolt.x, bolt.y, HIT_REACH)
        .find((ship) => ship.id !== bolt.owner);
      if (!hit) continue;
      this.#world.remove(bolt, tick);
      hit.hp = Math.max(0, hit.hp - 1);
    }
  }
}

/** The engine's test game. Its logic is a TestLogic: tests may call spawnRock to place rocks. */
export const testGame = defineServerGame({
  spec: testSpec,
  constants: ({ tickHz }) => ({
    speed: Math.round(800 / tickHz),
    boltSpeed: Math.round(2400 / tickHz),
  }),
  create: (context) => new TestLogic(context),
});
