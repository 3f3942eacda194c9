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
      isRematch: false,
      rematchError: null,
    } as const;
    expect(statusText(reconnecting, 1000)).toBe(
      'Connection lost (close code 1006). Reconnecting in 0.5 s (attempt 2); your player waits for you on the server.',
    );
    expect(statusText(reconnecting, 1500)).toMatch(/Reconnecting now/);
    expect(
      statusText({ phase: 'connected', url, playerId: 4, isResumed: true }, 0, 'Go.', {
        closeCode: 1006,
        isRematch: false,
      }),
    ).toBe('Connected as player #4. Reconnected: your player is back. Go.');
    expect(
      statusText({ phase: 'connected', url, playerId: 9, isResumed: false }, 0, '', {
        closeCode: 1006,
        isRematch: false,
      }),
    ).toBe(
      'Connected as player #9. Back in the game, as a new player (the old one could not be kept).',
    );
  });

  it('says a restarting server moves the player to another one, as a new player', () => {
    const restarting = {
      phase: 'reconnecting',
      url,
      attempt: 1,
      retryAtMs: 0,
      lost: { ...closed, closeCode: CloseCode.ServerRestarting },
      isRematch: true,
      rematchError: null,
    } as const;
    const recovery = { closeCode: CloseCode.ServerRestarting, isRematch: true };
    expect(statusText(restarting, 0, '', recovery)).toBe(
      'The server is restarting: moving you to another server…',
    );
    expect(
      statusText(
        { ...restarting, attempt: 2, retryAtMs: 2000, rematchError: 'No process can take a room.' },
        500,
        '',
        recovery,
      ),
    ).toBe(
      'The server is restarting: moving you to another server… (No process can take a room: trying again in 1.5 s.)',
    );
    expect(statusText({ phase: 'connecting', url: 'ws://b/ws' }, 0, '', recovery)).toBe(
      'The server is restarting: moving you to another server…',
    );
    expect(
      statusText(
        { phase: 'connected', url: 'ws://b/ws', playerId: 3, isResumed: false },
        0,
        'Go.',
        recovery,
      ),
    ).toBe('Connected as player #3. Back in the game on another server, as a new player. Go.');
  });

  it('says a refused seat sends the player back through matchmaking', () => {
    const refused = {
      phase: 'reconnecting',
      url,
      attempt: 2,
      retryAtMs: 0,
      lost: { ...closed, closeCode: CloseCode.SeatRequired, hasJoined: false },
      isRematch: true,
      rematchError: null,
    } as const;
    expect(statusText(refused)).toBe(
      'The server no longer holds your player (close code 4015): finding you a new place in the game…',
    );
    expect(
      statusText({ phase: 'connected', url, playerId: 5, isResumed: false }, 0, '', {
        closeCode: CloseCode.SeatRequired,
        isRematch: true,
      }),
    ).toBe(
      'Connected as player #5. Back in the game, as a new player (the old one could not be kept).',
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
    expect(
      statusText({
        ...closed,
        closeCode: CloseCode.ServerRestarting,
        matchmakingError: 'The token has expired.',
      }),
    ).toBe('Could not find a new game: The token has expired. Press Enter to try again.');
  });
});
