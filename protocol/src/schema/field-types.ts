import { ANGLE_STEPS } from '../sim/quantize.js';

/**
 * The wire types a game declares its fields with. Every numeric type is an integer on the wire
 * (quantized before it gets there), so server and clients agree bit for bit; the type says the
 * unit and the range, and the range is what decoders enforce.
 */
export type NumericFieldType =
  /** A plain integer in [min, max]. */
  (
    | { readonly type: 'int'; readonly min: number; readonly max: number }
    /** A length or coordinate in quarter world units (POSITION_SCALE per unit), in [min, max]. */
    | { readonly type: 'quarter'; readonly min: number; readonly max: number }
    /** An angle in 1/256 turns, 0..255: 0 = +x, 64 = +y (down). */
    | { readonly type: 'angle8'; readonly min: 0; readonly max: number }
    /** A bit set; bit i is flags[i]. Unnamed bits MUST be 0. */
    | {
        readonly type: 'flags';
        readonly min: 0;
        readonly max: number;
        readonly flags: readonly string[];
      }
  ) & {
    /**
     * Input fields: the value of a control the client has not set, and of a player whose client is
     * away (stand still, press nothing). Default 0, or min when 0 is out of range.
     */
    readonly default?: number;
  };

export type StringFieldType = { readonly type: 'string'; readonly maxLength: number };

export type FieldType = NumericFieldType | StringFieldType;

/** Largest |value| of a numeric field: msgpack int32/uint32, exact in every engine. */
export const MAX_INT_FIELD = 0xffff_ffff;
export const MIN_INT_FIELD = -0x8000_0000;
/** Longest string field a schema may declare. */
export const MAX_STRING_FIELD = 1024;
/** Most names a flags field may have: one byte of bits. */
export const MAX_FLAGS = 8;

/** An integer in [min, max] (within int32/uint32); `idle` is an input field's default. */
export function int(min: number, max: number, idle?: number): NumericFieldType {
  return idle === undefined ? { type: 'int', min, max } : { type: 'int', min, max, default: idle };
}

export const uint8 = (): NumericFieldType => int(0, 0xff);
export const uint16 = (): NumericFieldType => int(0, 0xffff);
export const uint32 = (): NumericFieldType => int(0, MAX_INT_FIELD);

/** Quarter world units in [min, max] (wire units, already multiplied by POSITION_SCALE). */
export function quarter(min: number, max: number): NumericFieldType {
  return { type: 'quarter', min, max };
}

/** An 8-bit angle. */
export function angle8(): NumericFieldType {
  return { type: 'angle8', min: 0, max: ANGLE_STEPS - 1 };
}

/** A bit set of up to MAX_FLAGS named flags (buttons, states). */
export function flags(names: readonly string[]): NumericFieldType {
  return { type: 'flags', min: 0, max: (1 << names.length) - 1, flags: names };
}

/** A UTF-8 string of at most `maxLength` UTF-16 code units. */
export function string(maxLength: number): StringFieldType {
  return { type: 'string', maxLength };
}

/** Checks a declared type is one of the above and in range; throws a plain Error otherwise. */
export function checkFieldType(t: FieldType, what: string): void {
  if (t.type === 'string') {
    if (!Number.isInteger(t.maxLength) || t.maxLength < 1 || t.maxLength > MAX_STRING_FIELD) {
      throw new Error(`${what}: string maxLength must be 1..${MAX_STRING_FIELD}`);
    }
    return;
  }
  if (!['int', 'quarter', 'angle8', 'flags'].includes(t.type)) {
    throw new Error(`${what}: unknown field type ${String((t as { type: unknown }).type)}`);
  }
  const { min, max } = t;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
    throw new Error(`${what}: range ${min}..${max} is not an integer range`);
  }
  if (min < MIN_INT_FIELD || max > MAX_INT_FIELD) {
    throw new Error(`${what}: range ${min}..${max} is outside int32/uint32`);
  }
  if (max - min > MAX_INT_FIELD) {
    throw new Error(`${what}: range ${min}..${max} does not fit in 32 bits`);
  }
  if (
    t.default !== undefined &&
    (!Number.isInteger(t.default) || t.default < min || t.default > max)
  ) {
    throw new Error(`${what}: default ${t.default} is outside ${min}..${max}`);
  }
  if (t.type === 'angle8' && (min !== 0 || max !== ANGLE_STEPS - 1)) {
    throw new Error(`${what}: an angle8 runs 0..${ANGLE_STEPS - 1}, not ${min}..${max}`);
  }
  if (t.type === 'flags') {
    if (t.flags.length < 1 || t.flags.length > MAX_FLAGS) {
      throw new Error(`${what}: flags take 1..${MAX_FLAGS} names`);
    }
    if (new Set(t.flags).size !== t.flags.length) {
      throw new Error(`${what}: flag names ${t.flags.join(', ')} repeat`);
    }
    // Unnamed bits MUST be 0: the range check is what refuses them.
    if (min !== 0 || max !== 2 ** t.flags.length - 1) {
      throw new Error(
        `${what}: flags of ${t.flags.length} names run 0..${2 ** t.flags.length - 1}, not ${min}..${max}`,
      );
    }
  }
}
