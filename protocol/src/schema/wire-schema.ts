import { MAX_WIRE_POSITION, MAX_WIRE_VELOCITY } from '../wire/limits.js';
import type { FieldType } from './field-types.js';
import type { Motion } from './define.js';

/**
 * The schema on the wire (Welcome.schema): plain msgpack maps with string keys, every record
 * field listed in record order with its type, range and sync mode, so a client in any language
 * can decode any tickwire game from it alone (PROTOCOL.md, "The schema"). Its keys are written
 * in one canonical order (the constructors below), which the fingerprint is computed over.
 */

export interface WireField {
  name: string;
  /** 'int' | 'quarter' | 'angle8' | 'flags' | 'string' */
  type: FieldType['type'];
  /** Numeric fields: inclusive range. Strings: 0 and maxLength. */
  min: number;
  max: number;
  /** 'constant' (sent on entering) or 'changes' (sent in updates under `group`). */
  sync: 'constant' | 'changes';
  /** Update group of a 'changes' field; null for constants. */
  group: string | null;
  /** Flags: bit names, bit 0 first; otherwise absent. */
  flags?: string[];
}

export interface WireKind {
  name: string;
  motion: Motion;
  /** Ticks an entity lives after spawning (0 = until removed). */
  lifetimeTicks: number;
  fields: WireField[];
}

export interface WireGroup {
  name: string;
  /** Bit index in an update's mask (the group's bit is 1 << bit). */
  bit: number;
  /** The group's fields, in the order an update carries their values. */
  fields: string[];
}

export interface WireInputField {
  name: string;
  type: 'int' | 'quarter' | 'angle8' | 'flags';
  min: number;
  max: number;
  /** Sent while the client has not set this control; a client that is away is given it too. */
  default: number;
  flags?: string[];
}

export interface WireSchema {
  game: string;
  kinds: WireKind[];
  groups: WireGroup[];
  input: WireInputField[];
  constants: Record<string, number>;
}

export const MAX_KINDS = 64;
export const MAX_KIND_FIELDS = 32;
/** Group bits 0..29: every mask is a positive int32 and a msgpack int of at most 5 bytes. */
export const MAX_GROUPS = 30;
export const MAX_INPUT_FIELDS = 12;
export const MAX_CONSTANTS = 64;
export const MAX_LIFETIME_TICKS = 0xffff;

const POSITION: FieldType = { type: 'quarter', min: 0, max: MAX_WIRE_POSITION };
const VELOCITY: FieldType = { type: 'quarter', min: -MAX_WIRE_VELOCITY, max: MAX_WIRE_VELOCITY };

/**
 * The groups the engine sends built-in fields in: their fields are exactly these, in this order,
 * and no declared field may join them.
 */
export const BUILT_IN_GROUPS: ReadonlyMap<string, readonly string[]> = new Map([
  ['motion', ['x', 'y', 'vx', 'vy']],
  ['position', ['x', 'y']],
]);

/** A wire field. Every WireField is made here, so the key order (and the fingerprint) is one. */
export function makeWireField(
  name: string,
  t: FieldType,
  sync: 'constant' | 'changes',
  group: string | null,
): WireField {
  const f: WireField =
    t.type === 'string'
      ? { name, type: t.type, min: 0, max: t.maxLength, sync, group }
      : { name, type: t.type, min: t.min, max: t.max, sync, group };
  if (t.type === 'flags') f.flags = [...t.flags];
  return f;
}

/** A wire input field, keys in canonical order. */
export function makeWireInputField(
  name: string,
  type: WireInputField['type'],
  min: number,
  max: number,
  defaultValue: number,
  flags: readonly string[] | undefined,
): WireInputField {
  const f: WireInputField = { name, type, min, max, default: defaultValue };
  if (flags !== undefined) f.flags = [...flags];
  return f;
}

/** The built-in fields of a motion type, and the group they are sent in. */
export function builtInFields(motion: Motion): WireField[] {
  if (motion === 'static') {
    return [
      makeWireField('x', POSITION, 'constant', null),
      makeWireField('y', POSITION, 'constant', null),
    ];
  }
  if (motion === 'position') {
    return [
      makeWireField('x', POSITION, 'changes', 'position'),
      makeWireField('y', POSITION, 'changes', 'position'),
    ];
  }
  return [
    makeWireField('x', POSITION, 'changes', 'motion'),
    makeWireField('y', POSITION, 'changes', 'motion'),
    makeWireField('vx', VELOCITY, 'changes', 'motion'),
    makeWireField('vy', VELOCITY, 'changes', 'motion'),
  ];
}
