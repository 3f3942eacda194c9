// k6's global timers: the k6/timers functions, which k6 also puts on the global object (the
// protocol's Matchmaker and scenario/quick-play.ts call them there). @types/k6 declares them only
// as the k6/timers module. lib/global-timers.ts installs them where an older k6 lacks them.
declare function setTimeout(callback: () => void, delayMs?: number): number;
declare function clearTimeout(id: number | undefined): void;
declare function setInterval(callback: () => void, intervalMs?: number): number;
declare function clearInterval(id: number | undefined): void;

// k6's console (its logger): @types/k6 declares none, and lib ES2022 has no DOM.
declare const console: {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
  debug(...values: unknown[]): void;
};
