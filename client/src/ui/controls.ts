import { NO_DIRECTION } from '@tickwire/protocol';
import type { Point } from '../game/geometry.js';
import { isMoveKey, moveDirFromKeys } from '../game/input-mapping.js';

/**
 * Keyboard and mouse state for the game: movement keys held (by physical key code) and the mouse
 * position over the arena. `onMoveChange` fires as soon as the movement direction changes, so
 * the connection can send it without waiting for its next regular Input.
 */
export class KeyboardMouseControls {
  readonly #pressed = new Set<string>();
  readonly #surface: HTMLElement;
  readonly #onMoveChange: (moveDir: number) => void;
  readonly #abort = new AbortController();
  #moveDir = NO_DIRECTION;
  #mouse: Point | null = null;

  constructor(target: Window, surface: HTMLElement, onMoveChange: (moveDir: number) => void) {
    this.#surface = surface;
    this.#onMoveChange = onMoveChange;
    const options = { signal: this.#abort.signal };
    target.addEventListener('keydown', (event) => this.#onKey(event, true), options);
    target.addEventListener('keyup', (event) => this.#onKey(event, false), options);
    // A key released while the window is not focused sends no keyup: forget every key instead
    // of walking on forever.
    target.addEventListener('blur', () => this.#releaseAll(), options);
    target.document.addEventListener(
      'visibilitychange',
      () => {
        if (target.document.hidden) this.#releaseAll();
      },
      options,
    );
    target.addEventListener('pointermove', (event) => this.#onPointer(event), options);
  }

  /** Wire move direction for the keys held, or NO_DIRECTION. */
  get moveDir(): number {
    return this.#moveDir;
  }

  /** Mouse position in CSS pixels relative to the arena's top-left corner; null until it moves. */
  get mouseScreen(): Point | null {
    return this.#mouse;
  }

  dispose(): void {
    this.#abort.abort();
  }

  #onKey(event: KeyboardEvent, isDown: boolean): void {
    if (!isMoveKey(event.code) || isTextField(event.target)) return;
    // Arrow keys would scroll the page.
    event.preventDefault();
    if (isDown) this.#pressed.add(event.code);
    else this.#pressed.delete(event.code);
    this.#update();
  }

  #onPointer(event: PointerEvent): void {
    const rect = this.#surface.getBoundingClientRect();
    this.#mouse = { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  #releaseAll(): void {
    this.#pressed.clear();
    this.#update();
  }

  #update(): void {
    const moveDir = moveDirFromKeys(this.#pressed);
    if (moveDir === this.#moveDir) return;
    this.#moveDir = moveDir;
    this.#onMoveChange(moveDir);
  }
}

function isTextField(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}
