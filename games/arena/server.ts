// The arena's game logic on the server: spawning, movement, pellets, firing and hits. Everything
// else (sessions, the tick, interest, deltas, checksums) is the engine's.
import { POSITION_SCALE, speedPerTick } from '@tickwire/protocol';
import {
  defineServerGame,
  type GameContext,
  type GameLogic,
  type GameSettings,
} from '../../server/src/game/game.js';
import { Rng } from '../../server/src/sim/rng.js';
import type { World } from '../../server/src/sim/world.js';
import { SpawnSpots, type SpawnRules } from './spawn-spots.js';
import {
  FIRE,
  applyMovement,
  arenaSpec,
  projectileSpawn,
  type ArenaConstants,
  type ArenaControls,
  type ArenaPlayer,
  type ArenaSpec,
} from './shared.js';

/** Projectile speed, world units per second. */
const PROJECTILE_SPEED_UNITS_PER_SEC = 600;
const PROJECTILE_RADIUS_UNITS = 6;
const MAX_HP = 100;
/** hp a hit takes. */
const HIT_DAMAGE = 25;
/** Score for a hit, and for the hit that takes the last hp. */
const HIT_SCORE = 1;
const KILL_SCORE = 5;
/**
 * Share of the area of interest, on each axis, within which a player spawns near another: well
 * inside it, so each is on the other's screen even where the client's zoom crops the view.
 */
const SPAWN_COMPANY_SHARE = 0.35;
/** Half-angle of the cone in front of a player's aim where no one spawns. */
const SPAWN_AIM_CONE_DEGREES = 15;
/** ... and this near it (half a second of a shot's flight). */
const SPAWN_AIM_RANGE_UNITS = PROJECTILE_SPEED_UNITS_PER_SEC / 2;

/** Where players spawn, for these settings (wire units). */
function spawnRules(settings: GameSettings, c: ArenaConstants): SpawnRules {
  const { viewWidth, viewHeight } = settings.config;
  const shotLifetimeTicks = arenaSpec.kinds.projectile.lifetimeTicks;
  return {
    companyHalfWidth: Math.round(SPAWN_COMPANY_SHARE * viewWidth * POSITION_SCALE),
    companyHalfHeight: Math.round(SPAWN_COMPANY_SHARE * viewHeight * POSITION_SCALE),
    // Three radii: a radius of floor between two bodies (the old spawn's spacing).
    minGap: 3 * c.playerRadius,
    // Eight radii: three bodies' widths of floor, clearly apart yet a second's walk away.
    preferredGap: 8 * c.playerRadius,
    killerClearance: c.projectileSpeed * shotLifetimeTicks + c.playerRadius,
    aimConeCos: Math.cos((SPAWN_AIM_CONE_DEGREES * Math.PI) / 180),
    aimRange: SPAWN_AIM_RANGE_UNITS * POSITION_SCALE,
    edgeMargin: c.playerRadius,
  };
}

class ArenaLogic implements GameLogic<ArenaSpec> {
  readonly #world: World<ArenaSpec>;
  readonly #c: ArenaConstants;
  readonly #rng: Rng;
  readonly #spawns: SpawnSpots;
  readonly #eatPellets: boolean;
  readonly #scoreEveryTicks: number;
  /** Tick of each player's last shot, by entity id. */
  readonly #lastShotTick = new Map<number, number>();

  constructor({ world, settings, constants }: GameContext<ArenaSpec>) {
    const { config } = settings;
    this.#world = world;
    this.#c = constants;
    this.#rng = new Rng(settings.seed);
    this.#spawns = new SpawnSpots(world, this.#rng, spawnRules(settings, constants));
    this.#eatPellets = config.eatPellets;
    this.#scoreEveryTicks =
      config.scoreEveryMs > 0
        ? Math.max(1, Math.round((config.scoreEveryMs * settings.tickHz) / 1000))
        : 0;
    for (let i = 0; i < config.pelletCount; i++) this.#spawnPellet(0);
  }

  join(name: string, tick: number): ArenaPlayer | null {
    const { x, y } = this.#spawns.forJoin(tick);
    const player = this.#world.spawn(
      'player',
      { x, y, vx: 0, vy: 0, aim: 0, hp: this.#c.maxHp, score: 0, name },
      tick,
    );
    if (player) this.#spawns.add(player);
    return player;
  }

  leave(player: ArenaPlayer, tick: number): void {
    this.#lastShotTick.delete(player.id);
    this.#spawns.remove(player);
    this.#world.remove(player, tick);
  }

