import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_WIRE_POSITION, distanceSquared, type Controls } from '@tickwire/protocol';
import type { World } from '../../server/src/sim/world.js';
import {
  checkSync,
  type ControlsContext,
  type SyncPlug,
  type WorldOpContext,
} from '../../server/src/sync/sync-harness.js';
import { stars } from './server.js';
import { CLICK, GLIDE, type StarsSpec } from './shared.js';

// The sync property (server/src/sync/sync-harness.ts: random joins, leaves, drops and resumes,
// dropped and late acks, stalls, resyncs) on the stars game: cursors glide to targets anywhere
// (across view edges, outside the world, onto other cursors), click (collected stars are removed
// and respawn elsewhere, sparks with a lifetime appear), and the run teleports cursors and moves
// stars around the views' edges. After every applied snapshot the replica must equal the world
// by brute force, and every checksum must verify.

/** Where a client's cursor glides to. */
type Target =
  /** A point of the world, as fractions of its size. */
  | { kind: 'at'; fx: number; fy: number }
  /** Relative to the cursor (wire units): within, across or beyond its view. */
  | { kind: 'by'; dx: number; dy: number }
  /** Onto another client's cursor. */
  | { kind: 'chase'; other: number }
  /** Onto the nearest star (clicks there collect it). */
  | { kind: 'star' }
  /** Far outside the world: clamped to its corner. */
  | { kind: 'beyond' };

interface Intent {
  /** null: no glide (the cursor stays where it is). */
  target: Target | null;
  /** Click: not at all, held down, or down and up on alternate inputs (a press every 2 ticks). */
  click: 'none' | 'hold' | 'tap';
}

const target: fc.Arbitrary<Target> = fc.oneof(
  fc.record({
    kind: fc.constant('at' as const),
    fx: fc.double({ min: 0, max: 1, noNaN: true }),
    fy: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('by' as const),
    // Views are 1600 x 1200 wire units: up to a view and a half away on each axis.
    dx: fc.integer({ min: -2400, max: 2400 }),
    dy: fc.integer({ min: -1800, max: 1800 }),
  }),
  fc.record({ kind: fc.constant('chase' as const), other: fc.nat() }),
  fc.constant({ kind: 'star' as const }),
  fc.constant({ kind: 'beyond' as const }),
);

const intent: fc.Arbitrary<Intent> = fc.record({
  target: fc.option(target, { nil: null, freq: 4 }),
  click: fc.constantFrom('none' as const, 'hold' as const, 'tap' as const),
});

type WorldOp =
  | { kind: 'teleport'; client: number; fx: number; fy: number }
  /** A cursor jumps next to another's: both click at the same stars. */
  | { kind: 'close'; client: number; other: number; dx: number; dy: number }
  /** A star goes and another appears near a client (inside, across or outside its view). */
  | { kind: 'star'; client: number; dx: number; dy: number; gone: number; points: number };

const worldOp: fc.Arbitrary<WorldOp> = fc.oneof(
  fc.record({
    kind: fc.constant('teleport' as const),
    client: fc.nat(),
    fx: fc.double({ min: 0, max: 1, noNaN: true }),
    fy: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('close' as const),
    client: fc.nat(),
    other: fc.nat(),
    dx: fc.integer({ min: -300, max: 300 }),
    dy: fc.integer({ min: -300, max: 300 }),
  }),
  fc.record({
    kind: fc.constant('star' as const),
    client: fc.nat(),
    dx: fc.integer({ min: -2400, max: 2400 }),
    dy: fc.integer({ min: -1800, max: 1800 }),
    gone: fc.nat(),
    points: fc.integer({ min: 1, max: 3 }),
  }),
);

function applyWorldOp(op: WorldOp, { world, tick, playerOf }: WorldOpContext<StarsSpec>): void {
  const cursor = playerOf(op.client);
  if (cursor?.kind !== 'cursor') return;
  switch (op.kind) {
    case 'teleport':
      // Written directly, as game code does (the cursor then glides back to its target).
      cursor.x = Math.round(op.fx * world.maxX);
      cursor.y = Math.round(op.fy * world.maxY);
      return;
    case 'close': {
      const other = playerOf(op.other);
      if (!other || other === cursor) return;
      cursor.x = world.clampX(other.x + op.dx);
      cursor.y = world.clampY(other.y + op.dy);
      return;
    }
    case 'star': {
      const all = [...world.all('star')];
      const gone = all[op.gone % Math.max(1, all.length)];
      if (gone) world.remove(gone, tick);
      world.spawn('star', { x: cursor.x + op.dx, y: cursor.y + op.dy, points: op.points }, tick);
      return;
    }
  }
}

