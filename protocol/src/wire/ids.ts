/**
 * Every number that goes on the wire as an identifier lives here, once.
 *
 * Message ids: client -> server use 1..63, server -> client use 64..127, so every id is a
 * one-byte msgpack positive fixint and a frame's direction is visible from its first byte.
 */
export const MessageId = {
  /** Client -> server. First frame on every connection. */
  Hello: 1,
  /** Client -> server. The game's input fields, input sequence number and snapshot acknowledgement. */
  Input: 2,
  /** Client -> server. Clock-sync probe, answered by Pong. */
  Ping: 3,
  /** Client -> server. "I could not apply snapshot T (no baseline)": the server sends a full one. */
  Resync: 4,
  /**
   * Client -> server, version 4, spectators only. Where the camera looks (an entity to follow or
   * a point) and the snapshot acknowledgement: a spectator's Input.
   */
  Watch: 5,

  /** Server -> client. Answer to Hello: who you are, the room's constants and the game's schema. */
  Welcome: 64,
  /** Server -> client. The client's view at one tick, full or as a delta from an acked baseline. */
  Snapshot: 65,
  /** Server -> client. Answer to Ping. */
  Pong: 66,
  /** Server -> client. Why the server is about to close the connection (sent before the close frame). */
  Kick: 67,
  /**
   * Server -> client, version 4, to clients whose Hello asked for it: players online, spectators
   * and the game's leaderboard, once a second.
   */
  Summary: 68,
} as const;
export type MessageId = (typeof MessageId)[keyof typeof MessageId];

/** A spectator's Welcome.playerId (version 4): entity ids start at 1, so 0 names none. */
export const SPECTATOR_PLAYER_ID = 0;

/**
 * WebSocket close codes used by tickwire. 4000-4099 is the application range; every code the
 * server sends is listed here and in PROTOCOL.md with what a client should do about it.
 */
export const CloseCode = {
  /** The frame was not valid msgpack, or a field had the wrong type or range. Fix the client. */
  MalformedFrame: 4000,
  /** The first element of the frame is not a message id this protocol version knows. */
  UnknownMessage: 4001,
  /** Hello named a protocol version the server does not speak. The reason lists the ones it does. */
  UnsupportedVersion: 4002,
  /** A message arrived out of order: anything before Hello, or a second Hello. */
  HandshakeViolation: 4003,
  /** No Hello within the handshake timeout. */
  HandshakeTimeout: 4004,
  /** More messages per second than the server accepts. Slow down before reconnecting. */
  RateLimited: 4005,
  /** The client did not read its socket for too long and fell too far behind. Reconnect. */
  SlowConsumer: 4006,
  /** The room has no free player slot. Retry later. */
  RoomFull: 4007,
  /** The server is shutting down. Reconnect later, with backoff. */
  ServerShutdown: 4008,
  /** The upgrade offered none of the subprotocols served (`tickwire.v3`, `tickwire.v2`) nor an older one. */
  SubprotocolRequired: 4009,
  /** A frame longer than the server's frame limit (1 KiB by default). */
  FrameTooLarge: 4010,
  /**
   * Another connection resumed this player with its resume token (the game opened in another
   * tab, or this connection was presumed dead). This connection's token is spent: do not
   * reconnect automatically (it would join as a new player).
   */
  SessionReplaced: 4011,
  /**
   * The server is at its connection limit (`--max-connections`), or this connection had not sent
   * Hello while newer ones needed its place (`--max-pending-connections`). Sent right after the
   * upgrade, before any Welcome. Retry later, with backoff.
   */
  TooManyConnections: 4012,
  /**
   * This client's address (an IPv4 address, or an IPv6 /64) already has as many connections open
   * as the server allows one address (`--max-connections-per-ip`). Sent right after the upgrade,
   * before any Welcome. Close other connections (tabs, bots) or retry later, with backoff.
   */
  TooManyConnectionsFromAddress: 4013,
  /**
   * The upgrade came from a browser page whose `Origin` the server does not allow
   * (`--allowed-origins`; by default the server's own page and localhost). Sent right after the
   * upgrade, with no Kick; the reason names the origin. Retrying cannot help: the page must be
   * served from an allowed origin, or the operator must allow this one.
   */
  OriginNotAllowed: 4014,
  /**
   * This server takes players only with a seat from matchmaking (it runs with
   * `--direct-join false`), and the Hello carried none; or its seat is unknown, already used,
   * expired, or reserved on another process. Sent before any Welcome. Get a new seat from
   * matchmaking (`POST /match/...`) and connect with it; retrying the same seat cannot help.
   */
  SeatRequired: 4015,
  /**
   * This server process is restarting (it got SIGTERM: a rolling restart). Its rooms end; go back
   * through matchmaking now, which seats the player on another process (or on this one once it
   * is back). No backoff is needed for the first attempt.
   */
  ServerRestarting: 4016,
  /**
   * The room already has as many spectators as it allows (`--max-spectators`). Sent at the
   * joining tick, before any Welcome. Retry later, with backoff.
   */
  SpectatorsFull: 4017,
  /**
   * A message the connection's role does not allow: an Input from a spectator (it has no entity
   * to steer; it acknowledges with Watch), or a Watch from a player. A client bug: do not retry.
   */
  WrongRole: 4018,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
