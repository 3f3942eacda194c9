/**
 * A close code as a human reads it, e.g. `4002 UnsupportedVersion (upgrade the client)`.
 * @param {number} code
 * @returns {string}
 */
export function describeCloseCode(code: number): string;
/**
 * Decodes and checks one server frame. Throws MalformedFrameError on anything §1.3, §4 and §5
 * do not allow.
 * @param {Uint8Array} bytes
 * @returns {ServerMessage}
 */
export function decodeServerFrame(bytes: Uint8Array): ServerMessage;
/**
 * cos of a wire angle (1/256 turn) times 2^14 (§3.2). `0 - x` rather than `-x`: never -0.
 * @param {number} a any integer
 * @returns {number}
 */
export function cosQ14(a: number): number;
/**
 * The velocity the server gives a player moving towards `moveDir` (§3.2).
 * @param {number} moveDir -1..255
 * @param {number} speed Welcome.playerSpeed
 * @returns {{ vx: number, vy: number }}
 */
export function velocityFor(
  moveDir: number,
  speed: number,
): {
  vx: number;
  vy: number;
};
/**
 * Where straight, clamped motion puts a coordinate after n ticks (§3.2, §3.3).
 * @param {number} x
 * @param {number} vx
 * @param {number} n
 * @param {number} max worldWidth*4 or worldHeight*4
 */
export function extrapolate(x: number, vx: number, n: number, max: number): number;
/**
 * @param {Entity} e
 * @returns {number} unsigned 32-bit hash; a player's name does not enter it
 */
export function entityHash(e: Entity): number;
/**
 * Sum of the entity hashes mod 2^32: independent of iteration order. 0 for an empty view.
 * @param {Iterable<Entity>} entities
 */
export function viewChecksum(entities: Iterable<Entity>): number;
/**
 * @typedef {object} MinimalBotOptions
 * @property {string} url `ws://HOST:PORT/ws`
 * @property {string} [name] 1..16 characters (§4.1); default "minimal"
 * @property {number} [protocolVersion] sent in Hello; default 1 (anything else is refused: 4002)
 * @property {number} [inputHz] Inputs per second, 1..30; default 20 (§8)
 * @property {number} [turnEveryMs] how often the bot picks a new direction; default 1500
 * @property {number} [pingEveryMs] clock-sync Ping period, 0 = none; default 2000 (§2)
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
 * @property {number} velocityChecks snapshots where the bot's own velocity was compared with velocityFor
 * @property {number} velocityMismatches
 * @property {number | null} rttMs from the newest Pong
 */
/**
 * @typedef {object} CloseInfo
 * @property {number} code the close frame's code (1006: none)
 * @property {string} reason the close frame's reason (cut to 123 bytes; prefer kick.reason)
 * @property {Kick | null} kick the Kick that came before the close, if any
 * @property {string | null} error a transport or protocol error seen by the bot, if any
 * @property {string} message everything above in one line, for a human
 */
/**
 * @typedef {object} MinimalBot
 * @property {BotStats} stats live counters
 * @property {Replica} replica the bot's views (replaced on Welcome)
 * @property {() => Welcome | null} welcome
 * @property {() => Player | null} self the bot's own player in its newest view
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
export const SUBPROTOCOL: 'tickwire.v1';
export const PROTOCOL_VERSION: 1;
/** Views kept as possible baselines: at least 32 (§5.4 "History"). */
export const HISTORY_TICKS: 32;
export function encodeHello(protocolVersion: number, name: string): Uint8Array<ArrayBuffer>;
export function encodeInput(
  seq: number,
  ackTick: number,
  moveDir: number,
  aim: number,
): Uint8Array<ArrayBuffer>;
export function encodePing(clientTimeMs: number): Uint8Array<ArrayBuffer>;
export function encodeResync(tick: number): Uint8Array<ArrayBuffer>;
/** @typedef {{ kind: 0, id: number, x: number, y: number, vx: number, vy: number, aim: number, hp: number, score: number, name: string }} Player */
/** @typedef {{ kind: 1, id: number, x: number, y: number }} Pellet */
/** @typedef {Player | Pellet} Entity */
/** @typedef {{ id: number, mask: number, x?: number, y?: number, vx?: number, vy?: number, aim?: number, hp?: number, score?: number }} Update */
/**
 * @typedef {object} Snapshot §5.1
 * @property {number} tick
 * @property {number} baselineAge 0 = full, else a delta from the view at `tick - baselineAge`
 * @property {number} inputAck seq of the newest Input applied at or before `tick`
 * @property {number[]} removed
 * @property {Entity[]} entered
 * @property {Update[]} updated
 * @property {number | null} checksum null when the server sends none
 */
