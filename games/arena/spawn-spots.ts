// Where a player enters the arena, and where it comes back after a kill: in sight of someone, so
// a newcomer has company in its first second, yet with a clear gap and out of anyone's line of
// fire. Deterministic from the room's seed, and O(players near a spot) per spawn.
import { cosQ14, sinQ14 } from '@tickwire/protocol';
import type { Rng } from '../../server/src/sim/rng.js';
import type { World } from '../../server/src/sim/world.js';
import type { ArenaPlayer, ArenaSpec } from './shared.js';

/** Distances in wire units. */
export interface SpawnRules {
  /**
   * Half extents of the box around a spot in which another player counts as company. Smaller
   * than half the area of interest, so both players are in each other's view and on screen at
   * once (the client's zoom may crop the view along one axis).
   */
  companyHalfWidth: number;
  companyHalfHeight: number;
  /** No spot nearer than this to a player, ever (unless no candidate has it: a packed world). */
  minGap: number;
  /** The gap a spot should have; a nearer one is taken only when no candidate has it. */
  preferredGap: number;
  /** A respawn should be at least this far from its killer (its shots' reach). */
  killerClearance: number;
  /**
   * A spot should not be in front of a player's aim: within this cone (cosine of its half-angle)
   * and this range of it.
   */
  aimConeCos: number;
  aimRange: number;
  /** Keeps spots this far inside the world's edges. */
  edgeMargin: number;
}

/** Candidate spots scored per spawn, unless one keeps every rule (then it is taken at once)... */
const ATTEMPTS = 12;
/**
 * ... or fewer in a crowd, where a spot that keeps every rule is rare: once this many players
 * were looked at, the best spot so far will do (if it keeps the minimum gap).
 */
const VISIT_BUDGET = 300;
/**
 * Candidates tried, at most, while none keeps the minimum gap: in a crowd (2,000 players on the
 * benchmark's map) a quarter of random spots do.
 */
const MAX_ATTEMPTS = 24;
/**
 * The first candidates are random: where one has company it is as good as any, and it keeps the
 * players spread as if spawned uniformly (once a few dozen players' views cover the world, nearly
 * every random spot has company). Only the rest are near a random player.
 */
const RANDOM_ATTEMPTS = 8;
/**
 * Players placed since the grid was packed that are checked one by one; past this many the grid
 * is re-packed (O(entities), so once per this many joins of a burst: a few microseconds each).
 */
const MAX_UNPACKED = 64;
// Score of a spot: company outweighs everything else, then being out of the line of fire, then
// distance from the killer and the gap (each up to 1).
const COMPANY_SCORE = 8;
const OUT_OF_FIRE_SCORE = 2;
/** Below every spot that keeps the minimum gap. */
const CROWDED_SCORE = -10;
/** Fixed-point length of an aim direction (cosQ14 / sinQ14). */
const AIM_UNIT = 1 << 14;

interface Candidate {
  x: number;
  y: number;
  score: number;
  /** At least the minimum gap from every player. */
  hasGap: boolean;
  /** In company, out of the line of fire, away from the killer, with the preferred gap. */
  isPerfect: boolean;
}

/**
 * Picks spawn spots for the arena's players. It keeps its own list of the players (for an O(1)
 * random pick): call `add` when one joins and `remove` when it leaves.
 *
 * Spots are tried at random over the world first, then near a random player (in its company
 * box). A random spot that has company keeps a populated world uniformly spread (the benchmark's
 * scenario); a spot near a random player finds company in a sparse one. Anchoring every spawn to
 * a player would not do: spawns near earlier ones grow one dense region around the first (a rich
 * get richer draw), which would crowd the benchmark's views.
 */
export class SpawnSpots {
  readonly #world: World<ArenaSpec>;
  readonly #rng: Rng;
  readonly #rules: SpawnRules;
  readonly #players: ArenaPlayer[] = [];
  /** Index of each player in #players, by entity id. */
  readonly #indexOf = new Map<number, number>();
  /**
   * Players are found in the world's grid as it was last packed (`nearAsPackedInto`) plus this
   * list: the players placed (joined or respawned) since that pack, which the grid misses or
   * has where they were. The grid is packed when a phase (a tick's joins, or its step) first
   * asks, so it has everyone who moved before where they are; within a phase no one else moves
   * a player, so the two together are exact, and a burst of joins costs no re-pack per join (the
   * world's own `near` would re-pack after every spawn). Whenever the grid is packed again (here
   * past MAX_UNPACKED, or by a game's `near` after a respawn), the list is emptied: the grid has
   * them all where they are.
   */
  readonly #placedSincePack: ArenaPlayer[] = [];
  /** The world's pack count when #placedSincePack was last emptied. */
  #packCount = -1;
  #phase = -1;
  /** Players found in the grid for the spot being looked at (reused: no allocation per spot). */
  readonly #found: ArenaPlayer[] = [];

