/**
 * Reads msgpack integers from a frame, one after another, without msgpackr: for the messages
 * that arrive per client per tick, where unpacking into arrays and validating them cost more than
 * the message (measured on the server's Input path). `next()` returns NaN for anything that is
 * not a msgpack integer of at most 32 bits, or past the end: the caller then falls back to the
 * general decoder, which says what is wrong.
 */
export class IntReader {
  #bytes: Uint8Array = new Uint8Array(0);
  #at = 0;

  /** Starts reading `bytes` at `at`. */
  reset(bytes: Uint8Array, at: number): this {
    this.#bytes = bytes;
    this.#at = at;
    return this;
  }

  /** Whether every byte was read. */
  get isAtEnd(): boolean {
    return this.#at === this.#bytes.length;
  }

  next(): number {
    const b = this.#bytes;
    const at = this.#at;
    const head = b[at];
    if (head === undefined) return Number.NaN;
    if (head < 0x80) {
      this.#at = at + 1;
      return head;
    }
    if (head >= 0xe0) {
      this.#at = at + 1;
      return head - 0x100;
    }
    const width = head === 0xcc || head === 0xd0 ? 1 : head === 0xcd || head === 0xd1 ? 2 : 4;
    if (at + width >= b.length) return Number.NaN;
    let value: number;
    switch (head) {
      case 0xcc:
        value = b[at + 1] as number;
        break;
      case 0xcd:
        value = ((b[at + 1] as number) << 8) | (b[at + 2] as number);
        break;
      case 0xce:
        value =
          (b[at + 1] as number) * 0x1000000 +
          (((b[at + 2] as number) << 16) | ((b[at + 3] as number) << 8) | (b[at + 4] as number));
        break;
      case 0xd0:
        value = ((b[at + 1] as number) << 24) >> 24;
        break;
      case 0xd1:
        value = (((b[at + 1] as number) << 24) | ((b[at + 2] as number) << 16)) >> 16;
        break;
      case 0xd2:
        value =
          ((b[at + 1] as number) << 24) |
          ((b[at + 2] as number) << 16) |
          ((b[at + 3] as number) << 8) |
          (b[at + 4] as number);
        break;
      default:
        return Number.NaN;
    }
    this.#at = at + 1 + width;
    return value;
  }
}
