import { requireElement } from './dom.js';

/**
 * The invitation shown over the game while the player is in a private room: the share link
 * (`<origin>/?room=CODE`) and a Copy button.
 */
export class ShareBox {
  readonly #box: HTMLElement;
  readonly #link: HTMLInputElement;
  readonly #copy: HTMLButtonElement;

  constructor(doc: Document) {
    this.#box = requireElement(doc, 'share', HTMLElement);
    this.#link = requireElement(doc, 'share-link', HTMLInputElement);
    this.#copy = requireElement(doc, 'copy-link', HTMLButtonElement);
    this.#copy.addEventListener('click', () => void this.#copyLink());
  }

  /** Shows `link`, or hides the box for null (a public room, or no game). */
  show(link: string | null): void {
    this.#box.hidden = link === null;
    this.#link.value = link ?? '';
    this.#copy.textContent = 'Copy';
  }

  async #copyLink(): Promise<void> {
    const text = this.#link.value;
    let isCopied = false;
    try {
      // Needs a secure context (https or localhost) and a user gesture: this click.
      await navigator.clipboard.writeText(text);
      isCopied = true;
    } catch {
      // No clipboard API here: select the link so the player can copy it by hand.
      this.#link.focus();
      this.#link.select();
    }
    this.#copy.textContent = isCopied ? 'Copied' : 'Select and copy';
    // Hand the keyboard back to the game: Space or Enter would press the button again.
    if (isCopied) this.#copy.blur();
  }
}
