import { MsgpackWriter, writeSnapshotHead } from '@tickwire/protocol';

/**
 * The floor's one frame per tick: a Snapshot of that tick, a delta from the tick before (so a
 * client that peeks its head, peekSnapshotHead, acknowledges the tick and counts no resync),
 * exactly `frameBytes` long. Sending is the cost that matters and a frame's content changes
 * nothing of it (shared/NETCODE.md, "Measuring"), so its content is filler: the size is what
 * copies tickwire.
 *
 * The frame stays well-formed msgpack, a Snapshot that decodeSnapshot reads: the filler is its
 * `removed` list (ids 0, and 128 where one more byte is needed). No replica can apply it (those
 * ids were never in view): floor clients peek and acknowledge, they never decode.
 */

/** Head with a uint32 tick (9 bytes), an empty `removed`, and empty `entered` and `updated`. */
export const MIN_FRAME_BYTES = 12;
/** `removed` holds at most 65535 ids (PROTOCOL.md 6.1); this stays well inside. */
export const MAX_FRAME_BYTES = 65_000;

/** An id that takes 2 bytes in msgpack (uint8 form), for the lengths 1-byte ids cannot make. */
const TWO_BYTE_ID = 128;
const FIXARRAY_MAX_ITEMS = 15;

/** Writes a `removed` list of exactly `sizeBytes` bytes (header included), `sizeBytes` >= 1. */
function writeFiller(w: MsgpackWriter, sizeBytes: number): void {
  // A fixarray header is 1 byte (up to 15 items), an array16 header 3 (16 items and more).
  let items: number;
  let twoByteItems = 0;
  if (sizeBytes <= 1 + FIXARRAY_MAX_ITEMS) {
    items = sizeBytes - 1;
  } else if (sizeBytes <= 3 + FIXARRAY_MAX_ITEMS) {
    // 17 or 18 bytes: 15 items, one or two of them 2 bytes long.
    items = FIXARRAY_MAX_ITEMS;
    twoByteItems = sizeBytes - 1 - FIXARRAY_MAX_ITEMS;
  } else {
    items = sizeBytes - 3;
  }
  w.arrayHeader(items);
  for (let i = 0; i < items; i++) w.int(i < twoByteItems ? TWO_BYTE_ID : 0);
}

/** Makes the frame of each tick, `frameBytes` long (MIN_FRAME_BYTES..MAX_FRAME_BYTES). */
export function createFloorFrame(
  frameBytes: number,
  /** Ticks between two frames (--send-hz): each frame is a delta from the one before. */
  sendIntervalTicks = 1,
): (tick: number) => Uint8Array {
  if (!Number.isInteger(frameBytes) || frameBytes < MIN_FRAME_BYTES || frameBytes > MAX_FRAME_BYTES)
    throw new RangeError(
      `frame size ${frameBytes} B: must be an integer in ${MIN_FRAME_BYTES}..${MAX_FRAME_BYTES}`,
    );
  const writer = new MsgpackWriter(frameBytes + 16);
  return (tick) => {
    writer.reset();
    // The first frame has no frame before it: that one is full (baseline 0), as a first one is.
    const baselineTick = tick > sendIntervalTicks ? tick - sendIntervalTicks : 0;
    writeSnapshotHead(writer, tick, baselineTick, 0, false);
    const emptyListsBytes = 2;
    writeFiller(writer, frameBytes - writer.length - emptyListsBytes);
    writer.arrayHeader(0);
    writer.arrayHeader(0);
    if (writer.length !== frameBytes)
      throw new Error(`floor frame of tick ${tick}: ${writer.length} B, not ${frameBytes}`);
    // A copy: every client of the tick is sent these same bytes (uWS copies what it must keep).
    return writer.copy();
  };
}
