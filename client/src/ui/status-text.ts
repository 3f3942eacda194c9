import { CloseCode, SPECTATOR_PLAYER_ID } from '@tickwire/protocol';
import type { ClosedStatus, ConnectionStatus } from '@tickwire/protocol';
import { closeDetails } from '../net/close-messages.js';

/**
 * The drop the current attempts recover from, kept by StatusLine from its first 'reconnecting'
 * until the game is back or over: how the connection was lost (the first close, not a later
 * attempt's), and whether the attempts go through matchmaking (a new player, maybe on another
 * server) rather than resuming the same player.
 */
export interface Recovery {
  /** How the connection that was playing ended. */
  lost: ClosedStatus;
  isRematch: boolean;
}

/** What the status line says: one plain sentence, and the technical details beside it. */
export interface StatusText {
  /** For the player: what is happening and what comes next, with no codes or numbers of ours. */
  text: string;
  /** For whoever asks: close codes, the server's reason, the address, the attempt (or ''). */
  details: string;
}

export interface StatusContext {
  /** Client clock (ms): counts down to the next reconnect attempt. */
  nowMs?: number;
  /** The game's controls, shown once connected. */
  helpText?: string;
  /** The name the player joined with (the status line says who is playing). */
  playerName?: string;
  recovery?: Recovery | null;
}

/**
 * Codes that mean the server process itself is going away (its operator stopped or restarted
 * it), not that this connection broke: the line says so instead of "connection lost".
 */
const SERVER_GOING_AWAY: ReadonlySet<number> = new Set([
  CloseCode.ServerShutdown,
  1001, // Going Away
  1012, // Service Restart
]);

/** Whether `code` says the server process restarts or stops (not that this connection broke). */
function isServerRestart(code: number): boolean {
  return code === CloseCode.ServerRestarting || SERVER_GOING_AWAY.has(code);
}

/** The one-line connection status shown at all times, and its details line. */
export function statusText(status: ConnectionStatus, context: StatusContext = {}): StatusText {
  const { nowMs = 0, helpText = '', playerName = '', recovery = null } = context;
  switch (status.phase) {
    case 'idle':
      return { text: 'Not connected. Enter a name to join.', details: '' };
    case 'connecting':
    case 'handshaking': {
      if (recovery !== null) return recoveringText(recovery, null, 0, status.url);
      const text =
        status.phase === 'connecting' ? 'Connecting to the game…' : 'Connected, joining the game…';
      return { text, details: status.url };
    }
    case 'connected': {
      const who = playerName === '' ? '' : ` as ${playerName}`;
      const help = helpText === '' ? '' : ` ${helpText}`;
      // A spectator's Welcome names no entity (PROTOCOL.md 5.5).
      const text =
        status.playerId === SPECTATOR_PLAYER_ID
          ? 'Watching the game.'
          : recovery === null
            ? `Playing${who}.`
            : comebackText(status.isResumed, recovery, who, status.url);
      return {
        text: `${text}${help}`,
        details: recovery === null ? '' : closeDetails(recovery.lost),
      };
    }
    case 'reconnecting': {
      const ownRecovery = recovery ?? { lost: status.lost, isRematch: status.isRematch };
      const seconds = Math.max(0, (status.retryAtMs - nowMs) / 1000);
      return recoveringText(ownRecovery, status, seconds, status.url);
    }
    case 'closed':
      return closedText(status);
  }
}

/** While the page works its way back: the reason the game stopped, and what happens next. */
function recoveringText(
  recovery: Recovery,
  attempt: Extract<ConnectionStatus, { phase: 'reconnecting' }> | null,
  seconds: number,
  url: string,
): StatusText {
  const when = attempt === null || seconds < 0.1 ? 'now' : `in ${seconds.toFixed(1)} s`;
  const attemptDetail = attempt === null ? '' : ` · attempt ${attempt.attempt}`;
  const details = `${closeDetails(recovery.lost)}${attemptDetail} · ${url}`;
  const code = recovery.lost.closeCode;
  if (recovery.isRematch || attempt?.isRematch === true) {
    const rematchError = attempt?.rematchError ?? null;
    const problem =
      rematchError === null ? '' : ` (${rematchError.replace(/\.$/, '')}: trying again ${when}.)`;
    const text = isServerRestart(code)
      ? 'The server is restarting: finding you a new place in the game…'
      : 'The server no longer holds your player: finding you a new place in the game…';
    return { text: `${text}${problem}`, details };
  }
  if (SERVER_GOING_AWAY.has(code)) {
    const next = attempt === null ? 'Trying to reconnect…' : `Trying again ${when}.`;
    return {
      text: `The server is shutting down or restarting. ${next} If it comes back, you join as a new player.`,
      details,
    };
  }
  // A later attempt that could not even open a socket: the server is not there (yet).
  const isUnreachable = attempt !== null && attempt.attempt > 1 && !attempt.lost.hasOpened;
  const next = attempt === null ? 'Reconnecting…' : `Reconnecting ${when}…`;
  return {
    text: isUnreachable
      ? `Connection lost, and the server is not answering. ${next}`
      : `Connection lost. ${next} Trying to get your player back.`,
    details,
  };
}

/**
 * What the first 'connected' after a drop says: whether the player is the same one, and whether
 * it plays on the same server (`url`) or another one.
 */
function comebackText(isResumed: boolean, recovery: Recovery, who: string, url: string): string {
  if (isResumed) return `Reconnected: you are back${who}, where you were.`;
  const code = recovery.lost.closeCode;
  if (isServerRestart(code)) {
    return url === recovery.lost.url
      ? `Back in the game${who} as a new player: the server restarted, so your old player is gone.`
      : `Back in the game${who} on another server, as a new player (the old server restarted).`;
  }
  return `Back in the game${who} as a new player: the server could not keep your old one.`;
}

/** After the game is over: why, in plain words, and how to play again. */
function closedText(status: ClosedStatus): StatusText {
  const details = closeDetails(status);
  if (status.matchmakingError !== undefined) {
    return {
      text: `Could not find a new game: ${status.matchmakingError} Press Enter to try again.`,
      details,
    };
  }
  if (!status.hasOpened) {
    return { text: 'Cannot reach the server. Press Enter to try again.', details: status.url };
  }
  if (status.isClientInitiated && status.closeCode === 1000) {
    return { text: 'Left the game.', details: '' };
  }
  if (SERVER_GOING_AWAY.has(status.closeCode)) {
    return { text: 'The server shut down. Press Enter to rejoin when it is back.', details };
  }
  const text = status.hasJoined
    ? 'You were disconnected. Press Enter to rejoin.'
    : 'The server turned the connection away. Press Enter to try again.';
  return { text, details };
}
