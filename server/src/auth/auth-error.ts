import { errors } from 'jose';

/**
 * Why a player could not be authenticated. 'unavailable' is the server's problem (the JWKS
 * endpoint cannot be reached: answer 503, the player may retry); every other reason is the
 * token's (answer 401).
 */
export type AuthFailureReason = 'missing' | 'malformed' | 'invalid' | 'expired' | 'unavailable';

/**
 * A refused or unverifiable token. The message says what is wrong in plain words and is safe to
 * send to the client: it never echoes the token or its claims. The underlying jose error, for
 * the server's log, is the `cause`.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly reason: AuthFailureReason;

  constructor(reason: AuthFailureReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** Words for a claim in a client-facing message: what it means, then its JWT name. */
const CLAIM_WORDS: Readonly<Record<string, string>> = {
  exp: 'expiry time (exp)',
  nbf: 'start time (nbf)',
  iat: 'issue time (iat)',
  iss: 'issuer (iss)',
  aud: 'audience (aud)',
  sub: 'player id (sub)',
};

function claimFailure(error: errors.JWTClaimValidationFailed): AuthError {
  const options = { cause: error };
  const words = CLAIM_WORDS[error.claim] ?? `"${error.claim}" claim`;
  if (error.reason === 'missing') {
    const why = error.claim === 'exp' ? ': tokens must expire' : '';
    return new AuthError('invalid', `the token has no ${words}${why}`, options);
  }
  if (error.reason === 'invalid') {
    return new AuthError('invalid', `the token's ${words} is not a number`, options);
  }
  switch (error.claim) {
    case 'nbf':
      return new AuthError('invalid', 'the token is not valid yet (nbf)', options);
    case 'iss':
      return new AuthError('invalid', 'the token comes from another issuer (iss)', options);
    case 'aud':
      return new AuthError('invalid', 'the token is meant for another audience (aud)', options);
    default:
      return new AuthError('invalid', `the token's ${words} is not accepted`, options);
  }
}

/**
 * Maps whatever `jwtVerify` threw to an AuthError. An AuthError passes through unchanged (the
 * key resolver throws 'unavailable' itself); anything not recognised is 'invalid': the token was
 * not verified, and that is all a client needs to know.
 */
export function authErrorFrom(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const options = { cause: error };
  if (error instanceof errors.JWTExpired) {
    return new AuthError('expired', 'the token has expired; sign in again', options);
  }
  if (error instanceof errors.JWTClaimValidationFailed) return claimFailure(error);
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('invalid', 'the token signature does not match', options);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthError('invalid', "the token's signing algorithm (alg) is not accepted", options);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AuthError(
      'invalid',
      'the token is signed with a key this server does not know',
      options,
    );
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthError('invalid', 'the token does not say which key signed it (kid)', options);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new AuthError('malformed', 'the token is not a well-formed JWT', options);
  }
  return new AuthError('invalid', 'the token could not be verified', options);
}
