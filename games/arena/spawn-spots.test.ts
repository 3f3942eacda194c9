import { describe, expect, it } from 'vitest';
import { POSITION_SCALE, cosQ14, sinQ14 } from '@tickwire/protocol';
import { DEFAULT_CONFIG, type ServerConfig } from '../../server/src/config.js';
import { createTestGame } from '../../server/src/room/test-support.js';
import { Rng } from '../../server/src/sim/rng.js';
import { arena } from './server.js';
import { FIRE, type ArenaPlayer } from './shared.js';
import { SpawnSpots, type SpawnRules } from './spawn-spots.js';

// Where the arena's players spawn and respawn, on the server's own World and logic (default
// settings: 4000 x 4000 world, 1600 x 1000 view, radius 20, seed 1).

const S = POSITION_SCALE;
const RADIUS = DEFAULT_CONFIG.playerRadius * S;
/** Half the area of interest: another player this near on both axes is in view. */
const VIEW_HALF_W = (DEFAULT_CONFIG.viewWidth / 2) * S;
const VIEW_HALF_H = (DEFAULT_CONFIG.viewHeight / 2) * S;
/** The gap every spawn keeps, and the one it keeps when anyone can. */
const MIN_GAP = 3 * RADIUS;
const PREFERRED_GAP = 8 * RADIUS;
/** A shot's reach: 600 units/s for 36 ticks at 30 Hz, plus a radius. */
const SHOT_REACH = (600 * 36) / 30 + DEFAULT_CONFIG.playerRadius;

function arenaGame(overrides: Partial<ServerConfig> = {}) {
  const game = createTestGame(arena, { pelletCount: 0, ...overrides });
  let tick = 0;
  return {
    world: game.world,
    /** Joins players at the current tick (one burst), then runs the tick. */
    joinBurst(count: number, name = 'p'): ArenaPlayer[] {
      tick++;
      const joined: ArenaPlayer[] = [];
      for (let i = 0; i < count; i++) {
        const player = game.logic.join(`${name}${i}`, tick);
        if (!player || player.kind !== 'player') throw new Error('join refused');
        joined.push(player);
      }
      game.step(tick);
      return joined;
    },
    /** Runs one tick in which `shooter` fires along its aim (and everyone else stands). */
    fire(shooter: ArenaPlayer): void {
      tick++;
      game.logic.applyInput(shooter, { moveDir: -1, aim: shooter.aim, buttons: FIRE }, tick);
      game.step(tick);
    },
  };
}

function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function isInView(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return Math.abs(a.x - b.x) <= VIEW_HALF_W && Math.abs(a.y - b.y) <= VIEW_HALF_H;
}

/** Whether `spot` is within 15 degrees of `p`'s aim and 300 units of it. */
function isInLineOfFire(p: ArenaPlayer, spot: { x: number; y: number }): boolean {
  const dx = spot.x - p.x;
  const dy = spot.y - p.y;
  const d = Math.hypot(dx, dy);
  if (d === 0 || d > 300 * S) return false;
  const cos = (dx * cosQ14(p.aim) + dy * sinQ14(p.aim)) / (1 << 14) / d;
  return cos >= Math.cos((15 * Math.PI) / 180);
}

/** Puts a standing player at (x, y) world units, as a test's teleport. */
function put(game: ReturnType<typeof arenaGame>, p: ArenaPlayer, x: number, y: number): void {
  p.x = x * S;
  p.y = y * S;
  game.world.markMoved();
}

