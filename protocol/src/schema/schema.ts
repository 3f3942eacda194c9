import { packValue } from '../wire/codec.js';
import { malformed } from '../wire/errors.js';
import { MAX_INT_FIELD, MIN_INT_FIELD, checkFieldType, type FieldType } from './field-types.js';
import type { Motion } from './define.js';
import {
  BUILT_IN_GROUPS,
  MAX_CONSTANTS,
  MAX_GROUPS,
  MAX_INPUT_FIELDS,
  MAX_KINDS,
  MAX_KIND_FIELDS,
  MAX_LIFETIME_TICKS,
  builtInFields,
  type WireGroup,
  type WireInputField,
  type WireKind,
  type WireSchema,
} from './wire-schema.js';

/**
 * The compiled form of a game's schema: compileSchema checks a wire schema (wire-schema.ts) and
 * builds the tables the codec, the replica and the server run on.
 */

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
  /** Ticks an entity lives after spawning; 0 for a kind without a lifetime. */
  readonly lifetimeTicks: number;
  /** Elements of the kind's record on the wire: id, kind, its fields, and ticksLeft for a lifetime. */
  readonly recordLength: number;
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
  readonly type: WireInputField['type'];
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

export interface CompiledSchema {
  readonly game: string;
  readonly kinds: readonly CompiledKind[];
  readonly kindByName: ReadonlyMap<string, CompiledKind>;
  readonly groups: readonly WireGroup[];
  /**
   * Each group's fields by bit, as the first kind that has the group holds them (the same
   * names, types and ranges in every kind that has it; only the slots differ).
   */
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
  /** The canonical wire form (what the Welcome carries). */
  readonly wire: WireSchema;
  /**
   * FNV-1a 32 of the canonical wire schema's msgpack bytes (exactly the bytes of the schema
   * element in a Welcome): same schema, same fingerprint.
   */
  readonly fingerprint: number;
}

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const MOTIONS: readonly string[] = ['static', 'linear', 'position'] satisfies Motion[];
/** Names a record or decoded entity uses for itself. */
const RESERVED_FIELD_NAMES = new Set(['id', 'kind', 'ticksLeft']);
/** Built-in field names: a declared field may not take one. */
const BUILT_IN_FIELD_NAMES = new Set(['x', 'y', 'vx', 'vy']);
/** Names an Input uses for itself. */
const RESERVED_INPUT_NAMES = new Set(['seq', 'ackTick']);

/** FNV-1a, 32 bits. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

function checkName(name: string, what: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw malformed(
      `${what}: name ${JSON.stringify(name)} is not 1-32 of [A-Za-z0-9_-], starting with a letter`,
    );
  }
}

/** A declared type from a wire field's parts, checked; throws ProtocolError. */
function fieldTypeOf(
  f: { type: string; min: number; max: number; flags?: readonly string[] },
  what: string,
  defaultValue?: number,
): FieldType {
  if (f.flags !== undefined && f.type !== 'flags') {
    throw malformed(`${what}: only a flags field names bits`);
  }
  let t: FieldType;
  switch (f.type) {
    case 'string':
      if (f.min !== 0) throw malformed(`${what}: a string's min is 0`);
      t = { type: 'string', maxLength: f.max };
      break;
    case 'flags':
      t = { type: 'flags', min: 0, max: f.max, flags: f.flags ?? [], default: defaultValue };
      if (f.min !== 0) throw malformed(`${what}: a flags field's min is 0`);
      (f.flags ?? []).forEach((n, i) => checkName(n, `${what}.flags[${i}]`));
      break;
    case 'int':
    case 'quarter':
      t = { type: f.type, min: f.min, max: f.max, default: defaultValue };
      break;
    case 'angle8':
      t = { type: 'angle8', min: 0, max: f.max, default: defaultValue };
      if (f.min !== 0) throw malformed(`${what}: an angle8's min is 0`);
      break;
    default:
      throw malformed(`${what}: unknown field type ${JSON.stringify(f.type)}`);
  }
  try {
    checkFieldType(t, what);
  } catch (error) {
    throw malformed(error instanceof Error ? error.message : String(error));
  }
  return t;
}

function sameType(
  a: CompiledField,
  b: CompiledField,
  aFlags?: string[],
  bFlags?: string[],
): boolean {
  return (
    a.type === b.type &&
    a.min === b.min &&
    a.max === b.max &&
    (aFlags ?? []).join() === (bFlags ?? []).join()
  );
}

