/**
 * A close code as a human reads it, e.g. `4002 UnsupportedVersion (upgrade the client)`.
 * @param {number} code
 * @returns {string}
 */
export function describeCloseCode(code: number): string;
/**
 * `[2, seq, ackTick, ...the schema's input fields in order]`: each field the value in
 * `controls`, or its default when unset. Throws RangeError for a name the game does not have or
 * a value outside its field's range: the server would close with 4000.
 * @param {Schema} schema
 * @param {number} seq 1, 2, 3... on each connection
 * @param {number} ackTick newest applied snapshot tick, 0 before the first
 * @param {Controls} controls
 */
export function encodeInput(
  schema: Schema,
  seq: number,
  ackTick: number,
  controls: Controls,
): Uint8Array<ArrayBuffer>;
/**
 * Reads Welcome.schema. Unknown map keys are ignored (a later minor version may add some).
 * @param {unknown} value
 * @returns {Schema}
 */
export function readSchema(value: unknown): Schema;
/**
 * Decodes and checks one server frame. Snapshots are read with the schema of the session's
 * Welcome (null before it). Throws MalformedFrameError on anything the protocol does not allow.
 * @param {Uint8Array} bytes
 * @param {Schema | null} schema
 * @returns {ServerMessage}
 */
export function decodeServerFrame(bytes: Uint8Array, schema: Schema | null): ServerMessage;
/**
 * The id, the kind id, every numeric field in record order (strings are not hashed) and, for a
 * kind with a lifetime, the tick it expires at; then murmur3's finalizer.
 * @param {Kind} kind
 * @param {Entity} e
 * @param {number} expiresTick the view's tick + e.ticksLeft (only used for a kind with a lifetime)
 * @returns {number} unsigned 32-bit hash
 */
export function entityHash(kind: Kind, e: Entity, expiresTick: number): number;
/**
 * Sum of the entity hashes mod 2^32: independent of iteration order. 0 for an empty view.
 * @param {Schema} schema
 * @param {View} view
 */
export function viewChecksum(schema: Schema, view: View): number;
/**
 * What `decide` is given before each Input.
 * @typedef {object} DecideContext
 * @property {Welcome} welcome the session's Welcome (its schema names the input fields)
 * @property {View | null} view the newest applied view
 * @property {Entity | null} self the bot's own entity in that view
 * @property {number} nowMs performance.now()
 */
/**
 * @typedef {object} MinimalBotOptions
 * @property {string} url `ws://HOST:PORT/ws`
 * @property {string} [name] 1..16 characters; default "minimal"
 * @property {number} [protocolVersion] sent in version 2's 4-element Hello; default 2. The server
 *   refuses any other: 4002, or 4000 for 3 (whose Hello has 5 elements)
 * @property {number} [inputHz] Inputs per second, 1..30; default 20
 * @property {(context: DecideContext) => Controls} [decide] the input fields to send, by name;
 *   the ones left out are sent at their schema default. Default: every field at its default.
 * @property {number} [pingEveryMs] clock-sync Ping period, 0 = none; default 2000
 * @property {number} [historyTicks] views kept as baselines; default (and minimum for a correct
 *   client) 32. Tests set fewer to force MissingBaseline and Resync.
 * @property {(line: string) => void} [log] events: welcome, kick, close, resync, errors
 * @property {(view: View, snapshot: Snapshot) => void} [onView] after every applied snapshot
 */
/**
 * @typedef {object} BotStats
 * @property {number} snapshots snapshots applied
 * @property {number} fullSnapshots
 * @property {number} deltaSnapshots
 * @property {number} checksumsVerified applied snapshots whose checksum matched
 * @property {number} checksumMismatches
 * @property {number} missingBaselines
 * @property {number} invalidDeltas
 * @property {number} resyncsSent
 * @property {number} inputsSent
 * @property {number} inputAck the newest Snapshot.inputAck
 * @property {number} expired entities of the previous view that left at their expiry tick
 * @property {number | null} rttMs from the newest Pong
 */
