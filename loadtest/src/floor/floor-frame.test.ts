import { describe, expect, it } from 'vitest';
import { decodeSnapshot, peekSnapshotHead } from '@tickwire/protocol';
import { parseConfig } from '../../../server/src/config.js';
import { arenaServerArgs } from '../bench/arena-server-args.js';
import { arenaSchema } from './arena-welcome.js';
import { MAX_FRAME_BYTES, MIN_FRAME_BYTES, createFloorFrame } from './floor-frame.js';

// Every tick width msgpack has: fixint, uint8, uint16, uint32.
const TICKS = [1, 2, 127, 128, 255, 256, 65_535, 65_536, 4_294_967_295];
const SIZES = [
  ...Array.from({ length: 40 }, (_, i) => MIN_FRAME_BYTES + i),
  70,
  1000,
  MAX_FRAME_BYTES,
];

describe('the floor frame', () => {
  const schema = arenaSchema(parseConfig(arenaServerArgs(1), {}));

  it('is exactly the size asked, at every tick width, and a peeking client reads a delta of its tick', () => {
    for (const sizeBytes of SIZES) {
      const frameFor = createFloorFrame(sizeBytes);
      for (const tick of TICKS) {
        const frame = frameFor(tick);
        expect(frame.byteLength).toBe(sizeBytes);
        // Tick 1 has no tick before it: full, as a first snapshot is (no resync either way).
        expect(peekSnapshotHead(frame)).toEqual({ tick, baselineTick: tick > 1 ? tick - 1 : 0 });
      }
    }
  });

  it('decodes as a Snapshot of the arena: well-formed msgpack, its filler the removed list', () => {
    for (const sizeBytes of SIZES) {
      const snapshot = decodeSnapshot(schema, createFloorFrame(sizeBytes)(300));
      expect(snapshot).toMatchObject({
        tick: 300,
        baselineTick: 299,
        inputAck: 0,
        entered: [],
        updated: [],
        checksum: null,
      });
    }
  });

  it('makes each tick its own bytes, kept after the next tick', () => {
    const frameFor = createFloorFrame(70);
    const first = frameFor(1000);
    frameFor(1001);
    expect(peekSnapshotHead(first)?.tick).toBe(1000);
  });

  it('is a delta from the frame one send interval before (--send-hz), the first one full', () => {
    const frameFor = createFloorFrame(70, 3);
    expect(peekSnapshotHead(frameFor(9))).toEqual({ tick: 9, baselineTick: 6 });
    expect(peekSnapshotHead(frameFor(3))).toEqual({ tick: 3, baselineTick: 0 });
  });

  it('refuses a size no frame can have', () => {
    for (const sizeBytes of [MIN_FRAME_BYTES - 1, MAX_FRAME_BYTES + 1, 70.5, Number.NaN])
      expect(() => createFloorFrame(sizeBytes)).toThrow(RangeError);
  });
});
