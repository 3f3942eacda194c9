/**
 * A minimal msgpack writer for hot paths (the server's per-client snapshots). It writes the
 * smallest standard encoding for each value, byte for byte what the pinned msgpackr codec writes
 * (a test holds the two to that), into one growable buffer that is reused between frames.
 */
export class MsgpackWriter {
  #bytes: Uint8Array;
  #view: DataView;
  #length = 0;

  constructor(initialCapacity = 4096) {
    this.#bytes = new Uint8Array(initialCapacity);
    this.#view = new DataView(this.#bytes.buffer);
  }

  get length(): number {
    return this.#length;
  }

  /** Starts a new frame, reusing the buffer. Views returned earlier become invalid. */
  reset(): void {
    this.#length = 0;
  }

  /** The bytes written since reset: a view into the reused buffer, valid until the next reset. */
  view(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  /** A copy of the bytes written since reset, for keeping. */
  /**
   * The bytes written since `start` (a `length` read earlier), without copying: several frames
   * written one after another into one writer stay valid together, until reset() (a buffer that
   * grows leaves earlier views on the old one, still intact).
   */
  viewFrom(start: number): Uint8Array {
    return this.#bytes.subarray(start, this.#length);
  }

  copy(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  /** An integer in the signed/unsigned 32-bit range, in its smallest msgpack form. */
  int(value: number): void {
    this.#reserve(5);
    const b = this.#bytes;
    let p = this.#length;
    if (value >= 0) {
      if (value < 0x80) b[p++] = value;
      else if (value < 0x100) {
        b[p++] = 0xcc;
        b[p++] = value;
      } else if (value < 0x10000) {
        b[p++] = 0xcd;
        b[p++] = value >> 8;
        b[p++] = value & 0xff;
      } else {
        b[p++] = 0xce;
        this.#view.setUint32(p, value);
        p += 4;
      }
    } else if (value >= -0x20) {
      b[p++] = 0x100 + value;
    } else if (value >= -0x80) {
      b[p++] = 0xd0;
      b[p++] = value + 0x100;
    } else if (value >= -0x8000) {
      b[p++] = 0xd1;
      this.#view.setInt16(p, value);
      p += 2;
    } else {
      b[p++] = 0xd2;
      this.#view.setInt32(p, value);
      p += 4;
    }
    this.#length = p;
  }

  arrayHeader(count: number): void {
    this.#reserve(5);
    const b = this.#bytes;
    if (count < 0x10) b[this.#length++] = 0x90 | count;
    else if (count < 0x10000) {
      b[this.#length++] = 0xdc;
      b[this.#length++] = count >> 8;
      b[this.#length++] = count & 0xff;
    } else {
      b[this.#length++] = 0xdd;
      this.#view.setUint32(this.#length, count);
      this.#length += 4;
    }
  }

  /** A string as UTF-8 (well-formed input: decoders refuse lone surrogates). */
  str(value: string): void {
    this.#reserve(5 + value.length * 3);
    const b = this.#bytes;
    // Longest header first, then move the text if a shorter header fits.
    const start = this.#length;
    let p = start + 5;
    for (let i = 0; i < value.length; i++) {
      let c = value.charCodeAt(i);
      if (c < 0x80) b[p++] = c;
      else if (c < 0x800) {
        b[p++] = (c >> 6) | 0xc0;
        b[p++] = (c & 0x3f) | 0x80;
      } else if (
        (c & 0xfc00) === 0xd800 &&
        i + 1 < value.length &&
        (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00
      ) {
        c = 0x10000 + ((c & 0x03ff) << 10) + (value.charCodeAt(++i) & 0x03ff);
        b[p++] = (c >> 18) | 0xf0;
        b[p++] = ((c >> 12) & 0x3f) | 0x80;
        b[p++] = ((c >> 6) & 0x3f) | 0x80;
        b[p++] = (c & 0x3f) | 0x80;
      } else {
        b[p++] = (c >> 12) | 0xe0;
        b[p++] = ((c >> 6) & 0x3f) | 0x80;
        b[p++] = (c & 0x3f) | 0x80;
      }
    }
    const byteLength = p - start - 5;
    let header: number;
    if (byteLength < 0x20) {
      b[start] = 0xa0 | byteLength;
      header = 1;
    } else if (byteLength < 0x100) {
      b[start] = 0xd9;
      b[start + 1] = byteLength;
      header = 2;
    } else if (byteLength < 0x10000) {
      b[start] = 0xda;
      b[start + 1] = byteLength >> 8;
      b[start + 2] = byteLength & 0xff;
      header = 3;
    } else {
      b[start] = 0xdb;
      this.#view.setUint32(start + 1, byteLength);
      header = 5;
    }
    if (header < 5) b.copyWithin(start + header, start + 5, p);
    this.#length = start + header + byteLength;
  }

  /** Bytes that are already msgpack (a value encoded earlier by this writer or the codec). */
  raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }
}
