import { EntityKind, POSITION_SCALE, Replica, fromWireAngle } from '@tickwire/protocol';
import type { EntityRecord, Snapshot, ViewState, Welcome } from '@tickwire/protocol';
import { followCamera, zoomToFit } from './camera.js';
import type { Camera, Viewport, WorldSize } from './camera.js';
import { lerp } from './geometry.js';
import type { Point } from './geometry.js';

/** One entity as the renderer draws it: world units, at the render time. */
export interface RenderEntity {
  id: number;
  kind: EntityKind;
  x: number;
  y: number;
  /** Player name; '' for pellets. */
  name: string;
  /** Facing, in radians (0 = +x, clockwise on screen since +y is down). */
  aimRadians: number;
  isSelf: boolean;
}

/** Everything the renderer needs for one frame. The renderer reads it and nothing else. */
export interface Frame {
  /** World size in world units; null before Welcome. */
  world: WorldSize | null;
  camera: Camera;
  entities: readonly RenderEntity[];
  /** The own player, when it is in the latest view. */
  self: RenderEntity | null;
}

interface ReceivedView {
  view: ViewState;
  /** Client clock (ms) when the snapshot arrived. */
  receivedAtMs: number;
}

/**
 * The client's game state: the replica of the server's view, the last two views with their
 * arrival times (for smoothing), and the camera's target. It holds no socket and draws nothing:
 * the connection feeds it (it is the connection's SyncTarget) and the renderer reads `frame()`.
 *
 * Smoothing for now: each entity moves from its position in the previous snapshot to the one in
 * the latest over one snapshot interval after the latest arrived. Interpolation on a synced
 * clock and prediction of the own player replace this in a later issue, inside `frame()`.
 */
export class GameState {
  #welcome: Welcome | null = null;
  #replica: Replica | null = null;
  #previous: ReceivedView | null = null;
  #latest: ReceivedView | null = null;
  #cameraTarget: Point = { x: 0, y: 0 };

  get welcome(): Welcome | null {
    return this.#welcome;
  }

  /** Entity id of the own player; null before Welcome. */
  get playerId(): number | null {
    return this.#welcome?.playerId ?? null;
  }

  /** The newest applied view (positions as the server sent them); null before the first. */
  get latestView(): ViewState | null {
    return this.#latest?.view ?? null;
  }

  get ackTick(): number {
    return this.#replica?.tick ?? 0;
  }

  onWelcome(welcome: Welcome, _receivedAtMs: number): void {
    this.#welcome = welcome;
    this.#replica = new Replica({
      worldWidth: welcome.worldWidth,
      worldHeight: welcome.worldHeight,
    });
    this.#previous = null;
    this.#latest = null;
    this.#cameraTarget = { x: welcome.worldWidth / 2, y: welcome.worldHeight / 2 };
  }

  /** Throws ReplicaError (and changes nothing) when the snapshot cannot be applied. */
  applySnapshot(snapshot: Snapshot, receivedAtMs: number): void {
    if (!this.#replica) throw new Error('GameState.applySnapshot: no Welcome yet');
    const view = this.#replica.apply(snapshot);
    this.#previous = this.#latest;
    this.#latest = { view, receivedAtMs };
  }

  /**
   * Forgets the replica's baselines. The views already received stay on screen until the full
   * snapshot the server sends next replaces them.
   */
  resetReplica(): void {
    this.#replica?.reset();
  }

  /** Forgets the room (after leaving or losing the connection); the camera stays where it was. */
  clear(): void {
    this.#welcome = null;
    this.#replica = null;
    this.#previous = null;
    this.#latest = null;
  }

  /** What to draw at client time `nowMs` on a viewport of the given size. */
  frame(nowMs: number, viewport: Viewport): Frame {
    const welcome = this.#welcome;
    const world = welcome ? { width: welcome.worldWidth, height: welcome.worldHeight } : null;
    const entities = this.#latest ? this.#sample(this.#latest, nowMs) : [];
    const self = entities.find((e) => e.isSelf) ?? null;
    if (self) this.#cameraTarget = { x: self.x, y: self.y };
    const zoom = welcome
      ? zoomToFit(viewport, { width: welcome.viewWidth, height: welcome.viewHeight })
      : 1;
    return {
      world,
      camera: followCamera(this.#cameraTarget, world, viewport, zoom),
      entities,
      self,
    };
  }

  #sample(latest: ReceivedView, nowMs: number): RenderEntity[] {
    const previous = this.#previous;
    const tickHz = this.#welcome?.tickHz ?? 30;
    let alpha = 1;
    if (previous) {
      const intervalMs = ((latest.view.tick - previous.view.tick) * 1000) / tickHz;
      alpha = Math.min(Math.max((nowMs - latest.receivedAtMs) / intervalMs, 0), 1);
    }
    const selfId = this.playerId;
    const out: RenderEntity[] = [];
    for (const entity of latest.view.entities.values()) {
      const before = previous?.view.entities.get(entity.id);
      const fromX = before ? before.x : entity.x;
      const fromY = before ? before.y : entity.y;
      out.push(
        toRenderEntity(
          entity,
          lerp(fromX, entity.x, alpha) / POSITION_SCALE,
          lerp(fromY, entity.y, alpha) / POSITION_SCALE,
          entity.id === selfId,
        ),
      );
    }
    return out;
  }
}

function toRenderEntity(entity: EntityRecord, x: number, y: number, isSelf: boolean): RenderEntity {
  if (entity.kind === EntityKind.Player) {
    return {
      id: entity.id,
      kind: entity.kind,
      x,
      y,
      name: entity.name,
      aimRadians: fromWireAngle(entity.aim),
      isSelf,
    };
  }
  return { id: entity.id, kind: entity.kind, x, y, name: '', aimRadians: 0, isSelf };
}