  constructor(world: World<ArenaSpec>, rng: Rng, rules: SpawnRules) {
    this.#world = world;
    this.#rng = rng;
    this.#rules = rules;
  }

  /**
   * A spot for a player joining at `tick` (call before spawning it; then `add` it). MUST be
   * called in the tick's join phase, before its entities move.
   */
  forJoin(tick: number): { x: number; y: number } {
    return this.#pick(2 * tick, null, null);
  }

  /**
   * A spot for `player`, killed by `killer` (null: unknown or gone) in the step of `tick`: near
   * other players as a join is, and away from the killer where there is anyone else to be near.
   * The player is moved there (and the world told).
   */
  respawn(player: ArenaPlayer, killer: ArenaPlayer | null, tick: number): void {
    const spot = this.#pick(2 * tick + 1, player, killer);
    player.x = spot.x;
    player.y = spot.y;
    this.#world.markMoved();
    this.#placedSincePack.push(player);
  }

  add(player: ArenaPlayer): void {
    this.#indexOf.set(player.id, this.#players.length);
    this.#players.push(player);
    this.#placedSincePack.push(player);
  }

  remove(player: ArenaPlayer): void {
    const i = this.#indexOf.get(player.id);
    if (i === undefined) return;
    this.#indexOf.delete(player.id);
    const last = this.#players.pop() as ArenaPlayer;
    if (last !== player) {
      this.#players[i] = last;
      this.#indexOf.set(last.id, i);
    }
    // Gone from the grid's answers at once (the world leaves removed entities out); the list
    // MUST forget it too. At most MAX_UNPACKED long: a scan.
    const placed = this.#placedSincePack.indexOf(player);
    if (placed >= 0) this.#placedSincePack.splice(placed, 1);
  }

