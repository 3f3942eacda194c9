import type { CompiledField, CompiledKind } from '@tickwire/protocol';

// Sizes of what the snapshot writer writes, in bytes, without writing it: the byte budget
// (send-budget.ts) weighs records before it chooses them. They follow MsgpackWriter's smallest
// encodings exactly (a test holds them to the writer's output).

/** Bytes of an integer in its smallest msgpack form (MsgpackWriter.int). */
export function intSizeBytes(value: number): number {
  if (value >= 0) return value < 0x80 ? 1 : value < 0x100 ? 2 : value < 0x10000 ? 3 : 5;
  return value >= -0x20 ? 1 : value >= -0x80 ? 2 : value >= -0x8000 ? 3 : 5;
}

/** Bytes of an array header for `count` elements. */
export function arrayHeaderSizeBytes(count: number): number {
  return count < 0x10 ? 1 : count < 0x10000 ? 3 : 5;
}

/** Bytes of a string: its UTF-8 length and the smallest str header for it. */
export function strSizeBytes(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (
      (c & 0xfc00) === 0xd800 &&
      i + 1 < value.length &&
      (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n + (n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);
}

/**
 * Bytes of the update record `[id, mask, ...]` of `kind` with `mask`, whose numeric values are
 * at `values[offset + slot]` and strings in `texts` (EntityState.values and textsOf).
 */
export function updateSizeBytes(
  id: number,
  kind: CompiledKind,
  mask: number,
  values: Float64Array,
  offset: number,
  texts: readonly string[] | undefined,
): number {
  let n = intSizeBytes(id) + intSizeBytes(mask);
  let count = 2;
  for (let m = mask; m !== 0; m &= m - 1) {
    const fields = kind.groupFields[31 - Math.clz32(m & -m)] as readonly CompiledField[];
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k] as CompiledField;
      n += f.isString
        ? strSizeBytes(texts?.[f.slot] ?? '')
        : intSizeBytes(values[offset + f.slot] as number);
    }
    count += fields.length;
  }
  return arrayHeaderSizeBytes(count) + n;
}

/**
 * At least the bytes of a snapshot frame's head, list headers and checksum (the frame without
 * its ids and records), for lists of fewer than 65536 entries each.
 */
export function frameOverheadBytes(tick: number, inputAck: number, hasChecksum: boolean): number {
  // [65, tick, baselineAge (0..31), inputAck, removed, entered, updated, checksum?]
  return 3 + intSizeBytes(tick) + intSizeBytes(inputAck) + 3 * 3 + (hasChecksum ? 5 : 0);
}
