// A tickwire client written from PROTOCOL.md alone: no code from this repository, only `ws` (the
// WebSocket) and `@msgpack/msgpack` (a generic msgpack library, not the msgpackr the server uses).
// "§5.4" below means section 5.4 of PROTOCOL.md.
//
// One file on purpose, although it holds more than one idea: it is meant to be read top to
// bottom and ported to another language, in the order of the spec:
//   1. constants and close codes   (§1.2, §1.4, §9)
//   2. writing client frames       (§4.1-§4.4)
//   3. reading server frames       (§1.2, §1.3, §4.5-§4.8, §5.1-§5.3)
//   4. movement integers           (§3.1, §3.2)
//   5. the view checksum           (§7)
//   6. the replica                 (§5.4, §6.1)
//   7. the session                 (§2, §6.3, §8, §9, §11)

import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { decode, encode } from '@msgpack/msgpack';

// ---- 1. Constants (§1.2, §1.4, §9) -------------------------------------------------------------

export const SUBPROTOCOL = 'tickwire.v1';
export const PROTOCOL_VERSION = 1;

/** Message ids (§1.2): client ids 1..63, server ids 64..127. */
const HELLO = 1;
const INPUT = 2;
const PING = 3;
const RESYNC = 4;
const WELCOME = 64;
const SNAPSHOT = 65;
const PONG = 66;
const KICK = 67;

const UINT32_MAX = 0xffff_ffff;
const PLAYER = 0;
const PELLET = 1;
/** `Input.moveDir` meaning "stand still" (§3, §4.2). */
const NO_DIRECTION = -1;
/** Views kept as possible baselines: at least 32 (§5.4 "History"). */
export const HISTORY_TICKS = 32;
/** Server frames are unbounded by the protocol; allow at least 1 MiB (§1.1). */
const MAX_SERVER_FRAME_BYTES = 16 * 1024 * 1024;
/** The server's limit is 60 messages/s on average (§8); inputs above tickHz are wasted anyway. */
const MAX_INPUT_HZ = 30;

/** §9: close code -> [name, what the client should do]. */
const CLOSE_CODES = new Map([
  [1000, ['normal closure', 'nothing to do']],
  [1001, ['going away', 'reconnect with backoff']],
  [1006, ['abnormal closure, no close frame', 'check the network or frame size; reconnect later']],
  [4000, ['MalformedFrame', 'a client bug: fix it, do not retry blindly']],
  [4001, ['UnknownMessage', 'a client bug or a version mismatch']],
  [4002, ['UnsupportedVersion', 'upgrade the client']],
  [4003, ['HandshakeViolation', 'a client bug']],
  [4004, ['HandshakeTimeout', 'send Hello right after the connection opens']],
  [4005, ['RateLimited', 'slow down; wait a few seconds before reconnecting']],
  [4006, ['SlowConsumer', 'read faster; reconnect']],
  [4007, ['RoomFull', 'retry later with backoff']],
  [4008, ['ServerShutdown', 'reconnect later, with backoff']],
  [4009, ['SubprotocolRequired', 'offer the subprotocol tickwire.v1']],
  [4010, ['FrameTooLarge', 'a client bug: keep messages small']],
  [4011, ['SessionReplaced', 'another connection took this player: do not reconnect']],
]);

/**
 * A close code as a human reads it, e.g. `4002 UnsupportedVersion (upgrade the client)`.
 * @param {number} code
 * @returns {string}
 */
export function describeCloseCode(code) {
  const known = CLOSE_CODES.get(code);
  return known ? `${code} ${known[0]} (${known[1]})` : `${code} (not a tickwire close code)`;
}

// ---- 2. Writing client frames (§4.1-§4.4) ------------------------------------------------------
//
// @msgpack/msgpack writes every integer in its smallest form and `null` as nil, which is all
// §1.3 asks; -1 (stand still) becomes a negative fixint `ff`.

/**
 * `[1, protocolVersion, name, resumeToken]` (§4.1). The bot never resumes: token nil.
 * @param {number} protocolVersion
 * @param {string} name
 */
export const encodeHello = (protocolVersion, name) => encode([HELLO, protocolVersion, name, null]);

