import { MAX_NAME_LENGTH } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { validatePlayerName } from './player-name.js';

describe('validatePlayerName', () => {
  it('accepts and trims a name', () => {
    expect(validatePlayerName('  Alice ')).toEqual({ ok: true, name: 'Alice' });
  });

  it('refuses a blank name', () => {
    expect(validatePlayerName('   ')).toMatchObject({ ok: false, error: 'Enter a name to join.' });
  });

  it('refuses a name longer than the protocol allows', () => {
    expect(validatePlayerName('x'.repeat(MAX_NAME_LENGTH)).ok).toBe(true);
    expect(validatePlayerName('x'.repeat(MAX_NAME_LENGTH + 1))).toMatchObject({ ok: false });
  });

  it('refuses control characters', () => {
    expect(validatePlayerName('a\u0007b')).toMatchObject({ ok: false });
    expect(validatePlayerName('a\u0085b')).toMatchObject({ ok: false });
  });
});
