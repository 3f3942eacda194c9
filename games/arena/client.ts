// The arena's client module: how its kinds look (PixiJS), how keyboard, mouse and touch become
// its controls, the prediction of the own player (the shared movement rule) and of the own
// shots, and its HUD. Everything else (interpolation, extrapolation, lifetimes, the replica, the
// connection) is the engine's, driven by the schema.
import { Container, Graphics, GraphicsContext, Text } from 'pixi.js';
import {
  NO_DIRECTION,
  POSITION_SCALE,
  clamp,
  fromWireAngle,
  type CompiledSchema,
  type Controls,
  type EntityRecord,
  type Input,
  type Motion,
  type ViewState,
} from '@tickwire/protocol';
import {
  numberField,
  stringField,
  type ClientGame,
  type GameContext,
  type GameSession,
  type InputState,
  type Present,
  type RenderEntity,
} from '../../client/src/game/game-module.js';
import { aimTowards, moveDirFromKeys } from '../../client/src/game/input-mapping.js';
import type { EntityView, GameDrawing } from '../../client/src/render/entity-drawing.js';
import { playerColor } from '../../client/src/render/palette.js';
import {
  FIRE,
  applyMovement,
  arenaSpec,
  isUrgentChange,
  projectileSpawn,
  type ArenaConstants,
  type ArenaControls,
} from './shared.js';

const Colors = {
  pellet: 0xf4c95d,
  selfRing: 0xffffff,
  aim: 0xffffff,
  name: 0xe8ecf4,
  selfName: 0xffe08a,
  nameOutline: 0x000000,
  hpBack: 0x1a1f2e,
  hpHigh: 0x5fd38d,
  hpMid: 0xf4c95d,
  hpLow: 0xff5a5a,
  flash: 0xffffff,
  shotCore: 0xfff6c8,
} as const;
/** Presentation only: pellets have no size on the server. */
const PELLET_RADIUS_UNITS = 5;
/** A hit player flashes this long. */
const FLASH_MS = 220;
/** Length of a shot's streak, in ticks of its motion. */
const STREAK_TICKS = 1.5;
/** Keys that fire (KeyboardEvent.code), and the mouse button ('Mouse0': primary). */
const FIRE_KEY = 'Space';
const FIRE_BUTTON = 'Mouse0';
/**
 * Fastest a hand-over offset (local shot -> the server's) is worked off, in world units per
 * second: half a shot's speed, so a shot never seems to jump forwards or back. Smaller offsets
 * go sooner: half of what is left every GLIDE_HALF_LIFE_MS.
 */
const GLIDE_UNITS_PER_SEC = 300;
const GLIDE_HALF_LIFE_MS = 40;

export const arenaClient: ClientGame = {
  name: arenaSpec.name,
  createDrawing: (context) => new ArenaDrawing(arenaConstants(context.schema)),
  start: (context) => new ArenaSession(context),
};

/** The arena's constants from the schema the server sent (its values, not this build's). */
function arenaConstants(schema: CompiledSchema): ArenaConstants {
  const read = (name: keyof ArenaConstants): number => {
    const value = schema.constants[name];
    if (value === undefined) throw new Error(`the arena's schema has no constant ${name}`);
    return value;
  };
  return {
    playerSpeed: read('playerSpeed'),
    projectileSpeed: read('projectileSpeed'),
    playerRadius: read('playerRadius'),
    projectileRadius: read('projectileRadius'),
    fireCooldownTicks: read('fireCooldownTicks'),
    maxHp: read('maxHp'),
  };
}

function arenaControls(c: Readonly<Controls>): ArenaControls {
  return { moveDir: c['moveDir'] ?? NO_DIRECTION, aim: c['aim'] ?? 0, buttons: c['buttons'] ?? 0 };
}

// ---- play: controls, prediction, HUD ----

/**
 * An offset (wire units) that decays to nothing, so a correction slides instead of jumping: by
 * half every GLIDE_HALF_LIFE_MS, and never faster than GLIDE_UNITS_PER_SEC.
 */
