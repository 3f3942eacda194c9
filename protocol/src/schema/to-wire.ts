import { checkFieldType } from './field-types.js';
import type { GameSpec, KindSpec } from './define.js';
import { compileSchema, type CompiledSchema } from './schema.js';
import {
  BUILT_IN_GROUPS,
  builtInFields,
  makeWireField,
  makeWireInputField,
  type WireGroup,
  type WireInputField,
  type WireKind,
  type WireSchema,
} from './wire-schema.js';

/**
 * From a declaration (define.ts) to its wire form. Errors here are the game author's: they throw
 * a plain Error naming the game, the kind and the field.
 */

function wireKind(game: string, name: string, k: KindSpec): WireKind {
  const fields = builtInFields(k.motion);
  for (const [fieldName, f] of Object.entries(k.fields ?? {})) {
    const what = `${game}.${name}.${fieldName}`;
    checkFieldType(f.type, what);
    if (k.motion === 'static' && f.sync !== 'constant') {
      throw new Error(`${what}: a static kind's fields are constant`);
    }
    const group = f.sync === 'constant' ? null : (f.group ?? fieldName);
    if (group !== null && BUILT_IN_GROUPS.has(group)) {
      throw new Error(`${what}: the group ${group} is the engine's (built-in fields only)`);
    }
    fields.push(makeWireField(fieldName, f.type, f.sync, group));
  }
  return { name, motion: k.motion, lifetimeTicks: k.lifetimeTicks ?? 0, fields };
}

/**
 * Update groups in order of first use (kind order, then record order): a group's bit is its
 * index. A group's fields are listed in the order its first kind has them, and every kind that
 * has the group has exactly those fields in it.
 */
function wireGroups(game: string, kinds: readonly WireKind[]): WireGroup[] {
  const groups: WireGroup[] = [];
  const owner = new Map<string, string>();
  for (const k of kinds) {
    const own = new Map<string, string[]>();
    for (const f of k.fields) {
      if (f.group === null) continue;
      const list = own.get(f.group);
      if (list) list.push(f.name);
      else own.set(f.group, [f.name]);
    }
    for (const [name, fields] of own) {
      const g = groups.find((x) => x.name === name);
      if (!g) {
        groups.push({ name, bit: groups.length, fields });
        owner.set(name, k.name);
      } else if (fields.length !== g.fields.length || fields.some((n) => !g.fields.includes(n))) {
        throw new Error(
          `${game}: group ${name} holds ${g.fields.join(', ')} in ${owner.get(name)} but ` +
            `${fields.join(', ')} in ${k.name}: a group has the same fields in every kind`,
        );
      }
    }
  }
  return groups;
}

function wireInput(game: string, spec: GameSpec): WireInputField[] {
  return Object.entries(spec.input).map(([name, t]) => {
    checkFieldType(t, `${game}.input.${name}`);
    // Stand still, press nothing: 0, or min when 0 is out of range.
    const derived = t.min <= 0 && t.max >= 0 ? 0 : t.min;
    const flags = t.type === 'flags' ? t.flags : undefined;
    return makeWireInputField(name, t.type, t.min, t.max, t.default ?? derived, flags);
  });
}

function wireConstants(
  spec: GameSpec,
  values: Readonly<Record<string, number>>,
): Record<string, number> {
  const declared = spec.constants ?? [];
  const constants: Record<string, number> = {};
  for (const name of declared) {
    if (name in constants) throw new Error(`${spec.name}: constant ${name} is declared twice`);
    const value = values[name];
    if (value === undefined || !Number.isInteger(value)) {
      throw new Error(`${spec.name}: constant ${name} has no integer value`);
    }
    constants[name] = value;
  }
  return constants;
}

/**
 * The wire form of a declaration, with the constants' values for this server. Throws a plain
 * Error naming what is wrong with the declaration.
 */
export function toWireSchema(
  spec: GameSpec,
  constants: Readonly<Record<string, number>>,
): WireSchema {
  const kinds = Object.entries(spec.kinds).map(([name, k]) => wireKind(spec.name, name, k));
  const wire: WireSchema = {
    game: spec.name,
    kinds,
    groups: wireGroups(spec.name, kinds),
    input: wireInput(spec.name, spec),
    constants: wireConstants(spec, constants),
  };
  try {
    compileSchema(wire);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`game ${spec.name}: ${message}`, { cause: error });
  }
  return wire;
}

/** Declaration -> compiled schema (the server's and the tests' path). */
export function compileGame(
  spec: GameSpec,
  constants: Readonly<Record<string, number>> = {},
): CompiledSchema {
  return compileSchema(toWireSchema(spec, constants));
}
