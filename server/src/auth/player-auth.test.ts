import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError, createPlayerAuth, type AuthOptions, type PlayerAuth } from './player-auth.js';
import { TEST_AUTH_SECRET, generateTestKeyPair, signTestToken } from './test-tokens.js';

// The shared-secret path, the Authorization header, and the claim rules every key source shares.

const NO_AUTH: AuthOptions = { secret: '', jwksUrl: '', issuer: '', audience: '' };

function secretAuth(overrides: Partial<AuthOptions> = {}): PlayerAuth {
  const auth = createPlayerAuth({ ...NO_AUTH, secret: TEST_AUTH_SECRET, ...overrides });
  if (auth === null) throw new Error('auth expected');
  return auth;
}

function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

async function refusal(verifying: Promise<unknown>): Promise<AuthError> {
  try {
    await verifying;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('expected an AuthError');
}

/** A token that claims `alg: none` and has no signature. */
function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown): string => base64url.encode(JSON.stringify(value));
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

describe('createPlayerAuth', () => {
  it('is null when neither a secret nor a JWKS URL is set: anyone may play', () => {
    expect(createPlayerAuth(NO_AUTH)).toBeNull();
    expect(
      createPlayerAuth({ ...NO_AUTH, issuer: 'https://id.example', audience: 'x' }),
    ).toBeNull();
  });

  it('refuses a secret shorter than 32 bytes, counting UTF-8 bytes', () => {
    expect(() => createPlayerAuth({ ...NO_AUTH, secret: 's'.repeat(31) })).toThrow(
      /31 bytes; at least 32/,
    );
    expect(createPlayerAuth({ ...NO_AUTH, secret: 's'.repeat(32) })?.kind).toBe('secret');
    // 16 characters, 32 bytes.
    expect(createPlayerAuth({ ...NO_AUTH, secret: '\u00e9'.repeat(16) })?.kind).toBe('secret');
  });

  it('refuses a JWKS URL that is not http(s)', () => {
    expect(() => createPlayerAuth({ ...NO_AUTH, jwksUrl: 'keys.json' })).toThrow(/not a URL/);
    expect(() => createPlayerAuth({ ...NO_AUTH, jwksUrl: 'file:///etc/keys.json' })).toThrow(
      /http: or https:/,
    );
  });

  it('names its key source', () => {
    const jwksUrl = 'http://127.0.0.1:9/jwks.json';
    expect(createPlayerAuth({ ...NO_AUTH, jwksUrl })?.kind).toBe('jwks');
    expect(createPlayerAuth({ ...NO_AUTH, jwksUrl, secret: TEST_AUTH_SECRET })?.kind).toBe(
      'secret+jwks',
    );
  });
});

describe('Authorization header', () => {
  it('verifies "Bearer <token>", the scheme in any case', async () => {
    const token = await signTestToken({ sub: 'p1' }, { secret: TEST_AUTH_SECRET });
    const auth = secretAuth();
    await expect(auth.verify(`Bearer ${token}`)).resolves.toEqual({ playerId: 'p1', name: null });
    await expect(auth.verify(`bearer ${token}`)).resolves.toEqual({ playerId: 'p1', name: null });
  });

  it("is 'missing' when empty or without a token", async () => {
    const auth = secretAuth();
    for (const header of ['', '   ', 'Bearer', 'Bearer  ']) {
      expect((await refusal(auth.verify(header))).reason).toBe('missing');
    }
  });

  it("is 'malformed' with another scheme, extra words, or a token that is not a JWT", async () => {
    const token = await signTestToken({ sub: 'p1' }, { secret: TEST_AUTH_SECRET });
    const auth = secretAuth();
    for (const header of [
      token,
      `Basic ${token}`,
      `Bearer ${token} extra`,
      'Bearer not-a-jwt',
      'Bearer a.b.c',
      `Bearer ${'a'.repeat(9000)}`,
    ]) {
      expect((await refusal(auth.verify(header))).reason).toBe('malformed');
    }
  });
});

describe('shared secret', () => {
  it('verifies HS256, HS384 and HS512 tokens to the identity they carry', async () => {
    const auth = secretAuth();
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      const token = await signTestToken(
        { sub: 'player-7', name: '  Ann  ' },
        { secret: TEST_AUTH_SECRET, alg },
      );
      await expect(auth.verify(`Bearer ${token}`)).resolves.toEqual({
        playerId: 'player-7',
        name: 'Ann',
      });
    }
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await signTestToken(
      { sub: 'p1' },
      { secret: 'another-secret-of-at-least-32-bytes!!' },
    );
    const error = await refusal(secretAuth().verify(`Bearer ${forged}`));
    expect(error.reason).toBe('invalid');
    expect(error.message).toBe('the token signature does not match');
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const token = await signTestToken({ sub: 'p1' }, { secret: TEST_AUTH_SECRET });
    const [header, , signature] = token.split('.');
    const payload = base64url.encode(JSON.stringify({ sub: 'admin', exp: nowS() + 3600 }));
    const error = await refusal(secretAuth().verify(`Bearer ${header}.${payload}.${signature}`));
    expect(error.reason).toBe('invalid');
  });

  it("refuses alg 'none'", async () => {
    const token = unsignedToken({ sub: 'p1', exp: nowS() + 3600 });
    const error = await refusal(secretAuth().verify(`Bearer ${token}`));
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain('algorithm');
  });

  it('refuses asymmetric algorithms when only a secret is set', async () => {
    const key = await generateTestKeyPair('ES256', 'k1');
    const token = await signTestToken({ sub: 'p1' }, key);
    const error = await refusal(secretAuth().verify(`Bearer ${token}`));
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain('algorithm');
  });
});

