import WebSocket from 'ws';
import { PLAYER_SUBPROTOCOL } from '@tickwire/protocol';
import type { PlayerClose, PlayerSocket, ScenarioPlayer } from '../scenario/player.js';

/**
 * The Node side of one player's connection: a `ws` socket whose events go to a ScenarioPlayer. The
 * swarm and the bench fleet both open their players' sockets here (one protocol client in
 * loadtest: the player; one socket driver: this).
 */

/** Where a connection goes: a process's WebSocket URL, with a matchmaking seat or none. */
export interface JoinTarget {
  url: string;
  /** The seat matchmaking gave (null: a direct join, or a resume). */
  seat: string | null;
}

export interface ConnectOptions {
  /** A join that has no Welcome this long after the connect fails (and the socket is dropped). */
  joinTimeoutMs: number;
  nowMs: () => number;
  /** The connection ended after it had opened (not called for a join that failed before). */
  onClose?: (close: PlayerClose) => void;
}

/** One connection of a player. */
export interface PlayerLink {
  readonly url: string;
  /**
   * Resolves at the Welcome; rejects when the join fails (refused, closed before the Welcome, no
   * Welcome in time): the player has counted the failure.
   */
  readonly joined: Promise<void>;
  /** Resolves once the socket is closed, whoever closed it. */
  readonly closed: Promise<void>;
  /** Drops the socket without a close frame and without telling the player (the run is over). */
  abandon(): void;
}

/** `ws`'s nodebuffer as the protocol's Uint8Array: a view of the same memory, no copy. */
function viewOf(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Opens `target` for `player`, which must have begun its join (`beginJoin`). The player sends its
 * Hello when the socket opens and sees every frame and the close.
 */
export function connectPlayer(
  player: ScenarioPlayer,
  target: JoinTarget,
  options: ConnectOptions,
): PlayerLink {
  // Compression off: it costs CPU on both sides and buys little for small binary frames.
  const ws = new WebSocket(target.url, [PLAYER_SUBPROTOCOL], { perMessageDeflate: false });
  ws.binaryType = 'nodebuffer';
  const socket: PlayerSocket = {
    send: (frame) => ws.send(frame),
    close: (code, reason) => ws.close(code, reason),
  };
  let hasOpened = false;
  let isWaitingForWelcome = true;
  /** No more events go to the player (the join timed out, or the link was abandoned). */
  let isDetached = false;
  let lastError = '';
  let settle: { resolve: () => void; reject: (error: Error) => void } | null = null;
  const joined = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A caller that only awaits `closed` must not see an unhandled rejection.
  joined.catch(() => undefined);
  const fail = (why: string): void => {
    isWaitingForWelcome = false;
    settle?.reject(new Error(`${player.name} at ${target.url}: ${why}`));
  };
  const timer = setTimeout(() => {
    if (!isWaitingForWelcome) return;
    isDetached = true;
    player.joinFailed(`no Welcome within ${options.joinTimeoutMs} ms`);
    fail(`no Welcome within ${options.joinTimeoutMs} ms`);
    ws.terminate();
  }, options.joinTimeoutMs);
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));

  ws.on('open', () => {
    hasOpened = true;
    if (!isDetached) player.opened(socket, target.seat, options.nowMs());
  });
  ws.on('message', (data: Buffer) => {
    if (isDetached) return;
    player.received(viewOf(data), options.nowMs());
    if (isWaitingForWelcome && player.welcome !== null) {
      isWaitingForWelcome = false;
      clearTimeout(timer);
      settle?.resolve();
    }
  });
  // Always listened to: an unhandled 'error' event would end the process. A 'close' follows.
  ws.on('error', (error) => {
    lastError = error.message;
  });
  ws.on('close', (code, reason) => {
    clearTimeout(timer);
    if (isDetached) return;
    isDetached = true;
    if (!hasOpened) {
      const why = lastError || `closed with ${code} before it opened`;
      player.joinFailed(why);
      fail(why);
      return;
    }
    const close = player.closed(code, reason.toString());
    if (isWaitingForWelcome) fail(`closed with ${code}${close.reason ? ` (${close.reason})` : ''}`);
    options.onClose?.(close);
  });

  return {
    url: target.url,
    joined,
    closed,
    abandon: () => {
      isDetached = true;
      clearTimeout(timer);
      if (isWaitingForWelcome) fail('abandoned');
      ws.terminate();
    },
  };
}
