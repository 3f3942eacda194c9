// The arena's client module: how its kinds look (PixiJS) and, from client-session.ts, how
// keyboard, mouse and touch become its controls, the prediction of the own player and of the own
// shots, and its HUD. Everything else (interpolation, extrapolation, lifetimes, the replica, the
// connection) is the engine's, driven by the schema.
import { Container, Graphics, GraphicsContext, Text } from 'pixi.js';
import { POSITION_SCALE, clamp, fromWireAngle } from '@tickwire/protocol';
import {
  numberField,
  stringField,
  type ClientGame,
  type RenderEntity,
} from '../../client/src/game/game-module.js';
import type { EntityView, GameDrawing } from '../../client/src/render/entity-drawing.js';
import { playerColor } from '../../client/src/render/palette.js';
import { ArenaSession, arenaConstants } from './client-session.js';
import { arenaSpec, type ArenaConstants } from './shared.js';

export const arenaClient: ClientGame = {
  name: arenaSpec.name,
  createDrawing: (context) => new ArenaDrawing(arenaConstants(context.schema)),
  start: (context) => new ArenaSession(context),
};

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

/** Geometry shared by every view of a kind: tessellated once, drawn many times. */
class ArenaDrawing implements GameDrawing {
  readonly layers = ['pellet', 'player', 'projectile'];
  readonly playerRadius: number;
  readonly maxHp: number;
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

  constructor(shapes: ArenaDrawing) {
    this.#streak = new Graphics(shapes.shotStreak);
    this.display.addChild(this.#streak, new Graphics(shapes.shotCore));
  }

  assign(entity: RenderEntity): void {
    this.#streak.tint = playerColor(numberField(entity.fields, 'owner'));
  }

  update(entity: RenderEntity): void {
    const vx = numberField(entity.fields, 'vx');
    const vy = numberField(entity.fields, 'vy');
    this.display.rotation = Math.atan2(vy, vx);
    this.#streak.scale.x = (Math.hypot(vx, vy) / POSITION_SCALE) * STREAK_TICKS;
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
