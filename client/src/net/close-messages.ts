import { CloseCode } from '@tickwire/protocol';
import type { ClosedStatus, MatchmakingError } from '@tickwire/protocol';

/**
 * What each tickwire close code means to a player, as one sentence with what to do about it.
 * Typed as a Record over CloseCode so that a code added to the protocol fails to compile here
 * until it has a sentence.
 */
const TICKWIRE_CLOSE_SENTENCES: Record<CloseCode, string> = {
  [CloseCode.MalformedFrame]:
    'The server could not read a message from this client. This is a client bug: reload the page, and report it if it happens again.',
  [CloseCode.UnknownMessage]:
    'The server received a message type it does not know: this page is probably out of date. Reload the page.',
  [CloseCode.UnsupportedVersion]:
    "This page speaks a protocol version the server does not support. Reload the page to get the server's current client.",
  [CloseCode.HandshakeViolation]:
    'This client broke the connection handshake (a message before or after its Hello). Reload the page.',
  [CloseCode.HandshakeTimeout]:
    'This client took too long to introduce itself to the server. Check your network and rejoin.',
  [CloseCode.RateLimited]:
    'This client sent messages faster than the server allows. Wait a few seconds before rejoining.',
  [CloseCode.SlowConsumer]:
    'The connection fell too far behind the game (the network or this tab was too slow). Rejoin.',
  [CloseCode.RoomFull]: 'The game is full. Try again in a little while.',
  [CloseCode.ServerShutdown]:
    'The server is shutting down, for example for an update. Rejoin in a few seconds.',
  [CloseCode.SubprotocolRequired]:
    'The server refused the connection because it did not offer a tickwire protocol version the server speaks. Reload the page.',
  [CloseCode.FrameTooLarge]:
    'This client sent a message larger than the server accepts. This is a client bug: reload the page.',
  [CloseCode.SessionReplaced]:
    'Your player was taken over by another connection (the game is open in another tab or window). Rejoin here to play as a new player.',
  [CloseCode.TooManyConnections]:
    'The server has too many connections right now. Try again in a little while.',
  [CloseCode.TooManyConnectionsFromAddress]:
    'Too many connections are open from your network address. Close other tabs or games on this server, then try again.',
  [CloseCode.OriginNotAllowed]:
    'The server does not accept connections from pages on this website. Open the game from the address its operator gives, or ask them to allow this one.',
  [CloseCode.SeatRequired]:
    'This server takes players only through matchmaking, and it refused the seat this page had (used, expired, or for another server). Rejoin from the lobby to get a new one.',
  [CloseCode.ServerRestarting]:
    'The server is restarting (a rolling update). Rejoin from the lobby to play on another server.',
  [CloseCode.SpectatorsFull]:
    'This game has as many spectators as it takes. Try watching again in a little while, or join as a player.',
  [CloseCode.WrongRole]:
    'This client sent a message its role does not allow (a spectator steering, or a player moving a camera). This is a client bug: reload the page.',
};

/** Standard WebSocket close codes (RFC 6455 section 7.4.1) a player may meet. */
const STANDARD_CLOSE_SENTENCES: Readonly<Record<number, string>> = {
  1000: 'The server ended the connection normally.',
  1001: 'The server is going away (restarting or shutting down). Rejoin in a few seconds.',
  1002: 'The connection broke a WebSocket protocol rule. Reload the page.',
  1003: 'The server refused a kind of data this client sent. Reload the page.',
  1005: 'The connection closed without a reason.',
  1006: 'The connection to the server was lost (no close frame: network failure or a crashed server). Rejoin.',
  1007: 'The server received data that was not valid for its type. Reload the page.',
  1008: 'The server closed the connection for breaking its policy.',
  1009: 'This client sent a message larger than the WebSocket server accepts. Reload the page.',
  1011: 'The server hit an internal error. Rejoin in a few seconds.',
  1012: 'The server is restarting. Rejoin in a few seconds.',
  1013: 'The server is overloaded. Try again later.',
  1015: 'The secure (TLS) connection to the server failed.',
};

const CLOSE_SENTENCES = new Map<number, string>(
  [...Object.entries(STANDARD_CLOSE_SENTENCES), ...Object.entries(TICKWIRE_CLOSE_SENTENCES)].map(
    ([code, sentence]) => [Number(code), sentence],
  ),
);

/** A human sentence for a WebSocket close code, known or not. */
export function describeCloseCode(closeCode: number): string {
  return (
    CLOSE_SENTENCES.get(closeCode) ??
    'The server closed the connection for a reason this page does not know. Rejoin, and report it if it happens again.'
  );
}

export interface CloseExplanation {
  /** Short heading, e.g. "Cannot connect". */
  title: string;
  /** What happened and what to do, in plain words. */
  message: string;
  /** The technical side, for a details line: the close code, the server's reason ('' if none). */
  details?: string;
}

/**
 * Explains a closed connection to the player: no new seat from matchmaking, unreachable server,
 * kick, or lost connection. Close codes and the server's own words go in `details`.
 */
export function explainClose(status: ClosedStatus): CloseExplanation {
  const details = closeDetails(status);
  if (status.matchmakingError !== undefined) {
    return {
      title: 'Could not find a new game',
      message: `${describeCloseCode(status.closeCode)} Matchmaking found no new place for you: ${status.matchmakingError}`,
      details,
    };
  }
  if (!status.hasOpened) {
    return {
      title: 'Cannot connect',
      message: 'Cannot reach the game server. Check that it is running and reachable, then rejoin.',
      details: status.url,
    };
  }
  if (status.isClientInitiated) {
    // This client hung up: the reason is its own, not the server's.
    return {
      title: 'Disconnected',
      message:
        'This page could not read what the server sent: the page and the server may be different versions. Reload the page.',
      details: `${details}: the server broke the protocol (${status.reason})`,
    };
  }
  return {
    title: status.hasJoined ? 'Disconnected' : 'Connection refused',
    message: describeCloseCode(status.closeCode),
    details,
  };
}

/** "close code 4008 · server said “shutting down”": how a connection ended, for a details line. */
export function closeDetails(status: ClosedStatus): string {
  const reason = status.reason === '' ? '' : ` · server said “${status.reason}”`;
  return `close code ${status.closeCode}${reason}`;
}

/**
 * Explains a matchmaking request that got no seat (quick play, create, join): the server's own
 * sentence, under a heading for the kinds a player meets.
 */
export function explainMatchmakingError(error: MatchmakingError): CloseExplanation {
  return { title: MATCHMAKING_TITLES[error.error] ?? 'Cannot join', message: error.message };
}

const MATCHMAKING_TITLES: Readonly<Record<string, string>> = {
  'no-such-room': 'No such room',
  'room-full': 'The room is full',
  'not-allowed': 'Not invited',
  unauthorized: 'Not signed in',
  unavailable: 'No server available',
  unreachable: 'Cannot reach the server',
  'bad-answer': 'Matchmaking is not available',
};
