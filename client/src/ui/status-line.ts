import type { ConnectionStatus } from '../net/connection-status.js';
import { statusText } from './status-text.js';

/** The status line: always on screen, tells the player where the connection is. */
export class StatusLine {
  readonly #element: HTMLElement;

  constructor(element: HTMLElement) {
    this.#element = element;
  }

  show(status: ConnectionStatus): void {
    this.#element.dataset['phase'] = status.phase;
    this.#element.textContent = statusText(status);
  }

  /** A problem that is not about the connection (bad ?server= URL, no WebGL). */
  showProblem(text: string): void {
    this.#element.dataset['phase'] = 'closed';
    this.#element.textContent = text;
  }
}