/**
 * @typedef {object} CloseInfo
 * @property {number} code the close frame's code (1006: none)
 * @property {string} reason the close frame's reason (cut to 123 bytes; prefer kick.reason)
 * @property {Kick | null} kick the Kick that came before the close, if any
 * @property {string | null} error a transport, protocol or decide error seen by the bot, if any
 * @property {string} message everything above in one line, for a human
 */
/**
 * @typedef {object} MinimalBot
 * @property {BotStats} stats live counters
 * @property {Replica | null} replica the bot's views (made on Welcome)
 * @property {() => Welcome | null} welcome
 * @property {() => Entity | null} self the bot's own entity in its newest view
 * @property {Promise<Welcome>} welcomed rejects with the close message if the session ends first
 * @property {Promise<CloseInfo>} closed resolves once the connection is closed, for any reason
 * @property {() => string} statusLine one line of status, for a human
 * @property {() => Promise<CloseInfo>} close leave (close code 1000) and wait for the close
 */
/**
 * Connects, joins and plays until closed. Never throws for network or server trouble: it reports
 * it through `welcomed`, `closed` and `log`.
 * @param {MinimalBotOptions} options
 * @returns {MinimalBot}
 */
export function runMinimalBot(options: MinimalBotOptions): MinimalBot;
/** Version 2's subprotocol: a version-3 client would offer `tickwire.v3`. */
export const SUBPROTOCOL: 'tickwire.v2';
/** Version 2: its Hello has 4 elements (version 3's has 5, the last one the seat). */
export const PROTOCOL_VERSION: 2;
/** Views kept as possible baselines: at least 32 ("Applying a snapshot", "History"). */
export const HISTORY_TICKS: 32;
export function encodeHello(protocolVersion: number, name: string): Uint8Array<ArrayBuffer>;
export function encodePing(clientTimeMs: number): Uint8Array<ArrayBuffer>;
export function encodeResync(tick: number): Uint8Array<ArrayBuffer>;
/** @typedef {'int' | 'quarter' | 'angle8' | 'flags' | 'string'} FieldType */
/**
 * @typedef {object} Field a field of a kind's records, in record order
 * @property {string} name
 * @property {FieldType} type
 * @property {number} min inclusive; 0 for a string
 * @property {number} max inclusive; a string's longest length (UTF-16 code units)
 * @property {boolean} isString strings are never hashed
 * @property {string | null} group its update group; null for a field constant after spawn
 */
/**
 * @typedef {object} Kind
 * @property {number} id its index in schema.kinds: the kind id on the wire
 * @property {string} name
 * @property {'static' | 'linear' | 'position'} motion linear kinds are extrapolated
 * @property {number} lifetimeTicks the entity leaves on its own this long after spawning; 0: never
 * @property {Field[]} fields record order: x, y (and vx, vy for linear), then the game's own
 * @property {number} groupMask the bits of the update groups its fields are in
 */
/**
 * @typedef {object} Group an update group: one bit of an update's mask
 * @property {string} name
 * @property {number} bit
 * @property {Field[]} fields in the group's order (same types in every kind that has the group)
 */
/**
 * @typedef {object} InputField a field of Input, after seq and ackTick
 * @property {string} name
 * @property {FieldType} type
 * @property {number} min
 * @property {number} max
 * @property {number} default sent while the client has not set it
 */
/**
 * @typedef {object} Schema
 * @property {string} game
 * @property {Kind[]} kinds by kind id
 * @property {Map<string, Kind>} kindByName
 * @property {Group[]} groups by bit
 * @property {InputField[]} input in wire order
 * @property {Record<string, number>} constants the game's shared numbers (speeds, sizes)
 * @property {number} fingerprint FNV-1a 32 of the schema's msgpack bytes (as in the Welcome)
 */
/** @typedef {Record<string, number>} Controls input field values by name */
export class MalformedFrameError extends Error {}
/** @typedef {{ tick: number, entities: Map<number, Entity> }} View */
/** @typedef {'MissingBaseline' | 'InvalidDelta' | 'ChecksumMismatch'} ReplicaErrorCode */
export class ReplicaError extends Error {
  /**
   * @param {ReplicaErrorCode} code
   * @param {string} message
   */
  constructor(code: ReplicaErrorCode, message: string);
  code: ReplicaErrorCode;
}
/**
 * The views this client applied, by tick. A committed view is never changed again: a later delta
 * may name it as its baseline.
 */
