/** The connection's state after it has closed: what a UI explains to the player. */
export interface ClosedStatus {
  phase: 'closed';
  url: string;
  /** WebSocket close code: the Kick's code when the server sent one, else the close frame's. */
  closeCode: number;
  /** The server's reason (Kick or close frame), or '' when it gave none. */
  reason: string;
  /** False when the socket never opened: the server was unreachable or refused the upgrade. */
  hasOpened: boolean;
  /** True when the server had accepted us (Welcome received) before the close. */
  hasJoined: boolean;
  /** True when this client closed the connection itself (leaving, or a frame it could not read). */
  isClientInitiated: boolean;
}

export type ConnectionStatus =
  | { phase: 'idle' }
  | { phase: 'connecting'; url: string }
  /** Socket open, Hello sent, waiting for Welcome. */
  | { phase: 'handshaking'; url: string }
  | {
      phase: 'connected';
      url: string;
      playerId: number;
      /** True when the server gave back the player this client had before it reconnected. */
      isResumed: boolean;
    }
  /**
   * The connection dropped after joining; another attempt starts at `retryAtMs` (client clock).
   * `lost` is how the dropped connection ended.
   */
  | {
      phase: 'reconnecting';
      url: string;
      attempt: number;
      retryAtMs: number;
      lost: ClosedStatus;
    }
  | ClosedStatus;

export type ConnectionPhase = ConnectionStatus['phase'];
