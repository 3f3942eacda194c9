// File mode: a capture through the same decoder, replica and line format as a live session.
import { open, type FileHandle } from 'node:fs/promises';
import type { OutputOptions } from './args.js';
import { CaptureError, parseCaptureLine } from './capture.js';
import { formatLine } from './frame-line.js';
import { InspectorSession, type InspectLine } from './session.js';

export interface ReplayIo {
  print(line: string): void;
  warn(message: string): void;
}

/**
 * Replays capture lines and returns how many were invalid (each is reported through `warn` and
 * skipped). The Resyncs the session would send are not sent: the capture holds the real ones.
 *
 * Snapshots and Inputs decode only with the game's schema, which the Welcome carries: a capture
 * whose first Snapshot or Input comes before any Welcome stops there, with an error.
 */
export async function replayLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: OutputOptions,
  io: ReplayIo,
): Promise<number> {
  const session = new InspectorSession(options);
  const print = (out: InspectLine[]): void => {
    for (const line of out) io.print(formatLine(line));
  };
  let lineNumber = 0;
  let invalid = 0;
  let tMs = 0;
  for await (const text of lines) {
    lineNumber++;
    let entry;
    try {
      entry = parseCaptureLine(text, tMs);
    } catch (error) {
      if (!(error instanceof CaptureError)) throw error;
      io.warn(`inspect: capture line ${lineNumber}: ${error.message}`);
      invalid++;
      continue;
    }
    if (entry === null) continue;
    tMs = entry.tMs;
    if (entry.kind === 'open') print(session.onOpen(tMs, entry.url, entry.subprotocol));
    else if (entry.kind === 'close') {
      print(session.onClose(tMs, entry.closeCode, entry.reason, entry.closedBy));
    } else {
      const result = session.onFrame(tMs, entry.frame);
      print(result.lines);
      if (result.needsWelcome) {
        io.warn(
          `inspect: capture line ${lineNumber}: ${entry.frame.dir === 'in' ? 'a Snapshot' : 'an Input'} before any Welcome. A capture must hold the session's Welcome: its schema is what decodes snapshots and inputs. Record from the start of the session (--record), or add the Welcome's hex to the capture.`,
        );
        print(session.finish());
        return invalid + 1;
      }
    }
  }
  print(session.finish());
  return invalid;
}

function isSystemError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && 'code' in error && typeof error.code === 'string';
}

/** Replays a capture file; resolves with the exit code (1: unreadable or invalid lines). */
export async function runReplay(
  file: string,
  options: OutputOptions,
  io: ReplayIo,
): Promise<number> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(file);
    const invalid = await replayLines(handle.readLines({ encoding: 'utf8' }), options, io);
    return invalid === 0 ? 0 : 1;
  } catch (error) {
    // Only the file system's errors (ENOENT, EISDIR...) are the user's; anything else is a bug.
    if (!isSystemError(error)) throw error;
    io.warn(`inspect: cannot read ${file}: ${error.message}`);
    return 1;
  } finally {
    await handle?.close();
  }
}
