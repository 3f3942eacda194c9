import { malformed } from './errors.js';

/**
 * Field readers for decoders. Each checks type and range and throws ProtocolError with the
 * field's name, so a bot author sees exactly which field of which message was wrong.
 */

export function readArray(
  value: unknown,
  what: string,
  minLength: number,
  maxLength: number,
): unknown[] {
  if (!Array.isArray(value)) throw malformed(`${what}: expected an array`);
  if (value.length < minLength || value.length > maxLength) {
    throw malformed(
      minLength === maxLength
        ? `${what}: expected ${minLength} elements, got ${value.length}`
        : `${what}: expected ${minLength}..${maxLength} elements, got ${value.length}`,
    );
  }
  return value;
}

export function readInt(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw malformed(`${what}: expected an integer`);
  }
  if (value < min || value > max) throw malformed(`${what}: ${value} is outside ${min}..${max}`);
  return value;
}

export function readFiniteNumber(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw malformed(`${what}: expected a finite number`);
  }
  if (value < min || value > max) throw malformed(`${what}: ${value} is outside ${min}..${max}`);
  return value;
}

export function readString(value: unknown, what: string, maxLength: number): string {
  if (typeof value !== 'string') throw malformed(`${what}: expected a string`);
  if (value.length > maxLength) throw malformed(`${what}: longer than ${maxLength} characters`);
  return value;
}

export function readOptionalString(value: unknown, what: string, maxLength: number): string | null {
  if (value === null || value === undefined) return null;
  return readString(value, what, maxLength);
}

/** Largest value of an unsigned 32-bit field (ticks, sequence numbers). */
export const UINT32_MAX = 0xffff_ffff;
