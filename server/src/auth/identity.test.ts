import { MAX_NAME_LENGTH } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { AuthError } from './auth-error.js';
import { MAX_PLAYER_ID_LENGTH, identityFromClaims, playerNameFrom } from './identity.js';

function refusal(run: () => unknown): AuthError {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('expected an AuthError');
}

describe('player id (sub)', () => {
  it('is the sub claim', () => {
    expect(identityFromClaims({ sub: 'auth0|5f1a' })).toEqual({
      playerId: 'auth0|5f1a',
      name: null,
    });
  });

  it('is required, a non-empty string', () => {
    for (const claims of [{}, { sub: '' }, { sub: 42 }, { sub: ['a'] }]) {
      const error = refusal(() => identityFromClaims(claims as Record<string, unknown>));
      expect(error.reason).toBe('invalid');
      expect(error.message).toContain('player id (sub)');
    }
  });

  it(`takes at most ${MAX_PLAYER_ID_LENGTH} characters and no control characters`, () => {
    const longest = 'p'.repeat(MAX_PLAYER_ID_LENGTH);
    expect(identityFromClaims({ sub: longest }).playerId).toBe(longest);
    expect(refusal(() => identityFromClaims({ sub: longest + 'p' })).reason).toBe('invalid');
    expect(refusal(() => identityFromClaims({ sub: 'a\nb' })).reason).toBe('invalid');
    expect(refusal(() => identityFromClaims({ sub: 'a\ud800' })).reason).toBe('invalid');
  });
});

describe('player name', () => {
  it('is the name claim, else preferred_username, else null', () => {
    expect(identityFromClaims({ sub: 'p', name: 'Ann', preferred_username: 'ann99' }).name).toBe(
      'Ann',
    );
    expect(identityFromClaims({ sub: 'p', preferred_username: 'ann99' }).name).toBe('ann99');
    expect(identityFromClaims({ sub: 'p' }).name).toBeNull();
  });

  it('falls back to preferred_username when name is unusable', () => {
    for (const name of [42, '   ', 'Ann\u0007', null]) {
      expect(identityFromClaims({ sub: 'p', name, preferred_username: 'ann99' }).name).toBe(
        'ann99',
      );
    }
  });

  it('is trimmed', () => {
    expect(playerNameFrom('  Ann Lee \t')).toBe('Ann Lee');
  });

  it(`is cut to ${MAX_NAME_LENGTH} UTF-16 units`, () => {
    expect(playerNameFrom('x'.repeat(40))).toBe('x'.repeat(MAX_NAME_LENGTH));
    // A space left at the cut is trimmed too.
    expect(playerNameFrom('x'.repeat(MAX_NAME_LENGTH - 1) + ' yz')).toBe(
      'x'.repeat(MAX_NAME_LENGTH - 1),
    );
  });

  it('never splits a surrogate pair at the cut', () => {
    const emoji = '\u{1F600}'; // two UTF-16 units
    const splitAtCut = 'a'.repeat(MAX_NAME_LENGTH - 1) + emoji;
    expect(playerNameFrom(splitAtCut)).toBe('a'.repeat(MAX_NAME_LENGTH - 1));
    const endsAtCut = 'a'.repeat(MAX_NAME_LENGTH - 2) + emoji + 'b';
    expect(playerNameFrom(endsAtCut)).toBe('a'.repeat(MAX_NAME_LENGTH - 2) + emoji);
  });

  it('is null with control characters (C0, DEL, C1) or a lone surrogate', () => {
    for (const name of ['An\u0000n', 'A\nnn', 'Ann\u007f', 'Ann\u009b', 'Ann\udc00', '\ud83dAnn']) {
      expect(playerNameFrom(name)).toBeNull();
    }
  });

  it('is null when blank or not a string', () => {
    for (const name of ['', '  \t ', undefined, 7, { first: 'Ann' }]) {
      expect(playerNameFrom(name)).toBeNull();
    }
  });
});
