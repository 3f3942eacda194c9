import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NO_DIRECTION, directionTowards } from '@tickwire/protocol';
import { arena } from '../../../games/arena/server.js';
import { FIRE, type ArenaSpec } from '../../../games/arena/shared.js';
import type { World } from '../../src/sim/world.js';
import {
  applyMoveOp,
  checkSync,
  nudgeOp,
  teleportOp,
  type MoveOp,
  type SyncPlug,
  type WorldOpContext,
} from '../../src/sync/sync-harness.js';

// The sync property (server/src/sync/sync-harness.ts) on the arena: players move, aim and fire
// at each other (projectiles with a lifetime, hits, kills and respawns), eat pellets that
// respawn elsewhere, passive score ticks up; the run also teleports players, brings them close
// together, and moves pellets around the views' edges.

type WorldOp =
  | MoveOp
  /** Puts a client's player near another's: shots at close range hit. */
  | { kind: 'close'; client: number; other: number; dx: number; dy: number }
  /** A pellet goes and another appears near a client (inside, across or outside its view). */
  | { kind: 'pellet'; client: number; dx: number; dy: number; gone: number }
  /** One hit from dying: the next hit kills and respawns it. */
  | { kind: 'weaken'; client: number };

const worldOp: fc.Arbitrary<WorldOp> = fc.oneof(
  teleportOp,
  nudgeOp,
  fc.record({
    kind: fc.constant('close' as const),
    client: fc.nat(),
    other: fc.nat(),
    dx: fc.integer({ min: -600, max: 600 }),
    dy: fc.integer({ min: -600, max: 600 }),
  }),
  fc.record({
    kind: fc.constant('pellet' as const),
    client: fc.nat(),
    // Up to ~1.5 views (wire units): inside the view, on its edge bands, or outside.
    dx: fc.integer({ min: -2400, max: 2400 }),
    dy: fc.integer({ min: -1800, max: 1800 }),
    gone: fc.nat(),
  }),
  fc.record({ kind: fc.constant('weaken' as const), client: fc.nat() }),
);

function applyWorldOp(op: WorldOp, { world, tick, playerOf }: WorldOpContext<ArenaSpec>): void {
  const player = playerOf(op.client);
  if (player?.kind !== 'player') return;
  switch (op.kind) {
    case 'teleport':
    case 'nudge':
      applyMoveOp(op, player, world);
      return;
    case 'close': {
      const other = playerOf(op.other);
      if (!other || other === player) return;
      player.x = world.clampX(other.x + op.dx);
      player.y = world.clampY(other.y + op.dy);
      return;
    }
    case 'pellet': {
      const pellets = [...world.all('pellet')];
      const gone = pellets[op.gone % Math.max(1, pellets.length)];
      if (gone) world.remove(gone, tick);
      world.spawn('pellet', { x: player.x + op.dx, y: player.y + op.dy }, tick);
      return;
    }
    case 'weaken':
      player.hp = Math.min(player.hp, 25);
      return;
  }
}

interface Intent {
  moveDir: number;
  aim: number;
  /** Aim at another client's player instead of `aim`. */
  aimAt: number | null;
  fire: boolean;
}

const intent: fc.Arbitrary<Intent> = fc.record({
  moveDir: fc.oneof(fc.constant(NO_DIRECTION), fc.integer({ min: 0, max: 255 })),
  aim: fc.integer({ min: 0, max: 255 }),
  aimAt: fc.option(fc.nat(), { nil: null, freq: 2 }),
  fire: fc.boolean(),
});

/** The arena plugged into the sync check, with kills counted, for a world and view size. */
function arenaPlug(view: { viewWidth: number; viewHeight: number }) {
  const counts = { kills: 0 };
  const hp = new Map<number, number>();
  const plug: SyncPlug<ArenaSpec, Intent, WorldOp> = {
    game: arena,
    config: {
      // A shot flies 720 units.
      worldWidth: 1600,
      worldHeight: 1200,
      ...view,
      pelletCount: 150,
      eatPellets: true,
      scoreEveryMs: 500,
    },
    intent,
    controlsFor: (i, { self, playerOf }) => {
      let aim = i.aim;
      const target = i.aimAt === null ? null : playerOf(i.aimAt);
      if (target && target !== self) {
        const d = directionTowards(self.x, self.y, target.x, target.y);
        if (d !== NO_DIRECTION) aim = d;
      }
      return { moveDir: i.moveDir, aim, buttons: i.fire ? FIRE : 0 };
    },
    worldOp,
    applyWorldOp,
    observe: (world: World<ArenaSpec>) => {
      for (const player of world.all('player')) {
        // A kill respawns the player with full hp: its hp goes up from 25 or less.
        if (player.hp === 100 && (hp.get(player.id) ?? 100) <= 25) counts.kills++;
        hp.set(player.id, player.hp);
      }
    },
  };
  return { plug, counts };
}

describe('delta snapshots against acknowledged baselines (property, the arena)', () => {
  it('views much smaller than the world: after every applied snapshot, the replica equals the world by brute force', () => {
    const { plug, counts } = arenaPlug({ viewWidth: 400, viewHeight: 300 });
    const stats = checkSync(plug, { numRuns: 100 });
    // What the runs covered (about 9,000 snapshots in 100 runs).
    expect(stats.snapshotsApplied).toBeGreaterThan(5000);
    expect(stats.deltaSnapshots).toBeGreaterThan(stats.fullSnapshots);
    expect(stats.lateReads).toBeGreaterThan(0);
    expect(stats.resumes).toBeGreaterThan(0);
    for (const kind of ['player', 'pellet', 'projectile']) {
      expect(stats.enteredByKind[kind], kind).toBeGreaterThan(0);
      expect(stats.removedByKind[kind], kind).toBeGreaterThan(0);
    }
    for (const group of ['motion', 'aim', 'hp', 'score']) {
      expect(stats.updatesByGroup[group], group).toBeGreaterThan(0);
    }
    expect(counts.kills).toBeGreaterThan(0);
  });

  it('views as large as the world: every shot is seen to its end, hit or unannounced', () => {
    const { plug, counts } = arenaPlug({ viewWidth: 1600, viewHeight: 1200 });
    const stats = checkSync(plug, { numRuns: 60 });
    expect(stats.snapshotsApplied).toBeGreaterThan(3000);
    expect(stats.removedByKind.projectile).toBeGreaterThan(50);
    // Shots whose time ran out left every view unannounced; nothing else did.
    expect(stats.expiredSilentlyByKind.projectile).toBeGreaterThan(50);
    expect(Object.keys(stats.expiredSilentlyByKind)).toEqual(['projectile']);
    expect(stats.updatesByGroup.hp).toBeGreaterThan(0);
    expect(counts.kills).toBeGreaterThan(0);
  });
});
