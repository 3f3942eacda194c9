import { expect } from 'vitest';
import { ProtocolError } from '../wire/errors.js';

/** Expects `decode(bytes)` to throw a ProtocolError with close code `code`, its message matching `pattern`. */
export function rejects(
  decode: (b: Uint8Array) => unknown,
  bytes: Uint8Array,
  code: number,
  pattern: RegExp,
): void {
  let caught: unknown = null;
  try {
    decode(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).closeCode).toBe(code);
  expect((caught as ProtocolError).message).toMatch(pattern);
}