function checkGroups(wire: WireSchema): void {
  if (wire.groups.length > MAX_GROUPS) throw malformed(`schema.groups: at most ${MAX_GROUPS}`);
  const names = new Set<string>();
  wire.groups.forEach((g, i) => {
    const what = `schema.groups[${i}]`;
    checkName(g.name, what);
    if (names.has(g.name)) throw malformed(`${what}: duplicate group name ${g.name}`);
    names.add(g.name);
    if (g.bit !== i) throw malformed(`${what}.bit: expected ${i} (bits follow the list order)`);
    if (new Set(g.fields).size !== g.fields.length) {
      throw malformed(`${what} (${g.name}): a field is listed twice`);
    }
    const builtIn = BUILT_IN_GROUPS.get(g.name);
    if (builtIn && g.fields.join() !== builtIn.join()) {
      throw malformed(`${what}: the built-in group ${g.name} is exactly ${builtIn.join(', ')}`);
    }
  });
}

function compileKind(wire: WireSchema, k: WireKind, id: number): CompiledKind {
  const at = `schema.kinds[${id}]`;
  checkName(k.name, at);
  const what = `${at} (${k.name})`;
  if (!MOTIONS.includes(k.motion)) {
    throw malformed(
      `${what}.motion: ${JSON.stringify(k.motion)} is not one of ${MOTIONS.join(', ')}`,
    );
  }
  if (
    !Number.isInteger(k.lifetimeTicks) ||
    k.lifetimeTicks < 0 ||
    k.lifetimeTicks > MAX_LIFETIME_TICKS
  ) {
    throw malformed(`${what}.lifetimeTicks: 0..${MAX_LIFETIME_TICKS}`);
  }
  if (k.motion === 'static' && k.lifetimeTicks > 0) {
    throw malformed(`${what}: a static kind has no lifetime (it never changes once spawned)`);
  }
  if (k.fields.length > MAX_KIND_FIELDS) {
    throw malformed(`${what}.fields: at most ${MAX_KIND_FIELDS}`);
  }
  const builtIn = builtInFields(k.motion);
  const startsWith = `a ${k.motion} kind's record starts with ${builtIn.map((b) => b.name).join(', ')}`;
  if (k.fields.length < builtIn.length) throw malformed(`${what}.fields: ${startsWith}`);

  const fields: CompiledField[] = [];
  const names = new Set<string>();
  let numeric = 0;
  let strings = 0;
  let groupMask = 0;
  k.fields.forEach((f, i) => {
    const fw = `${what}.fields[${i}]`;
    checkName(f.name, fw);
    const expected = builtIn[i];
    if (
      expected &&
      (expected.name !== f.name ||
        expected.type !== f.type ||
        expected.min !== f.min ||
        expected.max !== f.max ||
        expected.sync !== f.sync ||
        expected.group !== f.group)
    ) {
      throw malformed(
        `${fw} (${f.name}): ${startsWith}, typed as PROTOCOL.md gives them (expected ${JSON.stringify(expected)})`,
      );
    }
    if (names.has(f.name)) throw malformed(`${fw}: duplicate field name ${f.name}`);
    names.add(f.name);
    if (RESERVED_FIELD_NAMES.has(f.name) || (!expected && BUILT_IN_FIELD_NAMES.has(f.name))) {
      throw malformed(`${fw}: ${f.name} is a reserved name`);
    }
    fieldTypeOf(f, `${fw} (${f.name})`);
    if (f.sync !== 'constant' && f.sync !== 'changes') {
      throw malformed(`${fw}.sync: 'constant' or 'changes', not ${JSON.stringify(f.sync)}`);
    }
    if ((f.sync === 'constant') !== (f.group === null)) {
      throw malformed(`${fw}.group: null exactly for constants`);
    }
    if (k.motion === 'static' && f.sync !== 'constant') {
      throw malformed(`${fw} (${f.name}): a static kind's fields are constant`);
    }
    let groupBit = -1;
    if (f.group !== null) {
      if (!expected && BUILT_IN_GROUPS.has(f.group)) {
        throw malformed(
          `${fw} (${f.name}): the group ${f.group} is the engine's (built-in fields only)`,
        );
      }
      const g = wire.groups.find((x) => x.name === f.group);
      if (!g || !g.fields.includes(f.name)) {
        throw malformed(`${fw}.group: ${f.group} is not a group listing ${f.name}`);
      }
      groupBit = g.bit;
      groupMask |= 1 << groupBit;
    }
    const isString = f.type === 'string';
    fields.push({
      name: f.name,
      type: f.type,
      min: f.min,
      max: f.max,
      isString,
      isConstant: f.sync === 'constant',
      groupBit,
      slot: isString ? strings++ : numeric++,
      isUint32: !isString && f.max > 0x7fff_ffff,
    });
  });

  // Each group's fields in the group's order; a kind has all of a group or none of it.
  const groupFields: (CompiledField[] | undefined)[] = [];
  for (const g of wire.groups) {
    if ((groupMask & (1 << g.bit)) === 0) continue;
    const own = g.fields.map((n) => fields.find((f) => f.name === n && f.groupBit === g.bit));
    const missing = g.fields.filter((_, i) => own[i] === undefined);
    if (missing.length > 0) {
      throw malformed(`${what}: has part of group ${g.name}, not ${missing.join(', ')}`);
    }
    groupFields[g.bit] = own as CompiledField[];
  }
  return {
    id,
    name: k.name,
    motion: k.motion,
    hasVelocity: k.motion === 'linear',
    isStatic: k.motion === 'static',
    lifetimeTicks: k.lifetimeTicks,
    recordLength: 2 + fields.length + (k.lifetimeTicks > 0 ? 1 : 0),
    fields,
    numericFields: fields.filter((f) => !f.isString),
    stringFields: fields.filter((f) => f.isString),
    groupMask,
    groupFields,
  };
}

