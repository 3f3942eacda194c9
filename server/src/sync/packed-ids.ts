/**
 * Id `i` of a list of entity ids packed two to an element (an int32, which V8 stores unboxed):
 * how a sent view keeps its ids (ClientSync).
 */
export const idAt = (ids: readonly number[], i: number): number =>
  ((ids[i >> 1] as number) >>> ((i & 1) << 4)) & 0xffff;

/**
 * Packs the first `count` ids of `view` into `ids`, two to an element, in order from 0 (the
 * array stays packed, with no holes, as it grows). A function of its own, not a loop inside
 * compose: V8 compiled that loop on its own while it ran (on-stack replacement) and then threw
 * the whole of compose back to the interpreter at the next line it had not seen run, on nearly
 * every call (measured: 56,000 deoptimizations in 150 ticks).
 */
export function pack(view: Uint16Array, count: number, ids: number[]): void {
  for (let i = 0; i < count; i += 2) {
    ids[i >> 1] = (view[i] as number) | ((view[i + 1] ?? 0) << 16);
  }
}
