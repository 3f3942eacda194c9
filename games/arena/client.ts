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
import { layoutLabels, type LabelBox } from './label-layout.js';
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
/** Name labels: space kept between two, and the highest a label is lifted to clear others. */
const LABEL_LAYOUT = { gap: 2, maxLift: 80 } as const;
/** A moved label glides to its new place over about this long (time constant). */
const LABEL_EASE_MS = 70;
/** Labels are drawn over every player body (zIndex in the players' layer), the own one on top. */
const LABEL_Z = 2;
const SELF_LABEL_Z = 3;

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
  /** Frames laid out so far: a player view drawn in this frame carries its number. */
  frame = 0;
  /** Every player view created (in use or pooled). */
  readonly #playerViews: PlayerView[] = [];
  /** Scratch for layout(): the player views drawn this frame, and their labels. */
  readonly #drawn: PlayerView[] = [];
  readonly #labels: LabelBox[] = [];

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
    if (kind === 'player') {
      const view = new PlayerView(this);
      this.#playerViews.push(view);
      return view;
    }
    if (kind === 'projectile') return new ProjectileView(this);
    return new PelletView(this);
  }

  /** Keeps the name labels of the players drawn this frame from overlapping. */
  layout(nowMs: number): void {
    const drawn = this.#drawn;
    const labels = this.#labels;
    drawn.length = 0;
    labels.length = 0;
    for (const view of this.#playerViews) {
      if (view.drawnInFrame !== this.frame) {
        // Back in the pool: the engine hid its display, not the label beside it.
        view.hideLabel();
        continue;
      }
      drawn.push(view);
      labels.push(view.labelBox);
    }
    layoutLabels(labels, LABEL_LAYOUT);
    for (const view of drawn) view.placeLabel(nowMs);
    this.frame++;
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
  /** Where the label would sit this frame, and (after layout) how far it is lifted. */
  readonly labelBox: LabelBox = {
    x: 0,
    bottom: 0,
    width: 0,
    height: 0,
    isPinned: false,
    lift: 0,
    isHidden: false,
  };
  /** The drawing's frame this view was last drawn in. */
  drawnInFrame = -1;
  readonly #shapes: ArenaDrawing;
  readonly #ring: Graphics;
  readonly #body: Graphics;
  readonly #flash: Graphics;
  readonly #aim: Graphics;
  readonly #hpFill: Graphics;
  /**
   * The name, beside `display` in the players' layer rather than in it, so that every label is
   * drawn over every body; placed by `placeLabel`.
   */
  readonly #label: Text;
  /** The label's bottom when not lifted, from the player's centre (just above the body). */
  readonly #labelRestY: number;
  /** Lift and opacity as drawn: they glide towards what the layout asks. */
  #labelLift = 0;
  #labelAlpha = 1;
  /** Client clock when the label was last placed; null: snap to the layout's place. */
  #labelPlacedAtMs: number | null = null;
  readonly #barWidth: number;
  readonly #maxHp: number;
  #isSelf = false;
  /** hp when last drawn (null for a view just given to a player): a drop flashes. */
  #lastHp: number | null = null;
  #flashStartMs = -Infinity;

  constructor(shapes: ArenaDrawing) {
    const r = shapes.playerRadius;
    this.#shapes = shapes;
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
    this.#label.zIndex = LABEL_Z;
    this.#label.visible = false;
    this.#labelRestY = -r - 8;
    // The aim arrow over the hp bar, so it shows when it points down.
    this.display.addChild(
      this.#ring,
      this.#body,
      this.#flash,
      new Graphics(shapes.hpBack),
      this.#hpFill,
      this.#aim,
    );
  }

  assign(entity: RenderEntity): void {
    this.#body.tint = playerColor(entity.id);
    this.#lastHp = null;
    this.#flashStartMs = -Infinity;
    this.#labelPlacedAtMs = null;
  }

  update(entity: RenderEntity, nowMs: number): void {
    const { fields } = entity;
    this.#aim.rotation = fromWireAngle(numberField(fields, 'aim'));
    const name = stringField(fields, 'name');
    // The engine put `display` in the players' layer before the first update.
    const layer = this.display.parent;
    if (layer !== null && this.#label.parent !== layer) layer.addChild(this.#label);
    const box = this.labelBox;
    if (this.#label.text !== name) {
      this.#label.text = name;
      // Measured once per name: the layout reads the size every frame.
      box.width = this.#label.width;
      box.height = this.#label.height;
    }
    box.x = entity.x;
    box.bottom = entity.y + this.#labelRestY;
    box.isPinned = entity.isSelf;
    this.drawnInFrame = this.#shapes.frame;
    if (entity.isSelf !== this.#isSelf) {
      this.#isSelf = entity.isSelf;
      this.#ring.visible = entity.isSelf;
      this.#label.style.fill = entity.isSelf ? Colors.selfName : Colors.name;
      this.#label.zIndex = entity.isSelf ? SELF_LABEL_Z : LABEL_Z;
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

  /** Moves the label towards where the layout put it (a hidden one fades where it is). */
  placeLabel(nowMs: number): void {
    const box = this.labelBox;
    const last = this.#labelPlacedAtMs;
    const share = last === null ? 1 : 1 - Math.exp(-Math.max(0, nowMs - last) / LABEL_EASE_MS);
    this.#labelPlacedAtMs = nowMs;
    if (!box.isHidden) this.#labelLift += (box.lift - this.#labelLift) * share;
    this.#labelAlpha += ((box.isHidden ? 0 : 1) - this.#labelAlpha) * share;
    this.#label.position.set(box.x, box.bottom - this.#labelLift);
    this.#label.alpha = this.#labelAlpha;
    this.#label.visible = this.#labelAlpha > 0.02;
  }

  hideLabel(): void {
    this.#label.visible = false;
  }
}