/**
 * `[2, seq, ackTick, moveDir, aim, buttons]` (§4.2); buttons MUST be 0 in version 1.
 * @param {number} seq 1, 2, 3... on each connection
 * @param {number} ackTick newest applied snapshot tick, 0 before the first (§6.1)
 * @param {number} moveDir -1..255
 * @param {number} aim 0..255
 */
export const encodeInput = (seq, ackTick, moveDir, aim) =>
  encode([INPUT, seq, ackTick, moveDir, aim, 0]);

/** `[3, clientTimeMs]` (§4.3). @param {number} clientTimeMs */
export const encodePing = (clientTimeMs) => encode([PING, clientTimeMs]);

/** `[4, tick]` (§4.4): "I could not apply snapshot `tick`". @param {number} tick */
export const encodeResync = (tick) => encode([RESYNC, tick]);

// ---- 3. Reading server frames (§1.2, §1.3, §4, §5.1-§5.3) --------------------------------------
//
// Every frame is one msgpack array, positional, whose first element is the message id. A reader
// checks every type and range: a value out of range means a broken server (§1.3), and the bot
// then closes the connection.

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

export class MalformedFrameError extends Error {
  /** @override */
  name = 'MalformedFrameError';
}

/**
 * @param {unknown} v
 * @param {string} what
 * @param {number} min
 * @param {number} max
 * @returns {number}
 */
function int(v, what, min, max) {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new MalformedFrameError(`${what}: expected an integer`);
  }
  if (v < min || v > max) throw new MalformedFrameError(`${what}: ${v} is outside ${min}..${max}`);
  return v;
}

/** The clock fields may be an integer or a float (§1.3). */
const clockMs = (/** @type {unknown} */ v, /** @type {string} */ what) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) {
    throw new MalformedFrameError(`${what}: expected a finite number in 0..2^53-1`);
  }
  return v;
};

/**
 * @param {unknown} v
 * @param {string} what
 * @param {number} maxLength in UTF-16 code units (§1.3)
 * @returns {string}
 */
function str(v, what, maxLength) {
  if (typeof v !== 'string') throw new MalformedFrameError(`${what}: expected a string`);
  if (v.length > maxLength) throw new MalformedFrameError(`${what}: longer than ${maxLength}`);
  return v;
}

/**
 * @param {unknown} v
 * @param {string} what
 * @param {number} min
 * @param {number} max
 * @returns {unknown[]}
 */
function array(v, what, min, max) {
  if (!Array.isArray(v)) throw new MalformedFrameError(`${what}: expected an array`);
  if (v.length < min || v.length > max) {
    throw new MalformedFrameError(`${what}: ${v.length} elements, expected ${min}..${max}`);
  }
  return v;
}

const entityId = (/** @type {unknown} */ v, /** @type {string} */ what) => int(v, what, 0, 0xffff);
const position = (/** @type {unknown} */ v, /** @type {string} */ what) =>
  int(v, what, 0, 0xff_ffff);
const velocity = (/** @type {unknown} */ v, /** @type {string} */ what) =>
  int(v, what, -32767, 32767);
const angle = (/** @type {unknown} */ v, /** @type {string} */ what) => int(v, what, 0, 255);

/**
 * An entity record of `entered` (§5.2): `[id, 0, x, y, vx, vy, aim, hp, score, name]` or
 * `[id, 1, x, y]`.
 * @param {unknown} v
 * @param {string} what
 * @returns {Entity}
 */
function readEntity(v, what) {
  const f = array(v, what, 4, 10);
  if (f[1] === PLAYER && f.length === 10) {
    return {
      kind: PLAYER,
      id: entityId(f[0], `${what}.id`),
      x: position(f[2], `${what}.x`),
      y: position(f[3], `${what}.y`),
      vx: velocity(f[4], `${what}.vx`),
      vy: velocity(f[5], `${what}.vy`),
      aim: angle(f[6], `${what}.aim`),
      hp: int(f[7], `${what}.hp`, 0, 0xffff),
      score: int(f[8], `${what}.score`, 0, UINT32_MAX),
      name: str(f[9], `${what}.name`, 16),
    };
  }
  if (f[1] === PELLET && f.length === 4) {
    return {
      kind: PELLET,
      id: entityId(f[0], `${what}.id`),
      x: position(f[2], `${what}.x`),
      y: position(f[3], `${what}.y`),
    };
  }
  throw new MalformedFrameError(`${what}: kind ${String(f[1])} with ${f.length} fields`);
}

