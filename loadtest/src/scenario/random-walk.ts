import { ANGLE_STEPS } from '@tickwire/protocol';

/**
 * The benchmark's input model (shared/BENCHMARKS.md): keep a heading, pick a new one every 1-2 s
 * at random, turn back at the world's edges. Plain module: the Node bench, the bot swarm and the
 * k6 scripts all drive it.
 */
export interface RandomWalk {
  /** Wire angle 0..255. */
  heading: number;
  nextTurnAtMs: number;
}

export interface WalkBounds {
  /** Largest wire coordinate on each axis. */
  maxX: number;
  maxY: number;
  /** Distance from an edge, in wire units, at which the walker turns back. */
  margin: number;
}

export function createRandomWalk(random: () => number, nowMs: number): RandomWalk {
  return {
    heading: Math.floor(random() * ANGLE_STEPS),
    nextTurnAtMs: nowMs + 1000 + random() * 1000,
  };
}

/** Heading components' signs for a wire angle (+1, 0 or -1 each; +y is down). */
function headingSigns(heading: number): { sx: number; sy: number } {
  const quarter = ANGLE_STEPS / 4;
  const a = heading % ANGLE_STEPS;
  const sx = a === quarter || a === 3 * quarter ? 0 : a < quarter || a > 3 * quarter ? 1 : -1;
  const sy = a === 0 || a === 2 * quarter ? 0 : a < 2 * quarter ? 1 : -1;
  return { sx, sy };
}

/**
 * Advances the walk to `nowMs` for a walker at (x, y) and returns the heading to send. Turning
 * back at an edge mirrors the heading on that axis, so the walker moves away from the wall.
 */
export function stepRandomWalk(
  walk: RandomWalk,
  random: () => number,
  nowMs: number,
  x: number,
  y: number,
  bounds: WalkBounds,
): number {
  if (nowMs >= walk.nextTurnAtMs) {
    walk.heading = Math.floor(random() * ANGLE_STEPS);
    walk.nextTurnAtMs = nowMs + 1000 + random() * 1000;
  }
  const { sx } = headingSigns(walk.heading);
  const half = ANGLE_STEPS / 2;
  if ((x <= bounds.margin && sx < 0) || (x >= bounds.maxX - bounds.margin && sx > 0)) {
    walk.heading = (half - walk.heading + ANGLE_STEPS) % ANGLE_STEPS;
  }
  const after = headingSigns(walk.heading);
  if ((y <= bounds.margin && after.sy < 0) || (y >= bounds.maxY - bounds.margin && after.sy > 0)) {
    walk.heading = (ANGLE_STEPS - walk.heading) % ANGLE_STEPS;
  }
  return walk.heading;
}

/** Seeded PRNG for load generators (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
