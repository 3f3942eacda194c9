import { CloseCode } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { MatchmakingError } from '@tickwire/protocol';
import { describeCloseCode, explainClose, explainMatchmakingError } from './close-messages.js';
import type { ClosedStatus } from '@tickwire/protocol';

const closed = (overrides: Partial<ClosedStatus>): ClosedStatus => ({
  phase: 'closed',
  url: 'ws://127.0.0.1:8080/ws',
  closeCode: 1006,
  reason: '',
  hasOpened: true,
  hasJoined: true,
  isClientInitiated: false,
  ...overrides,
});

describe('describeCloseCode', () => {
  it('has its own sentence for every tickwire close code', () => {
    const sentences = Object.values(CloseCode).map(describeCloseCode);
    const unknown = describeCloseCode(4999);
    for (const sentence of sentences) {
      expect(sentence).not.toBe(unknown);
      expect(sentence).toMatch(/\.$/);
    }
    expect(new Set(sentences).size).toBe(sentences.length);
  });

  it('says what to do for the codes a player meets most', () => {
    expect(describeCloseCode(CloseCode.RoomFull)).toMatch(/full/i);
    expect(describeCloseCode(CloseCode.ServerShutdown)).toMatch(/shutting down/i);
    expect(describeCloseCode(CloseCode.RateLimited)).toMatch(/wait/i);
    expect(describeCloseCode(CloseCode.UnsupportedVersion)).toMatch(/reload/i);
    expect(describeCloseCode(CloseCode.ServerRestarting)).toMatch(/restarting.*another server/i);
    expect(describeCloseCode(CloseCode.SeatRequired)).toMatch(/matchmaking/i);
  });

  it('has a plain sentence for an unknown code; the code itself goes in the details', () => {
    expect(describeCloseCode(4999)).toMatch(/reason this page does not know/);
    expect(describeCloseCode(4999)).not.toContain('4999');
    expect(explainClose(closed({ closeCode: 4999 })).details).toBe('close code 4999');
  });
});

describe('explainClose', () => {
  it('says it cannot connect when the socket never opened', () => {
    const explanation = explainClose(
      closed({ hasOpened: false, hasJoined: false, url: 'ws://x:1/ws' }),
    );
    expect(explanation.title).toBe('Cannot connect');
    expect(explanation.message).toBe(
      'Cannot reach the game server. Check that it is running and reachable, then rejoin.',
    );
    expect(explanation.details).toBe('ws://x:1/ws');
  });

  it("puts the server's reason and the code in the details, not in the message", () => {
    const explanation = explainClose(
      closed({ closeCode: CloseCode.RoomFull, reason: 'room full (64 players)', hasJoined: false }),
    );
    expect(explanation.title).toBe('Connection refused');
    expect(explanation.message).toContain('The game is full');
    expect(explanation.message).not.toMatch(/room full \(64|4007/);
    expect(explanation.details).toBe('close code 4007 · server said “room full (64 players)”');
  });

  it('reports a lost connection after joining', () => {
    const explanation = explainClose(closed({ closeCode: 1006 }));
    expect(explanation.title).toBe('Disconnected');
    expect(explanation.message).toMatch(/lost/);
    expect(explanation.message).not.toContain('Server said');
  });

  it('blames the server, not this client, when this client hung up on a bad frame', () => {
    const explanation = explainClose(
      closed({
        closeCode: CloseCode.MalformedFrame,
        reason: 'unreadable server message: invalid msgpack',
        isClientInitiated: true,
      }),
    );
    expect(explanation.message).toMatch(/could not read what the server sent/);
    expect(explanation.details).toContain('the server broke the protocol');
    expect(explanation.details).toContain('invalid msgpack');
    expect(explanation.message).not.toContain('The server could not read');
  });

  it('says when matchmaking found no new seat after the server restarted', () => {
    const explanation = explainClose(
      closed({ closeCode: CloseCode.ServerRestarting, matchmakingError: 'Registry down.' }),
    );
    expect(explanation.title).toBe('Could not find a new game');
    expect(explanation.message).toContain('The server is restarting');
    expect(explanation.message).toContain('Matchmaking found no new place for you: Registry down.');
  });
});

describe('explainMatchmakingError', () => {
  it("heads the server's sentence by what went wrong", () => {
    expect(
      explainMatchmakingError(new MatchmakingError(404, 'no-such-room', 'No room has the code X.')),
    ).toEqual({ title: 'No such room', message: 'No room has the code X.' });
    expect(
      explainMatchmakingError(new MatchmakingError(418, 'teapot', 'I am a teapot.')).title,
    ).toBe('Cannot join');
  });
});
