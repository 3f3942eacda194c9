/** The protocol version this package speaks. Any change to the bytes on the wire moves it. */
export const PROTOCOL_VERSION = 2;

/** Versions a server built from this package accepts in Hello. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [2];

/** WebSocket subprotocol that MUST be offered in `Sec-WebSocket-Protocol`. */
export const SUBPROTOCOL = 'tickwire.v2';

/**
 * Subprotocols of earlier versions. The server still completes their upgrade, only to answer
 * the Hello with UnsupportedVersion (4002) naming the versions it speaks: an old client learns
 * why instead of failing the handshake.
 */
export const LEGACY_SUBPROTOCOLS: readonly string[] = ['tickwire.v1'];

/** Path of the WebSocket endpoint. */
export const WEBSOCKET_PATH = '/ws';
