import type { ConnectionStatus } from '@tickwire/protocol';
import { statusText } from './status-text.js';

/** The status line: always on screen, tells the player where the connection is. */
export class StatusLine {
  readonly #element: HTMLElement;

  constructor(element: HTMLElement) {
    this.#element = element;
  }

  /** `helpText`: the game's controls, shown once connected. */
  show(status: ConnectionStatus, nowMs = 0, helpText = ''): void {
    this.#element.dataset['phase'] = status.phase;
    const text = statusText(status, nowMs, helpText);
    if (this.#element.textContent !== text) this.#element.textContent = text;
  }

  /** A problem that is not about the connection (bad ?server= URL, no WebGL). */
  showProblem(text: string): void {
    this.#element.dataset['phase'] = 'closed';
    this.#element.textContent = text;
  }
}
