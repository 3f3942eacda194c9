/**
 * The close code of a k6 WebSocket `close` event. k6 from v1.5 puts it on the event (`code`);
 * older k6 does not, but reports every close other than 1000 and 1001 first as an `error` event
 * whose message carries the code ("websocket: close 4005 (...): reason", gorilla/websocket's
 * CloseError), and a connection cut without a close frame as "websocket: close 1006 ...".
 * (Which k6 does what: loadtest/src/k6-sandbox/k6-api.ts.)
 */

const CLOSE_ERROR = /websocket: close (\d{4})\b/;
const NORMAL_CLOSURE = 1000;
const ABNORMAL_CLOSURE = 1006;

export interface ClosedSocket {
  code: number;
  reason: string;
}

/**
 * `event`: what k6 passed to onclose; `lastError`: the message of the connection's last `error`
 * event, or null. Without either, a close is taken as normal when nothing went wrong, else as
 * abnormal (the connection failed: refused, handshake refused).
 */
export function closedSocketOf(event: unknown, lastError: string | null): ClosedSocket {
  const fields =
    typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const reason = typeof fields['reason'] === 'string' ? fields['reason'] : (lastError ?? '');
  if (typeof fields['code'] === 'number') return { code: fields['code'], reason };
  if (lastError === null) return { code: NORMAL_CLOSURE, reason };
  const match = CLOSE_ERROR.exec(lastError);
  return { code: match ? Number(match[1]) : ABNORMAL_CLOSURE, reason };
}