describe('arena spawn spots', () => {
  it('spawns the second player of a fresh server (seed 1) in the first one’s view, a clear gap away', () => {
    const game = arenaGame();
    const [first] = game.joinBurst(1);
    const [second] = game.joinBurst(1);
    if (!first || !second) throw new Error('no players');
    expect(isInView(first, second)).toBe(true);
    // Well inside the view: on screen at once even where the client's zoom crops it.
    expect(Math.abs(first.x - second.x)).toBeLessThanOrEqual(0.35 * 2 * VIEW_HALF_W);
    expect(Math.abs(first.y - second.y)).toBeLessThanOrEqual(0.35 * 2 * VIEW_HALF_H);
    expect(distance(first, second)).toBeGreaterThanOrEqual(PREFERRED_GAP);
  });

  it('never spawns the second player in front of the first one’s aim (50 seeds, random aims)', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const game = arenaGame({ seed });
      const [first] = game.joinBurst(1);
      if (!first) throw new Error('no player');
      first.aim = (seed * 97) % 256;
      const [second] = game.joinBurst(1);
      if (!second) throw new Error('no player');
      expect(isInView(first, second), `seed ${seed}`).toBe(true);
      expect(isInLineOfFire(first, second), `seed ${seed}`).toBe(false);
      expect(distance(first, second), `seed ${seed}`).toBeGreaterThanOrEqual(PREFERRED_GAP);
    }
  });

  it('gives each of the first 30 players someone in view, none nearer than the preferred gap', () => {
    const game = arenaGame();
    const players: ArenaPlayer[] = [];
    for (let i = 0; i < 30; i++) {
      const [p] = game.joinBurst(1);
      if (!p) throw new Error('no player');
      if (players.length > 0) {
        expect(players.some((q) => isInView(p, q))).toBe(true);
        const nearest = Math.min(...players.map((q) => distance(p, q)));
        expect(nearest).toBeGreaterThanOrEqual(PREFERRED_GAP);
      }
      players.push(p);
    }
  });

  it('spreads 1000 players joining in bursts of 250 over the world, none on top of another', () => {
    const game = arenaGame();
    const players: ArenaPlayer[] = [];
    for (let burst = 0; burst < 4; burst++) players.push(...game.joinBurst(250));
    let nearestPair = Infinity;
    for (let i = 0; i < players.length; i++) {
      for (let j = i + 1; j < players.length; j++) {
        nearestPair = Math.min(
          nearestPair,
          distance(players[i] as ArenaPlayer, players[j] as ArenaPlayer),
        );
      }
    }
    expect(nearestPair).toBeGreaterThanOrEqual(MIN_GAP);
    // 16 cells of 1000 x 1000 units: 62.5 players each if uniform. Anchoring every join to an
    // earlier player would pile them around the first one and leave far cells empty.
    const cells = new Array<number>(16).fill(0);
    for (const p of players) {
      const column = Math.min(3, Math.floor(p.x / (1000 * S)));
      const row = Math.min(3, Math.floor(p.y / (1000 * S)));
      cells[row * 4 + column] = (cells[row * 4 + column] as number) + 1;
    }
    expect(Math.min(...cells)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...cells)).toBeLessThanOrEqual(90);
  });

  it('does not re-pack the world grid for each join of a burst', () => {
    const game = arenaGame();
    for (let burst = 0; burst < 4; burst++) game.joinBurst(500);
    const world = game.world;
    const dynamicGrid = world.dynamicGrid.bind(world);
    let packs = 0;
    world.dynamicGrid = () => {
      packs++;
      return dynamicGrid();
    };
    game.joinBurst(500);
    // One per phase, then one per 64 joins placed since: about 10, not 500.
    expect(packs).toBeLessThanOrEqual(12);
  });

  it('is deterministic per seed', () => {
    const spots = (seed: number) =>
      arenaGame({ seed })
        .joinBurst(40)
        .map((p) => [p.x, p.y]);
    expect(spots(1)).toEqual(spots(1));
    expect(spots(2)).not.toEqual(spots(1));
  });

  it('respawns a killed player near someone else, out of its killer’s reach', () => {
    const game = arenaGame();
    const [killer, victim, bystander] = game.joinBurst(3);
    if (!killer || !victim || !bystander) throw new Error('no players');
    put(game, killer, 1000, 1000);
    put(game, victim, 1200, 1000);
    put(game, bystander, 3000, 3000);
    killer.aim = 0;
    const before = { x: victim.x, y: victim.y };
    for (let i = 0; i < 200 && victim.x === before.x && victim.y === before.y; i++) {
      game.fire(killer);
    }
    expect(victim.x !== before.x || victim.y !== before.y).toBe(true);
    expect(victim.hp).toBe(100);
    expect(isInView(victim, bystander)).toBe(true);
    expect(distance(victim, killer)).toBeGreaterThanOrEqual(SHOT_REACH * S);
    expect(distance(victim, bystander)).toBeGreaterThanOrEqual(PREFERRED_GAP);
  });

  it('respawns a killed player in a duel in its killer’s view, but not in front of its aim', () => {
    const game = arenaGame();
    const [killer, victim] = game.joinBurst(2);
    if (!killer || !victim) throw new Error('no players');
    put(game, killer, 2000, 2000);
    put(game, victim, 2200, 2000);
    killer.aim = 0;
    const before = { x: victim.x, y: victim.y };
    for (let i = 0; i < 200 && victim.x === before.x && victim.y === before.y; i++) {
      game.fire(killer);
    }
    expect(victim.x !== before.x || victim.y !== before.y).toBe(true);
    expect(isInView(victim, killer)).toBe(true);
    expect(isInLineOfFire(killer, victim)).toBe(false);
    expect(distance(victim, killer)).toBeGreaterThanOrEqual(PREFERRED_GAP);
  });

  it('spawns the only player anywhere', () => {
    const xs = [1, 2, 3, 4].map((seed) => arenaGame({ seed }).joinBurst(1)[0]?.x);
    expect(new Set(xs).size).toBe(4);
  });
});

