import { malformed } from '../wire/errors.js';
import { readArray, readInt, readString } from '../wire/read.js';
import { MAX_INT_FIELD, MAX_FLAGS, MIN_INT_FIELD, type FieldType } from './field-types.js';
import type { Motion } from './define.js';
import { compileSchema, type CompiledSchema } from './schema.js';
import {
  MAX_CONSTANTS,
  MAX_GROUPS,
  MAX_INPUT_FIELDS,
  MAX_KINDS,
  MAX_KIND_FIELDS,
  MAX_LIFETIME_TICKS,
  makeWireInputField,
  type WireField,
  type WireGroup,
  type WireInputField,
  type WireKind,
} from './wire-schema.js';

// Reading Welcome.schema off the wire: this file checks the shape (maps, arrays, strings,
// integers), compileSchema checks the meaning. The fingerprint is computed over the canonical
// form rebuilt here, so a schema with a key this version does not know fails the Welcome's
// fingerprint check: a new key is a new protocol version (PROTOCOL.md, "The schema").

const MAX_NAME = 32;
const MAX_TYPE_NAME = 16;

function readMap(value: unknown, what: string): Record<string, unknown> {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Uint8Array
  ) {
    throw malformed(`${what}: expected a map`);
  }
  return value as Record<string, unknown>;
}

const readName = (v: unknown, what: string): string => readString(v, what, MAX_NAME);
const readBound = (v: unknown, what: string): number =>
  readInt(v, what, MIN_INT_FIELD, MAX_INT_FIELD);

function readFlags(v: unknown, what: string): string[] | undefined {
  if (v === undefined) return undefined;
  return readArray(v, what, 1, MAX_FLAGS).map((n, i) => readName(n, `${what}[${i}]`));
}

function readWireField(v: unknown, what: string): WireField {
  const m = readMap(v, what);
  const f: WireField = {
    name: readName(m.name, `${what}.name`),
    type: readString(m.type, `${what}.type`, MAX_TYPE_NAME) as FieldType['type'],
    min: readBound(m.min, `${what}.min`),
    max: readBound(m.max, `${what}.max`),
    sync: readString(m.sync, `${what}.sync`, MAX_TYPE_NAME) as WireField['sync'],
    group: m.group === null || m.group === undefined ? null : readName(m.group, `${what}.group`),
  };
  const flags = readFlags(m.flags, `${what}.flags`);
  if (flags) f.flags = flags;
  return f;
}

function readWireKind(v: unknown, what: string): WireKind {
  const k = readMap(v, what);
  return {
    name: readName(k.name, `${what}.name`),
    motion: readString(k.motion, `${what}.motion`, MAX_TYPE_NAME) as Motion,
    lifetimeTicks: readInt(k.lifetimeTicks, `${what}.lifetimeTicks`, 0, MAX_LIFETIME_TICKS),
    fields: readArray(k.fields, `${what}.fields`, 2, MAX_KIND_FIELDS).map((f, j) =>
      readWireField(f, `${what}.fields[${j}]`),
    ),
  };
}

function readWireGroup(v: unknown, what: string): WireGroup {
  const g = readMap(v, what);
  return {
    name: readName(g.name, `${what}.name`),
    bit: readInt(g.bit, `${what}.bit`, 0, MAX_GROUPS - 1),
    fields: readArray(g.fields, `${what}.fields`, 1, MAX_KIND_FIELDS).map((n, j) =>
      readName(n, `${what}.fields[${j}]`),
    ),
  };
}

function readWireInputField(v: unknown, what: string): WireInputField {
  const m = readMap(v, what);
  return makeWireInputField(
    readName(m.name, `${what}.name`),
    readString(m.type, `${what}.type`, MAX_TYPE_NAME) as WireInputField['type'],
    readBound(m.min, `${what}.min`),
    readBound(m.max, `${what}.max`),
    readBound(m.default, `${what}.default`),
    readFlags(m.flags, `${what}.flags`),
  );
}

/**
 * Reads Welcome.schema (the decoded msgpack value): checks its shape, then compiles it, which
 * checks the rest. Throws ProtocolError(MalformedFrame).
 */
export function readWireSchema(value: unknown): CompiledSchema {
  const m = readMap(value, 'schema');
  const list = <T>(
    v: unknown,
    what: string,
    min: number,
    max: number,
    read: (v: unknown, what: string) => T,
  ): T[] => readArray(v, what, min, max).map((item, i) => read(item, `${what}[${i}]`));
  const kinds = list(m.kinds, 'schema.kinds', 1, MAX_KINDS, readWireKind);
  const groups = list(m.groups, 'schema.groups', 0, MAX_GROUPS, readWireGroup);
  const input = list(m.input, 'schema.input', 0, MAX_INPUT_FIELDS, readWireInputField);
  const c = readMap(m.constants, 'schema.constants');
  const names = Object.keys(c);
  if (names.length > MAX_CONSTANTS) throw malformed(`schema.constants: at most ${MAX_CONSTANTS}`);
  const constants: Record<string, number> = {};
  for (const name of names) constants[name] = readBound(c[name], `schema.constants.${name}`);
  return compileSchema({ game: readName(m.game, 'schema.game'), kinds, groups, input, constants });
}
