import { Graphics, GraphicsContext } from 'pixi.js';
import type { CompiledSchema } from '@tickwire/protocol';
import type { RenderEntity } from '../game/game-module.js';
import type { EntityView, GameDrawing } from './entity-drawing.js';
import { Colors } from './palette.js';

const DOT_RADIUS_UNITS = 8;

/**
 * How the client draws a game it has no module for: every kind of the schema as a plain dot,
 * the own entity ringed. Enough to watch any tickwire game's entities move.
 */
export function createFallbackDrawing(schema: CompiledSchema): GameDrawing {
  const dot = new GraphicsContext().circle(0, 0, DOT_RADIUS_UNITS).fill(Colors.unknownEntity);
  const ring = new GraphicsContext()
    .circle(0, 0, DOT_RADIUS_UNITS + 4)
    .stroke({ width: 2, color: Colors.selfRing });
  return {
    layers: schema.kinds.map((kind) => kind.name),
    createView: (): EntityView => new DotView(dot, ring),
    destroy: () => {
      dot.destroy();
      ring.destroy();
    },
  };
}

class DotView implements EntityView {
  readonly display: Graphics;
  readonly #ring: Graphics;

  constructor(dot: GraphicsContext, ring: GraphicsContext) {
    this.display = new Graphics(dot);
    this.#ring = new Graphics(ring);
    this.display.addChild(this.#ring);
  }

  assign(entity: RenderEntity): void {
    this.update(entity);
  }

  update(entity: RenderEntity): void {
    this.#ring.visible = entity.isSelf;
  }
}
