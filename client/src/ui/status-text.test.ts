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
const reconnecting = {
  phase: 'reconnecting',
  url,
  attempt: 1,
  retryAtMs: 1500,
  lost: closed,
  isRematch: false,
  rematchError: null,
} as const;
const connected = { phase: 'connected', url, playerId: 4, isResumed: false } as const;

/** No close code, player number or address in what the player reads. */
function expectPlain(text: string): void {
  expect(text).not.toMatch(/close code|\b1006\b|\b40\d\d\b|#\d|ws:\/\//);
}

describe('statusText', () => {
  it('describes every phase in plain words, the address only in the details', () => {
    expect(statusText({ phase: 'idle' }).text).toMatch(/not connected/i);
    expect(statusText({ phase: 'connecting', url })).toEqual({
      text: 'Connecting to the game…',
      details: url,
    });
    expect(statusText({ phase: 'handshaking', url }).text).toMatch(/joining/);
    expect(statusText(connected, { playerName: 'Ada' })).toEqual({
      text: 'Playing as Ada.',
      details: '',
    });
    expect(statusText(connected, { playerName: 'Ada', helpText: 'WASD moves.' }).text).toBe(
      'Playing as Ada. WASD moves.',
    );
    expect(statusText({ ...connected, playerId: 0 }, { helpText: 'E: next player.' }).text).toBe(
      'Watching the game. E: next player.',
    );
  });

  it('says a lost connection is being recovered, counting down, with the code in the details', () => {
    const line = statusText(reconnecting, { nowMs: 1000 });
    expect(line.text).toBe(
      'Connection lost. Reconnecting in 0.5 s… Trying to get your player back.',
    );
    expectPlain(line.text);
    expect(line.details).toBe(`close code 1006 · attempt 1 · ${url}`);
    expect(statusText(reconnecting, { nowMs: 1500 }).text).toMatch(/Reconnecting now/);
    // A later attempt that could not open a socket: the server is not there.
    const unreachable = statusText(
      { ...reconnecting, attempt: 3, lost: { ...closed, hasOpened: false } },
      { nowMs: 0, recovery: { lost: closed, isRematch: false } },
    );
    expect(unreachable.text).toBe(
      'Connection lost, and the server is not answering. Reconnecting in 1.5 s…',
    );
  });

  it('says the server is shutting down, not that the connection was lost, and that a comeback is a new player', () => {
    const shutdown = {
      ...closed,
      closeCode: CloseCode.ServerShutdown,
      reason: 'shutting down',
    };
    const recovery = { lost: shutdown, isRematch: false };
    const line = statusText({ ...reconnecting, lost: shutdown }, { nowMs: 500, recovery });
    expect(line.text).toBe(
      'The server is shutting down or restarting. Trying again in 1.0 s. If it comes back, you join as a new player.',
    );
    expectPlain(line.text);
    expect(line.details).toBe(`close code 4008 · server said “shutting down” · attempt 1 · ${url}`);
    // Later attempts are refused (1006): the first reason stays, through StatusLine's recovery.
    expect(
      statusText(
        { ...reconnecting, attempt: 4, lost: { ...closed, hasOpened: false } },
        { recovery },
      ).text,
    ).toMatch(/^The server is shutting down or restarting/);
    const back = statusText(connected, { playerName: 'Ada', helpText: 'Go.', recovery });
    expect(back.text).toBe(
      'Back in the game as Ada as a new player: the server restarted, so your old player is gone. Go.',
    );
    expect(back.details).toBe('close code 4008 · server said “shutting down”');
  });

  it('says when the player came back as the same player, or as a new one', () => {
    const recovery = { lost: closed, isRematch: false };
    expect(
      statusText(
        { ...connected, isResumed: true },
        { playerName: 'Ada', helpText: 'Go.', recovery },
      ).text,
    ).toBe('Reconnected: you are back as Ada, where you were. Go.');
    const line = statusText(connected, { recovery }).text;
    expect(line).toBe('Back in the game as a new player: the server could not keep your old one.');
    expectPlain(line);
  });

  it('says a restarting server finds the player a new place, on another server or the same one', () => {
    const lost = { ...closed, closeCode: CloseCode.ServerRestarting };
    const restarting = { ...reconnecting, retryAtMs: 0, lost, isRematch: true } as const;
    const recovery = { lost, isRematch: true };
    expect(statusText(restarting, { recovery }).text).toBe(
      'The server is restarting: finding you a new place in the game…',
    );
    expect(
      statusText(
        { ...restarting, attempt: 2, retryAtMs: 2000, rematchError: 'No process can take a room.' },
        { nowMs: 500, recovery },
      ).text,
    ).toBe(
      'The server is restarting: finding you a new place in the game… (No process can take a room: trying again in 1.5 s.)',
    );
    expect(statusText({ phase: 'connecting', url: 'ws://b/ws' }, { recovery }).text).toBe(
      'The server is restarting: finding you a new place in the game…',
    );
    expect(
      statusText(
        { ...connected, url: 'ws://b/ws' },
        { playerName: 'Ada', helpText: 'Go.', recovery },
      ).text,
    ).toBe(
      'Back in the game as Ada on another server, as a new player (the old server restarted). Go.',
    );
    // A single server that came back on the same address.
    expect(statusText(connected, { playerName: 'Ada', recovery }).text).toBe(
      'Back in the game as Ada as a new player: the server restarted, so your old player is gone.',
    );
  });

  it('says a refused seat sends the player back through matchmaking, without its code', () => {
    const lost = { ...closed, closeCode: CloseCode.SeatRequired, hasJoined: false };
    const line = statusText({ ...reconnecting, retryAtMs: 0, lost, isRematch: true });
    expect(line.text).toBe(
      'The server no longer holds your player: finding you a new place in the game…',
    );
    expect(line.details).toMatch(/^close code 4015/);
  });

  it('says it cannot reach the server when the socket never opened', () => {
    expect(statusText({ ...closed, hasOpened: false, hasJoined: false })).toEqual({
      text: 'Cannot reach the server. Press Enter to try again.',
      details: url,
    });
  });

  it('says how to play again after the game ended, the code only in the details', () => {
    const shutDown = statusText({ ...closed, closeCode: CloseCode.ServerShutdown });
    expect(shutDown).toEqual({
      text: 'The server shut down. Press Enter to rejoin when it is back.',
      details: 'close code 4008',
    });
    const refused = statusText({ ...closed, closeCode: CloseCode.RoomFull, hasJoined: false });
    expect(refused.text).toBe('The server turned the connection away. Press Enter to try again.');
    expect(statusText({ ...closed, closeCode: 1000, isClientInitiated: true }).text).toBe(
      'Left the game.',
    );
    expect(
      statusText({
        ...closed,
        closeCode: CloseCode.ServerRestarting,
        matchmakingError: 'The token has expired.',
      }).text,
    ).toBe('Could not find a new game: The token has expired. Press Enter to try again.');
  });
});
