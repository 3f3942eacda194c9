import vm from 'node:vm';

/**
 * Values made in a VU's own JavaScript realm (its vm context), where the VU's code checks them:
 * an ArrayBuffer from the host realm fails the script's `data instanceof ArrayBuffer`, and an
 * error from it fails `e instanceof Error`. k6 makes them in the VU's runtime too.
 */
export interface Realm {
  readonly context: vm.Context;
  arrayBuffer(bytes: Uint8Array): ArrayBuffer;
  error(message: string): Error;
  typeError(message: string): TypeError;
  /** A plain object of the realm with these properties. */
  object(properties: Record<string, unknown>): Record<string, unknown>;
  promise<T>(
    executor: (resolve: (value: T) => void, reject: (error: unknown) => void) => void,
  ): Promise<T>;
  parseJson(text: string): unknown;
  /** Whether `value` is a promise of this realm (k6 aborts the iteration its rejection is unhandled in). */
  ownsPromise(value: unknown): boolean;
}

interface RealmIntrinsics {
  ArrayBuffer: ArrayBufferConstructor;
  Error: ErrorConstructor;
  TypeError: TypeErrorConstructor;
  Object: ObjectConstructor;
  Promise: PromiseConstructor;
  JSON: JSON;
}

export function createRealm(context: vm.Context): Realm {
  const intrinsics = vm.runInContext(
    '({ ArrayBuffer, Error, TypeError, Object, Promise, JSON })',
    context,
  ) as RealmIntrinsics;
  return {
    context,
    arrayBuffer(bytes) {
      const buffer = new intrinsics.ArrayBuffer(bytes.byteLength);
      new Uint8Array(buffer).set(bytes);
      return buffer;
    },
    error: (message) => new intrinsics.Error(message),
    typeError: (message) => new intrinsics.TypeError(message),
    object: (properties) => intrinsics.Object.assign(new intrinsics.Object(), properties),
    promise: (executor) => new intrinsics.Promise(executor),
    parseJson: (text) => intrinsics.JSON.parse(text) as unknown,
    ownsPromise: (value) => value instanceof intrinsics.Promise,
  };
}
