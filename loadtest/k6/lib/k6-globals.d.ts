// k6's global timers: the k6/timers functions, which k6 also puts on the global object (the
// protocol's Matchmaker and scenario/quick-play.ts call them there). @types/k6 declares them only
// as the k6/timers module. lib/global-timers.ts installs them where they are missing.
declare function setTimeout(callback: () => void, delayMs?: number): number;
declare function clearTimeout(id: number | undefined): void;
declare function setInterval(callback: () => void, intervalMs?: number): number;
declare function clearInterval(id: number | undefined): void;

// k6's console (its logger): @types/k6 declares none, and lib ES2020 has no DOM.
declare const console: {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
  debug(...values: unknown[]): void;
};

// lib is ES2020 (tsconfig.json): what k6's JavaScript engine (sobek, a goja fork) has of later
// editions and the bundles' sources use, declared one by one so nothing else slips in.
// Array.prototype.at (ES2022): sobek's builtin_array.go, arrayproto_at.
interface Array<T> {
  at(index: number): T | undefined;
}
interface ReadonlyArray<T> {
  at(index: number): T | undefined;
}
// The Error constructors' `cause` option (ES2022): goja's builtin_error.go installs it.
interface ErrorOptions {
  cause?: unknown;
}
interface ErrorConstructor {
  new (message?: string, options?: ErrorOptions): Error;
  (message?: string, options?: ErrorOptions): Error;
}
