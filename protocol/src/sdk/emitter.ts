/**
 * The smallest typed event emitter: `Events` maps each event name to its listener signature, and
 * `on` returns the function that removes the listener.
 *
 * A listener that throws does not stop the others, and its error is not swallowed: it is
 * rethrown asynchronously (an unhandled rejection: Node stops, a browser logs it), as an
 * EventTarget reports a listener's error. Events fire from socket callbacks; an exception thrown
 * into those would leave the connection half way through a message.
 */
export class Emitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  readonly #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();
  readonly #reportError: (error: unknown) => void;

  /** `reportError` receives what a listener throws; tests pass their own. */
  constructor(reportError: (error: unknown) => void = rethrowLater) {
    this.#reportError = reportError;
  }

  on<K extends keyof Events>(name: K, listener: Events[K]): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    // A Set keeps one entry per function; a copy per call makes `on` twice mean twice.
    const entry = ((...args: Parameters<Events[K]>) => listener(...args)) as Events[K];
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<K extends keyof Events>(name: K, ...args: Parameters<Events[K]>): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<Events[K]>) => void)(...args);
      } catch (error) {
        this.#reportError(error);
      }
    }
  }
}

function rethrowLater(error: unknown): void {
  void Promise.reject(error);
}
