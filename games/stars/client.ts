// The stars client module: how its kinds look (PixiJS) and, from client-session.ts, how the
// mouse, Space and touch become its controls. Everything else (interpolation, lifetimes, the
// replica, the connection) is the engine's, driven by the schema.
import { Color, Container, Graphics, GraphicsContext, Text } from 'pixi.js';
import { POSITION_SCALE, clamp } from '@tickwire/protocol';
import {
  numberField,
  stringField,
  type ClientGame,
  type GameContext,
  type RenderEntity,
} from '../../client/src/game/game-module.js';
import type { EntityView, GameDrawing } from '../../client/src/render/entity-drawing.js';
import { StarsSession, starsConstants } from './client-session.js';
import { starsSpec } from './shared.js';

export const starsClient: ClientGame = {
  name: starsSpec.name,
  createDrawing: (context) => new StarsDrawing(context),
  start: (context) => new StarsSession(context),
};

const Colors = {
  outline: 0x0b1020,
  name: 0xe8ecf4,
  selfName: 0xffe08a,
  nameOutline: 0x000000,
  reach: 0xffffff,
  /** Stars by points: pale (1) to deep gold (3). */
  stars: [0xfff1a8, 0xffd34d, 0xffa62b],
  starEdge: 0xfffbe6,
  sparkHit: 0xffd34d,
  sparkMiss: 0x9fb0d0,
} as const;

/** Outer radius of a star worth `points`, world units (drawn only: no size on the server). */
const starRadius = (points: number): number => 7 + 4 * points;
/** The arrow pointer's size: 1 is about 27 units tall. */
const ARROW_SCALE = 1.3;
/** A spark's ring grows from this share of its full radius (the reach) to all of it. */
const SPARK_START_SCALE = 0.2;
/** How far the "+points" of a spark rises over its life, world units. */
const SPARK_RISE_UNITS = 24;

const labelStyle = {
  fontFamily: 'system-ui, -apple-system, "Segoe UI", sans-serif',
  fontSize: 16,
  fontWeight: '600',
  fill: Colors.name,
  stroke: { color: Colors.nameOutline, width: 3 },
} as const;

/** Geometry shared by every view of a kind: tessellated once, drawn many times. */
class StarsDrawing implements GameDrawing {
  readonly layers = ['star', 'spark', 'cursor'];
  /** An arrow pointer, its tip at the cursor's position: white, tinted by the cursor's hue. */
  readonly arrow = new GraphicsContext()
    .poly([0, 0, 0, 24, 6, 18.5, 10, 27, 14, 25, 10, 16.5, 17, 16.5].map((v) => v * ARROW_SCALE))
    .fill(0xffffff)
    .stroke({ width: 2, color: Colors.outline, join: 'round' });
  /** What a click of the own cursor collects: everything within reach of its tip. */
  readonly reachRing: GraphicsContext;
  /** Star shapes by points (1..3); other values are drawn as the nearest. */
  readonly stars: GraphicsContext[];
  /** A spark's ring at its full size (the reach), white, tinted and scaled by its age. */
  readonly sparkRing: GraphicsContext;
  /** Palette colour by hue index (the cursor's `hue`, 0..hues-1). */
  readonly hueColors: number[];
  readonly sparkLifetimeTicks: number;
  readonly tickMs: number;

  constructor(context: GameContext) {
    const c = starsConstants(context.schema);
    const reach = c.reach / POSITION_SCALE;
    this.reachRing = new GraphicsContext()
      .circle(0, 0, reach)
      .stroke({ width: 1.5, color: Colors.reach, alpha: 0.35 });
    this.stars = Colors.stars.map((color, i) => {
      const r = starRadius(i + 1);
      return new GraphicsContext()
        .star(0, 0, 5, r, r * 0.45, -Math.PI / 2)
        .fill(color)
        .stroke({ width: 1.5, color: Colors.starEdge, alpha: 0.8 });
    });
    this.sparkRing = new GraphicsContext()
      .circle(0, 0, reach)
      .stroke({ width: 3, color: 0xffffff });
    this.hueColors = Array.from({ length: Math.max(1, c.hues) }, (_, i) =>
      new Color({ h: (i * 360) / Math.max(1, c.hues), s: 75, l: 62 }).toNumber(),
    );
    this.sparkLifetimeTicks = context.schema.kindByName.get('spark')?.lifetimeTicks ?? 1;
    this.tickMs = 1000 / context.tickHz;
  }

