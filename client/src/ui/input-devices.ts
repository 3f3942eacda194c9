import type { Camera } from '../game/camera.js';
import { screenToWorld } from '../game/camera.js';
import type { InputState, TouchPadState } from '../game/game-module.js';
import type { Point } from '../game/geometry.js';
import { onFocusLost } from './dom.js';
import type { TouchPad } from './touch-pad.js';

/**
 * Keys that scroll the page (or click a focused button) by default: taken from the browser while
 * the game has the keyboard. Every other key keeps its browser meaning (reload, dev tools...).
 */
const PAGE_KEYS: ReadonlySet<string> = new Set([
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'Space',
  'PageUp',
  'PageDown',
  'Home',
  'End',
]);

/**
 * The input devices, for any game: keys held (by physical key code), mouse buttons and pointer
 * over the game's surface, fingers on it, and the on-screen stick and button of a touch device
 * (`touchPad`), with a count of presses so a tap shorter than a frame is not lost. The game's
 * client module maps this state to its controls (GameSession.controls); `onChange` fires on
 * every key, button and touch change so the controls can be read and sent at once.
 *
 * Positions reach the game in world units: `setView` gives the camera and the own entity of the
 * last frame drawn.
 */
export class InputDevices implements InputState {
  readonly keysDown = new Set<string>();
  readonly #presses = new Map<string, number>();
  readonly #touchesPx = new Map<number, Point>();
  readonly #surface: HTMLElement;
  readonly #onChange: () => void;
  readonly #abort = new AbortController();
  #mouseButtons = 0;
  #pointerPx: Point | null = null;
  #camera: Camera | null = null;
  #self: Point | null = null;
  readonly #touchPad: TouchPad | null;

  constructor(
    target: Window,
    surface: HTMLElement,
    onChange: () => void,
    touchPad: TouchPad | null = null,
  ) {
    this.#surface = surface;
    this.#onChange = onChange;
    this.#touchPad = touchPad;
    const options = { signal: this.#abort.signal };
    touchPad?.addEventListener('change', () => this.#onChange(), options);
    target.addEventListener('keydown', (event) => this.#onKey(event, true), options);
    target.addEventListener('keyup', (event) => this.#onKey(event, false), options);
    // A key released while the window is not focused sends no keyup: forget every key and
    // button instead of walking (or firing) on forever.
    onFocusLost(target, () => this.#releaseAll(), options);
    target.addEventListener('pointermove', (event) => this.#onPointerMove(event), options);
    // Presses count on the game's surface only (not on the join screen over it); releases
    // anywhere, so a button let go outside the window is let go.
    surface.addEventListener('pointerdown', (event) => this.#onPointerDown(event), options);
    target.addEventListener('pointerup', (event) => this.#onPointerUp(event), options);
    target.addEventListener('pointercancel', (event) => this.#onPointerUp(event), options);
    surface.addEventListener('contextmenu', (event) => event.preventDefault(), options);
  }

  get mouseButtons(): number {
    return this.#mouseButtons;
  }

  get pointer(): Point | null {
    const px = this.#pointerPx;
    return px && this.#camera ? screenToWorld(this.#camera, px) : null;
  }

  get touches(): readonly Point[] {
    const camera = this.#camera;
    if (!camera) return [];
    return [...this.#touchesPx.values()].map((px) => screenToWorld(camera, px));
  }

  get self(): Point | null {
    return this.#self;
  }

  get touchPad(): TouchPadState | undefined {
    return this.#touchPad?.state;
  }

  pressCount(source: string): number {
    return this.#presses.get(source) ?? 0;
  }

  /** The camera and the own entity (world units) of the frame just drawn. */
  setView(camera: Camera, self: Point | null): void {
    this.#camera = camera;
    this.#self = self;
  }

  dispose(): void {
    this.#abort.abort();
  }

  #onKey(event: KeyboardEvent, isDown: boolean): void {
    if (!isDown) {
      // Wherever the focus went meanwhile, a key held for the game is let go.
      if (this.keysDown.delete(event.code)) this.#onChange();
      return;
    }
    if (isTextField(event.target)) return;
    if (PAGE_KEYS.has(event.code)) event.preventDefault();
    if (event.repeat || this.keysDown.has(event.code)) return;
    this.keysDown.add(event.code);
    this.#press(event.code);
    this.#onChange();
  }

  #onPointerDown(event: PointerEvent): void {
    if (event.pointerType === 'touch') {
      this.#touchesPx.set(event.pointerId, this.#relative(event));
      this.#press('Touch');
    } else {
      this.#pointerPx = this.#relative(event);
      this.#mouseButtons = event.buttons;
      this.#press(`Mouse${event.button}`);
    }
    this.#onChange();
  }

  #onPointerMove(event: PointerEvent): void {
    if (event.pointerType === 'touch') {
      if (this.#touchesPx.has(event.pointerId)) {
        this.#touchesPx.set(event.pointerId, this.#relative(event));
      }
      return;
    }
    this.#pointerPx = this.#relative(event);
    // A button pressed or released while another is held fires pointermove, not pointerdown.
    if (event.buttons !== this.#mouseButtons) {
      if (event.buttons & ~this.#mouseButtons & 1) this.#press('Mouse0');
      this.#mouseButtons = event.buttons;
      this.#onChange();
    }
  }

  #onPointerUp(event: PointerEvent): void {
    if (event.pointerType === 'touch') {
      if (!this.#touchesPx.delete(event.pointerId)) return;
    } else {
      if (this.#mouseButtons === event.buttons) return;
      this.#mouseButtons = event.buttons;
    }
    this.#onChange();
  }

  #press(source: string): void {
    this.#presses.set(source, (this.#presses.get(source) ?? 0) + 1);
  }

  #relative(event: PointerEvent): Point {
    const rect = this.#surface.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  #releaseAll(): void {
    if (this.keysDown.size === 0 && this.#mouseButtons === 0 && this.#touchesPx.size === 0) return;
    this.keysDown.clear();
    this.#mouseButtons = 0;
    this.#touchesPx.clear();
    this.#onChange();
  }
}

/** Whether keys pressed at `target` type text rather than play. */
export function isTextField(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}