/**
 * An update record of `updated` (§5.3): `[id, mask, ...fields present in mask, in bit order]`.
 * @param {unknown} v
 * @param {string} what
 * @returns {Update}
 */
function readUpdate(v, what) {
  const f = array(v, what, 3, 9);
  const mask = int(f[1], `${what}.mask`, 1, 15);
  const length =
    2 + (mask & 1 ? 4 : 0) + (mask & 2 ? 1 : 0) + (mask & 4 ? 1 : 0) + (mask & 8 ? 1 : 0);
  array(f, what, length, length);
  /** @type {Update} */
  const u = { id: entityId(f[0], `${what}.id`), mask };
  let i = 2;
  if (mask & 1) {
    u.x = position(f[i++], `${what}.x`);
    u.y = position(f[i++], `${what}.y`);
    u.vx = velocity(f[i++], `${what}.vx`);
    u.vy = velocity(f[i++], `${what}.vy`);
  }
  if (mask & 2) u.aim = angle(f[i++], `${what}.aim`);
  if (mask & 4) u.hp = int(f[i++], `${what}.hp`, 0, 0xffff);
  if (mask & 8) u.score = int(f[i], `${what}.score`, 0, UINT32_MAX);
  return u;
}

/**
 * @template T
 * @param {unknown} v
 * @param {string} what
 * @param {(item: unknown, what: string) => T} read
 * @returns {T[]}
 */
function list(v, what, read) {
  return array(v, what, 0, 0xffff).map((item, i) => read(item, `${what}[${i}]`));
}

/**
 * Decodes and checks one server frame. Throws MalformedFrameError on anything §1.3, §4 and §5
 * do not allow.
 * @param {Uint8Array} bytes
 * @returns {ServerMessage}
 */
export function decodeServerFrame(bytes) {
  /** @type {unknown} */
  let value;
  try {
    // Throws on invalid msgpack and on trailing bytes after the value (§1.2).
    value = decode(bytes);
  } catch (error) {
    throw new MalformedFrameError(`invalid msgpack: ${String(error)}`);
  }
  const m = array(value, 'frame', 1, 16);
  const id = int(m[0], 'message id', 0, 127);
  switch (id) {
    case WELCOME: {
      // [64, protocolVersion, playerId, tickHz, serverTick, serverTimeMs, worldWidth,
      //  worldHeight, viewWidth, viewHeight, playerSpeed, resumeToken]   (§4.5)
      array(m, 'Welcome', 12, 12);
      str(m[11], 'Welcome.resumeToken', 64);
      return {
        id,
        welcome: {
          protocolVersion: int(m[1], 'Welcome.protocolVersion', 0, 0xffff),
          playerId: int(m[2], 'Welcome.playerId', 0, 0xffff),
          tickHz: int(m[3], 'Welcome.tickHz', 1, 1000),
          serverTick: int(m[4], 'Welcome.serverTick', 0, UINT32_MAX),
          serverTimeMs: clockMs(m[5], 'Welcome.serverTimeMs'),
          worldWidth: int(m[6], 'Welcome.worldWidth', 1, 1_000_000),
          worldHeight: int(m[7], 'Welcome.worldHeight', 1, 1_000_000),
          viewWidth: int(m[8], 'Welcome.viewWidth', 1, 1_000_000),
          viewHeight: int(m[9], 'Welcome.viewHeight', 1, 1_000_000),
          playerSpeed: int(m[10], 'Welcome.playerSpeed', 0, 32767),
        },
      };
    }
    case SNAPSHOT: {
      // [65, tick, baselineAge, inputAck, removed, entered, updated, checksum?]   (§5.1)
      array(m, 'Snapshot', 7, 8);
      const tick = int(m[1], 'Snapshot.tick', 1, UINT32_MAX);
      return {
        id,
        snapshot: {
          tick,
          baselineAge: int(m[2], 'Snapshot.baselineAge', 0, Math.min(255, tick - 1)),
          inputAck: int(m[3], 'Snapshot.inputAck', 0, UINT32_MAX),
          removed: list(m[4], 'Snapshot.removed', entityId),
          entered: list(m[5], 'Snapshot.entered', readEntity),
          updated: list(m[6], 'Snapshot.updated', readUpdate),
          // Absent (not nil) when the server runs without --checksums (§1.3).
          checksum: m.length === 8 ? int(m[7], 'Snapshot.checksum', 0, UINT32_MAX) : null,
        },
      };
    }
    case PONG:
      // [66, clientTimeMs, serverTimeMs, serverTick]   (§4.7)
      array(m, 'Pong', 4, 4);
      return {
        id,
        clientTimeMs: clockMs(m[1], 'Pong.clientTimeMs'),
        serverTimeMs: clockMs(m[2], 'Pong.serverTimeMs'),
        serverTick: int(m[3], 'Pong.serverTick', 0, UINT32_MAX),
      };
    case KICK:
      // [67, closeCode, reason]   (§4.8)
      array(m, 'Kick', 3, 3);
      return {
        id,
        kick: {
          code: int(m[1], 'Kick.closeCode', 1000, 4999),
          reason: str(m[2], 'Kick.reason', 200),
        },
      };
    default:
      throw new MalformedFrameError(`unknown server message id ${id}`);
  }
}

