import { CloseCode, type MessageId } from './ids.js';
import { ProtocolError } from './errors.js';
import { unpackFrame } from './codec.js';
import { readArray } from './read.js';

/** The longest frame array any message has (id included). */
const MAX_FRAME_FIELDS = 16;

export interface Frame {
  id: number;
  fields: unknown[];
}

/**
 * Unpacks a frame and splits off its message id. With `expected`, any other id is an error;
 * without it the caller dispatches on `id` and rejects ids it does not know.
 */
export function splitFrame(bytes: Uint8Array, expected?: MessageId): Frame {
  const fields = readArray(unpackFrame(bytes), 'frame', 1, MAX_FRAME_FIELDS);
  const id = fields[0];
  if (typeof id !== 'number' || !Number.isInteger(id)) {
    throw new ProtocolError(CloseCode.MalformedFrame, 'frame: message id is not an integer');
  }
  if (expected !== undefined && id !== expected) {
    throw new ProtocolError(
      CloseCode.MalformedFrame,
      `frame: expected message ${expected}, got ${id}`,
    );
  }
  return { id, fields };
}
