import { createServer } from 'node:http';
import { exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createPlayerAuth, type PlayerAuth } from './player-auth.js';
import {
  TEST_AUTH_SECRET,
  generateTestKeyPair,
  serveTestJwks,
  signTestToken,
  type TestJwksServer,
} from './test-tokens.js';

// The JWKS path against a real HTTP server: keys an identity provider publishes, fetched once
// and cached by jose; an endpoint that cannot be reached is the server's problem (503), not the
// player's (401).

type TestKey = Awaited<ReturnType<typeof generateTestKeyPair>>;

async function refusal(verifying: Promise<unknown>): Promise<AuthError> {
  try {
    await verifying;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('expected an AuthError');
}

function jwksAuth(jwksUrl: string, secret = ''): PlayerAuth {
  const auth = createPlayerAuth({ secret, jwksUrl, issuer: '', audience: '' });
  if (auth === null) throw new Error('auth expected');
  return auth;
}

/** A URL where nothing listens: a server is started on a free port, then stopped. */
async function deadJwksUrl(): Promise<string> {
  const server = await serveTestJwks([]);
  await server.close();
  return server.url;
}

let es256: TestKey;
let rs256: TestKey;
let eddsa: TestKey;
let jwks: TestJwksServer;

beforeAll(async () => {
  es256 = await generateTestKeyPair('ES256', 'es-1');
  rs256 = await generateTestKeyPair('RS256', 'rs-1');
  eddsa = await generateTestKeyPair('EdDSA', 'ed-1');
  jwks = await serveTestJwks([es256.publicJwk, rs256.publicJwk, eddsa.publicJwk]);
});

afterAll(async () => {
  await jwks.close();
});

describe('JWKS', () => {
  it('verifies ES256, RS256 and EdDSA tokens signed with a published key', async () => {
    const auth = jwksAuth(jwks.url);
    expect(auth.kind).toBe('jwks');
    for (const key of [es256, rs256, eddsa]) {
      const token = await signTestToken({ sub: `p-${key.alg}`, name: 'Ann' }, key);
      await expect(auth.verify(`Bearer ${token}`)).resolves.toEqual({
        playerId: `p-${key.alg}`,
        name: 'Ann',
      });
    }
  });

  it('fetches the key set once and serves later tokens from the cache', async () => {
    const server = await serveTestJwks([es256.publicJwk]);
    try {
      const auth = jwksAuth(server.url);
      for (let i = 0; i < 3; i++) {
        const token = await signTestToken({ sub: `p${i}` }, es256);
        await auth.verify(`Bearer ${token}`);
      }
      expect(server.fetchCount).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('keeps verifying from the cache when the endpoint goes away after the first fetch', async () => {
    const server = await serveTestJwks([es256.publicJwk]);
    const auth = jwksAuth(server.url);
    await auth.verify(`Bearer ${await signTestToken({ sub: 'p1' }, es256)}`);
    await server.close();
    await expect(
      auth.verify(`Bearer ${await signTestToken({ sub: 'p2' }, es256)}`),
    ).resolves.toMatchObject({ playerId: 'p2' });
  });

  it('refuses a token signed by a key the set does not hold', async () => {
    const auth = jwksAuth(jwks.url);
    const stranger = await generateTestKeyPair('ES256', 'stranger');
    const unknownKid = await refusal(
      auth.verify(`Bearer ${await signTestToken({ sub: 'p1' }, stranger)}`),
    );
    expect(unknownKid.reason).toBe('invalid');
    expect(unknownKid.message).toBe('the token is signed with a key this server does not know');
    // Another key under a published kid: the signature does not match.
    const impostor = { ...stranger, kid: es256.kid };
    const sameKid = await refusal(
      auth.verify(`Bearer ${await signTestToken({ sub: 'p1' }, impostor)}`),
    );
    expect(sameKid.reason).toBe('invalid');
    expect(sameKid.message).toBe('the token signature does not match');
  });

  it('refuses HS* tokens, even one keyed with the published public key (algorithm confusion)', async () => {
    const auth = jwksAuth(jwks.url);
    const withSecret = await signTestToken({ sub: 'p1' }, { secret: TEST_AUTH_SECRET });
    const plain = await refusal(auth.verify(`Bearer ${withSecret}`));
    expect(plain.reason).toBe('invalid');
    expect(plain.message).toContain('algorithm');
    // The classic attack: HMAC keyed with the public key every client can download.
    const { publicKey } = await generateKeyPair('RS256');
    const pem = await exportSPKI(publicKey);
    const confused = await signTestToken({ sub: 'p1' }, { secret: pem, alg: 'HS256' });
    const attack = await refusal(auth.verify(`Bearer ${confused}`));
    expect(attack.reason).toBe('invalid');
    expect(attack.message).toContain('algorithm');
  });

  it("is 'unavailable' when the endpoint stopped before the first fetch", async () => {
    const auth = jwksAuth(await deadJwksUrl());
    const token = await signTestToken({ sub: 'p1' }, es256);
    const error = await refusal(auth.verify(`Bearer ${token}`));
    expect(error.reason).toBe('unavailable');
    expect(error.message).toContain('try again');
    expect(error.cause).toBeDefined();
  });

  it("is 'unavailable' when the endpoint answers an error or not a key set", async () => {
    for (const [status, body] of [
      [500, 'oops'],
      [200, 'not json'],
      [200, '{"keys": "none"}'],
    ] as const) {
      const server = createServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const address = server.address();
        if (address === null || typeof address === 'string') throw new Error('no port');
        const auth = jwksAuth(`http://127.0.0.1:${address.port}/jwks.json`);
        const token = await signTestToken({ sub: 'p1' }, es256);
        expect((await refusal(auth.verify(`Bearer ${token}`))).reason).toBe('unavailable');
      } finally {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
    }
  });
});

describe('secret and JWKS both set', () => {
  it("accepts either kind of token, picked by the token's alg", async () => {
    const auth = jwksAuth(jwks.url, TEST_AUTH_SECRET);
    expect(auth.kind).toBe('secret+jwks');
    const hs = await signTestToken({ sub: 'hs' }, { secret: TEST_AUTH_SECRET });
    const es = await signTestToken({ sub: 'es' }, es256);
    await expect(auth.verify(`Bearer ${hs}`)).resolves.toMatchObject({ playerId: 'hs' });
    await expect(auth.verify(`Bearer ${es}`)).resolves.toMatchObject({ playerId: 'es' });
  });

  it('keeps accepting secret tokens while the JWKS endpoint is down', async () => {
    const auth = jwksAuth(await deadJwksUrl(), TEST_AUTH_SECRET);
    const hs = await signTestToken({ sub: 'hs' }, { secret: TEST_AUTH_SECRET });
    await expect(auth.verify(`Bearer ${hs}`)).resolves.toMatchObject({ playerId: 'hs' });
    const es = await signTestToken({ sub: 'es' }, es256);
    expect((await refusal(auth.verify(`Bearer ${es}`))).reason).toBe('unavailable');
  });

  it('refuses an HS token keyed with anything but the secret', async () => {
    const auth = jwksAuth(jwks.url, TEST_AUTH_SECRET);
    const forged = await signTestToken(
      { sub: 'p1' },
      { secret: JSON.stringify(es256.publicJwk), alg: 'HS256' },
    );
    const error = await refusal(auth.verify(`Bearer ${forged}`));
    expect(error.reason).toBe('invalid');
    expect(error.message).toBe('the token signature does not match');
  });
});
