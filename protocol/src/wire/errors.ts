import { CloseCode } from './ids.js';

/**
 * Every decoder failure is a ProtocolError carrying the close code the server answers it with.
 * Decoders never let a TypeError or a msgpack library error escape.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly closeCode: CloseCode;

  constructor(closeCode: CloseCode, message: string) {
    super(message);
    this.closeCode = closeCode;
  }
}

export function malformed(message: string): ProtocolError {
  return new ProtocolError(CloseCode.MalformedFrame, message);
}