// ---- 4. Movement integers (§3.1, §3.2) ---------------------------------------------------------

/** §3.1: round(cos(i * 2pi / 256) * 16384) for i = 0..64. Use these numbers, not Math.cos. */
const COS_Q14 = [
  16384, 16379, 16364, 16340, 16305, 16261, 16207, 16143, 16069, 15986, 15893, 15791, 15679, 15557,
  15426, 15286, 15137, 14978, 14811, 14635, 14449, 14256, 14053, 13842, 13623, 13395, 13160, 12916,
  12665, 12406, 12140, 11866, 11585, 11297, 11003, 10702, 10394, 10080, 9760, 9434, 9102, 8765,
  8423, 8076, 7723, 7366, 7005, 6639, 6270, 5897, 5520, 5139, 4756, 4370, 3981, 3590, 3196, 2801,
  2404, 2006, 1606, 1205, 804, 402, 0,
];

/** @param {number} i 0..64 */
const table = (i) => /** @type {number} */ (COS_Q14[i]);

/**
 * cos of a wire angle (1/256 turn) times 2^14 (§3.2). `0 - x` rather than `-x`: never -0.
 * @param {number} a any integer
 * @returns {number}
 */
export function cosQ14(a) {
  a = ((a % 256) + 256) % 256;
  const q = Math.floor(a / 64);
  const i = a % 64;
  if (q === 0) return table(i);
  if (q === 1) return 0 - table(64 - i);
  if (q === 2) return 0 - table(i);
  return table(64 - i);
}

/** @param {number} a */
export const sinQ14 = (a) => cosQ14(a - 64);

/**
 * Integer quotient rounded toward zero. Exact here: the divisor is 2^14, so `n / d` is exact in
 * a float64, and `+ 0` turns Math.trunc's -0 into 0.
 * @param {number} n
 * @param {number} d
 */
const truncDiv = (n, d) => Math.trunc(n / d) + 0;

/**
 * The velocity the server gives a player moving towards `moveDir` (§3.2).
 * @param {number} moveDir -1..255
 * @param {number} speed Welcome.playerSpeed
 * @returns {{ vx: number, vy: number }}
 */
export function velocityFor(moveDir, speed) {
  if (moveDir === NO_DIRECTION) return { vx: 0, vy: 0 };
  return {
    vx: truncDiv(speed * cosQ14(moveDir), 16384),
    vy: truncDiv(speed * sinQ14(moveDir), 16384),
  };
}

/**
 * Where straight, clamped motion puts a coordinate after n ticks (§3.2, §3.3).
 * @param {number} x
 * @param {number} vx
 * @param {number} n
 * @param {number} max worldWidth*4 or worldHeight*4
 */
export function extrapolate(x, vx, n, max) {
  const v = x + vx * n;
  return v < 0 ? 0 : v > max ? max : v;
}

