import { Container, Graphics, GraphicsContext, Text } from 'pixi.js';
import { EntityKind } from '@tickwire/protocol';
import type { RenderEntity } from '../game/game-state.js';
import { Colors, PELLET_RADIUS_UNITS, PLAYER_RADIUS_UNITS, playerColor } from './palette.js';

/**
 * Geometry shared by every view of a kind: tessellated once, drawn many times. Player bodies
 * are one white circle tinted per player.
 */
class SharedShapes {
  readonly pellet = new GraphicsContext().circle(0, 0, PELLET_RADIUS_UNITS).fill(Colors.pellet);
  readonly body = new GraphicsContext()
    .circle(0, 0, PLAYER_RADIUS_UNITS)
    .fill(0xffffff)
    .stroke({ width: 3, color: 0x8a8a8a, alignment: 1 });
  readonly selfRing = new GraphicsContext()
    .circle(0, 0, PLAYER_RADIUS_UNITS + 6)
    .stroke({ width: 3, color: Colors.selfRing });
  readonly aim = new GraphicsContext()
    .poly([PLAYER_RADIUS_UNITS + 3, -7, PLAYER_RADIUS_UNITS + 14, 0, PLAYER_RADIUS_UNITS + 3, 7])
    .fill({ color: Colors.aim, alpha: 0.9 });

  destroy(): void {
    this.pellet.destroy();
    this.body.destroy();
    this.selfRing.destroy();
    this.aim.destroy();
  }
}

class PlayerView {
  readonly container = new Container();
  readonly #ring: Graphics;
  readonly #body: Graphics;
  readonly #aim: Graphics;
  readonly #label: Text;
  #isSelf = false;

  constructor(shapes: SharedShapes, entity: RenderEntity) {
    this.#ring = new Graphics(shapes.selfRing);
    this.#ring.visible = false;
    const body = new Graphics(shapes.body);
    this.#body = body;
    body.tint = playerColor(entity.id);
    this.#aim = new Graphics(shapes.aim);
    this.#label = new Text({
      text: entity.name,
      style: {
        fontFamily: 'system-ui, -apple-system, "Segoe UI", sans-serif',
        fontSize: 18,
        fontWeight: '600',
        fill: Colors.name,
        stroke: { color: Colors.nameOutline, width: 3 },
      },
    });
    this.#label.anchor.set(0.5, 1);
    this.#label.y = -PLAYER_RADIUS_UNITS - 8;
    this.container.addChild(this.#ring, body, this.#aim, this.#label);
  }

  /** Gives this (pooled) view to another player. */
  assign(entity: RenderEntity): void {
    this.#body.tint = playerColor(entity.id);
    this.update(entity);
  }

  update(entity: RenderEntity): void {
    this.container.position.set(entity.x, entity.y);
    this.#aim.rotation = entity.aimRadians;
    if (this.#label.text !== entity.name) this.#label.text = entity.name;
    if (entity.isSelf !== this.#isSelf) {
      this.#isSelf = entity.isSelf;
      this.#ring.visible = entity.isSelf;
      this.#label.style.fill = entity.isSelf ? Colors.selfName : Colors.name;
      // The own player is drawn over the others.
      this.container.zIndex = entity.isSelf ? 1 : 0;
    }
  }
}

interface PooledView {
  kind: EntityKind;
  /** Pellets are a bare Graphics; players a PlayerView. */
  display: Container;
  player: PlayerView | null;
  /** Last sync() that saw this entity. */
  seenAt: number;
}

/**
 * The display objects of the entities in view, one per entity id, pooled: an entity entering the
 * view takes a spare display object of its kind (one is created only when none is spare), moves
 * every frame, and gives it back (hidden) when it leaves. Nothing is created per snapshot or per
 * frame once the pool has grown to the crowd's size.
 */
export class EntityViews {
  readonly container = new Container({ label: 'entities' });
  readonly #pellets = new Container({ label: 'pellets' });
  readonly #players = new Container({ label: 'players', sortableChildren: true });
  readonly #shapes = new SharedShapes();
  readonly #views = new Map<number, PooledView>();
  readonly #spare: Record<EntityKind, PooledView[]> = {
    [EntityKind.Player]: [],
    [EntityKind.Pellet]: [],
  };
  #syncCount = 0;
  #created = 0;
  #peakInUse = 0;
  /** Scratch list for sync(): entities that need a view this frame. */
  readonly #entering: RenderEntity[] = [];

  constructor() {
    this.container.addChild(this.#pellets, this.#players);
  }

  /** Display objects in use. */
  get size(): number {
    return this.#views.size;
  }

  /** Display objects in use or spare. */
  get pooled(): number {
    return (
      this.#views.size +
      this.#spare[EntityKind.Player].length +
      this.#spare[EntityKind.Pellet].length
    );
  }

  /** Display objects ever created. */
  get created(): number {
    return this.#created;
  }

  /** Most display objects in use at once. The pool never holds more than this. */
  get peakInUse(): number {
    return this.#peakInUse;
  }

  sync(entities: readonly RenderEntity[]): void {
    const syncCount = ++this.#syncCount;
    const entering = this.#entering;
    entering.length = 0;
    for (const entity of entities) {
      const view = this.#views.get(entity.id);
      // A new id, or an id reused for another kind of entity: it gets a view below.
      if (view?.kind !== entity.kind) {
        entering.push(entity);
        continue;
      }
      view.seenAt = syncCount;
      if (view.player) view.player.update(entity);
      else view.display.position.set(entity.x, entity.y);
    }
    // Views of entities that left go back to the pool first, so the ones entering reuse them.
    for (const [id, view] of this.#views) {
      if (view.seenAt !== syncCount) this.#release(id, view);
    }
    for (const entity of entering) {
      const view = this.#acquire(entity);
      view.seenAt = syncCount;
      this.#views.set(entity.id, view);
      if (!view.player) view.display.position.set(entity.x, entity.y);
    }
    this.#peakInUse = Math.max(this.#peakInUse, this.#views.size);
  }

  destroy(): void {
    // Destroys children (and the Texts' textures) but not the shared GraphicsContexts, which the
    // Graphics do not own.
    this.container.destroy({ children: true });
    this.#shapes.destroy();
  }

  #acquire(entity: RenderEntity): PooledView {
    const spare = this.#spare[entity.kind].pop();
    if (spare) {
      spare.display.visible = true;
      spare.player?.assign(entity);
      return spare;
    }
    this.#created++;
    return this.#create(entity);
  }

  #release(id: number, view: PooledView): void {
    this.#views.delete(id);
    view.display.visible = false;
    this.#spare[view.kind].push(view);
  }

  #create(entity: RenderEntity): PooledView {
    if (entity.kind === EntityKind.Player) {
      const player = new PlayerView(this.#shapes, entity);
      this.#players.addChild(player.container);
      return { kind: entity.kind, display: player.container, player, seenAt: 0 };
    }
    const dot = new Graphics(this.#shapes.pellet);
    this.#pellets.addChild(dot);
    return { kind: entity.kind, display: dot, player: null, seenAt: 0 };
  }
}