  /** Packs the grid at a new phase or when the list is long; empties the list once it has. */
  #catchUp(phase: number): void {
    const world = this.#world;
    if (phase !== this.#phase || this.#placedSincePack.length > MAX_UNPACKED) {
      this.#phase = phase;
      world.dynamicGrid();
    }
    if (world.dynamicGridPackCount !== this.#packCount) {
      this.#packCount = world.dynamicGridPackCount;
      this.#placedSincePack.length = 0;
    }
  }

  #pick(
    phase: number,
    self: ArenaPlayer | null,
    killer: ArenaPlayer | null,
  ): { x: number; y: number } {
    this.#catchUp(phase);
    const others = this.#players.length - (self === null ? 0 : 1);
    if (others <= 0) return this.#randomSpot();
    // Be near the killer only when there is no one else to be near (a duel goes on in view).
    const avoid = killer !== null && others > 1 ? killer : null;
    let best: Candidate | null = null;
    this.#visits = 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const spot =
        attempt < RANDOM_ATTEMPTS || attempt % 2 === 0
          ? this.#randomSpot()
          : this.#spotNear(self, avoid);
      if (best !== null && (attempt >= ATTEMPTS || this.#visits >= VISIT_BUDGET)) {
        // A crowd: the first spot that keeps the minimum gap, checked in a small box.
        if (this.#hasGapAt(spot.x, spot.y, self)) return spot;
        continue;
      }
      const candidate = this.#score(spot.x, spot.y, self, killer, avoid);
      if (best === null || candidate.score > best.score) best = candidate;
      if (best.isPerfect) break;
      if (best.hasGap && (attempt + 1 >= ATTEMPTS || this.#visits >= VISIT_BUDGET)) break;
    }
    return best as Candidate;
  }

  #randomSpot(): { x: number; y: number } {
    const { maxX, maxY } = this.#world;
    const m = this.#rules.edgeMargin;
    return {
      x: m + this.#rng.int(Math.max(1, maxX - 2 * m + 1)),
      y: m + this.#rng.int(Math.max(1, maxY - 2 * m + 1)),
    };
  }

  /** A spot in the company box of a random player other than `self` and `avoid`. */
  #spotNear(self: ArenaPlayer | null, avoid: ArenaPlayer | null): { x: number; y: number } {
    const players = this.#players;
    const start = this.#rng.int(players.length);
    // The next eligible player from a random index: at most two are skipped.
    let anchor = players[start] as ArenaPlayer;
    for (let i = 1; (anchor === self || anchor === avoid) && i < players.length; i++) {
      anchor = players[(start + i) % players.length] as ArenaPlayer;
    }
    const r = this.#rules;
    let dx = 0;
    let dy = 0;
    // A point of the box outside the preferred gap (the box is far larger than the gap).
    for (let tries = 0; tries < 4 && dx * dx + dy * dy < r.preferredGap * r.preferredGap; tries++) {
      dx = this.#rng.int(2 * r.companyHalfWidth + 1) - r.companyHalfWidth;
      dy = this.#rng.int(2 * r.companyHalfHeight + 1) - r.companyHalfHeight;
    }
    // Off the world's edge: the mirror image across the anchor is in the box too.
    const { maxX, maxY } = this.#world;
    const m = r.edgeMargin;
    if (anchor.x + dx < m || anchor.x + dx > maxX - m) dx = -dx;
    if (anchor.y + dy < m || anchor.y + dy > maxY - m) dy = -dy;
    return {
      x: Math.min(Math.max(anchor.x + dx, m), maxX - m),
      y: Math.min(Math.max(anchor.y + dy, m), maxY - m),
    };
  }

  /** `avoid`: a player that is no company (the killer, when there is anyone else). */
  #score(
    x: number,
    y: number,
    self: ArenaPlayer | null,
    killer: ArenaPlayer | null,
    avoid: ArenaPlayer | null,
  ): Candidate {
    const r = this.#rules;
    this.#nearestSq = Infinity;
    this.#hasCompany = false;
    this.#isInLineOfFire = false;
    const found = this.#found;
    this.#world.nearAsPackedInto('player', x, y, r.companyHalfWidth, r.companyHalfHeight, found);
    for (const p of found) this.#visit(p, x, y, self, avoid);
    for (const p of this.#placedSincePack) this.#visit(p, x, y, self, avoid);
    const nearest = Math.sqrt(this.#nearestSq);
    if (nearest < r.minGap) {
      const score = CROWDED_SCORE + nearest / r.minGap;
      return { x, y, score, hasGap: false, isPerfect: false };
    }
    const hasCompany = this.#hasCompany;
    const isInLineOfFire = this.#isInLineOfFire;
    const killerDistance = killer === null ? Infinity : Math.hypot(x - killer.x, y - killer.y);
    const score =
      (hasCompany ? COMPANY_SCORE : 0) +
      (isInLineOfFire ? 0 : OUT_OF_FIRE_SCORE) +
      Math.min(1, killerDistance / r.killerClearance) +
      Math.min(1, nearest / r.preferredGap);
    const isPerfect =
      hasCompany &&
      !isInLineOfFire &&
      killerDistance >= r.killerClearance &&
      nearest >= r.preferredGap;
    return { x, y, score, hasGap: true, isPerfect };
  }

  /** Whether (x, y) is at least the minimum gap from every player but `self`. */
  #hasGapAt(x: number, y: number, self: ArenaPlayer | null): boolean {
    const gap = this.#rules.minGap;
    const isClear = (p: ArenaPlayer): boolean =>
      p === self || (x - p.x) * (x - p.x) + (y - p.y) * (y - p.y) >= gap * gap;
    const found = this.#found;
    this.#world.nearAsPackedInto('player', x, y, gap, gap, found);
    return found.every(isClear) && this.#placedSincePack.every(isClear);
  }

  // What #score has found so far about the spot it is scoring (no closure, no allocation per
  // player: a burst of joins in a crowd visits thousands).
  #nearestSq = Infinity;
  #hasCompany = false;
  #isInLineOfFire = false;
  /** Players looked at for the current spawn. */
  #visits = 0;

  /**
   * Notes what player `p` means for the spot (x, y): only players in its company box count, and
   * `avoid` is no company there (yet as near and as armed as anyone).
   */
  #visit(
    p: ArenaPlayer,
    x: number,
    y: number,
    self: ArenaPlayer | null,
    avoid: ArenaPlayer | null,
  ): void {
    const r = this.#rules;
    const dx = x - p.x;
    const dy = y - p.y;
    this.#visits++;
    if (p === self || Math.abs(dx) > r.companyHalfWidth || Math.abs(dy) > r.companyHalfHeight) {
      return;
    }
    if (p !== avoid) this.#hasCompany = true;
    const distanceSq = dx * dx + dy * dy;
    if (distanceSq < this.#nearestSq) this.#nearestSq = distanceSq;
    if (this.#isInLineOfFire || distanceSq === 0 || distanceSq > r.aimRange * r.aimRange) return;
    // cos(angle between the aim and the spot) >= aimConeCos, without a square root.
    const along = dx * cosQ14(p.aim) + dy * sinQ14(p.aim);
    this.#isInLineOfFire =
      along > 0 && along * along >= r.aimConeCos * r.aimConeCos * distanceSq * AIM_UNIT * AIM_UNIT;
  }
}