/** The stars game plugged into the sync check, with collects counted, for a view size. */
function starsPlug(view: { viewWidth: number; viewHeight: number }) {
  const counts = { collects: 0, misses: 0 };
  /** Whether each cursor's click was down at its last input (for taps), by id. */
  const wasDown = new Map<number, boolean>();
  const targetOf = (t: Target, { world, self, playerOf }: ControlsContext<StarsSpec>) => {
    switch (t.kind) {
      case 'at':
        return { x: Math.round(t.fx * world.maxX), y: Math.round(t.fy * world.maxY) };
      case 'by':
        return { x: world.clampX(self.x + t.dx), y: world.clampY(self.y + t.dy) };
      case 'chase': {
        const other = playerOf(t.other) ?? self;
        return { x: other.x, y: other.y };
      }
      case 'star': {
        let best = { x: self.x, y: self.y };
        let bestDistance = Infinity;
        for (const star of world.all('star')) {
          const d = distanceSquared(self.x, self.y, star.x, star.y);
          if (d < bestDistance) [best, bestDistance] = [{ x: star.x, y: star.y }, d];
        }
        return best;
      }
      case 'beyond':
        return { x: MAX_WIRE_POSITION, y: MAX_WIRE_POSITION };
    }
  };
  const plug: SyncPlug<StarsSpec, Intent, WorldOp> = {
    game: stars,
    config: { worldWidth: 900, worldHeight: 700, ...view },
    intent,
    controlsFor: (i, context): Controls => {
      const { self } = context;
      const isDown = i.click === 'hold' || (i.click === 'tap' && !wasDown.get(self.id));
      wasDown.set(self.id, isDown);
      const to = i.target === null ? null : targetOf(i.target, context);
      return {
        targetX: to?.x ?? 0,
        targetY: to?.y ?? 0,
        buttons: (to === null ? 0 : GLIDE) | (isDown ? CLICK : 0),
      };
    },
    worldOp,
    applyWorldOp,
    observe: (world: World<StarsSpec>, tick: number) => {
      for (const spark of world.all('spark')) {
        if (world.spawnTicks[spark.id] !== tick) continue;
        if (spark.points > 0) counts.collects++;
        else counts.misses++;
      }
    },
  };
  return { plug, counts };
}

describe('delta snapshots against acknowledged baselines (property, stars)', () => {
  it('views much smaller than the world: after every applied snapshot, the replica equals the world by brute force', () => {
    const { plug, counts } = starsPlug({ viewWidth: 400, viewHeight: 300 });
    const stats = checkSync(plug, { numRuns: 100 });
    console.log(JSON.stringify({ ...stats, ...counts }));
    // What the runs covered.
    expect(stats.snapshotsApplied).toBeGreaterThan(5000);
    expect(stats.deltaSnapshots).toBeGreaterThan(stats.fullSnapshots);
    expect(stats.lateReads).toBeGreaterThan(0);
    expect(stats.resumes).toBeGreaterThan(0);
    for (const kind of ['cursor', 'star', 'spark']) {
      expect(stats.enteredByKind[kind], kind).toBeGreaterThan(0);
    }
    // Stars are collected (or moved by the run) and cursors leave: listed as removed.
    for (const kind of ['cursor', 'star']) {
      expect(stats.removedByKind[kind], kind).toBeGreaterThan(0);
    }
    // Sparks leave every view when their time is up, and nothing else leaves unannounced.
    expect(stats.expiredSilentlyByKind.spark).toBeGreaterThan(0);
    expect(Object.keys(stats.expiredSilentlyByKind)).toEqual(['spark']);
    for (const group of ['position', 'score']) {
      expect(stats.updatesByGroup[group], group).toBeGreaterThan(0);
    }
    expect(counts.collects).toBeGreaterThan(0);
    expect(counts.misses).toBeGreaterThan(0);
  });

  it('views twice the world, which see all of it from anywhere: every spark is seen to its end, and leaves unannounced', () => {
    const { plug, counts } = starsPlug({ viewWidth: 1800, viewHeight: 1400 });
    const stats = checkSync(plug, { numRuns: 40 });
    console.log(JSON.stringify({ ...stats, ...counts }));
    expect(stats.snapshotsApplied).toBeGreaterThan(2000);
    expect(stats.expiredSilentlyByKind.spark).toBeGreaterThan(100);
    expect(Object.keys(stats.expiredSilentlyByKind)).toEqual(['spark']);
    // A spark leaves a view only when its time is up, or with the client that saw it.
    expect(stats.removedByKind.spark ?? 0).toBe(0);
    expect(stats.updatesByGroup.score).toBeGreaterThan(0);
    expect(counts.collects).toBeGreaterThan(0);
  });
});
