import { Packr, Unpackr } from 'msgpackr';
import { malformed } from './errors.js';

/**
 * The one msgpack codec of the protocol, with its options pinned. `useRecords: false` keeps
 * msgpackr's record extension off, so every frame is plain msgpack that any library decodes.
 */
const packr = new Packr({
  useRecords: false,
  moreTypes: false,
  structuredClone: false,
  bundleStrings: false,
  encodeUndefinedAsNil: true,
  variableMapSize: true,
});

const unpackr = new Unpackr({
  useRecords: false,
  moreTypes: false,
  structuredClone: false,
  bundleStrings: false,
  mapsAsObjects: true,
  int64AsType: 'number',
});

/** Encodes one frame. The result is a fresh Uint8Array the caller owns. */
export function packFrame(value: readonly unknown[]): Uint8Array {
  return packr.pack(value);
}

/**
 * Encodes one msgpack value (a map, say) with the same pinned options: the bytes it would have
 * as an element of a frame.
 */
export function packValue(value: unknown): Uint8Array {
  return packr.pack(value);
}

/**
 * Decodes one frame into an untyped msgpack value. Throws ProtocolError(MalformedFrame) on bad
 * msgpack, truncation or trailing bytes; never throws anything else.
 */
export function unpackFrame(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) throw malformed('empty frame');
  try {
    return unpackr.unpack(bytes) as unknown;
  } catch (error) {
    throw malformed(`invalid msgpack: ${error instanceof Error ? error.message : String(error)}`);
  }
}
