import { STRIDE, type EntityTable } from '@tickwire/protocol';

/**
 * How many entities changed between two consecutive views of one client: entered, left, or
 * present in both with any field different. This is BENCHMARKS.md's "(visible, changed) entity
 * updates", counted the same way for every system whatever its wire format carries: an entity
 * the client extrapolated correctly changed too, it just cost no bytes.
 */
export function countChangedEntities(previous: EntityTable | null, next: EntityTable): number {
  if (!previous) return next.count;
  let changed = 0;
  let i = 0;
  let j = 0;
  const a = previous.fields;
  const b = next.fields;
  while (i < previous.count || j < next.count) {
    const idA = i < previous.count ? (previous.ids[i] as number) : Infinity;
    const idB = j < next.count ? (next.ids[j] as number) : Infinity;
    if (idA < idB) {
      changed++;
      i++;
    } else if (idB < idA) {
      changed++;
      j++;
    } else {
      const oa = i * STRIDE;
      const ob = j * STRIDE;
      for (let k = 0; k < STRIDE; k++) {
        if (a[oa + k] !== b[ob + k]) {
          changed++;
          break;
        }
      }
      i++;
      j++;
    }
  }
  return changed;
}
