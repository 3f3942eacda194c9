/** The protocol version this package speaks. Any change to the bytes on the wire moves it. */
export const PROTOCOL_VERSION = 1;

/** Versions a server built from this package accepts in Hello. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];

/** WebSocket subprotocol that MUST be offered in `Sec-WebSocket-Protocol`. */
export const SUBPROTOCOL = 'tickwire.v1';

/** Path of the WebSocket endpoint. */
export const WEBSOCKET_PATH = '/ws';
