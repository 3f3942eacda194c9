import { Container } from 'pixi.js';
import type { RenderEntity } from '../game/game-module.js';
import type { EntityView, GameDrawing } from './entity-drawing.js';

interface PooledView {
  readonly kind: string;
  readonly view: EntityView;
  /** Last sync() that saw this entity. */
  seenAt: number;
}

/**
 * The display objects of the entities in view, one per entity id, pooled by kind: an entity
 * entering the view takes a spare display object of its kind (one is created only when none is
 * spare), moves every frame, and gives it back (hidden) when it leaves. Nothing is created per
 * snapshot or per frame once the pool has grown to the crowd's size. What each kind looks like
 * is the game's (its GameDrawing).
 */
export class EntityViews {
  readonly container = new Container({ label: 'entities' });
  readonly #drawing: GameDrawing;
  readonly #layers = new Map<string, Container>();
  readonly #views = new Map<number, PooledView>();
  readonly #spare = new Map<string, PooledView[]>();
  #spareCount = 0;
  #syncCount = 0;
  #created = 0;
  #peakInUse = 0;
  /** Scratch list for sync(): entities that need a view this frame. */
  readonly #entering: RenderEntity[] = [];

  constructor(drawing: GameDrawing) {
    this.#drawing = drawing;
    for (const kind of drawing.layers) {
      // Sorted by zIndex, so a game can lift one entity (the own one) over its kind.
      const layer = new Container({ label: kind, sortableChildren: true });
      this.#layers.set(kind, layer);
      this.#spare.set(kind, []);
      this.container.addChild(layer);
    }
  }

  /** Display objects in use. */
  get size(): number {
    return this.#views.size;
  }

  /** Display objects in use or spare. */
  get pooled(): number {
    return this.#views.size + this.#spareCount;
  }

  /** Display objects ever created. */
  get created(): number {
    return this.#created;
  }

  /** Most display objects in use at once. The pool never holds more than this. */
  get peakInUse(): number {
    return this.#peakInUse;
  }

  sync(entities: readonly RenderEntity[], nowMs: number): void {
    const syncCount = ++this.#syncCount;
    const entering = this.#entering;
    entering.length = 0;
    for (const entity of entities) {
      const pooled = this.#views.get(entity.id);
      // A new id, or an id reused for another kind of entity: it gets a view below.
      if (pooled?.kind !== entity.kind) {
        if (this.#layers.has(entity.kind)) entering.push(entity);
        continue;
      }
      pooled.seenAt = syncCount;
      pooled.view.display.position.set(entity.x, entity.y);
      pooled.view.update(entity, nowMs);
    }
    // Views of entities that left go back to the pool first, so the ones entering reuse them.
    for (const [id, pooled] of this.#views) {
      if (pooled.seenAt !== syncCount) this.#release(id, pooled);
    }
    for (const entity of entering) {
      const pooled = this.#acquire(entity);
      pooled.seenAt = syncCount;
      this.#views.set(entity.id, pooled);
      pooled.view.display.position.set(entity.x, entity.y);
      pooled.view.update(entity, nowMs);
    }
    this.#peakInUse = Math.max(this.#peakInUse, this.#views.size);
  }

  /** Destroys every display object, then what the game's views share. */
  destroy(): void {
    this.container.destroy({ children: true });
    this.#drawing.destroy();
  }

  #acquire(entity: RenderEntity): PooledView {
    const spare = this.#spare.get(entity.kind)?.pop();
    if (spare) {
      this.#spareCount--;
      spare.view.display.visible = true;
      spare.view.assign(entity);
      return spare;
    }
    this.#created++;
    const view = this.#drawing.createView(entity.kind);
    this.#layers.get(entity.kind)?.addChild(view.display);
    view.assign(entity);
    return { kind: entity.kind, view, seenAt: 0 };
  }

  #release(id: number, pooled: PooledView): void {
    this.#views.delete(id);
    pooled.view.display.visible = false;
    this.#spare.get(pooled.kind)?.push(pooled);
    this.#spareCount++;
  }
}
