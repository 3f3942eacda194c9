import { randomBytes, randomInt } from 'node:crypto';

// Crockford's base 32 without I, L, O, U: nothing a player can misread when typing a room code.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Room codes drop the digits 0 and 1 too (read as O and I by people). */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A room id, unique in the cluster: 'r' and 10 base-32 characters (50 random bits). */
export function newRoomId(): string {
  return 'r' + randomString(ALPHABET, 10).toLowerCase();
}

/** A private room's join code: 6 characters a person can read aloud and type (29 bits). */
export function newRoomCode(): string {
  return randomString(CODE_ALPHABET, 6);
}

/** Codes as typed: case and surrounding spaces do not matter. */
export function normalizeRoomCode(raw: string): string {
  return raw.trim().toUpperCase();
}

/** A seat reservation token: 's' and 32 base64url characters (192 random bits), unguessable. */
export function newSeatToken(): string {
  return 's' + randomBytes(24).toString('base64url');
}

/** A process id, new on every start: 'p' and 12 base-32 characters. */
export function newProcessId(): string {
  return 'p' + randomString(ALPHABET, 12).toLowerCase();
}
