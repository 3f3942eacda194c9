import type { CompiledField, CompiledSchema } from '../schema/schema.js';
import type { EntityUpdate } from './snapshot.js';

// Updates by field name, for tests, tools and inspectors (the codec and the replica work on
// masks and positional values, with no object per field).

/** The group bit of the lowest set bit of `mask`. */
const lowestBit = (mask: number): number => 31 - Math.clz32(mask & -mask);

/**
 * An update's values by field name: every field of every group in its mask. Group fields have
 * the same names in every kind, so the kind is not needed. Throws RangeError for a mask bit no
 * group has or a values count that does not match the mask.
 */
export function fieldsOfUpdate(
  schema: CompiledSchema,
  u: EntityUpdate,
): Record<string, number | string> {
  const named: Record<string, number | string> = {};
  let v = 0;
  for (let m = u.mask; m !== 0; m &= m - 1) {
    const fields = schema.groupFields[lowestBit(m)];
    if (!fields) throw new RangeError(`update of ${u.id}: mask ${u.mask} has bits no group has`);
    for (const f of fields) {
      const value = u.values[v++];
      if (value === undefined) {
        throw new RangeError(
          `update of ${u.id}: mask ${u.mask} needs more than ${u.values.length} values`,
        );
      }
      named[f.name] = value;
    }
  }
  if (v !== u.values.length) {
    throw new RangeError(
      `update of ${u.id}: mask ${u.mask} takes ${v} values, not ${u.values.length}`,
    );
  }
  return named;
}

/**
 * The update of entity `id` (of kind `kind`) that sets `fields`: the mask of their groups and
 * the values in wire order. Every field of a group it touches must be given, since an update
 * carries whole groups. Throws RangeError naming what is missing or unknown.
 */
export function updateFromFields(
  schema: CompiledSchema,
  kind: string,
  id: number,
  fields: Readonly<Record<string, number | string>>,
): EntityUpdate {
  const k = schema.kindByName.get(kind);
  if (!k) throw new RangeError(`no entity kind ${kind} in game ${schema.game}`);
  let mask = 0;
  for (const name of Object.keys(fields)) {
    const f = k.fields.find((x) => x.name === name);
    if (!f || f.isConstant) throw new RangeError(`a ${kind} has no field ${name} that updates`);
    mask |= 1 << f.groupBit;
  }
  const values: (number | string)[] = [];
  for (let m = mask; m !== 0; m &= m - 1) {
    for (const f of k.groupFields[lowestBit(m)] as readonly CompiledField[]) {
      const value = fields[f.name];
      if (value === undefined) {
        const group = schema.groups[f.groupBit]?.name ?? String(f.groupBit);
        throw new RangeError(`an update of group ${group} carries ${f.name} too`);
      }
      values.push(value);
    }
  }
  return { id, mask, values };
}
