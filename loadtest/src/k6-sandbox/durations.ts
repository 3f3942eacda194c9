/**
 * k6's durations: Go's time.ParseDuration strings (`1m30s`, `500ms`, `1.5s`, `2h`) or a bare
 * number of milliseconds, as k6 accepts them in options.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

export function parseK6DurationMs(value: string | number, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`${what}: not a duration: ${value}`);
    return value;
  }
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let totalMs = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let m = PART.exec(text); m !== null; m = PART.exec(text)) {
    totalMs += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed = PART.lastIndex;
  }
  if (text === '' || consumed !== text.length)
    throw new Error(`${what}: not a duration: "${value}" (say 500ms, 10s, 1m30s)`);
  return totalMs;
}
