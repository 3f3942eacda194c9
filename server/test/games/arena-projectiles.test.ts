import { describe, expect, it } from 'vitest';
import type { ArenaControls } from '../../../games/arena/shared.js';
import { arena } from '../../../games/arena/server.js';
import { FIRE } from '../../../games/arena/shared.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { ReplicaPeer, createTestRoom } from '../../src/room/test-support.js';
import type { Entity, World } from '../../src/sim/world.js';
import { bruteForceView } from '../../src/sync/sync-harness.js';
import { place, playerIn, projectilesIn } from './arena-support.js';

// The arena's shots on the engine, on the in-memory transport: what every client sees of a
// projectile from the moment it is fired until it hits, or its lifetime ends.

const HOLD = { moveDir: -1, aim: 0, buttons: 0 };
const FIRE_RIGHT: ArenaControls = { moveDir: -1, aim: 0, buttons: FIRE };

/**
 * Two players in the middle of a 2000 x 2000 world (no pellets, no edges within a shot's
 * range): the shooter at (4000, 4000) wire units, the other at `target`.
 */
function duel(target: { x: number; y: number }) {
  const { room } = createTestRoom(arena, {
    pelletCount: 0,
    checksums: true,
    worldWidth: 2000,
    worldHeight: 2000,
  });
  const shooter = new ReplicaPeer(room);
  const other = new ReplicaPeer(room);
  shooter.hello('shooter');
  other.hello('other');
  room.tick(1);
  shooter.read();
  other.read();
  const a = playerIn(room, shooter.playerId);
  const b = playerIn(room, other.playerId);
  place(a, 4000, 4000);
  place(b, target.x, target.y);
  let tick = 1;
  const constants = room.schema.constants;
  /**
   * Runs one tick: each client sends its controls (acknowledging its latest view) first, then
   * reads and applies what it was sent, and its replica must equal the world by brute force.
   */
  const step = (shooterControls: ArenaControls = HOLD) => {
    shooter.input(shooterControls);
    other.input(HOLD);
    room.tick(++tick);
    const [toShooter] = shooter.read();
    const [toOther] = other.read();
    if (!toShooter || !toOther) throw new Error(`no snapshot at tick ${tick}`);
    for (const [peer, self] of [
      [shooter, a],
      [other, b],
    ] as const) {
      const expected = bruteForceView(
        room.world as World,
        self as unknown as Entity,
        DEFAULT_CONFIG.viewWidth,
        DEFAULT_CONFIG.viewHeight,
        tick,
      );
      expect(new Map(peer.replica?.latest?.entities)).toEqual(expected);
    }
    return { tick, toShooter, toOther };
  };
  return { room, shooter, other, a, b, step, constants, now: () => tick };
}

