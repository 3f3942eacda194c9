import { MAX_NAME_LENGTH } from '@tickwire/protocol';
import type { JWTPayload } from 'jose';
import { AuthError } from './auth-error.js';

/** Longest player id (the token's `sub`), in UTF-16 code units: it travels in seats and rooms. */
export const MAX_PLAYER_ID_LENGTH = 64;

/** Who a verified token says the player is. */
export interface PlayerIdentity {
  /** The token's `sub`: stable for the player across sessions, chosen by the issuer. */
  playerId: string;
  /** A name fit to show other players, or null when the token carries none usable. */
  name: string | null;
}

/**
 * False for text that would break a UI, a log line or a UTF-8 round trip: control characters
 * (C0, DEL, C1, as the protocol's Hello refuses them) and lone surrogates (JSON allows "\ud800";
 * UTF-8 cannot carry it).
 */
function isCleanText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** The first `maxUnits` UTF-16 units of `text`, one fewer when the cut would split a pair. */
function cutToUnits(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  const last = text.charCodeAt(maxUnits - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, splitsPair ? maxUnits - 1 : maxUnits);
}

/**
 * A claim as a player name: trimmed and cut to MAX_NAME_LENGTH; null when it is not a string,
 * is blank, or holds control characters (refused rather than stripped: such a name was not
 * meant for display).
 */
export function playerNameFrom(claim: unknown): string | null {
  if (typeof claim !== 'string') return null;
  const trimmed = claim.trim();
  if (trimmed === '' || !isCleanText(trimmed)) return null;
  return cutToUnits(trimmed, MAX_NAME_LENGTH).trimEnd();
}

/**
 * The identity in a verified claims set. `sub` is required; the name is `name`, else
 * `preferred_username` (what OpenID Connect issuers that keep `name` for the legal name put a
 * handle in), else null. An unusable `name` falls back to `preferred_username` too.
 */
export function identityFromClaims(claims: JWTPayload): PlayerIdentity {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') {
    throw new AuthError('invalid', 'the token has no player id (sub)');
  }
  if (sub.length > MAX_PLAYER_ID_LENGTH || !isCleanText(sub)) {
    throw new AuthError(
      'invalid',
      `the token's player id (sub) must be at most ${MAX_PLAYER_ID_LENGTH} characters, without control characters`,
    );
  }
  const name = playerNameFrom(claims['name']) ?? playerNameFrom(claims['preferred_username']);
  return { playerId: sub, name };
}
