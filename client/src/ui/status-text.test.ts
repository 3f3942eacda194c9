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
    expect(statusText({ phase: 'connected', url, playerId: 4 })).toMatch(
      /^Connected as player #4\./,
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
