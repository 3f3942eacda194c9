import { Application, Container, UPDATE_PRIORITY } from 'pixi.js';
import type { Viewport } from '../game/camera.js';
import { visibleWorldRect } from '../game/camera.js';
import type { Frame } from '../game/game-state.js';
import type { GameDrawing } from './entity-drawing.js';
import { EntityViews } from './entity-views.js';
import { GridView } from './grid-view.js';
import { Colors } from './palette.js';

/**
 * Draws frames of the game state with PixiJS: the floor, and the entities as the game's drawing
 * (its client module) shows them. It reads a Frame and nothing else: no socket, no replica. This
 * folder and the games' client modules are the only code that imports pixi.js.
 */
export class GameRenderer {
  readonly #app: Application;
  /** World coordinates inside; scaled and moved by the camera every frame. */
  readonly #world = new Container({ label: 'world' });
  readonly #grid = new GridView();
  /** Null until a game's drawing is set: nothing but the floor is drawn. */
  #entities: EntityViews | null = null;
  #drawing: GameDrawing | null = null;

  /** Creates the renderer inside `host` (the canvas fills it and follows its size). */
  static async create(host: HTMLElement): Promise<GameRenderer> {
    const app = new Application();
    await app.init({
      resizeTo: host,
      background: Colors.background,
      antialias: true,
      autoDensity: true,
      resolution: Math.min(globalThis.devicePixelRatio || 1, 2),
      preference: 'webgl',
    });
    host.appendChild(app.canvas);
    return new GameRenderer(app);
  }

  private constructor(app: Application) {
    this.#app = app;
    this.#world.addChild(this.#grid.container);
    app.stage.addChild(this.#world);
  }

  /** Draws entities with `drawing` from now on; the previous drawing's views are destroyed. */
  setDrawing(drawing: GameDrawing): void {
    this.#entities?.destroy();
    this.#entities = new EntityViews(drawing);
    this.#drawing = drawing;
    this.#world.addChild(this.#entities.container);
  }

  get canvas(): HTMLCanvasElement {
    return this.#app.canvas;
  }

  /** Canvas size in CSS pixels. */
  get viewport(): Viewport {
    return { widthPx: this.#app.screen.width, heightPx: this.#app.screen.height };
  }

  /** Entity display objects: in use, in the pool (in use or spare), ever created, most in use. */
  get entityViewStats(): { inUse: number; pooled: number; created: number; peakInUse: number } {
    const entities = this.#entities;
    return {
      inUse: entities?.size ?? 0,
      pooled: entities?.pooled ?? 0,
      created: entities?.created ?? 0,
      peakInUse: entities?.peakInUse ?? 0,
    };
  }

  /**
   * Calls `onFrame` before each render, with the client clock in milliseconds, and `onRendered`
   * right after PixiJS has rendered that frame (Application renders at UPDATE_PRIORITY.LOW; this
   * runs at UTILITY, after it), so the caller can time the whole frame's work.
   */
  onFrame(onFrame: (nowMs: number) => void, onRendered?: () => void): void {
    this.#app.ticker.add(() => onFrame(performance.now()));
    if (onRendered) this.#app.ticker.add(onRendered, undefined, UPDATE_PRIORITY.UTILITY);
  }

  /** Draws `frame`; `nowMs` is the frame's client clock (for the game's effects). */
  draw(frame: Frame, nowMs: number): void {
    const { camera } = frame;
    this.#world.scale.set(camera.zoom);
    this.#world.position.set(
      camera.viewport.widthPx / 2 - camera.x * camera.zoom,
      camera.viewport.heightPx / 2 - camera.y * camera.zoom,
    );
    this.#grid.update(visibleWorldRect(camera), frame.world);
    this.#entities?.sync(frame.entities, nowMs);
    this.#drawing?.layout?.(nowMs);
  }

  destroy(): void {
    this.#entities?.destroy();
    this.#app.destroy({ removeView: true }, { children: true });
  }
}
