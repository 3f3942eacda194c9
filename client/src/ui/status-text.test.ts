import { CloseCode } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { statusText } from './status-text.js';

const url = 'ws://127.0.0.1:1/ws';
const closed = {
  phase: 'closed',
  url,
  closeCode: 1006,
  reason: '',
  hasOpened: true,
  hasJoined: true,
  isClientInitiated: false,
} as const;

describe('statusText', () => {
  it('describes every phase', () => {
    expect(statusText({ phase: 'idle' })).toMatch(/not connected/i);
    expect(statusText({ phase: 'connecting', url })).toBe(`Connecting to ${url}…`);
    expect(statusText({ phase: 'handshaking', url })).toMatch(/joining/);
    expect(statusText({ phase: 'connected', url, playerId: 4, isResumed: false })).toBe(
      'Connected as player #4.',
    );
    expect(
      statusText({ phase: 'connected', url, playerId: 4, isResumed: false }, 0, 'WASD moves.'),
    ).toBe('Connected as player #4. WASD moves.');
  });

  it('says a reconnect is under way, counting down, and when the player came back', () => {
    const reconnecting = {
      phase: 'reconnecting',
      url,
      attempt: 2,
      retryAtMs: 1500,
      lost: closed,
    } as const;
    expect(statusText(reconnecting, 1000)).toBe(
      'Connection lost (close code 1006). Reconnecting in 0.5 s (attempt 2); your player waits for you on the server.',
    );
    expect(statusText(reconnecting, 1500)).toMatch(/Reconnecting now/);
    expect(statusText({ phase: 'connected', url, playerId: 4, isResumed: true }, 0, 'Go.')).toBe(
      'Connected as player #4. Reconnected: your player is back. Go.',
    );
  });

  it('says it cannot connect when the socket never opened', () => {
    expect(statusText({ ...closed, hasOpened: false, hasJoined: false })).toBe(
      `Cannot connect to ${url}. Press Enter to try again.`,
    );
  });

  it('gives the close code and the way back after a disconnect', () => {
    expect(statusText({ ...closed, closeCode: CloseCode.ServerShutdown })).toBe(
      'Disconnected (close code 4008). Press Enter to rejoin.',
    );
    expect(statusText({ ...closed, closeCode: CloseCode.RoomFull, hasJoined: false })).toMatch(
      /^Connection refused \(close code 4007\)/,
    );
    expect(statusText({ ...closed, closeCode: 1000, isClientInitiated: true })).toBe(
      'Left the game.',
    );
  });
});
