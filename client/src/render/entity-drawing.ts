import type { Container } from 'pixi.js';
import type { RenderEntity } from '../game/game-module.js';

/**
 * The drawing half of a game's client module (game/game-module.ts): display objects for its
 * entity kinds. The engine pools them: an entity entering the view takes a spare view of its
 * kind (`createView` is called only when none is spare), is updated every frame it is drawn, and
 * gives the view back (hidden) when it leaves. Nothing should be created per frame.
 */
export interface GameDrawing {
  /**
   * Kind names, bottom layer first: each kind is drawn in a layer of its own, in this order. A
   * kind not listed is not drawn.
   */
  readonly layers: readonly string[];
  /** A new view for an entity of `kind` (one of `layers`). */
  createView(kind: string): EntityView;
  /**
   * Optional: called once a frame after every view in use was updated, for what depends on
   * several entities at once (keeping name labels apart, say). `nowMs` as in `update`.
   */
  layout?(nowMs: number): void;
  /** Frees what the views share (GraphicsContexts); called after every view was destroyed. */
  destroy(): void;
}

/** The display object of one entity at a time. */
export interface EntityView {
  /** Added to its kind's layer once; moved, shown and hidden by the engine. */
  readonly display: Container;
  /** The view now shows `entity` (a new id, or its first): set per-entity looks (colour, name). */
  assign(entity: RenderEntity): void;
  /**
   * Called every frame the entity is drawn, after `assign` on its first. The engine has already
   * placed `display` at the entity's position. `nowMs` is the frame's client clock (effects).
   */
  update(entity: RenderEntity, nowMs: number): void;
}