export class Replica {
  /**
   * @param {Schema} schema from the Welcome
   * @param {number} worldWidth world units (Welcome)
   * @param {number} worldHeight world units (Welcome)
   * @param {number} historyTicks views kept: the protocol needs 32; fewer only to make deltas
   *   miss their baseline on purpose, in tests
   */
  constructor(schema: Schema, worldWidth: number, worldHeight: number, historyTicks?: number);
  /** @type {Map<number, View>} */
  views: Map<number, View>;
  /** @type {View | null} */
  latest: View | null;
  schema: Schema;
  maxX: number;
  maxY: number;
  historyTicks: number;
  /** Forget every view: the next acknowledgement is 0 and only a full snapshot applies. */
  reset(): void;
  /**
   * Applies a snapshot atomically: on any error it throws a ReplicaError and changes nothing.
   * @param {Snapshot} s
   * @returns {View} the new view, now `latest`
   */
  apply(s: Snapshot): View;
}
/**
 * What `decide` is given before each Input.
 */
export type DecideContext = {
  /**
   * the session's Welcome (its schema names the input fields)
   */
  welcome: Welcome;
  /**
   * the newest applied view
   */
  view: View | null;
  /**
   * the bot's own entity in that view
   */
  self: Entity | null;
  /**
   * performance.now()
   */
  nowMs: number;
};
export type MinimalBotOptions = {
  /**
   * `ws://HOST:PORT/ws`
   */
  url: string;
  /**
   * 1..16 characters; default "minimal"
   */
  name?: string | undefined;
  /**
   * sent in version 2's 4-element Hello; default 2. The server
   * refuses any other: 4002, or 4000 for 3 (whose Hello has 5 elements)
   */
  protocolVersion?: number | undefined;
  /**
   * Inputs per second, 1..30; default 20
   */
  inputHz?: number | undefined;
  /**
   * the input fields to send, by name;
   * the ones left out are sent at their schema default. Default: every field at its default.
   */
  decide?: ((context: DecideContext) => Controls) | undefined;
  /**
   * clock-sync Ping period, 0 = none; default 2000
   */
  pingEveryMs?: number | undefined;
  /**
   * views kept as baselines; default (and minimum for a correct
   * client) 32. Tests set fewer to force MissingBaseline and Resync.
   */
  historyTicks?: number | undefined;
  /**
   * events: welcome, kick, close, resync, errors
   */
  log?: ((line: string) => void) | undefined;
  /**
   * after every applied snapshot
   */
  onView?: ((view: View, snapshot: Snapshot) => void) | undefined;
};
export type BotStats = {
  /**
   * snapshots applied
   */
  snapshots: number;
  fullSnapshots: number;
  deltaSnapshots: number;
  /**
   * applied snapshots whose checksum matched
   */
  checksumsVerified: number;
  checksumMismatches: number;
  missingBaselines: number;
  invalidDeltas: number;
  resyncsSent: number;
  inputsSent: number;
  /**
   * the newest Snapshot.inputAck
   */
  inputAck: number;
  /**
   * entities of the previous view that left at their expiry tick
   */
  expired: number;
  /**
   * from the newest Pong
   */
  rttMs: number | null;
};
export type CloseInfo = {
  /**
   * the close frame's code (1006: none)
   */
  code: number;
  /**
   * the close frame's reason (cut to 123 bytes; prefer kick.reason)
   */
  reason: string;
  /**
   * the Kick that came before the close, if any
   */
  kick: Kick | null;
  /**
   * a transport, protocol or decide error seen by the bot, if any
   */
  error: string | null;
  /**
   * everything above in one line, for a human
   */
  message: string;
};
export type MinimalBot = {
  /**
   * live counters
   */
  stats: BotStats;
  /**
   * the bot's views (made on Welcome)
   */
  replica: Replica | null;
  welcome: () => Welcome | null;
  /**
   * the bot's own entity in its newest view
   */
  self: () => Entity | null;
  /**
   * rejects with the close message if the session ends first
   */
  welcomed: Promise<Welcome>;
  /**
   * resolves once the connection is closed, for any reason
   */
  closed: Promise<CloseInfo>;
  /**
   * one line of status, for a human
   */
  statusLine: () => string;
  /**
   * leave (close code 1000) and wait for the close
   */
  close: () => Promise<CloseInfo>;
};
export type FieldType = 'int' | 'quarter' | 'angle8' | 'flags' | 'string';
/**
 * a field of a kind's records, in record order
 */
