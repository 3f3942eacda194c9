// Player authentication: verifies the bearer JWT a matchmaking request carries, with a shared
// secret (HS*) or the public keys an identity provider publishes as a JWKS (RS*, PS*, ES*, EdDSA).
// The cryptography and claim checks are jose's; this module pins the options that keep it safe.
import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type RemoteJWKSet,
} from 'jose';
import { AuthError, authErrorFrom } from './auth-error.js';
import { identityFromClaims, type PlayerIdentity } from './identity.js';

export { AuthError, type AuthFailureReason } from './auth-error.js';
export type { PlayerIdentity } from './identity.js';

export interface AuthOptions {
  /** HS256/384/512 shared secret (from --auth-secret / AUTH_SECRET); '' = none. */
  secret: string;
  /** JWKS URL for RS256/ES256/EdDSA keys (--auth-jwks-url); '' = none. */
  jwksUrl: string;
  /** Required `iss`, '' = not checked. */
  issuer: string;
  /** Required `aud`, '' = not checked. */
  audience: string;
}

export interface PlayerAuth {
  /** Where keys come from; 'secret+jwks' when both are set (the token's `alg` picks one). */
  readonly kind: 'secret' | 'jwks' | 'secret+jwks';
  /** Verifies the Authorization header value ('Bearer <jwt>'); resolves the identity or rejects with AuthError. */
  verify(authorizationHeader: string): Promise<PlayerIdentity>;
}

/**
 * The algorithms each key source accepts. They MUST stay disjoint: a secret never verifies an
 * asymmetric alg and a JWKS key never an HS* one, or a public key could be used as an HMAC
 * secret (algorithm confusion). `none` is in neither list, so it is always refused.
 */
const SECRET_ALGORITHMS: readonly string[] = ['HS256', 'HS384', 'HS512'];
const PUBLIC_KEY_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 256 bits. */
export const MIN_SECRET_BYTES = 32;
/** Slack for clocks that disagree between the issuer and this machine (exp, nbf). */
const CLOCK_TOLERANCE_S = 5;
/** Longer headers are refused before any parsing; real player tokens are well under 2 KiB. */
const MAX_TOKEN_LENGTH = 8192;

// jose's defaults, pinned here so a jose upgrade cannot change them silently.
/** A matchmaking request waits at most this long for the JWKS endpoint. */
const JWKS_TIMEOUT_MS = 5_000;
/** An unknown `kid` refetches the set at most once per this window (key rotation, not floods). */
const JWKS_COOLDOWN_MS = 30_000;
/** Keys are refetched when older than this, so a revoked key stops working within it. */
const JWKS_MAX_AGE_MS = 10 * 60_000;

function secretKeyFrom(secret: string): Uint8Array {
  // The secret's UTF-8 bytes are the key, as with most issuers (jsonwebtoken, Auth0, Supabase).
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_SECRET_BYTES) {
    throw new Error(
      `auth secret is ${key.length} bytes; at least ${MIN_SECRET_BYTES} are needed ` +
        '(generate one with `openssl rand -base64 48`)',
    );
  }
  return key;
}

function jwksUrlFrom(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`auth JWKS URL "${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`auth JWKS URL "${raw}" must be http: or https:`);
  }
  return url;
}

/**
 * The JWKS key resolver, telling the two ways it can fail apart: the token names a key the set
 * does not hold (the token's fault, 401), or the set cannot be fetched or parsed at all (the
 * server's, 503: retrying later may work). jose rethrows what a resolver throws unchanged.
 */
function publicKeyResolver(keySet: RemoteJWKSet): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      ) {
        throw error;
      }
      throw new AuthError(
        'unavailable',
        'the server cannot load the keys that check sign-in tokens right now; try again shortly',
        { cause: error },
      );
    }
  };
}

/** The token in an Authorization header value; RFC 6750 scheme, case-insensitive. */
function bearerTokenFrom(authorizationHeader: string): string {
  const value = authorizationHeader.trim();
  if (value === '') {
    throw new AuthError('missing', 'sign-in required: send "Authorization: Bearer <token>"');
  }
  const match = /^(\S+)(?:\s+(.*))?$/s.exec(value);
  const scheme = match?.[1] ?? '';
  const token = match?.[2] ?? '';
  if (scheme.toLowerCase() !== 'bearer') {
    throw new AuthError('malformed', 'the Authorization header must be "Bearer <token>"');
  }
  if (token === '') throw new AuthError('missing', 'the Authorization header carries no token');
  if (/\s/.test(token)) {
    throw new AuthError('malformed', 'the Authorization header must be "Bearer <token>"');
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new AuthError('malformed', `the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  return token;
}

/**
 * The verifier for the configured key sources; null when neither a secret nor a JWKS URL is set
 * (anyone may play). Throws at startup on a secret shorter than MIN_SECRET_BYTES or a JWKS URL
 * that is not http(s): an operator should hear that before a player does.
 */
export function createPlayerAuth(options: AuthOptions): PlayerAuth | null {
  const secretKey = options.secret === '' ? null : secretKeyFrom(options.secret);
  const keySet =
    options.jwksUrl === ''
      ? null
      : createRemoteJWKSet(jwksUrlFrom(options.jwksUrl), {
          timeoutDuration: JWKS_TIMEOUT_MS,
          cooldownDuration: JWKS_COOLDOWN_MS,
          cacheMaxAge: JWKS_MAX_AGE_MS,
        });
  if (secretKey === null && keySet === null) return null;

  const resolvePublicKey = keySet === null ? null : publicKeyResolver(keySet);
  // jose checks `alg` against this list before it asks for a key, so the resolver below only
  // sees algorithms some configured source accepts.
  const verifyOptions: JWTVerifyOptions = {
    algorithms: [
      ...(secretKey === null ? [] : SECRET_ALGORITHMS),
      ...(resolvePublicKey === null ? [] : PUBLIC_KEY_ALGORITHMS),
    ],
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_S,
    ...(options.issuer === '' ? {} : { issuer: options.issuer }),
    ...(options.audience === '' ? {} : { audience: options.audience }),
  };
  const resolveKey: JWTVerifyGetKey = async (header, token) => {
    if (secretKey !== null && SECRET_ALGORITHMS.includes(header.alg)) return secretKey;
    if (resolvePublicKey !== null && PUBLIC_KEY_ALGORITHMS.includes(header.alg)) {
      return resolvePublicKey(header, token);
    }
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  };

  const kind = secretKey === null ? 'jwks' : keySet === null ? 'secret' : 'secret+jwks';
  return {
    kind,
    async verify(authorizationHeader: string): Promise<PlayerIdentity> {
      const token = bearerTokenFrom(authorizationHeader);
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, resolveKey, verifyOptions));
      } catch (error) {
        throw authErrorFrom(error);
      }
      return identityFromClaims(claims);
    },
  };
}
