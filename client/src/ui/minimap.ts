import { POSITION_SCALE } from '@tickwire/protocol';
import type { RoomSummary } from '@tickwire/protocol';
import { sameWorld, visibleWorldRect } from '../game/camera.js';
import type { Camera, WorldSize } from '../game/camera.js';
import { intersectRects } from '../game/geometry.js';
import type { Point, Rect } from '../game/geometry.js';

/** A dot on the minimap, in world units, with its colour (0xRRGGBB). */
export interface MinimapDot extends Point {
  color: number;
}

/** What the minimap shows: the world, what the screen shows of it, and who is where. */
export interface MinimapScene {
  world: WorldSize;
  /** The screen's camera: its rectangle is outlined. */
  camera: Camera;
  /** The own entity (null for a spectator): a ring. */
  self: Point | null;
  /** Others to mark: the leaders of the room summary, and those of the own kind in view. */
  dots: readonly MinimapDot[];
}

/** Longest side of the minimap, in CSS pixels. */
const MINIMAP_SIDE_PX = 150;
/** Redraws at most this often: it moves slowly at this scale. */
const REDRAW_INTERVAL_MS = 100;

/** The minimap's size in CSS pixels for a world: its longest side MINIMAP_SIDE_PX. */
export function minimapSize(world: WorldSize): { width: number; height: number; scale: number } {
  const scale = MINIMAP_SIDE_PX / Math.max(world.width, world.height, 1);
  return {
    width: Math.max(1, Math.round(world.width * scale)),
    height: Math.max(1, Math.round(world.height * scale)),
    scale,
  };
}

/** The part of the world the camera shows, in world units, clipped to the world. */
export function cameraRect(camera: Camera, world: WorldSize): Rect {
  const worldRect = { x: 0, y: 0, width: world.width, height: world.height };
  return (
    intersectRects(visibleWorldRect(camera), worldRect) ?? {
      x: camera.x,
      y: camera.y,
      width: 0,
      height: 0,
    }
  );
}

function cssColor(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}

/**
 * A 2D-canvas minimap in a corner: the world, the screen's rectangle, others as dots and the own
 * entity as a ring. A plain canvas, not PixiJS: a few dozen shapes ten times a second.
 */
export class Minimap {
  readonly #canvas: HTMLCanvasElement;
  readonly #context: CanvasRenderingContext2D | null;
  #lastDrawMs = -Infinity;
  #world: WorldSize | null = null;

  constructor(canvas: HTMLCanvasElement) {
    this.#canvas = canvas;
    this.#context = canvas.getContext('2d');
  }

  /**
   * Draws the scene `sceneOf` makes (null hides the minimap), at most every
   * REDRAW_INTERVAL_MS: between two redraws the scene is not even made. The canvas holds the
   * world's shape at the device's pixel ratio; its size on the page is the style sheet's.
   */
  draw(nowMs: number, sceneOf: () => MinimapScene | null): void {
    if (nowMs - this.#lastDrawMs < REDRAW_INTERVAL_MS) return;
    this.#lastDrawMs = nowMs;
    const scene = sceneOf();
    this.#canvas.hidden = scene === null;
    const context = this.#context;
    if (scene === null || context === null) return;
    const { width, height, scale } = minimapSize(scene.world);
    if (!sameWorld(scene.world, this.#world)) {
      this.#world = scene.world;
      const ratio = globalThis.devicePixelRatio || 1;
      this.#canvas.width = Math.round(width * ratio);
      this.#canvas.height = Math.round(height * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
    }
    context.clearRect(0, 0, width, height);
    context.fillStyle = 'rgba(16, 24, 40, 0.8)';
    context.fillRect(0, 0, width, height);
    const view = cameraRect(scene.camera, scene.world);
    context.strokeStyle = 'rgba(255, 255, 255, 0.55)';
    context.lineWidth = 1;
    context.strokeRect(view.x * scale, view.y * scale, view.width * scale, view.height * scale);
    for (const dot of scene.dots) {
      context.fillStyle = cssColor(dot.color);
      context.beginPath();
      context.arc(dot.x * scale, dot.y * scale, 2.5, 0, Math.PI * 2);
      context.fill();
    }
    if (scene.self) {
      context.strokeStyle = '#ffffff';
      context.lineWidth = 2;
      context.beginPath();
      context.arc(scene.self.x * scale, scene.self.y * scale, 4, 0, Math.PI * 2);
      context.stroke();
    }
  }
}

/**
 * The minimap's scene for a frame: the leaders of the room summary (wire positions, once a
 * second) and, fresher, the entities in view of the ranked kind (the own entity's kind, or for a
 * spectator the kind of a leader in view); each coloured by `colorOf(id)`.
 */
export function minimapScene(
  frame: {
    world: WorldSize | null;
    camera: Camera;
    self: { id: number; x: number; y: number; kind: string } | null;
    entities: readonly { id: number; kind: string; x: number; y: number }[];
  },
  summary: RoomSummary | null,
  colorOf: (id: number) => number,
): MinimapScene | null {
  if (frame.world === null) return null;
  const dots: MinimapDot[] = [];
  const inView = new Set<number>();
  const leaderIds = new Set(summary?.leaders.map((leader) => leader.id));
  const rankedKind =
    frame.self?.kind ?? frame.entities.find((e) => leaderIds.has(e.id))?.kind ?? null;
  for (const entity of frame.entities) {
    if (entity.kind !== rankedKind || entity.id === frame.self?.id) continue;
    inView.add(entity.id);
    dots.push({ x: entity.x, y: entity.y, color: colorOf(entity.id) });
  }
  for (const leader of summary?.leaders ?? []) {
    if (inView.has(leader.id) || leader.id === frame.self?.id) continue;
    dots.push({
      x: leader.x / POSITION_SCALE,
      y: leader.y / POSITION_SCALE,
      color: colorOf(leader.id),
    });
  }
  return { world: frame.world, camera: frame.camera, self: frame.self, dots };
}
