/**
 * k6's logger as far as a run shows it: console.* of the VUs and the runner's own messages on
 * stderr, one line each, `LEVEL[seconds since the start] message` as k6 prints them to a
 * terminal. stdout is left to handleSummary's `stdout`, so a caller can read the report alone.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface K6Logger {
  log(level: LogLevel, message: string, source?: string): void;
}

const LEVEL_TAG: Readonly<Record<LogLevel, string>> = {
  debug: 'DEBU',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERRO',
};

export function createStderrLogger(startMs: number, isVerbose: boolean): K6Logger {
  return {
    log(level, message, source) {
      if (level === 'debug' && !isVerbose) return;
      const seconds = String(Math.floor((Date.now() - startMs) / 1000)).padStart(4, '0');
      const tail = source === undefined ? '' : `  source=${source}`;
      process.stderr.write(`${LEVEL_TAG[level]}[${seconds}] ${message}${tail}\n`);
    },
  };
}

/** How k6's console prints one argument: strings as they are, the rest as JSON. */
function formatArgument(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error || (typeof value === 'object' && value !== null && 'stack' in value))
    return String((value as { stack?: unknown }).stack ?? value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

/** The `console` global of a VU. */
export function createK6Console(
  logger: K6Logger,
): Record<LogLevel | 'log', (...values: unknown[]) => void> {
  const at =
    (level: LogLevel) =>
    (...values: unknown[]): void =>
      logger.log(level, values.map(formatArgument).join(' '), 'console');
  return {
    log: at('info'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
  };
}