describe('time claims', () => {
  it("is 'expired' after exp (beyond the clock tolerance)", async () => {
    const token = await signTestToken(
      { sub: 'p1', iat: nowS() - 3600, exp: nowS() - 60 },
      { secret: TEST_AUTH_SECRET },
    );
    const error = await refusal(secretAuth().verify(`Bearer ${token}`));
    expect(error.reason).toBe('expired');
    expect(error.message).toContain('expired');
  });

  it('refuses a token without exp: tokens must expire', async () => {
    const token = await signTestToken({ sub: 'p1', exp: undefined }, { secret: TEST_AUTH_SECRET });
    const error = await refusal(secretAuth().verify(`Bearer ${token}`));
    expect(error.reason).toBe('invalid');
    expect(error.message).toBe('the token has no expiry time (exp): tokens must expire');
  });

  it('refuses an exp that is not a number', async () => {
    const token = await signTestToken(
      { sub: 'p1', exp: 'tomorrow' as unknown as number },
      { secret: TEST_AUTH_SECRET },
    );
    const error = await refusal(secretAuth().verify(`Bearer ${token}`));
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain('expiry time (exp) is not a number');
  });

  it('refuses a token before its nbf (beyond the clock tolerance)', async () => {
    const token = await signTestToken(
      { sub: 'p1', nbf: nowS() + 600 },
      { secret: TEST_AUTH_SECRET },
    );
    const error = await refusal(secretAuth().verify(`Bearer ${token}`));
    expect(error.reason).toBe('invalid');
    expect(error.message).toBe('the token is not valid yet (nbf)');
  });
});

describe('claims', () => {
  it('refuses a token without sub', async () => {
    const token = await signTestToken({ name: 'Ann' }, { secret: TEST_AUTH_SECRET });
    const error = await refusal(secretAuth().verify(`Bearer ${token}`));
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain('player id (sub)');
  });

  it('checks iss when an issuer is set', async () => {
    const auth = secretAuth({ issuer: 'https://id.example' });
    const right = await signTestToken(
      { sub: 'p1', iss: 'https://id.example' },
      { secret: TEST_AUTH_SECRET },
    );
    await expect(auth.verify(`Bearer ${right}`)).resolves.toMatchObject({ playerId: 'p1' });
    const wrong = await signTestToken(
      { sub: 'p1', iss: 'https://evil.example' },
      { secret: TEST_AUTH_SECRET },
    );
    const wrongError = await refusal(auth.verify(`Bearer ${wrong}`));
    expect(wrongError.reason).toBe('invalid');
    expect(wrongError.message).toContain('issuer (iss)');
    const none = await signTestToken({ sub: 'p1' }, { secret: TEST_AUTH_SECRET });
    expect((await refusal(auth.verify(`Bearer ${none}`))).message).toBe(
      'the token has no issuer (iss)',
    );
  });

  it('checks aud when an audience is set', async () => {
    const auth = secretAuth({ audience: 'tickwire' });
    const single = await signTestToken(
      { sub: 'p1', aud: 'tickwire' },
      { secret: TEST_AUTH_SECRET },
    );
    await expect(auth.verify(`Bearer ${single}`)).resolves.toMatchObject({ playerId: 'p1' });
    const list = await signTestToken(
      { sub: 'p1', aud: ['billing', 'tickwire'] },
      { secret: TEST_AUTH_SECRET },
    );
    await expect(auth.verify(`Bearer ${list}`)).resolves.toMatchObject({ playerId: 'p1' });
    const wrong = await signTestToken({ sub: 'p1', aud: 'billing' }, { secret: TEST_AUTH_SECRET });
    const error = await refusal(auth.verify(`Bearer ${wrong}`));
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain('audience (aud)');
  });

  it('does not check iss or aud when none is set', async () => {
    const token = await signTestToken(
      { sub: 'p1', iss: 'https://any.example', aud: 'anything' },
      { secret: TEST_AUTH_SECRET },
    );
    await expect(secretAuth().verify(`Bearer ${token}`)).resolves.toMatchObject({ playerId: 'p1' });
  });

  it('takes the name from name, else preferred_username, cut and cleaned', async () => {
    const auth = secretAuth();
    const cases: [Record<string, unknown>, string | null][] = [
      [{ name: 'A very long display name indeed' }, 'A very long disp'],
      [{ name: 'Ann\u0000' }, null],
      [{ preferred_username: 'ann99' }, 'ann99'],
      [{ name: 'Ann\u001b[31m', preferred_username: 'ann99' }, 'ann99'],
      [{}, null],
    ];
    for (const [claims, name] of cases) {
      const token = await signTestToken({ sub: 'p1', ...claims }, { secret: TEST_AUTH_SECRET });
      await expect(auth.verify(`Bearer ${token}`)).resolves.toEqual({ playerId: 'p1', name });
    }
  });

  it('never echoes the token or its claims in the message sent to the client', async () => {
    const token = await signTestToken(
      { sub: '<script>', iss: 'https://evil.example' },
      { secret: TEST_AUTH_SECRET },
    );
    const error = await refusal(
      secretAuth({ issuer: 'https://id.example' }).verify(`Bearer ${token}`),
    );
    expect(error.message).not.toContain('evil');
    expect(error.message).not.toContain('<script>');
    expect(error.message).not.toContain(token.slice(0, 20));
  });
});