/** Each group's fields as its first kind holds them; every other kind must type them alike. */
function compileGroupFields(wire: WireSchema, kinds: readonly CompiledKind[]): CompiledField[][] {
  const flagsOf = (k: CompiledKind, name: string): string[] | undefined =>
    wire.kinds[k.id]?.fields.find((f) => f.name === name)?.flags;
  return wire.groups.map((g) => {
    const users = kinds.filter((k) => k.groupFields[g.bit] !== undefined);
    const first = users[0];
    if (!first) throw malformed(`schema.groups: ${g.name} is used by no kind`);
    const reference = first.groupFields[g.bit] as CompiledField[];
    for (const k of users.slice(1)) {
      (k.groupFields[g.bit] as CompiledField[]).forEach((f, i) => {
        const o = reference[i] as CompiledField;
        if (!sameType(f, o, flagsOf(k, f.name), flagsOf(first, o.name))) {
          throw malformed(
            `schema.kinds[${k.id}] (${k.name}).${f.name}: group ${g.name} types it otherwise in ${first.name}`,
          );
        }
      });
    }
    return reference;
  });
}

function compileInput(wire: WireSchema): CompiledInputField[] {
  if (wire.input.length > MAX_INPUT_FIELDS) {
    throw malformed(`schema.input: at most ${MAX_INPUT_FIELDS} fields`);
  }
  const names = new Set<string>();
  return wire.input.map((f, i): CompiledInputField => {
    const what = `schema.input[${i}]`;
    checkName(f.name, what);
    if (names.has(f.name)) throw malformed(`${what}: duplicate input name ${f.name}`);
    names.add(f.name);
    if (RESERVED_INPUT_NAMES.has(f.name)) throw malformed(`${what}: ${f.name} is a reserved name`);
    if ((f.type as string) === 'string')
      throw malformed(`${what} (${f.name}): input fields are numeric`);
    if (typeof f.default !== 'number' || !Number.isInteger(f.default)) {
      throw malformed(`${what} (${f.name}).default: not an integer`);
    }
    fieldTypeOf(f, `${what} (${f.name})`, f.default);
    return { name: f.name, type: f.type, min: f.min, max: f.max, default: f.default };
  });
}

function checkConstants(wire: WireSchema): void {
  const names = Object.keys(wire.constants);
  if (names.length > MAX_CONSTANTS) throw malformed(`schema.constants: at most ${MAX_CONSTANTS}`);
  for (const name of names) {
    checkName(name, 'schema.constants');
    const v = wire.constants[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_INT_FIELD || v > MAX_INT_FIELD) {
      throw malformed(`schema.constants.${name}: not an integer in int32/uint32`);
    }
  }
}

/**
 * Checks a wire schema and builds the tables the codec and the replica run on. Throws
 * ProtocolError(MalformedFrame) naming the first thing wrong: a schema received from a server
 * is input like any other.
 */
export function compileSchema(wire: WireSchema): CompiledSchema {
  checkName(wire.game, 'schema.game');
  if (wire.kinds.length < 1 || wire.kinds.length > MAX_KINDS) {
    throw malformed(`schema.kinds: 1..${MAX_KINDS} kinds`);
  }
  checkGroups(wire);
  const kindByName = new Map<string, CompiledKind>();
  const kinds = wire.kinds.map((k, id) => {
    const kind = compileKind(wire, k, id);
    if (kindByName.has(kind.name)) throw malformed(`schema.kinds[${id}]: duplicate kind ${k.name}`);
    kindByName.set(kind.name, kind);
    return kind;
  });
  const groupFields = compileGroupFields(wire, kinds);
  const input = compileInput(wire);
  checkConstants(wire);
  return {
    game: wire.game,
    kinds,
    kindByName,
    groups: wire.groups,
    groupFields,
    allGroupsMask: 2 ** wire.groups.length - 1,
    input,
    idleControls: Object.fromEntries(input.map((f) => [f.name, f.default])),
    constants: wire.constants,
    maxNumericFields: Math.max(...kinds.map((k) => k.numericFields.length)),
    maxStringFields: Math.max(...kinds.map((k) => k.stringFields.length)),
    wire,
    fingerprint: fnv1a(packValue(wire)),
  };
}
