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
  /**
   * Set when the game ended because matchmaking gave no seat: for the first connection (bot SDK)
   * or for a new one after 4015/4016 (`closeCode` is then the code that sent the client there).
   * What matchmaking answered, or why it could not be reached.
   */
  matchmakingError?: string;
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
  | ReconnectingStatus
  | ClosedStatus;

/** See ConnectionStatus. */
export interface ReconnectingStatus {
  phase: 'reconnecting';
  url: string;
  attempt: number;
  retryAtMs: number;
  lost: ClosedStatus;
  /**
   * True: the attempt asks matchmaking for a new seat (after 4016 ServerRestarting or 4015
   * SeatRequired), so the player comes back as a new player, likely on another server. False: it
   * resumes the same player on the same server with the resume token.
   */
  isRematch: boolean;
  /** Why the last request for a new seat failed (it is tried again); else null. */
  rematchError: string | null;
}

export type ConnectionPhase = ConnectionStatus['phase'];
