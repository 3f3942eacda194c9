/**
 * The newest protocol version this package speaks (PROTOCOL.md's). Any change to the bytes on the
 * wire moves it.
 */
export const PROTOCOL_VERSION = 4;

/**
 * The version a client speaks when it needs nothing version 4 added (no spectating, no room
 * summaries): the reference Connection by default, the bots, the load generators. Their bytes
 * stay exactly version 3's, so a server of any version since 3 takes them.
 */
export const PLAYER_PROTOCOL_VERSION = 3;

/**
 * Versions a server built from this package accepts in Hello. They differ only in Hello (2: no
 * seat; 4: flags) and in version 4's additions (Watch, Summary), which earlier versions never
 * see, so every one is served in full; Welcome names the version the client spoke.
 */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [2, 3, 4];

/** WebSocket subprotocol of PROTOCOL_VERSION, which a client offers in `Sec-WebSocket-Protocol`. */
export const SUBPROTOCOL = 'tickwire.v4';

/** WebSocket subprotocol of PLAYER_PROTOCOL_VERSION. */
export const PLAYER_SUBPROTOCOL = 'tickwire.v3';

/** The subprotocol of each version served. */
export function subprotocolOf(protocolVersion: number): string {
  return `tickwire.v${protocolVersion}`;
}

/**
 * Subprotocols the server serves, newest first: it selects the first of these a client offers
 * (a v2 client offers `tickwire.v2` and speaks v2 throughout).
 */
export const SERVED_SUBPROTOCOLS: readonly string[] = ['tickwire.v4', 'tickwire.v3', 'tickwire.v2'];

/**
 * Subprotocols of earlier versions. The server still completes their upgrade, only to answer
 * the Hello with UnsupportedVersion (4002) naming the versions it speaks: an old client learns
 * why instead of failing the handshake.
 */
export const LEGACY_SUBPROTOCOLS: readonly string[] = ['tickwire.v1'];

/** Path of the WebSocket endpoint. */
export const WEBSOCKET_PATH = '/ws';
