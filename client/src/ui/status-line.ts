import type { ConnectionStatus } from '@tickwire/protocol';
import { statusText } from './status-text.js';
import type { Recovery, StatusText } from './status-text.js';

/**
 * The game's controls stay on the line this long after joining (or coming back), then the line
 * shrinks to who is playing: on a phone a long line covers the top of the world.
 */
export const HELP_SHOWN_MS = 15_000;

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
  /** The newest status shown, and until when (client clock) its help is shown with it. */
  #status: ConnectionStatus = { phase: 'idle' };
  #helpUntilMs = 0;

  constructor(element: HTMLElement, details: HTMLElement | null = null) {
    this.#element = element;
    this.#details = details;
  }

  /** The name the next statuses say the player plays as. */
  setPlayerName(name: string): void {
    this.#playerName = name;
  }

  /**
   * Shows `status`. `helpText`: the game's controls, shown for HELP_SHOWN_MS from the moment
   * the connection is (back) in the game.
   */
  show(status: ConnectionStatus, nowMs = 0, helpText = ''): void {
    if (status.phase === 'connected' && this.#status.phase !== 'connected') {
      this.#helpUntilMs = nowMs + HELP_SHOWN_MS;
    }
    this.#status = status;
    this.#track(status);
    const isHelpShown = status.phase === 'connected' && nowMs < this.#helpUntilMs;
    this.#write(
      status.phase,
      statusText(status, {
        nowMs,
        helpText: isHelpShown ? helpText : '',
        playerName: this.#playerName,
        recovery: this.#shownRecovery,
      }),
    );
  }

  /**
   * Called every frame: counts down to the next reconnect attempt, and takes the help off the
   * line once its time is up.
   */
  refresh(nowMs: number, helpText: string): void {
    const phase = this.#status.phase;
    const isHelpDue = phase === 'connected' && this.#helpUntilMs > 0 && nowMs >= this.#helpUntilMs;
    if (phase !== 'reconnecting' && !isHelpDue) return;
    if (isHelpDue) this.#helpUntilMs = 0;
    this.show(this.#status, nowMs, helpText);
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
