import { CloseCode } from '@tickwire/protocol';
import type { ConnectionStatus } from '@tickwire/protocol';
import { statusText } from './status-text.js';
import type { Recovery } from './status-text.js';

/** The status line: always on screen, tells the player where the connection is. */
export class StatusLine {
  readonly #element: HTMLElement;
  /** The drop being recovered from, from its first 'reconnecting' until connected or closed. */
  #recovery: Recovery | null = null;
  /** The recovery the last 'connected' came back from: shown until the next status. */
  #shownRecovery: Recovery | null = null;

  constructor(element: HTMLElement) {
    this.#element = element;
  }

  /** `helpText`: the game's controls, shown once connected. */
  show(status: ConnectionStatus, nowMs = 0, helpText = ''): void {
    this.#track(status);
    this.#write(status.phase, statusText(status, nowMs, helpText, this.#shownRecovery));
  }

  /** A step before there is a connection (matchmaking), shown as connecting. */
  showProgress(text: string): void {
    this.#write('connecting', text);
  }

  /** A problem that is not about the connection (bad ?server= URL, no WebGL, matchmaking). */
  showProblem(text: string): void {
    this.#write('closed', text);
  }

  #track(status: ConnectionStatus): void {
    switch (status.phase) {
      case 'reconnecting':
        // A restart (4016) stays the reason through the attempts after it; else the latest code.
        this.#recovery = {
          closeCode:
            this.#recovery?.closeCode === CloseCode.ServerRestarting
              ? CloseCode.ServerRestarting
              : status.lost.closeCode,
          isRematch: (this.#recovery?.isRematch ?? false) || status.isRematch,
        };
        this.#shownRecovery = this.#recovery;
        return;
      case 'connected':
        this.#shownRecovery = this.#recovery;
        this.#recovery = null;
        return;
      case 'connecting':
      case 'handshaking':
        this.#shownRecovery = this.#recovery;
        return;
      case 'idle':
      case 'closed':
        this.#recovery = null;
        this.#shownRecovery = null;
        return;
    }
  }

  #write(phase: string, text: string): void {
    this.#element.dataset['phase'] = phase;
    if (this.#element.textContent !== text) this.#element.textContent = text;
  }
}
