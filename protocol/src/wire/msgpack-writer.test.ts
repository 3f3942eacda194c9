import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { packFrame } from './codec.js';
import { MsgpackWriter } from './msgpack-writer.js';

type Value = number | string | Value[];

function write(w: MsgpackWriter, v: Value): void {
  if (typeof v === 'number') w.int(v);
  else if (typeof v === 'string') w.str(v);
  else {
    w.arrayHeader(v.length);
    for (const item of v) write(w, item);
  }
}

const intArb = fc.oneof(
  fc.integer({ min: -40, max: 300 }),
  fc.integer({ min: -0x8000_0000, max: 0xffff_ffff }),
  fc.constantFrom(
    0,
    127,
    128,
    255,
    256,
    65535,
    65536,
    -32,
    -33,
    -128,
    -129,
    -32768,
    -32769,
    0xffff_ffff,
    -0x8000_0000,
  ),
);
const { value: valueArb } = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { arbitrary: intArb, weight: 4 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
    { arbitrary: fc.string({ minLength: 30, maxLength: 300 }), weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 20 }), weight: 1 },
  ),
}));

describe('MsgpackWriter', () => {
  it('writes exactly the bytes the pinned msgpackr codec writes', () => {
    const w = new MsgpackWriter(8);
    fc.assert(
      fc.property(fc.array(valueArb, { maxLength: 12 }), (frame) => {
        w.reset();
        write(w, frame);
        expect(Array.from(w.view())).toEqual(Array.from(packFrame(frame)));
      }),
      { numRuns: 3000 },
    );
  });

  it('splices raw encoded values and reuses its buffer', () => {
    const w = new MsgpackWriter(4);
    const inner = packFrame([1, 'two', [3]]);
    w.arrayHeader(2);
    w.raw(inner);
    w.int(-5);
    const first = w.copy();
    expect(Array.from(first)).toEqual(Array.from(packFrame([[1, 'two', [3]], -5])));
    w.reset();
    w.int(7);
    expect(Array.from(w.view())).toEqual([7]);
    expect(first[0]).toBe(0x92);
  });

  it('keeps frames written one after another valid together, across growth', () => {
    const w = new MsgpackWriter(8);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) {
      const start = w.length;
      w.arrayHeader(2);
      w.int(i);
      w.str('x'.repeat(i % 7));
      frames.push(w.viewFrom(start));
    }
    frames.forEach((frame, i) => {
      expect(Array.from(frame)).toEqual(Array.from(packFrame([i, 'x'.repeat(i % 7)])));
    });
  });
});
