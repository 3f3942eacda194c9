import { packFrame } from '../wire/codec.js';
import { malformed } from '../wire/errors.js';
import { readArray, readInt, readString } from '../wire/read.js';
import { MAX_WIRE_POSITION, MAX_WIRE_VELOCITY } from '../wire/limits.js';
import {
  MAX_INT_FIELD,
  MAX_STRING_FIELD,
  MIN_INT_FIELD,
  checkFieldType,
  type FieldType,
} from './field-types.js';
import type { GameSpec, Motion } from './define.js';

/**
 * The schema on the wire (Welcome.schema) and its compiled runtime form. The wire form is plain
 * msgpack maps with string keys, every record field listed in record order with its type, range
 * and sync mode, so a client in any language can decode any tickwire game from it alone
 * (PROTOCOL.md, "The schema").
 */

export interface WireField {
  name: string;
  /** 'int' | 'quarter' | 'angle8' | 'flags' | 'string' */
  type: FieldType['type'];
  /** Numeric fields: inclusive range. Strings: 0 and maxLength. */
  min: number;
  max: number;
  /** Flags: bit names, bit 0 first; otherwise absent. */
  flags?: string[];
  /** 'constant' (sent on entering) or 'changes' (sent in updates under `group`). */
  sync: 'constant' | 'changes';
  /** Update group of a 'changes' field; null for constants. */
  group: string | null;
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

export interface CompiledField {
  readonly name: string;
  readonly type: FieldType['type'];
  readonly min: number;
  readonly max: number;
  readonly isString: boolean;
  readonly isConstant: boolean;
  /** Bit index of the field's update group, or -1 for a constant. */
  readonly groupBit: number;
  /** Index among the kind's numeric fields, or among its string fields. */
  readonly slot: number;
  /** Values above int32 (uint32): kept as int32 bits in typed arrays, read back with >>> 0. */
  readonly isUint32: boolean;
}

export interface CompiledKind {
  readonly id: number;
  readonly name: string;
  readonly motion: Motion;
  readonly hasVelocity: boolean;
  readonly isStatic: boolean;
  readonly lifetimeTicks: number;
  /** Record order: x, y, (vx, vy), then the declared fields. */
  readonly fields: readonly CompiledField[];
  readonly numericFields: readonly CompiledField[];
  readonly stringFields: readonly CompiledField[];
  /** Mask of the update groups this kind has. */
  readonly groupMask: number;
  /** The kind's fields of each group, by group bit (undefined for groups it does not have). */
  readonly groupFields: readonly (readonly CompiledField[] | undefined)[];
}

export interface CompiledInputField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

export interface CompiledSchema {
  readonly game: string;
  readonly kinds: readonly CompiledKind[];
  readonly kindByName: ReadonlyMap<string, CompiledKind>;
  readonly groups: readonly WireGroup[];
  /** Each group's fields by bit (the same names, types and ranges in every kind that has it). */
  readonly groupFields: readonly (readonly CompiledField[])[];
  /** Mask of every group bit. */
  readonly allGroupsMask: number;
  readonly input: readonly CompiledInputField[];
  /** Every input field at its default: what a client that is away "holds". */
  readonly idleControls: Readonly<Record<string, number>>;
  readonly constants: Readonly<Record<string, number>>;
  /** The widest kind's numeric field count. */
  readonly maxNumericFields: number;
  readonly maxStringFields: number;
  readonly wire: WireSchema;
  /** FNV-1a 32 of the wire schema's msgpack bytes: same schema, same fingerprint. */
  readonly fingerprint: number;
}

export const MAX_KINDS = 64;
export const MAX_KIND_FIELDS = 32;
export const MAX_GROUPS = 30;
export const MAX_INPUT_FIELDS = 12;
export const MAX_CONSTANTS = 64;
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

const POSITION: FieldType = { type: 'quarter', min: 0, max: MAX_WIRE_POSITION };
const VELOCITY: FieldType = { type: 'quarter', min: -MAX_WIRE_VELOCITY, max: MAX_WIRE_VELOCITY };

function wireField(name: string, t: FieldType, sync: 'constant' | 'changes', group: string | null): WireField {
  const f: WireField =
    t.type === 'string'
      ? { name, type: t.type, min: 0, max: t.maxLength, sync, group }
      : { name, type: t.type, min: t.min, max: t.max, sync, group };
  if (t.type === 'flags') f.flags = [...t.flags];
  return f;
}

/** The built-in fields of a motion type, and the group they are sent in. */
function builtInFields(motion: Motion): WireField[] {
  if (motion === 'static') {
    return [wireField('x', POSITION, 'constant', null), wireField('y', POSITION, 'constant', null)];
  }
  if (motion === 'position') {
    return [wireField('x', POSITION, 'changes', 'position'), wireField('y', POSITION, 'changes', 'position')];
  }
  return ['x', 'y', 'vx', 'vy'].map((n) => wireField(n, n.startsWith('v') ? VELOCITY : POSITION, 'changes', 'motion'));
}

/**
 * The wire form of a declaration, with the constants' values for this server. Throws a plain
 * Error naming what is wrong with the declaration.
 */
export function toWireSchema(spec: GameSpec, constants: Readonly<Record<string, number>>): WireSchema {
  const kinds: WireKind[] = Object.entries(spec.kinds).map(([name, k]) => {
    const fields = builtInFields(k.motion);
    for (const [fieldName, f] of Object.entries(k.fields ?? {})) {
      checkFieldType(f.type, `${spec.name}.${name}.${fieldName}`);
      if (k.motion === 'static' && f.sync !== 'constant') {
        throw new Error(`${spec.name}.${name}.${fieldName}: a static kind's fields are constant`);
      }
      fields.push(
        wireField(fieldName, f.type, f.sync, f.sync === 'constant' ? null : (f.group ?? fieldName)),
      );
    }
    return { name, motion: k.motion, lifetimeTicks: k.lifetimeTicks ?? 0, fields };
  });
  const groups: WireGroup[] = [];
  for (const k of kinds) {
    for (const f of k.fields) {
      if (f.group === null) continue;
      let g = groups.find((x) => x.name === f.group);
      if (!g) {
        g = { name: f.group, bit: groups.length, fields: [] };
        groups.push(g);
      }
      if (!g.fields.includes(f.name) && k === kinds.find((x) => x.fields.some((y) => y.group === g?.name))) {
        g.fields.push(f.name);
      }
    }
  }
  const input: WireInputField[] = Object.entries(spec.input).map(([name, t]) => {
    checkFieldType(t, `${spec.name}.input.${name}`);
    const fallback = t.min <= 0 && t.max >= 0 ? 0 : t.min;
    const f: WireInputField = { name, type: t.type, min: t.min, max: t.max, default: t.default ?? fallback };
    if (t.type === 'flags') f.flags = [...t.flags];
    return f;
  });
  const declared = spec.constants ?? [];
  for (const name of declared) {
    if (!Number.isInteger(constants[name])) throw new Error(`${spec.name}: constant ${name} has no integer value`);
  }
  const wire: WireSchema = {
    game: spec.name,
    kinds,
    groups,
    input,
    constants: Object.fromEntries(declared.map((n) => [n, constants[n] as number])),
  };
  try {
    compileSchema(wire);
  } catch (error) {
    throw new Error(`game ${spec.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return wire;
}

/** Declaration -> compiled schema (the server's and the tests' path). */
export function compileGame(spec: GameSpec, constants: Readonly<Record<string, number>> = {}): CompiledSchema {
  return compileSchema(toWireSchema(spec, constants));
}

/** FNV-1a, 32 bits. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

function checkName(name: string, what: string): void {
  if (!NAME_PATTERN.test(name)) throw malformed(`${what}: name ${JSON.stringify(name)} is not 1-32 of [A-Za-z0-9_-], starting with a letter`);
}

/**
 * Checks a wire schema and builds the tables the codec and the replica run on. Throws
 * ProtocolError(MalformedFrame) naming the first thing wrong: a schema received from a server
 * is input like any other.
 */
export function compileSchema(wire: WireSchema): CompiledSchema {
  checkName(wire.game, 'schema.game');
  if (wire.kinds.length < 1 || wire.kinds.length > MAX_KINDS) throw malformed(`schema.kinds: 1..${MAX_KINDS} kinds`);
  if (wire.groups.length > MAX_GROUPS) throw malformed(`schema.groups: at most ${MAX_GROUPS}`);
  wire.groups.forEach((g, i) => {
    checkName(g.name, `schema.groups[${i}]`);
    if (g.bit !== i) throw malformed(`schema.groups[${i}].bit: expected ${i}`);
    if (wire.groups.findIndex((x) => x.name === g.name) !== i) throw malformed(`schema.groups[${i}]: duplicate name ${g.name}`);
  });
  const kindByName = new Map<string, CompiledKind>();
  const kinds = wire.kinds.map((k, id): CompiledKind => {
    const what = `schema.kinds[${id}]`;
    checkName(k.name, what);
    if (kindByName.has(k.name)) throw malformed(`${what}: duplicate kind ${k.name}`);
    if (!['static', 'linear', 'position'].includes(k.motion)) throw malformed(`${what}.motion: unknown ${String(k.motion)}`);
    if (!Number.isInteger(k.lifetimeTicks) || k.lifetimeTicks < 0 || k.lifetimeTicks > 0xffff) {
      throw malformed(`${what}.lifetimeTicks: 0..65535`);
    }
    if (k.motion === 'static' && k.lifetimeTicks > 0) throw malformed(`${what}: a static kind has no lifetime`);
    if (k.fields.length > MAX_KIND_FIELDS) throw malformed(`${what}.fields: at most ${MAX_KIND_FIELDS}`);
    const builtIn = builtInFields(k.motion);
    const fields: CompiledField[] = [];
    let numeric = 0;
    let strings = 0;
    let groupMask = 0;
    const groupFields: CompiledField[][] = [];
    k.fields.forEach((f, i) => {
      const fw = `${what}.fields[${i}]`;
      checkName(f.name, fw);
      if (k.fields.findIndex((x) => x.name === f.name) !== i || f.name === 'id' || f.name === 'kind' || f.name === 'ticksLeft') {
        throw malformed(`${fw}: duplicate or reserved name ${f.name}`);
      }
      const expected = builtIn[i];
      if (expected && (expected.name !== f.name || expected.type !== f.type || expected.min !== f.min || expected.max !== f.max || expected.sync !== f.sync || expected.group !== f.group)) {
        throw malformed(`${fw}: a ${k.motion} kind starts with ${builtIn.map((b) => b.name).join(', ')} as PROTOCOL.md gives them`);
      }
      const isString = f.type === 'string';
      const type: FieldType = isString ? { type: 'string', maxLength: f.max } : f.type === 'flags' ? { type: 'flags', min: 0, max: f.max, flags: f.flags ?? [] } : ({ type: f.type, min: f.min, max: f.max } as FieldType);
      try {
        checkFieldType(type, fw);
      } catch (error) {
        throw malformed(error instanceof Error ? error.message : String(error));
      }
      if (f.type === 'flags' && f.max !== (1 << (f.flags?.length ?? 0)) - 1) throw malformed(`${fw}: flags max must be 2^flags - 1`);
      if (isString && f.min !== 0) throw malformed(`${fw}: a string's min is 0`);
      if (f.sync !== 'constant' && f.sync !== 'changes') throw malformed(`${fw}.sync: 'constant' or 'changes'`);
      if ((f.sync === 'constant') !== (f.group === null)) throw malformed(`${fw}.group: null exactly for constants`);
      if (k.motion === 'static' && f.sync !== 'constant') throw malformed(`${fw}: a static kind's fields are constant`);
      let groupBit = -1;
      if (f.group !== null) {
        const g = wire.groups.find((x) => x.name === f.group);
        if (!g || !g.fields.includes(f.name)) throw malformed(`${fw}.group: ${f.group} is not a group listing ${f.name}`);
        groupBit = g.bit;
        groupMask |= 1 << groupBit;
        groupFields[groupBit] ??= [];
      }
      const field: CompiledField = {
        name: f.name,
        type: f.type,
        min: f.min,
        max: f.max,
        isString,
        isConstant: f.sync === 'constant',
        groupBit,
        slot: isString ? strings++ : numeric++,
        isUint32: !isString && f.max > 0x7fff_ffff,
      };
      fields.push(field);
    });
    if (fields.length < builtIn.length) throw malformed(`${what}.fields: a ${k.motion} kind starts with ${builtIn.map((b) => b.name).join(', ')}`);
    // Each group's fields, in the group's declared order; a kind has all of a group or none.
    for (let bit = 0; bit < groupFields.length; bit++) {
      if (!groupFields[bit]) continue;
      const g = wire.groups[bit] as WireGroup;
      const own = g.fields.map((n) => fields.find((f) => f.name === n && f.groupBit === bit));
      if (own.some((f) => f === undefined)) throw malformed(`${what}: has part of group ${g.name}, not all of it`);
      groupFields[bit] = own as CompiledField[];
    }
    const kind: CompiledKind = {
      id,
      name: k.name,
      motion: k.motion,
      hasVelocity: k.motion === 'linear',
      isStatic: k.motion === 'static',
      lifetimeTicks: k.lifetimeTicks,
      fields,
      numericFields: fields.filter((f) => !f.isString),
      stringFields: fields.filter((f) => f.isString),
      groupMask,
      groupFields,
    };
    kindByName.set(k.name, kind);
    return kind;
  });
  const groupFields = wire.groups.map((g) => {
    const users = kinds.filter((k) => k.groupFields[g.bit]);
    const first = users[0]?.groupFields[g.bit];
    if (!first) throw malformed(`schema.groups: ${g.name} is used by no kind`);
    for (const k of users) {
      const own = k.groupFields[g.bit] as readonly CompiledField[];
      own.forEach((f, i) => {
        const o = first[i] as CompiledField;
        if (f.type !== o.type || f.min !== o.min || f.max !== o.max) {
          throw malformed(`schema.kinds.${k.name}.${f.name}: group ${g.name} has other types in another kind`);
        }
      });
    }
    return first;
  });
  if (wire.input.length > MAX_INPUT_FIELDS) throw malformed(`schema.input: at most ${MAX_INPUT_FIELDS} fields`);
  const input = wire.input.map((f, i): CompiledInputField => {
    const fw = `schema.input[${i}]`;
    checkName(f.name, fw);
    if (wire.input.findIndex((x) => x.name === f.name) !== i || f.name === 'seq' || f.name === 'ackTick') throw malformed(`${fw}: duplicate or reserved name ${f.name}`);
    if ((f.type as string) === 'string') throw malformed(`${fw}: input fields are numeric`);
    const type =
      f.type === 'flags'
        ? { type: f.type, min: 0 as const, max: f.max, flags: f.flags ?? [], default: f.default }
        : ({ type: f.type, min: f.min, max: f.max, default: f.default } as FieldType);
    try {
      checkFieldType(type, fw);
    } catch (error) {
      throw malformed(error instanceof Error ? error.message : String(error));
    }
    if (!Number.isInteger(f.default)) throw malformed(`${fw}.default: not an integer`);
    return { name: f.name, min: f.min, max: f.max, default: f.default };
  });
  const constantNames = Object.keys(wire.constants);
  if (constantNames.length > MAX_CONSTANTS) throw malformed(`schema.constants: at most ${MAX_CONSTANTS}`);
  for (const name of constantNames) {
    checkName(name, 'schema.constants');
    const v = wire.constants[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_INT_FIELD || v > MAX_INT_FIELD) throw malformed(`schema.constants.${name}: not an integer`);
  }
  return {
    game: wire.game,
    kinds,
    kindByName,
    groups: wire.groups,
    groupFields,
    allGroupsMask: wire.groups.length === 0 ? 0 : (2 ** wire.groups.length - 1) | 0,
    input,
    idleControls: Object.fromEntries(input.map((f) => [f.name, f.default])),
    constants: wire.constants,
    maxNumericFields: Math.max(...kinds.map((k) => k.numericFields.length)),
    maxStringFields: Math.max(...kinds.map((k) => k.stringFields.length)),
    wire,
    fingerprint: fnv1a(packFrame([wire])),
  };
}

