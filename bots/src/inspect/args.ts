// Command line of the inspector: pure parsing, so every rule has a unit test.
import { parseArgs } from 'node:util';
import {
  MAX_ENTITY_ID,
  MAX_NAME_LENGTH,
  MAX_WIRE_POSITION,
  type WatchTarget,
} from '@tickwire/protocol';

export interface OutputOptions {
  /** --hex: the raw bytes on every frame line. */
  hex: boolean;
  /** --quiet-snapshots: a summary line per second instead of a line per snapshot. */
  quietSnapshots: boolean;
}

export type InspectCommand =
  | { mode: 'help' }
  | ({
      mode: 'connect';
      url: string;
      name: string;
      /** Stop this long after the connection opens; null: until Ctrl-C or the server closes. */
      seconds: number | null;
      /** --record: the capture file to write. */
      record: string | null;
      /**
       * --spectate: join as a spectator (protocol version 4, with room summaries) instead of a
       * player; null: a passive player. The camera follows an entity (--follow), looks at a point
       * (--at, wire units), or stays at the world's centre (neither).
       */
      spectate: SpectateCamera | null;
    } & OutputOptions)
  | ({ mode: 'file'; file: string } & OutputOptions);

/** A spectator's camera: an entity id to follow, a point in wire units, or the server's default. */
export type SpectateCamera = WatchTarget | { centre: true };

/** A bad command line: the CLI prints it with the usage and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A problem with what the command line names (the URL): the CLI exits with 1. */
export class InspectError extends Error {
  override readonly name = 'InspectError';
}

export const DEFAULT_NAME = 'inspector';

export const USAGE = `Prints every tickwire frame, decoded, as one JSON line.

usage: npm run inspect -- ws://HOST:PORT/ws [--name NAME] [--seconds N] [--record FILE.twcap]
                          [--spectate [--follow ID | --at X,Y]]
       npm run inspect -- --file FILE.twcap

  URL                  connect as a passive player: Hello, acknowledge snapshots every 100 ms
  --spectate           join as a spectator instead (protocol version 4): no player, nobody sees
                       the inspector; prints the room's Summary (players online, spectators,
                       top 10) once a second besides every frame
  --follow ID          with --spectate: keep entity ID in the middle of the view
  --at X,Y             with --spectate: look at X,Y in wire units (as snapshots print positions);
                       without --follow or --at the camera is the world's centre
  --name NAME          player name sent in Hello (default "${DEFAULT_NAME}", at most ${MAX_NAME_LENGTH} characters)
  --seconds N          close the connection N seconds after it opens (default: run until Ctrl-C)
  --record FILE        also write every frame to a capture file (one JSON line per frame)
  --file FILE          replay a capture through the same decoder and replica instead of connecting
  --quiet-snapshots    one summary line per second instead of one line per snapshot
  --hex                include the raw hex of every frame
  --help               this text

Exit codes: 0 done (closed by --seconds or Ctrl-C, or capture replayed), 1 the server could not be
reached, closed the session, or the capture is unreadable, 2 bad command line.`;

const OPTIONS = {
  name: { type: 'string' },
  seconds: { type: 'string' },
  record: { type: 'string' },
  file: { type: 'string' },
  spectate: { type: 'boolean' },
  follow: { type: 'string' },
  at: { type: 'string' },
  hex: { type: 'boolean' },
  'quiet-snapshots': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function hasControlCharacter(text: string): boolean {
  return [...text].some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

function checkName(name: string): string {
  if (name.trim().length === 0) throw new UsageError('--name must not be empty');
  if (name.length > MAX_NAME_LENGTH) {
    throw new UsageError(`--name is longer than ${MAX_NAME_LENGTH} characters`);
  }
  if (hasControlCharacter(name)) throw new UsageError('--name must not hold control characters');
  return name;
}

function wireInt(text: string, what: string, max: number): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value > max) {
    throw new UsageError(`${what} wants an integer 0..${max}, got "${text}"`);
  }
  return value;
}

function checkCamera(
  spectate: boolean,
  follow: string | undefined,
  at: string | undefined,
): SpectateCamera | null {
  if (!spectate) {
    if (follow !== undefined || at !== undefined) {
      throw new UsageError('--follow and --at apply only with --spectate');
    }
    return null;
  }
  if (follow !== undefined && at !== undefined) {
    throw new UsageError('give --follow or --at, not both');
  }
  if (follow !== undefined) {
    const followId = wireInt(follow, '--follow', MAX_ENTITY_ID);
    if (followId === 0) throw new UsageError('--follow wants an entity id (1 or more); 0 is none');
    return { followId };
  }
  if (at !== undefined) {
    const parts = at.split(',');
    if (parts.length !== 2) throw new UsageError(`--at wants X,Y, got "${at}"`);
    return {
      x: wireInt(parts[0] as string, '--at X', MAX_WIRE_POSITION),
      y: wireInt(parts[1] as string, '--at Y', MAX_WIRE_POSITION),
    };
  }
  return { centre: true };
}

function checkSeconds(text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--seconds wants a positive number, got "${text}"`);
  }
  return seconds;
}

/** Parses the arguments after the script name. Throws UsageError. */
export function parseInspectArgs(argv: readonly string[]): InspectCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { mode: 'help' };
  const output = { hex: values.hex ?? false, quietSnapshots: values['quiet-snapshots'] ?? false };
  if (positionals.length > 1) {
    throw new UsageError(`one server URL expected, got ${positionals.length} arguments`);
  }
  const url = positionals[0];
  if (values.file !== undefined) {
    if (url !== undefined) throw new UsageError('give a server URL or --file, not both');
    for (const flag of ['name', 'seconds', 'record', 'spectate', 'follow', 'at'] as const) {
      if (values[flag] !== undefined) {
        throw new UsageError(`--${flag} applies only when connecting to a server`);
      }
    }
    if (values.file === '') throw new UsageError('--file wants a capture file path');
    return { mode: 'file', file: values.file, ...output };
  }
  if (url === undefined) throw new UsageError('give a server URL (ws://HOST:PORT/ws) or --file');
  if (values.record === '') throw new UsageError('--record wants a file path');
  return {
    mode: 'connect',
    url,
    name: checkName(values.name ?? DEFAULT_NAME),
    seconds: values.seconds === undefined ? null : checkSeconds(values.seconds),
    record: values.record ?? null,
    spectate: checkCamera(values.spectate ?? false, values.follow, values.at),
    ...output,
  };
}

/** Checks a server URL before connecting. Throws InspectError with a hint. */
export function checkServerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InspectError(`"${text}" is not a URL; expected ws://HOST:PORT/ws`);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const ws = url.protocol === 'https:' ? 'wss' : 'ws';
    throw new InspectError(`"${text}" is an HTTP URL; the game socket is ${ws}://${url.host}/ws`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new InspectError(`"${text}" is not a ws:// or wss:// URL`);
  }
  return url;
}
