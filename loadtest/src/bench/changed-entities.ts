import type { EntityTable } from '@tickwire/protocol';

/**
 * How many entities changed between two consecutive views of one client: entered, left (removed,
 * or dropped at the end of a lifetime), or present in both with any field different. This is
 * BENCHMARKS.md's "(visible, changed) entity updates", counted the same way for every system
 * whatever its wire format carries: an entity the client extrapolated correctly changed too, it
 * just cost no bytes. Every kind counts (the arena's players and pellets alike).
 *
 * Both tables come from one replica, so they share the schema's layout: an entity's kind, expiry
 * and numeric fields are its `stride` int32 slots (unused slots stay 0), and its string fields
 * are its `texts`.
 */
export function countChangedEntities(previous: EntityTable | null, next: EntityTable): number {
  if (!previous) return next.count;
  const stride = next.stride;
  if (previous.stride !== stride) throw new RangeError('views of different schemas');
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
      if (!sameSlots(a, i * stride, b, j * stride, stride) || !sameTexts(previous, i, next, j)) {
        changed++;
      }
      i++;
      j++;
    }
  }
  return changed;
}

function sameSlots(a: Int32Array, oa: number, b: Int32Array, ob: number, stride: number): boolean {
  for (let k = 0; k < stride; k++) if (a[oa + k] !== b[ob + k]) return false;
  return true;
}

/** The replica carries an entity's texts over by reference until an update changes one. */
function sameTexts(previous: EntityTable, i: number, next: EntityTable, j: number): boolean {
  const ta = previous.texts[i] ?? null;
  const tb = next.texts[j] ?? null;
  if (ta === tb) return true;
  if (ta === null || tb === null || ta.length !== tb.length) return false;
  for (let k = 0; k < ta.length; k++) if (ta[k] !== tb[k]) return false;
  return true;
}
