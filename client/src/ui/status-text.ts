import type { ConnectionStatus } from '../net/connection-status.js';

/** The one-line connection status shown at all times. */
export function statusText(status: ConnectionStatus): string {
  switch (status.phase) {
    case 'idle':
      return 'Not connected. Enter a name to join.';
    case 'connecting':
      return `Connecting to ${status.url}…`;
    case 'handshaking':
      return 'Connected, joining the game…';
    case 'connected':
      return `Connected as player #${status.playerId}. WASD or arrow keys move, the mouse aims.`;
    case 'closed':
      if (!status.hasOpened) return `Cannot connect to ${status.url}. Press Enter to try again.`;
      if (status.isClientInitiated && status.closeCode === 1000) return 'Left the game.';
      return `${status.hasJoined ? 'Disconnected' : 'Connection refused'} (close code ${status.closeCode}). Press Enter to rejoin.`;
  }
}