// ---- reading a schema off the wire ----

function readMap(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw malformed(`${what}: expected a map`);
  }
  return value as Record<string, unknown>;
}

const readNameString = (v: unknown, what: string): string => readString(v, what, 32);
const readBound = (v: unknown, what: string): number => readInt(v, what, MIN_INT_FIELD, MAX_INT_FIELD);

function readFlags(v: unknown, what: string): string[] | undefined {
  if (v === undefined) return undefined;
  return readArray(v, what, 1, 8).map((n, i) => readNameString(n, `${what}[${i}]`));
}

function readWireField(v: unknown, what: string): WireField {
  const m = readMap(v, what);
  const group = m.group === null || m.group === undefined ? null : readNameString(m.group, `${what}.group`);
  const f: WireField = {
    name: readNameString(m.name, `${what}.name`),
    type: readString(m.type, `${what}.type`, 16) as FieldType['type'],
    min: readBound(m.min, `${what}.min`),
    max: readBound(m.max, `${what}.max`),
    sync: readString(m.sync, `${what}.sync`, 16) as WireField['sync'],
    group,
  };
  if (f.type === 'string' && f.max > MAX_STRING_FIELD) throw malformed(`${what}.max: strings up to ${MAX_STRING_FIELD}`);
  const flagNames = readFlags(m.flags, `${what}.flags`);
  if (flagNames) f.flags = flagNames;
  return f;
}

