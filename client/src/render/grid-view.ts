import { Container, Graphics } from 'pixi.js';
import { sameWorld } from '../game/camera.js';
import type { WorldSize } from '../game/camera.js';
import { containsRect, expandToGrid, intersectRects } from '../game/geometry.js';
import type { Rect } from '../game/geometry.js';
import { Colors, GRID_SPACING_UNITS } from './palette.js';

/**
 * The floor: the world's area, a grid on it, and its edge, in world units. Grid lines are drawn
 * for a region around what is visible (worlds may be far larger than the screen) and redrawn
 * only when the visible area leaves that region or the world changes, not every frame.
 */
export class GridView {
  readonly container = new Container({ label: 'grid' });
  readonly #floor = new Graphics();
  readonly #lines = new Graphics();
  #world: WorldSize | null = null;
  #covered: Rect | null = null;

  constructor() {
    this.container.addChild(this.#floor, this.#lines);
  }

  update(visible: Rect, world: WorldSize | null): void {
    if (!sameWorld(world, this.#world)) {
      this.#world = world;
      this.#covered = null;
      this.#drawFloor(world);
    }
    const worldRect = world ? { x: 0, y: 0, width: world.width, height: world.height } : null;
    const needed = worldRect ? (intersectRects(visible, worldRect) ?? visible) : visible;
    if (this.#covered && containsRect(this.#covered, needed)) return;

    // Cover half a screen more on each side, so the camera crosses it only now and then.
    const margin = Math.max(visible.width, visible.height) / 2;
    const around = expandToGrid(visible, margin, GRID_SPACING_UNITS);
    const covered = worldRect ? (intersectRects(around, worldRect) ?? around) : around;
    this.#covered = covered;
    this.#drawLines(covered);
  }

  #drawFloor(world: WorldSize | null): void {
    this.#floor.clear();
    if (!world) return;
    this.#floor
      .rect(0, 0, world.width, world.height)
      .fill(Colors.worldFloor)
      .stroke({ width: 4, color: Colors.worldEdge, alignment: 0 });
  }

  #drawLines(area: Rect): void {
    const g = this.#lines.clear();
    const right = area.x + area.width;
    const bottom = area.y + area.height;
    const firstX = Math.ceil(area.x / GRID_SPACING_UNITS) * GRID_SPACING_UNITS;
    const firstY = Math.ceil(area.y / GRID_SPACING_UNITS) * GRID_SPACING_UNITS;
    for (let x = firstX; x <= right; x += GRID_SPACING_UNITS) g.moveTo(x, area.y).lineTo(x, bottom);
    for (let y = firstY; y <= bottom; y += GRID_SPACING_UNITS) g.moveTo(area.x, y).lineTo(right, y);
    g.stroke({ width: 1, color: Colors.gridLine, pixelLine: true });
  }
}
