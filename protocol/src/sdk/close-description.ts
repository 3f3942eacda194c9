import { CloseCode } from '../wire/ids.js';
import { WEBSOCKET_PATH } from '../wire/version.js';
import type { ClosedStatus } from '../client/connection-status.js';

/** Names of the standard WebSocket close codes a bot meets (RFC 6455 section 7.4.1). */
const STANDARD_CLOSE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status code',
  1006: 'abnormal closure, no close frame',
  1007: 'invalid payload',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'server error',
};

const TICKWIRE_CLOSE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(CloseCode).map(([name, code]) => [code, name]),
);

/** `4007 RoomFull`, `1006 abnormal closure, no close frame`, or just the number when unknown. */
export function closeCodeName(code: number): string {
  const name = TICKWIRE_CLOSE_NAMES.get(code) ?? STANDARD_CLOSE_NAMES[code];
  return name === undefined ? String(code) : `${code} ${name}`;
}

/**
 * One line saying how a connection ended: code, its name, and the server's reason; or what
 * matchmaking answered when it gave no seat.
 */
export function describeClose(status: ClosedStatus): string {
  if (status.matchmakingError !== undefined) {
    const after = status.hasOpened
      ? ` after the connection closed with ${closeCodeName(status.closeCode)}`
      : '';
    return `got no seat from matchmaking${after}: ${status.matchmakingError}`;
  }
  if (status.isClientInitiated && status.closeCode === 1000) {
    return 'closed by this client (1000 normal closure)';
  }
  const reason = status.reason === '' ? '' : `: ${status.reason}`;
  const prefix = status.hasOpened
    ? 'closed'
    : `could not connect to ${status.url} (is a tickwire server listening there, on the path ${WEBSOCKET_PATH}?); closed`;
  return `${prefix} with ${closeCodeName(status.closeCode)}${reason}`;
}
