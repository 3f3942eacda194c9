import { Application, Container, UPDATE_PRIORITY } from 'pixi.js';
import type { Viewport } from '../game/camera.js';
import { visibleWorldRect } from '../game/camera.js';
import type { Frame } from '../game/game-state.js';
import { EntityViews } from './entity-views.js';
import { GridView } from './grid-view.js';
import { Colors } from './palette.js';

/**
 * Draws frames of the game state with PixiJS. It reads a Frame and nothing else: no socket, no
 * replica. This folder is the only one that imports pixi.js.
 */
export class ArenaRenderer {
  readonly #app: Application;
  /** World coordinates inside; scaled and moved by the camera every frame. */
  readonly #world = new Container({ label: 'world' });
  readonly #grid = new GridView();
  readonly #entities = new EntityViews();

  /** Creates the renderer inside `host` (the canvas fills it and follows its size). */
  static async create(host: HTMLElement): Promise<ArenaRenderer> {
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
    return new ArenaRenderer(app);
  }

  private constructor(app: Application) {
    this.#app = app;
    this.#world.addChild(this.#grid.container, this.#entities.container);
    app.stage.addChild(this.#world);
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
    return {
      inUse: this.#entities.size,
      pooled: this.#entities.pooled,
      created: this.#entities.created,
      peakInUse: this.#entities.peakInUse,
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

  draw(frame: Frame): void {
    const { camera } = frame;
    this.#world.scale.set(camera.zoom);
    this.#world.position.set(
      camera.viewport.widthPx / 2 - camera.x * camera.zoom,
      camera.viewport.heightPx / 2 - camera.y * camera.zoom,
    );
    this.#grid.update(visibleWorldRect(camera), frame.world);
    this.#entities.sync(frame.entities);
  }

  destroy(): void {
    this.#entities.destroy();
    this.#app.destroy({ removeView: true }, { children: true });
  }
}
