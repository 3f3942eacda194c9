import { MAX_NAME_LENGTH } from '@tickwire/protocol';
import type { CloseExplanation } from '../net/close-messages.js';
import { requireElement } from './dom.js';
import { validatePlayerName } from './player-name.js';

/** What the submit button (and Enter in the name field) reads, before and after a game. */
export interface SubmitLabels {
  first: string;
  again: string;
}

const DIRECT_LABELS: SubmitLabels = { first: 'Join', again: 'Rejoin' };
/** The name a spectator who typed none goes by (Hello needs one; nobody sees it). */
const SPECTATOR_NAME = 'spectator';

/**
 * The join screen: a name field and the main button (Enter in the field presses it) over the
 * game. After a disconnect it comes back with the reason above the form. The lobby's own
 * controls (ui/lobby.ts) sit in the same form and take the name from `readName`.
 */
export class JoinScreen {
  readonly #overlay: HTMLElement;
  readonly #form: HTMLFormElement;
  readonly #nameInput: HTMLInputElement;
  readonly #nameError: HTMLElement;
  readonly #closeBox: HTMLElement;
  readonly #closeTitle: HTMLElement;
  readonly #closeMessage: HTMLElement;
  readonly #closeDetails: HTMLElement;
  readonly #button: HTMLButtonElement;
  #labels: SubmitLabels = DIRECT_LABELS;
  #hasPlayed = false;

  /**
   * `onSubmit`: the main button or Enter, with the name typed; `onWatch`: "Watch without
   * playing", with the name typed or SPECTATOR_NAME when the field is empty.
   */
  constructor(doc: Document, onSubmit: (name: string) => void, onWatch: (name: string) => void) {
    this.#overlay = requireElement(doc, 'join', HTMLElement);
    this.#form = requireElement(doc, 'join-form', HTMLFormElement);
    this.#nameInput = requireElement(doc, 'name-input', HTMLInputElement);
    this.#nameError = requireElement(doc, 'name-error', HTMLElement);
    this.#closeBox = requireElement(doc, 'close-box', HTMLElement);
    this.#closeTitle = requireElement(doc, 'close-title', HTMLElement);
    this.#closeMessage = requireElement(doc, 'close-message', HTMLElement);
    this.#closeDetails = requireElement(doc, 'close-details', HTMLElement);
    this.#button = requireElement(doc, 'join-button', HTMLButtonElement);
    this.#nameInput.maxLength = MAX_NAME_LENGTH;

    // A form submits on Enter in the field as well as on the button.
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.#button.disabled) return;
      const name = this.readName();
      if (name !== null) onSubmit(name);
    });
    requireElement(doc, 'watch-button', HTMLButtonElement).addEventListener('click', () => {
      if (this.#button.disabled) return;
      const name = this.#nameInput.value.trim() === '' ? SPECTATOR_NAME : this.readName();
      if (name !== null) onWatch(name);
    });
  }

  get isVisible(): boolean {
    return !this.#overlay.hidden;
  }

  /** The name typed, checked as the server checks it; null (and the problem shown) if bad. */
  readName(): string | null {
    const result = validatePlayerName(this.#nameInput.value);
    if (!result.ok) {
      this.#nameError.textContent = result.error;
      this.#nameError.hidden = false;
      this.#nameInput.focus();
      return null;
    }
    this.#nameError.hidden = true;
    return result.name;
  }

  /** What the main button says: "Join"/"Rejoin" by default, "Quick play" in the lobby. */
  setLabels(labels: SubmitLabels): void {
    this.#labels = labels;
    this.#button.textContent = this.#hasPlayed ? labels.again : labels.first;
  }

  /** Disables every button of the form while a request is under way (no double joins). */
  setBusy(isBusy: boolean): void {
    for (const button of this.#form.querySelectorAll('button')) button.disabled = isBusy;
  }

  /**
   * Shows the form; with `problem`, explains why the last connection ended (or why joining
   * failed). `hasPlayed`: the button offers to play again.
   */
  show(problem: CloseExplanation | null, hasPlayed = problem !== null): void {
    this.#hasPlayed = hasPlayed;
    this.#closeBox.hidden = problem === null;
    this.#closeTitle.textContent = problem?.title ?? '';
    this.#closeMessage.textContent = problem?.message ?? '';
    this.#closeDetails.textContent = problem?.details ?? '';
    this.#closeDetails.hidden = (problem?.details ?? '') === '';
    this.#button.textContent = hasPlayed ? this.#labels.again : this.#labels.first;
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
