import type { ViewDelta } from './client-sync.js';
import * as packedIds from './packed-ids.js';

// Module-local: under tsx an imported binding is a getter call at every use (per id per client).
const idAt = packedIds.idAt;

/**
 * Lists as removed in `d` the dynamic entities of a baseline view (`ids`, packed, `count` of them)
 * that the new view did not see (still marked `inBase` in `marks`): they left it, or the world.
 * One whose lifetime ended by `tick` is not listed: clients drop it themselves.
 */
export function listLeftView(
  ids: readonly number[],
  count: number,
  marks: Uint32Array,
  inBase: number,
  expiresTicks: Int32Array,
  tick: number,
  d: ViewDelta,
): void {
  for (let i = 0; i < count; i++) {
    const id = idAt(ids, i);
    if (marks[id] !== inBase) continue;
    const expiresTick = expiresTicks[id] as number;
    if (expiresTick !== 0 && expiresTick <= tick) continue;
    d.removed[d.removedCount++] = id;
  }
}
