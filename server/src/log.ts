/**
 * Structured logging on pino: one JSON object per line on stdout (`{"level":"info","time":ISO,
 * "msg":...,...fields}`), so operators can grep and parse it; human-readable through pino-pretty
 * in `npm run dev`. Floods of identical lines are cut down to a few per second and a summary.
 */
import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import pinoPretty from 'pino-pretty';
import { systemClock, type Clock, type Schedule } from './loop/clock.js';
import { FloodLimiter, type FloodSummary } from './log/flood-limiter.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The logger main.ts holds: it can also report the lines it is holding back before an exit. */
export interface ServerLogger extends Logger {
  /** Writes the summaries of lines suppressed in the current window now. */
  flush(): void;
}

export interface FloodOptions {
  /** Lines of one kind (level, message and close code) let through per second (default 10). */
  maxLinesPerSecond?: number;
  /** Injected for tests; the system's by default. */
  clock?: Clock;
  schedule?: Schedule;
}

/** Lines of one kind let through per second before the rest are summarized. */
export const MAX_LINES_PER_KIND_PER_SECOND = 10;
const FLOOD_WINDOW_MS = 1000;
/** The fields that, with the level and message, make two lines "the same kind". */
const KIND_FIELDS = ['code'] as const;

/**
 * JSON lines, each handed to `write` without its newline (stdout by default; tests collect them).
 */
export function createLogger(
  level: LogLevel,
  write?: (line: string) => void,
  flood: FloodOptions = {},
): ServerLogger {
  // Synchronous, as process.stdout.write is on pipes and files: a line logged just before
  // process.exit still goes out.
  const destination: DestinationStream =
    write === undefined
      ? pino.destination({ dest: 1, sync: true })
      : { write: (chunk: string) => write(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk) };
  return wrap(
    pino(
      {
        level,
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    ),
    flood,
  );
}

/** Human-readable lines on stdout (pino-pretty in-process: no worker thread, nothing to bundle). */
export function createPrettyLogger(level: LogLevel, flood: FloodOptions = {}): ServerLogger {
  const options: LoggerOptions = { level, base: undefined };
  const pretty = pinoPretty({
    colorize: process.stdout.isTTY,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
  });
  return wrap(pino(options, pretty), flood);
}

interface LineKind {
  level: LogLevel;
  msg: string;
  kindFields: Record<string, unknown>;
}

function wrap(core: PinoLogger, flood: FloodOptions): ServerLogger {
  // The message goes first in the object (pino would append a message argument after the
  // fields): lines keep reading `"msg":"listening","port":...` as they always have.
  const emit = (lvl: LogLevel, msg: string, fields: Record<string, unknown>): void => {
    core[lvl]({ msg, ...fields });
  };
  const limiter = new FloodLimiter<LineKind>({
    maxPerWindow: flood.maxLinesPerSecond ?? MAX_LINES_PER_KIND_PER_SECOND,
    windowMs: FLOOD_WINDOW_MS,
    clock: flood.clock ?? systemClock,
    schedule: flood.schedule ?? unrefSchedule,
    onSuppressed: (summary) =>
      emit(summary.sample.level, summaryMessage(summary), summaryFields(summary)),
  });
  const at =
    (lvl: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      if (!core.isLevelEnabled(lvl)) return;
      const kindFields: Record<string, unknown> = {};
      for (const name of KIND_FIELDS) if (name in fields) kindFields[name] = fields[name];
      const key = JSON.stringify([lvl, msg, kindFields]);
      if (limiter.admit(key, { level: lvl, msg, kindFields })) emit(lvl, msg, fields);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    flush: () => limiter.flush(),
  };
}

function summaryMessage(summary: FloodSummary<LineKind>): string {
  const seconds = summary.windowMs / 1000;
  return `suppressed ${summary.suppressedCount.toLocaleString('en-US')} similar lines in the last ${seconds} s`;
}

function summaryFields(summary: FloodSummary<LineKind>): Record<string, unknown> {
  return {
    suppressed: summary.suppressedCount,
    similarTo: summary.sample.msg,
    ...summary.sample.kindFields,
  };
}

/** The flood windows' timer must not keep the process alive. */
const unrefSchedule: Schedule = (delayMs, callback) => {
  const handle = setTimeout(callback, Math.max(0, delayMs));
  handle.unref();
  return () => clearTimeout(handle);
};

export function errorFields(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { error: error.message, stack: error.stack }
    : { error: String(error) };
}