class Glide {
  readonly #x: number;
  readonly #y: number;
  readonly #length: number;
  readonly #atMs: number;

  constructor(x: number, y: number, atMs: number) {
    this.#x = x;
    this.#y = y;
    this.#length = Math.hypot(x, y);
    this.#atMs = atMs;
  }

  at(nowMs: number): { x: number; y: number } {
    if (this.#length === 0) return { x: 0, y: 0 };
    const elapsedMs = Math.max(0, nowMs - this.#atMs);
    const halved = this.#length * 2 ** (-elapsedMs / GLIDE_HALF_LIFE_MS);
    const capped = this.#length - (GLIDE_UNITS_PER_SEC * POSITION_SCALE * elapsedMs) / 1000;
    const keep = Math.max(halved, capped) / this.#length;
    return { x: this.#x * keep, y: this.#y * keep };
  }
}

const STILL = new Glide(0, 0, 0);

/** An own shot drawn before the server's projectile for it is in the view. */
interface LocalShot {
  readonly id: number;
  /**
   * Seq of the Input that carries the press; null until it goes out (the connection keeps to the
   * input rate, so that can be a frame or two after the press).
   */
  seq: number | null;
  /** The server tick it should spawn in (the step that applies that Input). */
  tick: number;
  /** Its motion at the end of tick - 1 (the spawn point: a shot moves in its spawn tick). */
  motion: Motion;
  glide: Glide;
  fields: Readonly<Record<string, number | string>>;
}

class ArenaSession implements GameSession {
  readonly helpText =
    'WASD or arrow keys move, the mouse aims, click or Space fires (touch: one finger steers, a second fires).';
  readonly applyInput: (m: Motion, controls: Readonly<Controls>) => void;
  readonly #c: ArenaConstants;
  readonly #playerId: number;
  readonly #lifetimeTicks: number;
  readonly #maxX: number;
  readonly #maxY: number;
  #aim = 0;
  /** Fire presses seen so far (null before the first read: older presses do not count). */
  #seenPresses: number | null = null;
  /** A press not yet carried by an Input: kept so a tap between two Inputs still fires. */
  #isFireLatched = false;
  /** Fire stays held in Inputs until this tick: a release tagged for the tick of the press would replace it. */
  #fireHeldUntilTick = -Infinity;
  /** Tick of the newest own shot, for the cooldown the server applies. */
  #lastShotTick = -Infinity;
  #nextLocalId = -1;
  /** Local shots, oldest first. */
  #shots: LocalShot[] = [];
  /** The own shots of the newest view, drawn in the present, and the view they came from. */
  #ownShots: EntityRecord[] = [];
  #scannedView: ViewState | null = null;
  /** The own hp in the last view scanned: a rise is a respawn. */
  #lastHp: number | null = null;
  /** Hand-over offsets of the own server shots, by id: every own shot seen has one. */
  readonly #glides = new Map<number, Glide>();

  constructor(context: GameContext) {
    const c = arenaConstants(context.schema);
    this.#c = c;
    this.#playerId = context.playerId;
    this.#lifetimeTicks = context.schema.kindByName.get('projectile')?.lifetimeTicks ?? 0;
    this.#maxX = context.worldWidth * POSITION_SCALE;
    this.#maxY = context.worldHeight * POSITION_SCALE;
    this.applyInput = (m, controls) => applyMovement(m, arenaControls(controls), c);
  }

  isUrgentChange(sent: Readonly<Controls>, now: Readonly<Controls>): boolean {
    return isUrgentChange(sent, now);
  }

  controls(input: InputState, present: Present): Controls {
    const presses = input.pressCount(FIRE_BUTTON) + input.pressCount(FIRE_KEY);
    if (this.#seenPresses !== null && presses > this.#seenPresses) this.#isFireLatched = true;
    this.#seenPresses = presses;
    const [steer, fireTouch] = input.touches;
    const isFireHeld =
      (input.mouseButtons & 1) !== 0 || input.keysDown.has(FIRE_KEY) || fireTouch !== undefined;
    const isFiring = isFireHeld || this.#isFireLatched || present.tick < this.#fireHeldUntilTick;

    const self = input.self;
    let moveDir = moveDirFromKeys(input.keysDown);
    const target = steer ?? input.pointer;
    if (self && target) this.#aim = aimTowards(self, target, this.#aim);
    if (self && steer) {
      const reach = this.#c.playerRadius / POSITION_SCALE;
      const isOutside = Math.hypot(steer.x - self.x, steer.y - self.y) > reach;
      moveDir = isOutside ? this.#aim : NO_DIRECTION;
    }
    return { moveDir, aim: this.#aim, buttons: isFiring ? FIRE : 0 };
  }

  onInputSent(input: Readonly<Input>, tick: number, present: Present): void {
    const { buttons, aim } = arenaControls(input.controls);
    if ((buttons & FIRE) === 0) return;
    this.#isFireLatched = false;
    this.#fireHeldUntilTick = Math.max(this.#fireHeldUntilTick, tick);
    const isCool = tick - this.#lastShotTick >= this.#c.fireCooldownTicks;
    const waiting = this.#shots.find((shot) => shot.seq === null);
    if (waiting) {
      // The shot drawn at the press now has its Input: it moves to that Input's tick and aim.
      if (isCool) {
        waiting.seq = input.seq;
        this.#retime(waiting, tick, aim, present);
        this.#lastShotTick = tick;
      } else {
        this.#shots = this.#shots.filter((shot) => shot !== waiting);
      }
      return;
    }
    if (isCool && this.#spawn(input.seq, tick, aim, present)) this.#lastShotTick = tick;
  }

  isPredicted(record: EntityRecord): boolean {
    return record.kind === 'projectile' && record['owner'] === this.#playerId;
  }

  predict(present: Present): readonly RenderEntity[] {
    if (present.view !== this.#scannedView) this.#scan(present);
    // A press the connection has not sent yet (it keeps to the input rate): drawn at once all
    // the same, for the tick an Input sent now lands in.
    if (this.#isFireLatched && !this.#shots.some((shot) => shot.seq === null)) {
      const tick = Math.floor(present.tick) + 1;
      if (tick - this.#lastShotTick >= this.#c.fireCooldownTicks) {
        this.#spawn(null, tick, this.#aim, present);
      }
    }
    const out: RenderEntity[] = [];
    const viewTick = present.view?.tick ?? 0;
    for (const record of this.#ownShots) {
      if (present.tick >= viewTick + numberField(record, 'ticksLeft')) continue;
      const at = present.extrapolate(record, present.tick);
      const offset = (this.#glides.get(record.id) ?? STILL).at(present.nowMs);
      out.push(shotEntity(record.id, at.x + offset.x, at.y + offset.y, record));
    }
    this.#shots = this.#shots.filter((shot) => {
      const at = this.#shotAt(shot, present);
      const isOver = present.tick >= shot.tick + this.#lifetimeTicks;
      const isAtEdge = at.x <= 0 || at.y <= 0 || at.x >= this.#maxX || at.y >= this.#maxY;
      if (isOver || isAtEdge) return false;
      out.push(shotEntity(shot.id, at.x, at.y, shot.fields));
      return true;
    });
    return out;
  }

  hudText(self: EntityRecord | null): string {
    if (!self) return '';
    const hp = numberField(self, 'hp');
    return `hp ${hp} / ${this.#c.maxHp} · score ${numberField(self, 'score')}`;
  }

  /**
   * A new view: its own shots are drawn from now on. Each one new to the view takes over from
   * the oldest local shot whose Input the server has applied (the view's inputAck covers it), and
   * glides from where that one was drawn onto its own position. A local shot whose Input the
   * server applied and that found no shot of the server's was refused by the server (or hit at
   * once): it goes. Matching by Input seq, not by tick, keeps this right when the clock estimate
   * is off. A respawn (hp back up) restarts the cooldown, as the server does.
   */
  #scan(present: Present): void {
    const view = present.view;
    this.#scannedView = view;
    const ownShots: EntityRecord[] = [];
    const table = view?.entities;
    for (let i = 0; table && i < table.count; i++) {
      if (table.kindAt(i).name !== 'projectile') continue;
      const record = table.recordAt(i);
      if (record['owner'] === this.#playerId) ownShots.push(record);
    }
    const viewTick = view?.tick ?? 0;
    const spawnTick = (r: EntityRecord): number =>
      viewTick + numberField(r, 'ticksLeft') - this.#lifetimeTicks;
    const entered = ownShots
      .filter((r) => !this.#glides.has(r.id))
      .sort((a, b) => spawnTick(a) - spawnTick(b));
    for (const record of entered) {
      const local = this.#shots.find((s) => s.seq !== null && s.seq <= present.inputAck);
      let glide = STILL;
      if (local) {
        this.#shots = this.#shots.filter((s) => s !== local);
        const drawn = this.#shotAt(local, present);
        const at = present.extrapolate(record, present.tick);
        glide = new Glide(drawn.x - at.x, drawn.y - at.y, present.nowMs);
      }
      this.#glides.set(record.id, glide);
      this.#lastShotTick = Math.max(this.#lastShotTick, spawnTick(record));
    }
    this.#shots = this.#shots.filter((s) => s.seq === null || s.seq > present.inputAck);
    for (const id of this.#glides.keys()) {
      if (!ownShots.some((r) => r.id === id)) this.#glides.delete(id);
    }
    this.#ownShots = ownShots;

    const self = view?.entities.get(this.#playerId);
    const hp = self ? numberField(self, 'hp') : null;
    if (hp !== null && this.#lastHp !== null && hp > this.#lastHp) {
      this.#lastShotTick = Math.max(this.#lastShotTick, viewTick);
    }
    this.#lastHp = hp;
  }

  #spawn(seq: number | null, tick: number, aim: number, present: Present): LocalShot | null {
    const motion = this.#spawnMotion(tick, aim, present);
    if (!motion) return null;
    const shot: LocalShot = {
      id: this.#nextLocalId--,
      seq,
      tick,
      motion,
      glide: STILL,
      fields: { owner: this.#playerId, vx: motion.vx, vy: motion.vy },
    };
    this.#shots.push(shot);
    return shot;
  }

  /** Moves a local shot to another tick and aim, sliding from where it was drawn. */
  #retime(shot: LocalShot, tick: number, aim: number, present: Present): void {
    const motion = this.#spawnMotion(tick, aim, present);
    const isSame =
      tick === shot.tick && motion?.vx === shot.motion.vx && motion.vy === shot.motion.vy;
    if (!motion || isSame) return;
    const before = this.#shotAt(shot, present);
    shot.tick = tick;
    shot.motion = motion;
    shot.fields = { owner: this.#playerId, vx: motion.vx, vy: motion.vy };
    shot.glide = STILL;
    const after = this.#shotAt(shot, present);
    shot.glide = new Glide(before.x - after.x, before.y - after.y, present.nowMs);
  }

  /** Where the server will spawn a shot fired in `tick`: from the own player at tick - 1. */
  #spawnMotion(tick: number, aim: number, present: Present): Motion | null {
    const self = present.selfAt(tick - 1);
    return self ? projectileSpawn({ x: self.x, y: self.y, aim }, this.#c) : null;
  }

  /** A local shot at the present, wire units: the server's integer motion, glide added. */
  #shotAt(shot: LocalShot, present: Present): { x: number; y: number } {
    const ticks = present.tick - (shot.tick - 1);
    const offset = shot.glide.at(present.nowMs);
    const m = shot.motion;
    return {
      x: clamp(m.x + m.vx * ticks, 0, this.#maxX) + offset.x,
      y: clamp(m.y + m.vy * ticks, 0, this.#maxY) + offset.y,
    };
  }
}

function shotEntity(
  id: number,
  xWire: number,
  yWire: number,
  fields: Readonly<Record<string, number | string>>,
): RenderEntity {
  return {
    id,
    kind: 'projectile',
    x: xWire / POSITION_SCALE,
    y: yWire / POSITION_SCALE,
    isSelf: false,
    fields,
  };
}

// ---- drawing ----

/** Geometry shared by every view of a kind: tessellated once, drawn many times. */
class ArenaDrawing implements GameDrawing {
  readonly layers = ['pellet', 'player', 'projectile'];
  readonly playerRadius: number;
  readonly maxHp: number;
  readonly streakTicks = STREAK_TICKS;
  readonly pellet = new GraphicsContext().circle(0, 0, PELLET_RADIUS_UNITS).fill(Colors.pellet);
  /** Player bodies are one white circle tinted per player. */
  readonly body: GraphicsContext;
  readonly flash: GraphicsContext;
  readonly selfRing: GraphicsContext;
  readonly aim: GraphicsContext;
  readonly hpBack: GraphicsContext;
  /** A 1 x 5 bar, stretched to the hp left. */
  readonly hpFill = new GraphicsContext().rect(0, 0, 1, 5).fill(0xffffff);
  readonly shotCore: GraphicsContext;
  /** A streak 1 unit long behind the shot, stretched along its speed and tinted by its owner. */
  readonly shotStreak: GraphicsContext;

  constructor(c: ArenaConstants) {
    const r = c.playerRadius / POSITION_SCALE;
    const shotR = c.projectileRadius / POSITION_SCALE;
    this.playerRadius = r;
    this.maxHp = c.maxHp;
    this.body = new GraphicsContext()
      .circle(0, 0, r)
      .fill(0xffffff)
      .stroke({ width: 3, color: 0x8a8a8a, alignment: 1 });
    this.flash = new GraphicsContext().circle(0, 0, r + 2).fill(Colors.flash);
    this.selfRing = new GraphicsContext()
      .circle(0, 0, r + 6)
      .stroke({ width: 3, color: Colors.selfRing });
    this.aim = new GraphicsContext()
      .poly([r + 3, -7, r + 14, 0, r + 3, 7])
      .fill({ color: Colors.aim, alpha: 0.9 });
    this.hpBack = new GraphicsContext()
      .rect(-r - 1, r + 7, 2 * r + 2, 7)
      .fill({ color: Colors.hpBack, alpha: 0.85 });
    this.shotCore = new GraphicsContext().circle(0, 0, shotR).fill(Colors.shotCore);
    this.shotStreak = new GraphicsContext()
      .poly([0, -shotR * 0.8, -1, -shotR * 0.3, -1, shotR * 0.3, 0, shotR * 0.8])
      .fill({ color: 0xffffff, alpha: 0.55 });
  }

  createView(kind: string): EntityView {
    if (kind === 'player') return new PlayerView(this);
    if (kind === 'projectile') return new ProjectileView(this);
    return new PelletView(this);
  }

  destroy(): void {
    for (const context of [
      this.pellet,
      this.body,
      this.flash,
      this.selfRing,
      this.aim,
      this.hpBack,
      this.hpFill,
      this.shotCore,
      this.shotStreak,
    ]) {
      context.destroy();
    }
  }
}

class PelletView implements EntityView {
  readonly display: Graphics;

  constructor(shapes: ArenaDrawing) {
    this.display = new Graphics(shapes.pellet);
  }

  assign(): void {}

  update(): void {}
}

class ProjectileView implements EntityView {
  readonly display = new Container();
  readonly #streak: Graphics;
  readonly #streakTicks: number;

  constructor(shapes: ArenaDrawing) {
    this.#streak = new Graphics(shapes.shotStreak);
    this.#streakTicks = shapes.streakTicks;
    this.display.addChild(this.#streak, new Graphics(shapes.shotCore));
  }

  assign(entity: RenderEntity): void {
    this.#streak.tint = playerColor(numberField(entity.fields, 'owner'));
  }

  update(entity: RenderEntity): void {
    const vx = numberField(entity.fields, 'vx');
    const vy = numberField(entity.fields, 'vy');
    this.display.rotation = Math.atan2(vy, vx);
    this.#streak.scale.x = (Math.hypot(vx, vy) / POSITION_SCALE) * this.#streakTicks;
  }
}

class PlayerView implements EntityView {
  readonly display = new Container();
  readonly #ring: Graphics;
  readonly #body: Graphics;
  readonly #flash: Graphics;
  readonly #aim: Graphics;
  readonly #hpFill: Graphics;
  readonly #label: Text;
  readonly #barWidth: number;
  readonly #maxHp: number;
  #isSelf = false;
  /** hp when last drawn (null for a view just given to a player): a drop flashes. */
  #lastHp: number | null = null;
  #flashStartMs = -Infinity;

  constructor(shapes: ArenaDrawing) {
    const r = shapes.playerRadius;
    this.#barWidth = 2 * r;
    this.#maxHp = shapes.maxHp;
    this.#ring = new Graphics(shapes.selfRing);
    this.#ring.visible = false;
    this.#body = new Graphics(shapes.body);
    this.#flash = new Graphics(shapes.flash);
    this.#flash.visible = false;
    this.#aim = new Graphics(shapes.aim);
    this.#hpFill = new Graphics(shapes.hpFill);
    this.#hpFill.position.set(-r, r + 8);
    this.#label = new Text({
      text: '',
      style: {
        fontFamily: 'system-ui, -apple-system, "Segoe UI", sans-serif',
        fontSize: 18,
        fontWeight: '600',
        fill: Colors.name,
        stroke: { color: Colors.nameOutline, width: 3 },
      },
    });
    this.#label.anchor.set(0.5, 1);
    this.#label.y = -r - 8;
    // The aim arrow over the hp bar, so it shows when it points down.
    this.display.addChild(
      this.#ring,
      this.#body,
      this.#flash,
      new Graphics(shapes.hpBack),
      this.#hpFill,
      this.#aim,
      this.#label,
    );
  }

  assign(entity: RenderEntity): void {
    this.#body.tint = playerColor(entity.id);
    this.#lastHp = null;
    this.#flashStartMs = -Infinity;
  }

  update(entity: RenderEntity, nowMs: number): void {
    const { fields } = entity;
    this.#aim.rotation = fromWireAngle(numberField(fields, 'aim'));
    const name = stringField(fields, 'name');
    if (this.#label.text !== name) this.#label.text = name;
    if (entity.isSelf !== this.#isSelf) {
      this.#isSelf = entity.isSelf;
      this.#ring.visible = entity.isSelf;
      this.#label.style.fill = entity.isSelf ? Colors.selfName : Colors.name;
      // The own player is drawn over the others.
      this.display.zIndex = entity.isSelf ? 1 : 0;
    }
    const hp = numberField(fields, 'hp', this.#maxHp);
    if (this.#lastHp !== null && hp < this.#lastHp) this.#flashStartMs = nowMs;
    this.#lastHp = hp;
    const share = clamp(hp / this.#maxHp, 0, 1);
    this.#hpFill.scale.x = this.#barWidth * share;
    this.#hpFill.tint = share > 0.5 ? Colors.hpHigh : share > 0.25 ? Colors.hpMid : Colors.hpLow;
    const flash = 1 - (nowMs - this.#flashStartMs) / FLASH_MS;
    this.#flash.visible = flash > 0;
    if (flash > 0) this.#flash.alpha = 0.85 * flash;
  }
}
