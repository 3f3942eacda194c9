import type { ConnectionStatus } from '@tickwire/protocol';
import { statusText } from './status-text.js';
import type { Recovery, StatusText } from './status-text.js';

/**
 * The status line: always on screen, tells the player where the connection is in plain words;
 * the details line under it holds the technical side (close codes, the server's reason).
 */
export class StatusLine {
  readonly #element: HTMLElement;
  readonly #details: HTMLElement | null;
  /** The drop being recovered from, from its first 'reconnecting' until connected or closed. */
  #recovery: Recovery | null = null;
  /** The recovery the last 'connected' came back from: shown until the next status. */
  #shownRecovery: Recovery | null = null;
  /** The name the player joined with. */
  #playerName = '';

  constructor(element: HTMLElement, details: HTMLElement | null = null) {
    this.#element = element;
    this.#details = details;
  }

  /** The name the next statuses say the player plays as. */
  setPlayerName(name: string): void {
    this.#playerName = name;
  }

  /** `helpText`: the game's controls, shown once connected. */
  show(status: ConnectionStatus, nowMs = 0, helpText = ''): void {
    this.#track(status);
    this.#write(
      status.phase,
      statusText(status, {
        nowMs,
        helpText,
        playerName: this.#playerName,
        recovery: this.#shownRecovery,
      }),
    );
  }

  /** A step before there is a connection (matchmaking), shown as connecting. */
  showProgress(text: string): void {
    this.#write('connecting', { text, details: '' });
  }

  /** A problem that is not about the connection (bad ?server= URL, no WebGL, matchmaking). */
  showProblem(text: string): void {
    this.#write('closed', { text, details: '' });
  }

  #track(status: ConnectionStatus): void {
    switch (status.phase) {
      case 'reconnecting':
        // The first drop stays the reason through the attempts after it (a restarting server
        // refuses the attempts with other codes); a rematch, once started, stays one.
        this.#recovery = {
          lost: this.#recovery?.lost ?? status.lost,
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

  #write(phase: string, { text, details }: StatusText): void {
    this.#element.dataset['phase'] = phase;
    if (this.#element.textContent !== text) this.#element.textContent = text;
    if (this.#details === null) return;
    if (this.#details.textContent !== details) this.#details.textContent = details;
    this.#details.hidden = details === '';
  }
}