describe('SpawnSpots', () => {
  /** The arena's rules at the default settings (wire units). */
  const ARENA_RULES: SpawnRules = {
    companyHalfWidth: 0.35 * DEFAULT_CONFIG.viewWidth * S,
    companyHalfHeight: 0.35 * DEFAULT_CONFIG.viewHeight * S,
    minGap: MIN_GAP,
    preferredGap: PREFERRED_GAP,
    killerClearance: SHOT_REACH * S,
    aimConeCos: Math.cos((15 * Math.PI) / 180),
    aimRange: 300 * S,
    edgeMargin: RADIUS,
  };

  /** Spots on an empty arena world, and a way to put players in it (positions in world units). */
  function spotsOn(seed: number, rules: SpawnRules) {
    const { world } = createTestGame(arena, { pelletCount: 0 });
    const spots = new SpawnSpots(world, new Rng(seed), rules);
    return {
      world,
      spots,
      /** A player joining at (x, y) at `tick`, as told to the spots. */
      place(x: number, y: number, tick: number): ArenaPlayer {
        const player = world.spawn(
          'player',
          { x: x * S, y: y * S, vx: 0, vy: 0, aim: 0, hp: 100, score: 0, name: 'p' },
          tick,
        );
        if (!player) throw new Error('no entity id free');
        spots.add(player);
        return player;
      },
    };
  }

  function isInCompany(
    spot: { x: number; y: number },
    p: { x: number; y: number },
    rules: SpawnRules,
  ): boolean {
    return (
      Math.abs(spot.x - p.x) <= rules.companyHalfWidth &&
      Math.abs(spot.y - p.y) <= rules.companyHalfHeight
    );
  }

  it('counts a player who left as no one, even later in the tick it was placed in (20 seeds)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { world, spots, place } = spotsOn(seed, ARENA_RULES);
      const stayer = place(500, 500, 1);
      // Tick 2's joins: one far from the other (wherever it was put), which leaves at once (its
      // socket closed, or it was evicted for a newcomer), then the newcomer.
      spots.forJoin(2);
      const leaver = place(3500, 3500, 2);
      spots.remove(leaver);
      world.remove(leaver, 2);
      const spot = spots.forJoin(2);
      expect(isInCompany(spot, stayer, ARENA_RULES), `seed ${seed}`).toBe(true);
    }
  });

  it('respawns a killed player in company of someone other than its killer (20 seeds)', () => {
    // A company box that reaches past the killer's shots (a wide view): a spot beside the killer
    // can be out of its reach, yet the killer is no company.
    const rules = { ...ARENA_RULES, companyHalfWidth: 1100 * S, companyHalfHeight: 1100 * S };
    for (let seed = 1; seed <= 20; seed++) {
      const { spots, place } = spotsOn(seed, rules);
      const killer = place(800, 800, 1);
      const other = place(3200, 3200, 1);
      const victim = place(1000, 800, 1);
      spots.respawn(victim, killer, 2);
      expect(isInCompany(victim, other, rules), `seed ${seed}`).toBe(true);
      expect(distance(victim, killer), `seed ${seed}`).toBeGreaterThanOrEqual(SHOT_REACH * S);
    }
  });
});
