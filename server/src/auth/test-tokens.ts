// Test support (not shipped: only tests import it): mints player tokens with jose's SignJWT and
// serves a JWKS over real HTTP, for the auth unit tests and the matchmaking integration tests.
import { createServer, type Server } from 'node:http';
import {
  SignJWT,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

/** A secret long enough for createPlayerAuth (at least 32 bytes). */
export const TEST_AUTH_SECRET = 'tickwire-test-secret-not-for-production-0123456789';

/** What signs a test token: a shared secret (HS256 unless told) or a private key. */
export type TestSigningKey =
  | { secret: string; alg?: 'HS256' | 'HS384' | 'HS512' }
  | { privateKey: CryptoKey; alg: string; kid?: string };

/**
 * A signed JWT (compact form; send it as `Authorization: Bearer <token>`). `exp` defaults to one
 * hour from now; pass `exp: undefined` to leave it out.
 */
export async function signTestToken(claims: JWTPayload, key: TestSigningKey): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = { iat: nowS, exp: nowS + 3600, ...claims };
  if ('secret' in key) {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: key.alg ?? 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(key.secret));
  }
  return new SignJWT(payload)
    .setProtectedHeader({
      alg: key.alg,
      typ: 'JWT',
      ...(key.kid === undefined ? {} : { kid: key.kid }),
    })
    .sign(key.privateKey);
}

/** A key pair for `alg`, its public half as a JWK ready for a JWKS (with `kid`, `alg`, `use`). */
export async function generateTestKeyPair(
  alg: 'ES256' | 'RS256' | 'PS256' | 'EdDSA',
  kid: string,
): Promise<{ privateKey: CryptoKey; alg: string; kid: string; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateKey, alg, kid, publicJwk };
}

export interface TestJwksServer {
  /** The JWKS URL, on 127.0.0.1 and a free port. */
  readonly url: string;
  /** How many times the key set was fetched. */
  readonly fetchCount: number;
  /** Stops the server and drops kept-alive connections, so nothing answers at `url` after. */
  close(): Promise<void>;
}

/** Serves `{ keys }` as a JWKS on a real node:http server. */
export async function serveTestJwks(keys: readonly JWK[]): Promise<TestJwksServer> {
  let fetchCount = 0;
  const body = JSON.stringify({ keys });
  const server: Server = createServer((_req, res) => {
    fetchCount++;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('JWKS server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
    get fetchCount() {
      return fetchCount;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