// ---- 5. The view checksum (§7) -----------------------------------------------------------------
//
// All arithmetic on unsigned 32 bits: Math.imul is the low 32 bits of the product, `^` turns its
// operands into 32-bit two's complement (so vx = -27 enters as 0xFFFFFFE5), `>>> 0` reads the
// result as unsigned.

/** @param {number} h @param {number} v */
const mix = (h, v) => Math.imul(h ^ v, 0x01000193);

/** murmur3's fmix32. @param {number} h */
function finalize(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * @param {Entity} e
 * @returns {number} unsigned 32-bit hash; a player's name does not enter it
 */
export function entityHash(e) {
  let h = 0x811c9dc5;
  h = mix(h, e.id);
  h = mix(h, e.kind);
  h = mix(h, e.x);
  h = mix(h, e.y);
  if (e.kind === PLAYER) {
    h = mix(h, e.vx);
    h = mix(h, e.vy);
    h = mix(h, e.aim);
    h = mix(h, e.hp);
    h = mix(h, e.score);
  }
  return finalize(h);
}

/**
 * Sum of the entity hashes mod 2^32: independent of iteration order. 0 for an empty view.
 * @param {Iterable<Entity>} entities
 */
export function viewChecksum(entities) {
  let sum = 0;
  for (const e of entities) sum = (sum + entityHash(e)) >>> 0;
  return sum;
}

// ---- 6. The replica (§5.4, §6.1) ---------------------------------------------------------------

/** @typedef {{ tick: number, entities: Map<number, Entity> }} View */
/** @typedef {'MissingBaseline' | 'InvalidDelta' | 'ChecksumMismatch'} ReplicaErrorCode */

export class ReplicaError extends Error {
  /** @override */
  name = 'ReplicaError';

  /**
   * @param {ReplicaErrorCode} code
   * @param {string} message
   */
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/**
 * The views this client applied, by tick. A committed view is never changed again: a later delta
 * may name it as its baseline (§5.4 "Copy entities").
 */
export class Replica {
  /** @type {Map<number, View>} */
  views = new Map();
  /** @type {View | null} */
  latest = null;

  /**
   * @param {number} worldWidth world units (Welcome)
   * @param {number} worldHeight world units (Welcome)
   * @param {number} historyTicks views kept: the protocol needs 32 (§5.4); fewer only to make
   *   deltas miss their baseline on purpose, in tests
   */
  constructor(worldWidth, worldHeight, historyTicks = HISTORY_TICKS) {
    this.maxX = worldWidth * 4;
    this.maxY = worldHeight * 4;
    this.historyTicks = historyTicks;
  }

  /** Forget every view: the next acknowledgement is 0 and only a full snapshot applies. */
  reset() {
    this.views.clear();
    this.latest = null;
  }

  /**
   * Applies a snapshot atomically (§5.4): on any error it throws a ReplicaError and changes
   * nothing.
   * @param {Snapshot} s
   * @returns {View} the new view, now `latest`
   */
  apply(s) {
    if (this.latest && s.tick <= this.latest.tick) {
      throw new ReplicaError('InvalidDelta', `tick ${s.tick} is not after ${this.latest.tick}`);
    }
    /** @type {Map<number, Entity>} */
    const view = new Map();
    if (s.baselineAge !== 0) {
      const baselineTick = s.tick - s.baselineAge;
      const base = this.views.get(baselineTick);
      if (!base) throw new ReplicaError('MissingBaseline', `no view of tick ${baselineTick}`);
      const n = s.tick - baselineTick;
      for (const [id, e] of base.entities) {
        // Players move by their velocity for the n ticks since the baseline; pellets never move
        // or change, so the baseline's pellet objects can be shared.
        view.set(
          id,
          e.kind === PLAYER
            ? {
                ...e,
                x: extrapolate(e.x, e.vx, n, this.maxX),
                y: extrapolate(e.y, e.vy, n, this.maxY),
              }
            : e,
        );
      }
    }
    for (const id of s.removed) {
      if (!view.delete(id))
        throw new ReplicaError('InvalidDelta', `removed id ${id} is not in view`);
    }
    for (const e of s.entered) {
      if (view.has(e.id)) throw new ReplicaError('InvalidDelta', `entered id ${e.id} is in view`);
      view.set(e.id, { ...e });
    }
    for (const u of s.updated) {
      const e = view.get(u.id);
      if (!e || e.kind !== PLAYER) {
        throw new ReplicaError('InvalidDelta', `updated id ${u.id} is not a player in view`);
      }
      // `e` is this apply's own copy (made above), never the baseline's object.
      if (u.x !== undefined && u.y !== undefined && u.vx !== undefined && u.vy !== undefined) {
        e.x = u.x;
        e.y = u.y;
        e.vx = u.vx;
        e.vy = u.vy;
      }
      if (u.aim !== undefined) e.aim = u.aim;
      if (u.hp !== undefined) e.hp = u.hp;
      if (u.score !== undefined) e.score = u.score;
    }
    if (s.checksum !== null) {
      const mine = viewChecksum(view.values());
      if (mine !== s.checksum) {
        throw new ReplicaError('ChecksumMismatch', `mine ${mine}, server's ${s.checksum}`);
      }
    }
    /** @type {View} */
    const applied = { tick: s.tick, entities: view };
    this.views.set(s.tick, applied);
    this.latest = applied;
    for (const tick of this.views.keys()) {
      if (tick <= s.tick - this.historyTicks) this.views.delete(tick);
    }
    return applied;
  }
}

// ---- 7. The session (§2, §6, §8, §9, §11) ------------------------------------------------------

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
export function runMinimalBot(options) {
  const name = options.name ?? 'minimal';
  const protocolVersion = options.protocolVersion ?? PROTOCOL_VERSION;
  const inputHz = options.inputHz ?? 20;
  const turnEveryMs = options.turnEveryMs ?? 1500;
  const pingEveryMs = options.pingEveryMs ?? 2000;
  const historyTicks = options.historyTicks ?? HISTORY_TICKS;
  const log = options.log ?? (() => {});
  /** @param {number} v @param {string} what @param {number} min @param {number} max */
  const check = (v, what, min, max) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(`${what}: an integer in ${min}..${max}`);
  };
  if (name.trim().length === 0 || name.length > 16) throw new Error('name: 1..16 characters');
  check(inputHz, 'inputHz', 1, MAX_INPUT_HZ);
  check(protocolVersion, 'protocolVersion', 0, 0xffff);
  check(historyTicks, 'historyTicks', 1, 255);

  /** @type {BotStats} */
  const stats = {
    snapshots: 0,
    fullSnapshots: 0,
    deltaSnapshots: 0,
    checksumsVerified: 0,
    checksumMismatches: 0,
    missingBaselines: 0,
    invalidDeltas: 0,
    resyncsSent: 0,
    inputsSent: 0,
    inputAck: 0,
    velocityChecks: 0,
    velocityMismatches: 0,
    rttMs: null,
  };
  /** @type {Welcome | null} */
  let welcome = null;
  let replica = new Replica(1, 1);
  /** @type {Kick | null} */
  let kick = null;
  /** @type {string | null} */
  let error = null;
  let seq = 0;
  let moveDir = NO_DIRECTION;
  let lastTurnMs = -Infinity;
  /** @type {number | null} */
  let lastResyncTick = null;
  /** @type {Map<number, number>} moveDir of each Input not yet known to be applied, by seq */
  const moveDirBySeq = new Map();
  /** @type {ReturnType<typeof setInterval>[]} */
  const timers = [];

  /** @type {(w: Welcome) => void} */
  let resolveWelcomed = () => {};
  /** @type {(e: Error) => void} */
  let rejectWelcomed = () => {};
  /** @type {Promise<Welcome>} */
  const welcomed = new Promise((resolve, reject) => {
    resolveWelcomed = resolve;
    rejectWelcomed = reject;
  });
  // Mark the rejection as handled: a caller that never awaits `welcomed` must not crash Node.
  welcomed.catch(() => {});

  const ws = new WebSocket(options.url, [SUBPROTOCOL], {
    maxPayload: MAX_SERVER_FRAME_BYTES,
    perMessageDeflate: false,
  });

  /** One message per binary frame (§1.1); never before open or after close. @param {Uint8Array} frame */
  const send = (frame) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  };

  /** @type {Promise<CloseInfo>} */
  const closed = new Promise((resolve) => {
    ws.on('close', (code, reasonBytes) => {
      for (const timer of timers) clearInterval(timer);
      const reason = reasonBytes.toString();
      const parts = [`closed: ${describeCloseCode(code)}`];
      if (kick) parts.push(`kicked: ${kick.reason}`);
      else if (reason) parts.push(`reason: ${reason}`);
      if (error) parts.push(`error: ${error}`);
      const info = { code, reason, kick, error, message: parts.join('; ') };
      log(info.message);
      rejectWelcomed(new Error(`no Welcome: ${info.message}`));
      resolve(info);
    });
  });

  // Without this listener an error (connection refused, bad handshake) would throw; the close
  // event (1006) follows it.
  ws.on('error', (e) => {
    error ??= e.message;
  });

  ws.on('open', () => {
    // Hello at once (§2, §4.1): the server closes with 4004 after 5 s without it.
    send(encodeHello(protocolVersion, name));
  });

  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      failProtocol('the server sent a text frame');
      return;
    }
    /** @type {ServerMessage} */
    let m;
    try {
      // With ws's default binaryType ('nodebuffer') a message is one Buffer, even if fragmented.
      m = decodeServerFrame(/** @type {Buffer} */ (data));
    } catch (e) {
      failProtocol(e instanceof Error ? e.message : String(e));
      return;
    }
    switch (m.id) {
      case WELCOME:
        return onWelcome(m.welcome);
      case SNAPSHOT:
        return onSnapshot(m.snapshot);
      case PONG:
        stats.rttMs = performance.now() - m.clientTimeMs;
        return;
      case KICK:
        // The close frame with the same code follows (§2 "Being closed").
        kick = m.kick;
        log(`kick: ${describeCloseCode(kick.code)}: ${kick.reason}`);
        return;
    }
  });

  /** A broken server or decoder (§1.3, §5.4 "malformed frame"): close. @param {string} what */
  function failProtocol(what) {
    error ??= `malformed frame from the server: ${what}`;
    log(error);
    ws.close(1002, 'malformed frame');
  }

  /** @param {Welcome} w */
  function onWelcome(w) {
    if (welcome) return failProtocol('a second Welcome');
    welcome = w;
    replica = new Replica(w.worldWidth, w.worldHeight, historyTicks);
    log(
      `welcome: player ${w.playerId}, tick ${w.serverTick} at ${w.tickHz} Hz, world ${w.worldWidth}x${w.worldHeight}`,
    );
    timers.push(setInterval(sendInput, 1000 / inputHz));
    if (pingEveryMs > 0) {
      const ping = () => send(encodePing(performance.now()));
      ping();
      timers.push(setInterval(ping, pingEveryMs));
    }
    resolveWelcomed(w);
  }

  /** @param {Snapshot} s */
  function onSnapshot(s) {
    if (!welcome) return failProtocol('a Snapshot before Welcome');
    /** @type {View} */
    let view;
    try {
      view = replica.apply(s);
    } catch (e) {
      if (!(e instanceof ReplicaError)) throw e;
      return onApplyError(e, s.tick);
    }
    lastResyncTick = null;
    stats.snapshots++;
    if (s.baselineAge === 0) stats.fullSnapshots++;
    else stats.deltaSnapshots++;
    if (s.checksum !== null) stats.checksumsVerified++;
    stats.inputAck = s.inputAck;
    checkOwnVelocity(view, s.inputAck, welcome.playerSpeed);
    options.onView?.(view, s);
  }

  /**
   * §5.4 "Errors" and §6.3: on a missing baseline ask for a full snapshot (again only if about a
   * second passes without success); on anything else forget every view first.
   * @param {ReplicaError} e
   * @param {number} tick
   */
  function onApplyError(e, tick) {
    const tickHz = welcome?.tickHz ?? 30;
    if (e.code === 'MissingBaseline') {
      stats.missingBaselines++;
      if (lastResyncTick !== null && tick - lastResyncTick < tickHz) return;
    } else {
      if (e.code === 'ChecksumMismatch') stats.checksumMismatches++;
      else stats.invalidDeltas++;
      replica.reset();
    }
    log(`snapshot ${tick} not applied (${e.message}): Resync`);
    send(encodeResync(tick));
    stats.resyncsSent++;
    lastResyncTick = tick;
  }

  /**
   * The server sets a player's velocity to velocityFor(moveDir) whenever an Input changes moveDir
   * (§3.3), so once Input `inputAck` is applied the bot's own velocity must be exactly that.
   * @param {View} view
   * @param {number} inputAck
   * @param {number} speed
   */
  function checkOwnVelocity(view, inputAck, speed) {
    for (const old of moveDirBySeq.keys()) if (old < inputAck) moveDirBySeq.delete(old);
    const dir = moveDirBySeq.get(inputAck);
    const me = welcome ? view.entities.get(welcome.playerId) : undefined;
    if (dir === undefined || !me || me.kind !== PLAYER) return;
    const v = velocityFor(dir, speed);
    stats.velocityChecks++;
    if (me.vx !== v.vx || me.vy !== v.vy) {
      stats.velocityMismatches++;
      log(`velocity (${me.vx}, ${me.vy}) != velocityFor(${dir}) = (${v.vx}, ${v.vy})`);
    }
  }

  /** §8: the full current state at a steady rate; its ackTick acknowledges the newest view (§6.1). */
  function sendInput() {
    const now = performance.now();
    if (now - lastTurnMs >= turnEveryMs) {
      lastTurnMs = now;
      moveDir = chooseDirection(self(), moveDir);
    }
    seq += 1;
    moveDirBySeq.set(seq, moveDir);
    // aim follows the walking direction; it must be 0..255, so standing still aims at 0.
    send(encodeInput(seq, replica.latest?.tick ?? 0, moveDir, Math.max(moveDir, 0)));
    stats.inputsSent++;
  }

  /**
   * Turn by a bit more than a quarter turn each time, but head back towards the centre when
   * within an eighth of the world of an edge (a player pushing a wall just stays there, §3.3).
   * @param {Player | null} me
   * @param {number} previous
   */
  function chooseDirection(me, previous) {
    if (!me || !welcome) return previous;
    const [maxX, maxY] = [welcome.worldWidth * 4, welcome.worldHeight * 4];
    const [dx, dy] = [maxX / 2 - me.x, maxY / 2 - me.y];
    if (Math.abs(dx) > maxX * 0.375 || Math.abs(dy) > maxY * 0.375) {
      // Angles grow clockwise with y down (§3): atan2 in screen coordinates gives exactly that.
      return (Math.round((Math.atan2(dy, dx) * 256) / (2 * Math.PI)) + 256) % 256;
    }
    return (Math.max(previous, 0) + 83) % 256;
  }

  /** @returns {Player | null} */
  function self() {
    const me = welcome ? replica.latest?.entities.get(welcome.playerId) : undefined;
    return me && me.kind === PLAYER ? me : null;
  }

  function statusLine() {
    const me = self();
    const id = welcome ? `#${welcome.playerId}` : '(not joined)';
    const at = me ? `at (${me.x / 4}, ${me.y / 4}) v=(${me.vx}, ${me.vy})` : 'not in view';
    const rtt = stats.rttMs === null ? '-' : `${stats.rttMs.toFixed(1)} ms`;
    return [
      `${name} ${id} tick ${replica.latest?.tick ?? 0} ${at} dir ${moveDir}`,
      `view ${replica.latest?.entities.size ?? 0}`,
      `snapshots ${stats.snapshots} (${stats.deltaSnapshots} delta, ${stats.fullSnapshots} full)`,
      `checksums ${stats.checksumsVerified} ok, ${stats.checksumMismatches} bad`,
      `resyncs ${stats.resyncsSent}`,
      `input ${seq} applied ${stats.inputAck}`,
      `rtt ${rtt}`,
    ].join(' | ');
  }

  return {
    stats,
    get replica() {
      return replica;
    },
    welcome: () => welcome,
    self,
    welcomed,
    closed,
    statusLine,
    close() {
      // §2 "Leaving": close with 1000; the player is removed at the server's next tick.
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) {
        ws.close(1000, 'bye');
      }
      return closed;
    },
  };
}
