import type { ConnectionStatus } from '@tickwire/protocol';

/**
 * The one-line connection status shown at all times. `nowMs` (client clock) counts down to the
 * next reconnect attempt; `helpText` (the game's controls) follows once connected.
 */
export function statusText(status: ConnectionStatus, nowMs = 0, helpText = ''): string {
  switch (status.phase) {
    case 'idle':
      return 'Not connected. Enter a name to join.';
    case 'connecting':
      return `Connecting to ${status.url}…`;
    case 'handshaking':
      return 'Connected, joining the game…';
    case 'connected': {
      const resumed = status.isResumed ? ' Reconnected: your player is back.' : '';
      const help = helpText === '' ? '' : ` ${helpText}`;
      return `Connected as player #${status.playerId}.${resumed}${help}`;
    }
    case 'reconnecting': {
      const seconds = Math.max(0, (status.retryAtMs - nowMs) / 1000);
      const when = seconds < 0.1 ? 'now' : `in ${seconds.toFixed(1)} s`;
      return `Connection lost (close code ${status.lost.closeCode}). Reconnecting ${when} (attempt ${status.attempt}); your player waits for you on the server.`;
    }
    case 'closed':
      if (!status.hasOpened) return `Cannot connect to ${status.url}. Press Enter to try again.`;
      if (status.isClientInitiated && status.closeCode === 1000) return 'Left the game.';
      return `${status.hasJoined ? 'Disconnected' : 'Connection refused'} (close code ${status.closeCode}). Press Enter to rejoin.`;
  }
}