/**
 * @typedef {object} Welcome §4.5
 * @property {number} protocolVersion
 * @property {number} playerId
 * @property {number} tickHz
 * @property {number} serverTick
 * @property {number} serverTimeMs
 * @property {number} worldWidth world units
 * @property {number} worldHeight world units
 * @property {number} viewWidth world units
 * @property {number} viewHeight world units
 * @property {number} playerSpeed wire position units per tick
 */
/** @typedef {{ code: number, reason: string }} Kick */
/**
 * @typedef {{ id: 64, welcome: Welcome } | { id: 65, snapshot: Snapshot }
 *   | { id: 66, clientTimeMs: number, serverTimeMs: number, serverTick: number }
 *   | { id: 67, kick: Kick }} ServerMessage
 */
export class MalformedFrameError extends Error {}
export function sinQ14(a: number): number;
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
 * may name it as its baseline (§5.4 "Copy entities").
 */
export class Replica {
  /**
   * @param {number} worldWidth world units (Welcome)
   * @param {number} worldHeight world units (Welcome)
   * @param {number} historyTicks views kept: the protocol needs 32 (§5.4); fewer only to make
   *   deltas miss their baseline on purpose, in tests
   */
  constructor(worldWidth: number, worldHeight: number, historyTicks?: number);
  /** @type {Map<number, View>} */
  views: Map<number, View>;
  /** @type {View | null} */
  latest: View | null;
  maxX: number;
  maxY: number;
  historyTicks: number;
  /** Forget every view: the next acknowledgement is 0 and only a full snapshot applies. */
  reset(): void;
  /**
   * Applies a snapshot atomically (§5.4): on any error it throws a ReplicaError and changes
   * nothing.
   * @param {Snapshot} s
   * @returns {View} the new view, now `latest`
   */
  apply(s: Snapshot): View;
}
export type MinimalBotOptions = {
  /**
   * `ws://HOST:PORT/ws`
   */
  url: string;
  /**
   * 1..16 characters (§4.1); default "minimal"
   */
  name?: string | undefined;
  /**
   * sent in Hello; default 1 (anything else is refused: 4002)
   */
  protocolVersion?: number | undefined;
  /**
   * Inputs per second, 1..30; default 20 (§8)
   */
  inputHz?: number | undefined;
  /**
   * how often the bot picks a new direction; default 1500
   */
  turnEveryMs?: number | undefined;
  /**
   * clock-sync Ping period, 0 = none; default 2000 (§2)
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
   * snapshots where the bot's own velocity was compared with velocityFor
   */
  velocityChecks: number;
  velocityMismatches: number;
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
   * a transport or protocol error seen by the bot, if any
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
   * the bot's views (replaced on Welcome)
   */
  replica: Replica;
  welcome: () => Welcome | null;
  /**
   * the bot's own player in its newest view
   */
  self: () => Player | null;
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
export type Player = {
  kind: 0;
  id: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  aim: number;
  hp: number;
  score: number;
  name: string;
};
export type Pellet = {
  kind: 1;
  id: number;
  x: number;
  y: number;
};
export type Entity = Player | Pellet;
export type Update = {
  id: number;
  mask: number;
  x?: number;
  y?: number;
  vx?: number;
  vy?: number;
  aim?: number;
  hp?: number;
  score?: number;
};
/**
 * §5.1
 */
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
/**
 * §4.5
 */
export type Welcome = {
  protocolVersion: number;
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
  /**
   * wire position units per tick
   */
  playerSpeed: number;
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