  applyInput(player: ArenaPlayer, controls: Readonly<ArenaControls>, tick: number): void {
    applyMovement(player, controls, this.#c);
    player.aim = controls.aim;
    if ((controls.buttons & FIRE) !== 0) this.#fire(player, tick);
  }

  step(tick: number): void {
    if (this.#scoreEveryTicks > 0) {
      for (const player of this.#world.all('player')) {
        const age = tick - (this.#world.spawnTicks[player.id] as number);
        if (age > 0 && age % this.#scoreEveryTicks === 0) player.score++;
      }
    }
    if (this.#eatPellets) this.#eatPelletsAt(tick);
    this.#moveProjectiles(tick);
  }

  /** A shot leaves the player's edge along its aim; one per cooldown. */
  #fire(player: ArenaPlayer, tick: number): void {
    const last = this.#lastShotTick.get(player.id);
    if (last !== undefined && tick - last < this.#c.fireCooldownTicks) return;
    this.#lastShotTick.set(player.id, tick);
    const spawn = projectileSpawn(player, this.#c);
    this.#world.spawn('projectile', { ...spawn, owner: player.id }, tick);
  }

  /** Projectiles stop at the world's edge; one that reaches another player hits it. */
  #moveProjectiles(tick: number): void {
    const world = this.#world;
    const reach = this.#c.playerRadius + this.#c.projectileRadius;
    for (const shot of world.all('projectile')) {
      if (shot.x === 0 || shot.y === 0 || shot.x === world.maxX || shot.y === world.maxY) {
        world.remove(shot, tick);
        continue;
      }
      for (const target of world.near('player', shot.x, shot.y, reach)) {
        if (target.id === shot.owner) continue;
        const dx = target.x - shot.x;
        const dy = target.y - shot.y;
        if (dx * dx + dy * dy > reach * reach) continue;
        world.remove(shot, tick);
        this.#hit(target, shot.owner, tick);
        break;
      }
    }
  }

  #hit(target: ArenaPlayer, ownerId: number, tick: number): void {
    const owner = this.#world.byId[ownerId] as ArenaPlayer | undefined;
    const isOwnerAlive = owner !== undefined && owner.kind === 'player';
    target.hp = Math.max(0, target.hp - HIT_DAMAGE);
    if (isOwnerAlive) owner.score += HIT_SCORE;
    if (target.hp > 0) return;
    if (isOwnerAlive) owner.score += KILL_SCORE;
    // Respawn with full hp near other players, away from the killer: a teleport, which every
    // client is sent.
    this.#spawns.respawn(target, isOwnerAlive ? owner : null, tick);
    target.hp = this.#c.maxHp;
    this.#lastShotTick.set(target.id, tick);
  }

  #spawnPellet(tick: number): void {
    const w = this.#world;
    w.spawn('pellet', { x: this.#rng.int(w.maxX + 1), y: this.#rng.int(w.maxY + 1) }, tick);
  }

  #eatPelletsAt(tick: number): void {
    const r = this.#c.playerRadius;
    const eaten = new Map<number, ArenaPlayer>();
    for (const player of this.#world.all('player')) {
      for (const pellet of this.#world.near('pellet', player.x, player.y, r)) {
        if (eaten.has(pellet.id)) continue;
        const dx = pellet.x - player.x;
        const dy = pellet.y - player.y;
        if (dx * dx + dy * dy <= r * r) eaten.set(pellet.id, player);
      }
    }
    for (const [id, by] of eaten) {
      const pellet = this.#world.byId[id];
      if (pellet) this.#world.remove(pellet, tick);
      by.score++;
      this.#spawnPellet(tick);
    }
  }
}

export const arena = defineServerGame({
  spec: arenaSpec,
  ranking: { kind: 'player', score: 'score', label: 'name' },
  constants: ({ tickHz, config }) => ({
    playerSpeed: speedPerTick(config.playerSpeedUnitsPerSec, tickHz),
    projectileSpeed: speedPerTick(PROJECTILE_SPEED_UNITS_PER_SEC, tickHz),
    playerRadius: config.playerRadius * POSITION_SCALE,
    projectileRadius: PROJECTILE_RADIUS_UNITS * POSITION_SCALE,
    fireCooldownTicks: Math.max(1, Math.round(tickHz / 4)),
    maxHp: MAX_HP,
  }),
  create: (context) => new ArenaLogic(context),
});
