/** The protocol version this package speaks. Any change to the bytes on the wire moves it. */
export const PROTOCOL_VERSION = 3;

/**
 * Versions a server built from this package accepts in Hello. Version 2 differs from 3 only in
 * its Hello (no seat element), so a v2 client is still served in full; Welcome names the
 * version the client spoke.
 */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [2, 3];

/** WebSocket subprotocol of this version, which a client offers in `Sec-WebSocket-Protocol`. */
export const SUBPROTOCOL = 'tickwire.v3';

/**
 * Subprotocols the server serves, newest first: it selects the first of these a client offers
 * (a v2 client offers `tickwire.v2` and speaks v2 throughout).
 */
export const SERVED_SUBPROTOCOLS: readonly string[] = ['tickwire.v3', 'tickwire.v2'];

/**
 * Subprotocols of earlier versions. The server still completes their upgrade, only to answer
 * the Hello with UnsupportedVersion (4002) naming the versions it speaks: an old client learns
 * why instead of failing the handshake.
 */
export const LEGACY_SUBPROTOCOLS: readonly string[] = ['tickwire.v1'];

/** Path of the WebSocket endpoint. */
export const WEBSOCKET_PATH = '/ws';
