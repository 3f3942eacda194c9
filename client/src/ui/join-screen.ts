import { MAX_NAME_LENGTH } from '@tickwire/protocol';
import type { CloseExplanation } from '../net/close-messages.js';
import { requireElement } from './dom.js';
import { validatePlayerName } from './player-name.js';

/**
 * The join screen: a name field and a Join button over the game. After a disconnect it comes
 * back with the reason above the form and the button reading "Rejoin".
 */
export class JoinScreen {
  readonly #overlay: HTMLElement;
  readonly #form: HTMLFormElement;
  readonly #nameInput: HTMLInputElement;
  readonly #nameError: HTMLElement;
  readonly #closeBox: HTMLElement;
  readonly #closeTitle: HTMLElement;
  readonly #closeMessage: HTMLElement;
  readonly #button: HTMLButtonElement;

  constructor(doc: Document, onJoin: (name: string) => void) {
    this.#overlay = requireElement(doc, 'join', HTMLElement);
    this.#form = requireElement(doc, 'join-form', HTMLFormElement);
    this.#nameInput = requireElement(doc, 'name-input', HTMLInputElement);
    this.#nameError = requireElement(doc, 'name-error', HTMLElement);
    this.#closeBox = requireElement(doc, 'close-box', HTMLElement);
    this.#closeTitle = requireElement(doc, 'close-title', HTMLElement);
    this.#closeMessage = requireElement(doc, 'close-message', HTMLElement);
    this.#button = requireElement(doc, 'join-button', HTMLButtonElement);
    this.#nameInput.maxLength = MAX_NAME_LENGTH;

    // A form submits on Enter in the field as well as on the button.
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      const result = validatePlayerName(this.#nameInput.value);
      if (!result.ok) {
        this.#nameError.textContent = result.error;
        this.#nameError.hidden = false;
        this.#nameInput.focus();
        return;
      }
      this.#nameError.hidden = true;
      onJoin(result.name);
    });
  }

  get isVisible(): boolean {
    return !this.#overlay.hidden;
  }

  /** Shows the form; with `closed`, explains why the last connection ended. */
  show(closed: CloseExplanation | null): void {
    this.#closeBox.hidden = closed === null;
    this.#closeTitle.textContent = closed?.title ?? '';
    this.#closeMessage.textContent = closed?.message ?? '';
    this.#button.textContent = closed === null ? 'Join' : 'Rejoin';
    this.#overlay.hidden = false;
    this.#nameInput.focus();
    this.#nameInput.select();
  }

  hide(): void {
    this.#overlay.hidden = true;
    // Hand the keyboard back to the game: movement keys typed into the field would be lost.
    this.#nameInput.blur();
  }
}