describe('arena projectiles (in-memory transport)', () => {
  it('a shot enters every view near it with its owner and ticksLeft, and leaves silently when its time is up', () => {
    const { room, a, other, step, constants } = duel({ x: 4000, y: 4800 });
    step();
    const fired = step(FIRE_RIGHT);
    const [shot] = projectilesIn(room);
    if (!shot) throw new Error('no projectile');
    const lifetime = room.schema.kindByName.get('projectile')?.lifetimeTicks ?? 0;
    expect(lifetime).toBe(36);
    // Spawned at the shooter's edge along its aim, then moved once in the tick it was fired.
    const expected = {
      id: shot.id,
      kind: 'projectile',
      owner: a.id,
      ticksLeft: lifetime,
      x: 4000 + (constants.playerRadius as number) + (constants.projectileSpeed as number),
      y: 4000,
      vx: constants.projectileSpeed,
      vy: 0,
    };
    expect(fired.toOther.entered).toEqual([expected]);
    expect(other.entity(shot.id)).toEqual(expected);
    // It flies on, extrapolated by both sides: no update, until its last tick.
    const removedIds: number[] = [];
    for (let left = lifetime - 1; left >= 1; left--) {
      const { toOther, toShooter } = step();
      removedIds.push(...toOther.removed, ...toShooter.removed);
      expect(toOther.updated).toEqual([]);
      expect(other.entity(shot.id)?.ticksLeft).toBe(left);
    }
    // Its lifetime is over: it is gone from the world and from every replica, unannounced.
    const end = step();
    expect(end.tick).toBe(fired.tick + lifetime);
    expect(room.world.has(shot)).toBe(false);
    expect(other.entity(shot.id)).toBeUndefined();
    removedIds.push(...end.toOther.removed, ...end.toShooter.removed);
    expect(removedIds).toEqual([]);
  });

  it('a hit removes the shot (listed as removed), takes 25 hp from the target and scores 1 for the shooter', () => {
    const { room, a, b, shooter, other, step } = duel({ x: 4800, y: 4000 });
    step(FIRE_RIGHT);
    const [shot] = projectilesIn(room);
    if (!shot) throw new Error('no projectile');
    let hit = step();
    while (room.world.has(shot)) hit = step();
    // 800 wire units apart, 80 per tick, reach 80 + 24: it hits on its 7th tick.
    expect(hit.tick).toBe(9);
    expect(hit.toOther.removed).toEqual([shot.id]);
    expect(hit.toShooter.removed).toEqual([shot.id]);
    expect([b.hp, a.score]).toEqual([75, 1]);
    for (const peer of [shooter, other]) {
      expect(peer.entity(b.id)).toMatchObject({ hp: 75, x: 4800, y: 4000 });
      expect(peer.entity(a.id)).toMatchObject({ score: 1, hp: 100 });
    }
  });

  it('the fourth hit kills: the target respawns elsewhere with full hp, and the shooter scores 4 + 5', () => {
    const { room, a, b, other, step, constants } = duel({ x: 4800, y: 4000 });
    const hits: number[] = [];
    let last = 100;
    for (let i = 0; i < 60 && hits.length < 4; i++) {
      const flying = projectilesIn(room);
      const { toOther } = step(hits.length + flying.length < 4 ? FIRE_RIGHT : HOLD);
      if (b.hp !== last) {
        hits.push(b.hp);
        // The shot that hit is gone, and listed as removed.
        const gone = flying.filter((shot) => !room.world.has(shot)).map((shot) => shot.id);
        expect(gone).toHaveLength(1);
        expect(toOther.removed).toContain(gone[0]);
        last = b.hp;
      }
    }
    expect(hits).toEqual([75, 50, 25, 100]);
    expect(a.score).toBe(4 * 1 + 5);
    expect([b.x, b.y]).not.toEqual([4800, 4000]);
    expect(b.hp).toBe(constants.maxHp);
    // The target's own client sees itself where it respawned, with full hp.
    expect(other.entity(b.id)).toMatchObject({ hp: 100, x: b.x, y: b.y, vx: 0, vy: 0 });
  });

  it('holding fire shoots once per cooldown; a press within the cooldown shoots nothing', () => {
    const { room, step, constants, now } = duel({ x: 4000, y: 4800 });
    const cooldown = constants.fireCooldownTicks as number;
    expect(cooldown).toBe(8);
    const shotTicks: number[] = [];
    const seen = new Set<number>();
    const run = (controls: ArenaControls): void => {
      const { tick } = step(controls);
      for (const shot of projectilesIn(room)) {
        if (seen.has(shot.id)) continue;
        seen.add(shot.id);
        shotTicks.push(tick);
      }
    };
    // Held from tick 2 to 18: a shot every 8 ticks.
    while (now() < 18) run(FIRE_RIGHT);
    expect(shotTicks).toEqual([2, 10, 18]);
    // Released, pressed again 2 ticks after the last shot, released, then held again.
    run(HOLD);
    run(FIRE_RIGHT);
    expect(now()).toBe(20);
    run(HOLD);
    while (now() < 34) run(FIRE_RIGHT);
    expect(shotTicks).toEqual([2, 10, 18, 26, 34]);
  });

  it('a tap that went down and up between two Inputs of one tick still fires', () => {
    const { room, shooter, other, now } = duel({ x: 4000, y: 4800 });
    // Two Inputs reach the server before the next tick: the press, then the release. The tick
    // applies only the newest, but the press must not be lost.
    shooter.input(FIRE_RIGHT);
    shooter.input(HOLD);
    other.input(HOLD);
    room.tick(now() + 1);
    expect(projectilesIn(room)).toHaveLength(1);
    // The release itself is kept: the next tick fires nothing more.
    shooter.input(HOLD);
    other.input(HOLD);
    room.tick(now() + 2);
    expect(projectilesIn(room)).toHaveLength(1);
  });
});
