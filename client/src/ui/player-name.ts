import { MAX_NAME_LENGTH } from '@tickwire/protocol';

/**
 * Checks a name typed on the join screen against what the server accepts in Hello (1 to
 * MAX_NAME_LENGTH UTF-16 code units, not blank, no control characters), so the player gets a
 * sentence instead of a MalformedFrame kick. Returns the trimmed name.
 */
export function validatePlayerName(
  raw: string,
): { ok: true; name: string } | { ok: false; error: string } {
  const name = raw.trim();
  if (name.length === 0) return { ok: false, error: 'Enter a name to join.' };
  if (name.length > MAX_NAME_LENGTH) {
    return { ok: false, error: `Names are at most ${MAX_NAME_LENGTH} characters long.` };
  }
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      return { ok: false, error: 'Names cannot contain control characters.' };
    }
  }
  return { ok: true, name };
}