export type Field = {
  name: string;
  type: FieldType;
  /**
   * inclusive; 0 for a string
   */
  min: number;
  /**
   * inclusive; a string's longest length (UTF-16 code units)
   */
  max: number;
  /**
   * strings are never hashed
   */
  isString: boolean;
  /**
   * its update group; null for a field constant after spawn
   */
  group: string | null;
};
export type Kind = {
  /**
   * its index in schema.kinds: the kind id on the wire
   */
  id: number;
  name: string;
  /**
   * linear kinds are extrapolated
   */
  motion: 'static' | 'linear' | 'position';
  /**
   * the entity leaves on its own this long after spawning; 0: never
   */
  lifetimeTicks: number;
  /**
   * record order: x, y (and vx, vy for linear), then the game's own
   */
  fields: Field[];
  /**
   * the bits of the update groups its fields are in
   */
  groupMask: number;
};
/**
 * an update group: one bit of an update's mask
 */
export type Group = {
  name: string;
  bit: number;
  /**
   * in the group's order (same types in every kind that has the group)
   */
  fields: Field[];
};
/**
 * a field of Input, after seq and ackTick
 */
export type InputField = {
  name: string;
  type: FieldType;
  min: number;
  max: number;
  /**
   * sent while the client has not set it
   */
  default: number;
};
export type Schema = {
  game: string;
  /**
   * by kind id
   */
  kinds: Kind[];
  kindByName: Map<string, Kind>;
  /**
   * by bit
   */
  groups: Group[];
  /**
   * in wire order
   */
  input: InputField[];
  /**
   * the game's shared numbers (speeds, sizes)
   */
  constants: Record<string, number>;
  /**
   * FNV-1a 32 of the schema's msgpack bytes (as in the Welcome)
   */
  fingerprint: number;
};
/**
 * input field values by name
 */
export type Controls = Record<string, number>;
/**
 * An entity as its record says, the kind by name and the fields by name; `ticksLeft` (for a kind
 * with a lifetime) counts from the tick of the view holding it.
 */
export type Entity = {
  id: number;
  kind: string;
} & Record<string, number | string>;
/**
 * `[id, mask, ...values]`: the values of each group whose bit is set in `mask`, lowest bit first.
 */
export type Update = {
  id: number;
  mask: number;
  values: (number | string)[];
};
export type Snapshot = {
  tick: number;
  /**
   * 0 = full, else a delta from the view at `tick - baselineAge`
   */
  baselineAge: number;
  /**
   * seq of the newest Input applied at or before `tick`
   */
  inputAck: number;
  removed: number[];
  entered: Entity[];
  updated: Update[];
  /**
   * null when the server sends none
   */
  checksum: number | null;
};
export type Welcome = {
  protocolVersion: number;
  /**
   * the id of the entity this client controls
   */
  playerId: number;
  tickHz: number;
  serverTick: number;
  serverTimeMs: number;
  /**
   * world units
   */
  worldWidth: number;
  /**
   * world units
   */
  worldHeight: number;
  /**
   * world units
   */
  viewWidth: number;
  /**
   * world units
   */
  viewHeight: number;
  resumeToken: string;
  schema: Schema;
};
export type Kick = {
  code: number;
  reason: string;
};
export type ServerMessage =
  | {
      id: 64;
      welcome: Welcome;
    }
  | {
      id: 65;
      snapshot: Snapshot;
    }
  | {
      id: 66;
      clientTimeMs: number;
      serverTimeMs: number;
      serverTick: number;
    }
  | {
      id: 67;
      kick: Kick;
    };
export type View = {
  tick: number;
  entities: Map<number, Entity>;
};
export type ReplicaErrorCode = 'MissingBaseline' | 'InvalidDelta' | 'ChecksumMismatch';
