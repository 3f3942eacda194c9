import { CloseCode } from '@tickwire/protocol';
import type { ConnectionStatus } from '@tickwire/protocol';

/**
 * The drop the current attempts recover from: its close code (4016 ServerRestarting once seen,
 * else the latest attempt's), and whether they go through matchmaking (a new player, maybe on another server) rather than resuming.
 * StatusLine keeps it from the 'reconnecting' statuses until the game is back or over.
 */
export interface Recovery {
  closeCode: number;
  isRematch: boolean;
}

/**
 * The one-line connection status shown at all times. `nowMs` (client clock) counts down to the
 * next reconnect attempt; `helpText` (the game's controls) follows once connected; `recovery`
 * says what a reconnect is recovering from, so the line can say where the player comes back.
 */
export function statusText(
  status: ConnectionStatus,
  nowMs = 0,
  helpText = '',
  recovery: Recovery | null = null,
): string {
  switch (status.phase) {
    case 'idle':
      return 'Not connected. Enter a name to join.';
    case 'connecting':
    case 'handshaking':
      if (recovery?.isRematch) return rematchText(recovery.closeCode);
      return status.phase === 'connecting'
        ? `Connecting to ${status.url}…`
        : 'Connected, joining the game…';
    case 'connected': {
      const help = helpText === '' ? '' : ` ${helpText}`;
      return `Connected as player #${status.playerId}.${comebackText(status.isResumed, recovery)}${help}`;
    }
    case 'reconnecting': {
      const seconds = Math.max(0, (status.retryAtMs - nowMs) / 1000);
      const when = seconds < 0.1 ? 'now' : `in ${seconds.toFixed(1)} s`;
      if (status.isRematch) {
        const problem =
          status.rematchError === null
            ? ''
            : ` (${status.rematchError.replace(/\.$/, '')}: trying again ${when}.)`;
        return `${rematchText(recovery?.closeCode ?? status.lost.closeCode)}${problem}`;
      }
      return `Connection lost (close code ${status.lost.closeCode}). Reconnecting ${when} (attempt ${status.attempt}); your player waits for you on the server.`;
    }
    case 'closed':
      if (status.matchmakingError !== undefined) {
        return `Could not find a new game: ${status.matchmakingError} Press Enter to try again.`;
      }
      if (!status.hasOpened) return `Cannot connect to ${status.url}. Press Enter to try again.`;
      if (status.isClientInitiated && status.closeCode === 1000) return 'Left the game.';
      return `${status.hasJoined ? 'Disconnected' : 'Connection refused'} (close code ${status.closeCode}). Press Enter to rejoin.`;
  }
}

/** While matchmaking finds the player a new seat. */
function rematchText(closeCode: number): string {
  return closeCode === CloseCode.ServerRestarting
    ? 'The server is restarting: moving you to another server…'
    : `The server no longer holds your player (close code ${closeCode}): finding you a new place in the game…`;
}

/** What the first 'connected' after a drop adds: whether the player is the same one. */
function comebackText(isResumed: boolean, recovery: Recovery | null): string {
  if (recovery === null) return '';
  if (isResumed) return ' Reconnected: your player is back.';
  if (recovery.isRematch && recovery.closeCode === CloseCode.ServerRestarting) {
    return ' Back in the game on another server, as a new player.';
  }
  return ' Back in the game, as a new player (the old one could not be kept).';
}
