/**
 * The HUD line: the game's figures for the own entity (the arena: hp and score), written only
 * when they change. Apart from the status line, which screen readers announce: this one changes
 * too often for that.
 */
export class HudLine {
  readonly #element: HTMLElement;

  constructor(element: HTMLElement) {
    this.#element = element;
  }

  show(text: string): void {
    if (this.#element.textContent === text) return;
    this.#element.textContent = text;
    this.#element.hidden = text === '';
  }
}