  createView(kind: string): EntityView {
    if (kind === 'cursor') return new CursorView(this);
    if (kind === 'spark') return new SparkView(this);
    return new StarView(this);
  }

  destroy(): void {
    for (const context of [this.arrow, this.reachRing, this.sparkRing, ...this.stars]) {
      context.destroy();
    }
  }
}

class CursorView implements EntityView {
  readonly display = new Container();
  readonly #arrow: Graphics;
  readonly #reach: Graphics;
  readonly #label: Text;
  readonly #hueColors: readonly number[];
  #isSelf = false;

  constructor(shapes: StarsDrawing) {
    this.#hueColors = shapes.hueColors;
    this.#arrow = new Graphics(shapes.arrow);
    this.#reach = new Graphics(shapes.reachRing);
    this.#reach.visible = false;
    this.#label = new Text({ text: '', style: { ...labelStyle } });
    this.#label.position.set(14 * ARROW_SCALE, 28 * ARROW_SCALE);
    this.display.addChild(this.#reach, this.#arrow, this.#label);
  }

  assign(entity: RenderEntity): void {
    const hue = numberField(entity.fields, 'hue');
    this.#arrow.tint = this.#hueColors[hue % this.#hueColors.length] ?? 0xffffff;
  }

  update(entity: RenderEntity): void {
    const { fields } = entity;
    const text = `${stringField(fields, 'name')} ${numberField(fields, 'score')}`;
    if (this.#label.text !== text) this.#label.text = text;
    if (entity.isSelf !== this.#isSelf) {
      this.#isSelf = entity.isSelf;
      this.#reach.visible = entity.isSelf;
      this.#label.style.fill = entity.isSelf ? Colors.selfName : Colors.name;
      // The own cursor is drawn over the others.
      this.display.zIndex = entity.isSelf ? 1 : 0;
    }
  }
}

class StarView implements EntityView {
  readonly display: Graphics;
  readonly #shapes: readonly GraphicsContext[];
  #phase = 0;

  constructor(shapes: StarsDrawing) {
    this.#shapes = shapes.stars;
    this.display = new Graphics(shapes.stars[0]);
  }

  assign(entity: RenderEntity): void {
    const points = clamp(numberField(entity.fields, 'points', 1), 1, this.#shapes.length);
    const shape = this.#shapes[points - 1];
    if (shape) this.display.context = shape;
    this.#phase = entity.id * 1.7;
  }

  /** Twinkles: a slow swell, out of step from star to star. */
  update(_entity: RenderEntity, nowMs: number): void {
    this.display.scale.set(1 + 0.08 * Math.sin(nowMs / 350 + this.#phase));
  }
}

/** A ring that grows from the click and fades as its ticks run out; a hit shows its points. */
class SparkView implements EntityView {
  readonly display = new Container();
  readonly #ring: Graphics;
  readonly #points: Text;
  readonly #lifetimeTicks: number;
  readonly #tickMs: number;
  /** ticksLeft as last drawn, and the frame time it took that value (ticks run out between). */
  #ticksLeft = 0;
  #sinceMs = 0;

  constructor(shapes: StarsDrawing) {
    this.#lifetimeTicks = shapes.sparkLifetimeTicks;
    this.#tickMs = shapes.tickMs;
    this.#ring = new Graphics(shapes.sparkRing);
    this.#points = new Text({ text: '', style: { ...labelStyle, fill: Colors.sparkHit } });
    this.#points.anchor.set(0.5, 1);
    this.display.addChild(this.#ring, this.#points);
  }

  assign(entity: RenderEntity): void {
    const points = numberField(entity.fields, 'points');
    this.#ring.tint = points > 0 ? Colors.sparkHit : Colors.sparkMiss;
    this.#points.text = points > 0 ? `+${points}` : '';
    this.#ticksLeft = -1;
  }

  update(entity: RenderEntity, nowMs: number): void {
    const ticksLeft = numberField(entity.fields, 'ticksLeft');
    if (ticksLeft !== this.#ticksLeft) {
      this.#ticksLeft = ticksLeft;
      this.#sinceMs = nowMs;
    }
    const elapsedTicks = Math.min(1, (nowMs - this.#sinceMs) / this.#tickMs);
    const age = clamp(1 - (ticksLeft - elapsedTicks) / this.#lifetimeTicks, 0, 1);
    this.#ring.scale.set(SPARK_START_SCALE + (1 - SPARK_START_SCALE) * age);
    this.#ring.alpha = 1 - age;
    this.#points.alpha = 1 - age * age;
    this.#points.y = -SPARK_RISE_UNITS * age;
  }
}
