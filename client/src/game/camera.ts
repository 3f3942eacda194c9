import type { Point, Rect } from './geometry.js';

/** Size of the canvas in CSS pixels. */
export interface Viewport {
  widthPx: number;
  heightPx: number;
}

/** A size in world units. */
export interface WorldSize {
  width: number;
  height: number;
}

/** What the screen shows: the world point at its centre, and the scale. */
export interface Camera {
  /** World point shown at the centre of the viewport, in world units. */
  x: number;
  y: number;
  /** Screen pixels per world unit. */
  zoom: number;
  viewport: Viewport;
}

/**
 * Zoom at which the viewport shows no more than the area of interest (`view`, from Welcome) along
 * either axis. The server sends only entities inside that area, so showing more would show
 * entities popping in and out at the edges of the screen.
 */
export function zoomToFit(viewport: Viewport, view: WorldSize): number {
  if (view.width <= 0 || view.height <= 0) return 1;
  return Math.max(viewport.widthPx / view.width, viewport.heightPx / view.height);
}

/**
 * A camera centred on `target`, kept inside the world so the screen never shows beyond its edge;
 * along an axis where the world is smaller than the screen, the world is centred instead.
 * `world` null (before Welcome) means unbounded.
 */
export function followCamera(
  target: Point,
  world: WorldSize | null,
  viewport: Viewport,
  zoom: number,
): Camera {
  const halfWidth = viewport.widthPx / zoom / 2;
  const halfHeight = viewport.heightPx / zoom / 2;
  return {
    x: world ? clampAxis(target.x, halfWidth, world.width) : target.x,
    y: world ? clampAxis(target.y, halfHeight, world.height) : target.y,
    zoom,
    viewport,
  };
}

function clampAxis(target: number, halfVisible: number, worldSize: number): number {
  if (2 * halfVisible >= worldSize) return worldSize / 2;
  return Math.min(Math.max(target, halfVisible), worldSize - halfVisible);
}

export function worldToScreen(camera: Camera, world: Point): Point {
  return {
    x: (world.x - camera.x) * camera.zoom + camera.viewport.widthPx / 2,
    y: (world.y - camera.y) * camera.zoom + camera.viewport.heightPx / 2,
  };
}

export function screenToWorld(camera: Camera, screen: Point): Point {
  return {
    x: (screen.x - camera.viewport.widthPx / 2) / camera.zoom + camera.x,
    y: (screen.y - camera.viewport.heightPx / 2) / camera.zoom + camera.y,
  };
}

/** The world rectangle the viewport shows, in world units. */
export function visibleWorldRect(camera: Camera): Rect {
  const width = camera.viewport.widthPx / camera.zoom;
  const height = camera.viewport.heightPx / camera.zoom;
  return { x: camera.x - width / 2, y: camera.y - height / 2, width, height };
}

/** Whether two world sizes (null: not known yet) are the same, whatever the objects. */
export function sameWorld(a: WorldSize | null, b: WorldSize | null): boolean {
  return a === b || (a !== null && b !== null && a.width === b.width && a.height === b.height);
}
