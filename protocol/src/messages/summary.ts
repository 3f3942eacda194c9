import { CloseCode, MessageId } from '../wire/ids.js';
import { ProtocolError } from '../wire/errors.js';
import { packFrame } from '../wire/codec.js';
import { splitFrame } from '../wire/frame.js';
import { MAX_ENTITY_ID, MAX_WIRE_POSITION } from '../wire/limits.js';
import { readArray, readInt, readString, UINT32_MAX } from '../wire/read.js';
import { MAX_INT_FIELD, MAX_STRING_FIELD, MIN_INT_FIELD } from '../schema/field-types.js';

/** Most entries a Summary's leaderboard holds. */
export const MAX_LEADERS = 10;

/** One leaderboard entry: `[id, name, score, x, y]`. */
export interface Leader {
  /** Entity id (1..65535) of the ranked entity: the same id snapshots use. */
  id: number;
  /** The game's label field of the entity (the arena: the player's name); "" when it has none. */
  name: string;
  /** The game's score field: any integer a schema field holds (-2^31..2^32-1). */
  score: number;
  /** Position in wire units (a minimap's dot), whether or not the entity is in the view. */
  x: number;
  y: number;
}

/**
 * `[68, tick, playersOnline, spectators, leaders]` (version 4): the room at a glance, sent once a
 * second to clients whose Hello set the `summary` flag, and right after their first snapshot.
 */
export interface RoomSummary {
  /** The tick it describes (a send tick: the tick of a snapshot sent just before it). */
  tick: number;
  /** Players whose clients are connected (players kept for a resume are not counted). */
  playersOnline: number;
  /** Spectators connected to the room. */
  spectators: number;
  /** Up to 10, by score descending, then id ascending; [] for a game that ranks nothing. */
  leaders: readonly Leader[];
}

export function encodeSummary(m: RoomSummary): Uint8Array {
  return packFrame([
    MessageId.Summary,
    m.tick,
    m.playersOnline,
    m.spectators,
    m.leaders.map((l) => [l.id, l.name, l.score, l.x, l.y]),
  ]);
}

/**
 * The leaderboard's order, THE one rule (PROTOCOL.md 5.10): whether `score`, `id` ranks before
 * `other`: a higher score, or the same score and a lower id. The server ranks by it; a decoder
 * refuses a list it does not order strictly. Score and id apart, not a Leader: the server asks
 * this of every ranked entity before it makes a Leader of one.
 */
export function ranksBefore(
  score: number,
  id: number,
  other: Readonly<Pick<Leader, 'score' | 'id'>>,
): boolean {
  return score > other.score || (score === other.score && id < other.id);
}

function readLeader(value: unknown, i: number): Leader {
  const what = `Summary.leaders[${i}]`;
  const f = readArray(value, what, 5, 5);
  return {
    id: readInt(f[0], `${what}.id`, 1, MAX_ENTITY_ID),
    name: readString(f[1], `${what}.name`, MAX_STRING_FIELD),
    score: readInt(f[2], `${what}.score`, MIN_INT_FIELD, MAX_INT_FIELD),
    x: readInt(f[3], `${what}.x`, 0, MAX_WIRE_POSITION),
    y: readInt(f[4], `${what}.y`, 0, MAX_WIRE_POSITION),
  };
}

/**
 * Reads a Summary's fields. The order is part of the contract (score descending, then id
 * ascending, so no id twice): a client may show the list as it comes, and one out of order is a
 * broken server (4000).
 */
export function readSummary(f: unknown[]): RoomSummary {
  readArray(f, 'Summary', 5, 5);
  const list = readArray(f[4], 'Summary.leaders', 0, MAX_LEADERS);
  const leaders = list.map(readLeader);
  for (let i = 1; i < leaders.length; i++) {
    const a = leaders[i - 1] as Leader;
    const b = leaders[i] as Leader;
    if (!ranksBefore(a.score, a.id, b)) {
      throw new ProtocolError(
        CloseCode.MalformedFrame,
        `Summary.leaders[${i}]: out of order (score descending, then id ascending)`,
      );
    }
  }
  return {
    tick: readInt(f[1], 'Summary.tick', 0, UINT32_MAX),
    playersOnline: readInt(f[2], 'Summary.playersOnline', 0, UINT32_MAX),
    spectators: readInt(f[3], 'Summary.spectators', 0, UINT32_MAX),
    leaders,
  };
}

export function decodeSummary(bytes: Uint8Array): RoomSummary {
  return readSummary(splitFrame(bytes, MessageId.Summary).fields);
}