/**
 * Reads Welcome.schema: checks its shape, then compiles it (which checks the rest). Unknown map
 * keys are ignored, so a later minor version may add some.
 */
export function readWireSchema(value: unknown): CompiledSchema {
  const m = readMap(value, 'schema');
  const kinds = readArray(m.kinds, 'schema.kinds', 1, MAX_KINDS).map((v, i): WireKind => {
    const k = readMap(v, `schema.kinds[${i}]`);
    return {
      name: readNameString(k.name, `schema.kinds[${i}].name`),
      motion: readString(k.motion, `schema.kinds[${i}].motion`, 16) as Motion,
      lifetimeTicks: readInt(k.lifetimeTicks, `schema.kinds[${i}].lifetimeTicks`, 0, 0xffff),
      fields: readArray(k.fields, `schema.kinds[${i}].fields`, 2, MAX_KIND_FIELDS).map((f, j) =>
        readWireField(f, `schema.kinds[${i}].fields[${j}]`),
      ),
    };
  });
  const groups = readArray(m.groups, 'schema.groups', 0, MAX_GROUPS).map((v, i): WireGroup => {
    const g = readMap(v, `schema.groups[${i}]`);
    return {
      name: readNameString(g.name, `schema.groups[${i}].name`),
      bit: readInt(g.bit, `schema.groups[${i}].bit`, 0, MAX_GROUPS - 1),
      fields: readArray(g.fields, `schema.groups[${i}].fields`, 1, MAX_KIND_FIELDS).map((n, j) =>
        readNameString(n, `schema.groups[${i}].fields[${j}]`),
      ),
    };
  });
  const input = readArray(m.input, 'schema.input', 0, MAX_INPUT_FIELDS).map((v, i): WireInputField => {
    const m = readMap(v, `schema.input[${i}]`);
    const f = readWireField({ ...m, sync: 'changes', group: null }, `schema.input[${i}]`);
    const out: WireInputField = {
      name: f.name,
      type: f.type as WireInputField['type'],
      min: f.min,
      max: f.max,
      default: readBound(m.default, `schema.input[${i}].default`),
    };
    if (f.flags) out.flags = f.flags;
    return out;
  });
  const c = readMap(m.constants, 'schema.constants');
  const constants: Record<string, number> = {};
  for (const [name, value] of Object.entries(c)) constants[name] = readBound(value, `schema.constants.${name}`);
  return compileSchema({ game: readNameString(m.game, 'schema.game'), kinds, groups, input, constants });
}
