// A tickwire client written from PROTOCOL.md alone: no code from this repository, only `ws` (the
// WebSocket) and `@msgpack/msgpack` (a generic msgpack library, not the msgpackr the server
// uses). It knows no game: it reads the game's schema from the Welcome and decodes, extrapolates,
// expires and checksums every entity by it, so it plays the arena, stars, or any tickwire game
// written after it. Sections of PROTOCOL.md are named in quotes: "Applying a snapshot".
//
// It speaks protocol VERSION 2 on purpose ("Versioning"): servers speak 3 and still serve 2 in
// full, so this bot shows what a version-2 client keeps. Version 3 adds one thing, the seat from
// matchmaking as Hello's 5th element ("Hello", "Matchmaking (HTTP)"); without it this bot joins a
// server's default room directly (a server run with `--direct-join false` answers 4015).
//
// One file on purpose, although it holds more than one idea: it is meant to be read top to
// bottom and ported to another language, in the order of the spec:
//   1. constants and close codes    ("Framing", "Versioning", "Close codes")
//   2. writing client frames        ("Hello", "Input", "Ping", "Resync")
//   3. the schema                   ("The schema")
//   4. reading server frames        ("msgpack rules", "Welcome", "Snapshot", "Pong", "Kick")
//   5. the view checksum            ("Checksum")
//   6. the replica                  ("Applying a snapshot", "Acknowledgement rules")
//   7. the session                  ("Session lifecycle", "Resync", "Input rules", "Close codes")

import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { decode, encode } from '@msgpack/msgpack';

// ---- 1. Constants ----------------------------------------------------------------------------

/** Version 2's subprotocol: a version-3 client would offer `tickwire.v3`. */
export const SUBPROTOCOL = 'tickwire.v2';
/** Version 2: its Hello has 4 elements (version 3's has 5, the last one the seat). */
export const PROTOCOL_VERSION = 2;

/** Message ids: client ids 1..63, server ids 64..127. */
const HELLO = 1;
const INPUT = 2;
const PING = 3;
const RESYNC = 4;
const WELCOME = 64;
const SNAPSHOT = 65;
const PONG = 66;
const KICK = 67;

const UINT32_MAX = 0xffff_ffff;
/** Numeric fields, input fields and constants are msgpack integers within int32 / uint32. */
const INT_MIN = -0x8000_0000;
/** Wire positions are quarter world units: a world W units wide runs 0..W * 4. */
const POSITION_SCALE = 4;
/** Views kept as possible baselines: at least 32 ("Applying a snapshot", "History"). */
export const HISTORY_TICKS = 32;
/** Server frames are unbounded by the protocol; allow at least 1 MiB ("Transport"). */
const MAX_SERVER_FRAME_BYTES = 16 * 1024 * 1024;
/** The server's limit is 60 messages/s on average; inputs above tickHz are wasted anyway. */
const MAX_INPUT_HZ = 30;

/** "Close codes": close code -> [name, what the client should do]. */
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
  [4009, ['SubprotocolRequired', `offer the subprotocol ${SUBPROTOCOL}`]],
  [4010, ['FrameTooLarge', 'a client bug: keep messages small']],
  [4011, ['SessionReplaced', 'another connection took this player: do not reconnect']],
  [4012, ['TooManyConnections', 'retry later with backoff']],
  [
    4013,
    ['TooManyConnectionsFromAddress', 'close other connections from this address; retry later'],
  ],
  [4014, ['OriginNotAllowed', 'open the page from an origin the server allows; do not retry']],
  // Version 3's matchmaking brought these; a version-2 client receives them too.
  [
    4015,
    [
      'SeatRequired',
      'this server admits players from matchmaking only: a version-2 client cannot join it',
    ],
  ],
  [4016, ['ServerRestarting', 'the server is restarting: reconnect later, or use matchmaking']],
  // Version 4's spectators brought these; only a version-4 connection receives them.
  [4017, ['SpectatorsFull', 'the room takes no more spectators: retry later with backoff']],
  [4018, ['WrongRole', 'a spectator sends Watch, a player Input: a client bug']],
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

// ---- 2. Writing client frames ----------------------------------------------------------------
//
// @msgpack/msgpack writes every integer in its smallest form and `null` as nil, which is all the
// msgpack rules ask.

/**
 * Version 2's Hello, `[1, protocolVersion, name, resumeToken]`, exactly 4 elements (version 3
 * adds the seat: `[1, 3, name, resumeToken, seat]`). The bot never resumes: token nil.
 * @param {number} protocolVersion
 * @param {string} name
 */
export const encodeHello = (protocolVersion, name) => encode([HELLO, protocolVersion, name, null]);

/**
 * `[2, seq, ackTick, ...the schema's input fields in order]`: each field the value in
 * `controls`, or its default when unset. Throws RangeError for a name the game does not have or
 * a value outside its field's range: the server would close with 4000.
 * @param {Schema} schema
 * @param {number} seq 1, 2, 3... on each connection
 * @param {number} ackTick newest applied snapshot tick, 0 before the first
 * @param {Controls} controls
 */
export function encodeInput(schema, seq, ackTick, controls) {
  for (const name of Object.keys(controls)) {
    if (!schema.input.some((f) => f.name === name)) {
      const names = schema.input.map((f) => f.name).join(', ');
      throw new RangeError(`${schema.game} has no input ${name}; it takes ${names}`);
    }
  }
  const values = schema.input.map((f) => {
    const v = controls[f.name] ?? f.default;
    if (!Number.isInteger(v) || v < f.min || v > f.max) {
      throw new RangeError(`input ${f.name}: ${v} is outside ${f.min}..${f.max}`);
    }
    return v;
  });
  return encode([INPUT, seq, ackTick, ...values]);
}

/** `[3, clientTimeMs]`. @param {number} clientTimeMs */
export const encodePing = (clientTimeMs) => encode([PING, clientTimeMs]);

/** `[4, tick]`: "I could not apply snapshot `tick`". @param {number} tick */
export const encodeResync = (tick) => encode([RESYNC, tick]);

// ---- 3. The schema ---------------------------------------------------------------------------
//
// Welcome's last element describes the game, in msgpack maps with string keys (the only maps in
// the protocol). Everything the rest of this file does with entities comes from it: a record is
// `[id, kindId, ...the kind's fields in order, ticksLeft if the kind has a lifetime]`, an update
// is `[id, mask, ...the fields of each group whose bit is set, lowest bit first]`.

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

/**
 * @param {unknown} v
 * @param {string} what
 * @param {number} maxLength in UTF-16 code units
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

/**
 * @param {unknown} v
 * @param {string} what
 * @returns {Record<string, unknown>}
 */
function map(v, what) {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new MalformedFrameError(`${what}: expected a map`);
  }
  return /** @type {Record<string, unknown>} */ (v);
}

/**
 * @template {string} T
 * @param {unknown} v
 * @param {string} what
 * @param {readonly T[]} allowed
 * @returns {T}
 */
function oneOf(v, what, allowed) {
  const found = allowed.find((a) => a === v);
  if (found === undefined) {
    throw new MalformedFrameError(`${what}: expected one of ${allowed.join(', ')}`);
  }
  return found;
}

/** A schema name: 1-32 letters, digits, `_` or `-`, starting with a letter. */
const name = (/** @type {unknown} */ v, /** @type {string} */ what) => {
  const s = str(v, what, 32);
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(s)) throw new MalformedFrameError(`${what}: not a name`);
  return s;
};
const bound = (/** @type {unknown} */ v, /** @type {string} */ what) =>
  int(v, what, INT_MIN, UINT32_MAX);

const FIELD_TYPES = /** @type {const} */ (['int', 'quarter', 'angle8', 'flags', 'string']);
const MOTIONS = /** @type {const} */ (['static', 'linear', 'position']);

/** Names a record field cannot take: the decoded entity uses them. */
const RESERVED = ['id', 'kind', 'ticksLeft'];
/** The fields a kind of each motion starts with, in this order. */
const BUILT_IN = { static: ['x', 'y'], position: ['x', 'y'], linear: ['x', 'y', 'vx', 'vy'] };

/**
 * `{ name, type, min, max, flags? }` plus, for a record field, `sync` and `group`.
 * @param {Record<string, unknown>} m
 * @param {string} what
 */
function readTypedField(m, what) {
  const type = oneOf(m.type, `${what}.type`, FIELD_TYPES);
  const min = bound(m.min, `${what}.min`);
  const max = bound(m.max, `${what}.max`);
  if (min > max) throw new MalformedFrameError(`${what}: min ${min} > max ${max}`);
  if (type === 'string' && (min !== 0 || max > 0xffff)) {
    throw new MalformedFrameError(`${what}: a string's range is 0..its longest length`);
  }
  if (type === 'flags') {
    const flags = array(m.flags, `${what}.flags`, 1, 8);
    // Every bit above the named ones MUST be 0, which the range then checks.
    if (min !== 0 || max !== 2 ** flags.length - 1) {
      throw new MalformedFrameError(`${what}: flags run 0..2^flags - 1`);
    }
  }
  return { name: name(m.name, `${what}.name`), type, min, max };
}

/**
 * Reads Welcome.schema. Unknown map keys are ignored (a later minor version may add some).
 * @param {unknown} value
 * @returns {Schema}
 */
export function readSchema(value) {
  const m = map(value, 'schema');
  const groupList = array(m.groups, 'schema.groups', 0, 30).map((v, i) => {
    const g = map(v, `schema.groups[${i}]`);
    const fields = array(g.fields, `schema.groups[${i}].fields`, 1, 32);
    return {
      name: name(g.name, `schema.groups[${i}].name`),
      bit: int(g.bit, `schema.groups[${i}].bit`, i, i),
      fieldNames: fields.map((f, j) => name(f, `schema.groups[${i}].fields[${j}]`)),
    };
  });
  const kinds = array(m.kinds, 'schema.kinds', 1, 64).map((v, id) => {
    const what = `schema.kinds[${id}]`;
    const k = map(v, what);
    const motion = oneOf(k.motion, `${what}.motion`, MOTIONS);
    const lifetimeTicks = int(k.lifetimeTicks, `${what}.lifetimeTicks`, 0, 0xffff);
    if (motion === 'static' && lifetimeTicks > 0) {
      throw new MalformedFrameError(`${what}: a static kind has no lifetime`);
    }
    let groupMask = 0;
    const fields = array(k.fields, `${what}.fields`, 2, 32).map((fv, i) => {
      const fw = `${what}.fields[${i}]`;
      const f = map(fv, fw);
      const field = readTypedField(f, fw);
      const sync = oneOf(f.sync, `${fw}.sync`, /** @type {const} */ (['constant', 'changes']));
      const group = sync === 'constant' ? null : name(f.group, `${fw}.group`);
      if (sync === 'constant' && f.group !== null) {
        throw new MalformedFrameError(`${fw}.group: nil for a constant field`);
      }
      if (motion === 'static' && sync !== 'constant') {
        throw new MalformedFrameError(`${fw}: every field of a static kind is constant`);
      }
      if (group !== null) {
        const g = groupList.find((x) => x.name === group);
        if (!g || !g.fieldNames.includes(field.name)) {
          throw new MalformedFrameError(`${fw}.group: no group ${group} lists ${field.name}`);
        }
        groupMask |= 1 << g.bit;
      }
      return { ...field, isString: field.type === 'string', group };
    });
    // Extrapolation and the world clamp below rely on the built-in fields being where they are.
    BUILT_IN[motion].forEach((builtIn, i) => {
      if (fields[i]?.name !== builtIn || fields[i]?.type !== 'quarter') {
        throw new MalformedFrameError(`${what}: a ${motion} kind starts with ${BUILT_IN[motion]}`);
      }
    });
    const names = fields.map((f) => f.name);
    if (new Set(names).size !== names.length || names.some((n) => RESERVED.includes(n))) {
      throw new MalformedFrameError(`${what}: a field name twice, or id, kind or ticksLeft`);
    }
    return { id, name: name(k.name, `${what}.name`), motion, lifetimeTicks, fields, groupMask };
  });
  /** @type {Group[]} */
  const groups = groupList.map((g) => {
    // A kind has all of a group's fields or none; every kind that has them has the same types.
    /** @type {Field[] | null} */
    let fields = null;
    for (const kind of kinds) {
      if ((kind.groupMask & (1 << g.bit)) === 0) continue;
      const own = g.fieldNames.map((n) =>
        kind.fields.find((f) => f.name === n && f.group === g.name),
      );
      const ownFields = own.filter((f) => f !== undefined);
      if (ownFields.length !== own.length) {
        throw new MalformedFrameError(`schema.kinds.${kind.name}: has part of group ${g.name}`);
      }
      if (fields === null) fields = ownFields;
      else if (
        ownFields.some(
          (f, i) =>
            f.type !== fields?.[i]?.type || f.min !== fields[i]?.min || f.max !== fields[i]?.max,
        )
      ) {
        throw new MalformedFrameError(`schema.groups.${g.name}: other types in ${kind.name}`);
      }
    }
    if (fields === null) throw new MalformedFrameError(`schema.groups.${g.name}: no kind uses it`);
    return { name: g.name, bit: g.bit, fields };
  });
  const input = array(m.input, 'schema.input', 0, 12).map((v, i) => {
    const what = `schema.input[${i}]`;
    const f = map(v, what);
    const field = readTypedField(f, what);
    if (field.type === 'string') throw new MalformedFrameError(`${what}: input fields are numbers`);
    return { ...field, default: int(f.default, `${what}.default`, field.min, field.max) };
  });
  const unique = (/** @type {string[]} */ names, /** @type {string} */ what) => {
    if (new Set(names).size !== names.length)
      throw new MalformedFrameError(`${what}: a name twice`);
  };
  unique(
    kinds.map((k) => k.name),
    'schema.kinds',
  );
  unique(
    groups.map((g) => g.name),
    'schema.groups',
  );
  unique(['seq', 'ackTick', ...input.map((f) => f.name)], 'schema.input');
  /** @type {Record<string, number>} */
  const constants = {};
  for (const [key, v] of Object.entries(map(m.constants, 'schema.constants'))) {
    constants[name(key, 'schema.constants')] = bound(v, `schema.constants.${key}`);
  }
  return {
    game: name(m.game, 'schema.game'),
    kinds,
    kindByName: new Map(kinds.map((k) => [k.name, k])),
    groups,
    input,
    constants,
    // FNV-1a over the schema element's own bytes in the Welcome. Re-encoding what was decoded
    // gives those bytes back: the server writes every value in its smallest msgpack form and the
    // map keys in a fixed order, as @msgpack/msgpack does (and decoding keeps the key order).
    fingerprint: fnv1a(encode(value)),
  };
}

/**
 * FNV-1a, 32 bits.
 * @param {Uint8Array} bytes
 */
function fnv1a(bytes) {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

// ---- 4. Reading server frames ----------------------------------------------------------------
//
// Every frame is one msgpack array, positional, whose first element is the message id. A reader
// checks every type and range: a value out of range means a broken server, and the bot then
// closes the connection.

/**
 * An entity as its record says, the kind by name and the fields by name; `ticksLeft` (for a kind
 * with a lifetime) counts from the tick of the view holding it.
 * @typedef {{ id: number, kind: string } & Record<string, number | string>} Entity
 */
/**
 * `[id, mask, ...values]`: the values of each group whose bit is set in `mask`, lowest bit first.
 * @typedef {{ id: number, mask: number, values: (number | string)[] }} Update
 */
/**
 * @typedef {object} Snapshot
 * @property {number} tick
 * @property {number} baselineAge 0 = full, else a delta from the view at `tick - baselineAge`
 * @property {number} inputAck seq of the newest Input applied at or before `tick`
 * @property {number[]} removed
 * @property {Entity[]} entered
 * @property {Update[]} updated
 * @property {number | null} checksum null when the server sends none
 */
/**
 * @typedef {object} Welcome
 * @property {number} protocolVersion
 * @property {number} playerId the id of the entity this client controls
 * @property {number} tickHz
 * @property {number} serverTick
 * @property {number} serverTimeMs
 * @property {number} worldWidth world units
 * @property {number} worldHeight world units
 * @property {number} viewWidth world units
 * @property {number} viewHeight world units
 * @property {string} resumeToken
 * @property {Schema} schema
 */
/** @typedef {{ code: number, reason: string }} Kick */
/**
 * @typedef {{ id: 64, welcome: Welcome } | { id: 65, snapshot: Snapshot }
 *   | { id: 66, clientTimeMs: number, serverTimeMs: number, serverTick: number }
 *   | { id: 67, kick: Kick }} ServerMessage
 */

/** The clock fields may be an integer or a float. */
const clockMs = (/** @type {unknown} */ v, /** @type {string} */ what) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) {
    throw new MalformedFrameError(`${what}: expected a finite number in 0..2^53-1`);
  }
  return v;
};

const entityId = (/** @type {unknown} */ v, /** @type {string} */ what) => int(v, what, 0, 0xffff);

/**
 * One field's value, checked against its type and range.
 * @param {Field} field
 * @param {unknown} v
 * @param {string} what
 * @returns {number | string}
 */
function fieldValue(field, v, what) {
  const w = `${what}.${field.name}`;
  return field.isString ? str(v, w, field.max) : int(v, w, field.min, field.max);
}

/**
 * An entity record of `entered`: `[id, kindId, ...fields, ticksLeft?]`.
 * @param {Schema} schema
 * @param {unknown} v
 * @param {string} what
 * @returns {Entity}
 */
function readEntity(schema, v, what) {
  const f = array(v, what, 2, 2 + 32 + 1);
  const kind = /** @type {Kind} */ (
    schema.kinds[int(f[1], `${what}.kind`, 0, schema.kinds.length - 1)]
  );
  const hasLifetime = kind.lifetimeTicks > 0;
  const length = 2 + kind.fields.length + (hasLifetime ? 1 : 0);
  array(f, `${what} (a ${kind.name})`, length, length);
  /** @type {Entity} */
  const e = { id: entityId(f[0], `${what}.id`), kind: kind.name };
  kind.fields.forEach((field, i) => (e[field.name] = fieldValue(field, f[2 + i], what)));
  if (hasLifetime) e.ticksLeft = int(f[length - 1], `${what}.ticksLeft`, 1, kind.lifetimeTicks);
  return e;
}

/**
 * An update record of `updated`. The mask alone says which values follow: group bits mean the
 * same in every kind. Whether the entity's kind has those groups is checked when applying.
 * @param {Schema} schema
 * @param {unknown} v
 * @param {string} what
 * @returns {Update}
 */
function readUpdate(schema, v, what) {
  const f = array(v, what, 3, 2 + 64);
  const mask = int(f[1], `${what}.mask`, 1, 2 ** schema.groups.length - 1);
  /** @type {(number | string)[]} */
  const values = [];
  for (const group of schema.groups) {
    if ((mask & (1 << group.bit)) === 0) continue;
    for (const field of group.fields) values.push(fieldValue(field, f[2 + values.length], what));
  }
  array(f, `${what} (mask ${mask})`, 2 + values.length, 2 + values.length);
  return { id: entityId(f[0], `${what}.id`), mask, values };
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
 * Decodes and checks one server frame. Snapshots are read with the schema of the session's
 * Welcome (null before it). Throws MalformedFrameError on anything the protocol does not allow.
 * @param {Uint8Array} bytes
 * @param {Schema | null} schema
 * @returns {ServerMessage}
 */
export function decodeServerFrame(bytes, schema) {
  /** @type {unknown} */
  let value;
  try {
    // Throws on invalid msgpack and on trailing bytes after the value.
    value = decode(bytes);
  } catch (error) {
    throw new MalformedFrameError(`invalid msgpack: ${String(error)}`);
  }
  const m = array(value, 'frame', 1, 16);
  const id = int(m[0], 'message id', 0, 127);
  switch (id) {
    case WELCOME: {
      // [64, protocolVersion, playerId, tickHz, serverTick, serverTimeMs, worldWidth, worldHeight,
      //  viewWidth, viewHeight, resumeToken, schemaFingerprint, schema]
      array(m, 'Welcome', 13, 13);
      const fingerprint = int(m[11], 'Welcome.schemaFingerprint', 0, UINT32_MAX);
      const welcomeSchema = readSchema(m[12]);
      if (welcomeSchema.fingerprint !== fingerprint) {
        throw new MalformedFrameError(
          `Welcome.schemaFingerprint: ${fingerprint}, but the schema's bytes hash to ${welcomeSchema.fingerprint}`,
        );
      }
      return {
        id,
        welcome: {
          protocolVersion: int(m[1], 'Welcome.protocolVersion', 0, 0xffff),
          playerId: entityId(m[2], 'Welcome.playerId'),
          tickHz: int(m[3], 'Welcome.tickHz', 1, 1000),
          serverTick: int(m[4], 'Welcome.serverTick', 0, UINT32_MAX),
          serverTimeMs: clockMs(m[5], 'Welcome.serverTimeMs'),
          worldWidth: int(m[6], 'Welcome.worldWidth', 1, 1_000_000),
          worldHeight: int(m[7], 'Welcome.worldHeight', 1, 1_000_000),
          viewWidth: int(m[8], 'Welcome.viewWidth', 1, 1_000_000),
          viewHeight: int(m[9], 'Welcome.viewHeight', 1, 1_000_000),
          resumeToken: str(m[10], 'Welcome.resumeToken', 64),
          schema: welcomeSchema,
        },
      };
    }
    case SNAPSHOT: {
      // [65, tick, baselineAge, inputAck, removed, entered, updated, checksum?]
      if (!schema) throw new MalformedFrameError('a Snapshot before the Welcome');
      array(m, 'Snapshot', 7, 8);
      const tick = int(m[1], 'Snapshot.tick', 1, UINT32_MAX);
      return {
        id,
        snapshot: {
          tick,
          baselineAge: int(m[2], 'Snapshot.baselineAge', 0, Math.min(255, tick - 1)),
          inputAck: int(m[3], 'Snapshot.inputAck', 0, UINT32_MAX),
          removed: list(m[4], 'Snapshot.removed', entityId),
          entered: list(m[5], 'Snapshot.entered', (v, w) => readEntity(schema, v, w)),
          updated: list(m[6], 'Snapshot.updated', (v, w) => readUpdate(schema, v, w)),
          // Absent (not nil) when the server runs without --checksums.
          checksum: m.length === 8 ? int(m[7], 'Snapshot.checksum', 0, UINT32_MAX) : null,
        },
      };
    }
    case PONG:
      // [66, clientTimeMs, serverTimeMs, serverTick]
      array(m, 'Pong', 4, 4);
      return {
        id,
        clientTimeMs: clockMs(m[1], 'Pong.clientTimeMs'),
        serverTimeMs: clockMs(m[2], 'Pong.serverTimeMs'),
        serverTick: int(m[3], 'Pong.serverTick', 0, UINT32_MAX),
      };
    case KICK:
      // [67, closeCode, reason]
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

// ---- 5. The view checksum --------------------------------------------------------------------
//
// All arithmetic on unsigned 32 bits: Math.imul is the low 32 bits of the product, `^` turns its
// operands into 32-bit two's complement (so vx = -27 enters as 0xFFFFFFE5, and a uint32 field
// above 2^31 as its own bits), `>>> 0` reads the result as unsigned.

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
 * The id, the kind id, every numeric field in record order (strings are not hashed) and, for a
 * kind with a lifetime, the tick it expires at; then murmur3's finalizer.
 * @param {Kind} kind
 * @param {Entity} e
 * @param {number} expiresTick the view's tick + e.ticksLeft (only used for a kind with a lifetime)
 * @returns {number} unsigned 32-bit hash
 */
export function entityHash(kind, e, expiresTick) {
  let h = mix(mix(0x811c9dc5, e.id), kind.id);
  for (const field of kind.fields) {
    if (!field.isString) h = mix(h, /** @type {number} */ (e[field.name]));
  }
  if (kind.lifetimeTicks > 0) h = mix(h, expiresTick);
  return finalize(h);
}

/**
 * The kind of an entity of a view (its kind name was checked when its record was read).
 * @param {Schema} schema
 * @param {Entity} e
 */
const kindOf = (schema, e) => /** @type {Kind} */ (schema.kindByName.get(e.kind));

/**
 * Sum of the entity hashes mod 2^32: independent of iteration order. 0 for an empty view.
 * @param {Schema} schema
 * @param {View} view
 */
export function viewChecksum(schema, view) {
  let sum = 0;
  for (const e of view.entities.values()) {
    sum = (sum + entityHash(kindOf(schema, e), e, view.tick + Number(e.ticksLeft ?? 0))) >>> 0;
  }
  return sum;
}

// ---- 6. The replica --------------------------------------------------------------------------

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
 * @param {number} v
 * @param {number} max
 */
const clamp = (v, max) => (v < 0 ? 0 : v > max ? max : v);

/**
 * The views this client applied, by tick. A committed view is never changed again: a later delta
 * may name it as its baseline.
 */
export class Replica {
  /** @type {Map<number, View>} */
  views = new Map();
  /** @type {View | null} */
  latest = null;

  /**
   * @param {Schema} schema from the Welcome
   * @param {number} worldWidth world units (Welcome)
   * @param {number} worldHeight world units (Welcome)
   * @param {number} historyTicks views kept: the protocol needs 32; fewer only to make deltas
   *   miss their baseline on purpose, in tests
   */
  constructor(schema, worldWidth, worldHeight, historyTicks = HISTORY_TICKS) {
    this.schema = schema;
    this.maxX = worldWidth * POSITION_SCALE;
    this.maxY = worldHeight * POSITION_SCALE;
    this.historyTicks = historyTicks;
  }

  /** Forget every view: the next acknowledgement is 0 and only a full snapshot applies. */
  reset() {
    this.views.clear();
    this.latest = null;
  }

  /**
   * Applies a snapshot atomically: on any error it throws a ReplicaError and changes nothing.
   * @param {Snapshot} s
   * @returns {View} the new view, now `latest`
   */
  apply(s) {
    if (this.latest && s.tick <= this.latest.tick) {
      throw new ReplicaError('InvalidDelta', `tick ${s.tick} is not after ${this.latest.tick}`);
    }
    /** @type {Map<number, Entity>} */
    let base = new Map();
    let n = 0;
    if (s.baselineAge !== 0) {
      const baselineTick = s.tick - s.baselineAge;
      const held = this.views.get(baselineTick);
      if (!held) throw new ReplicaError('MissingBaseline', `no view of tick ${baselineTick}`);
      base = held.entities;
      n = s.tick - baselineTick;
    }
    // 1. The baseline as it is at s.tick with no message at all: linear kinds moved n ticks
    //    along their velocity (clamped to the world), and entities whose lifetime ended by s.tick
    //    are gone (never listed in `removed`). Static and position kinds only change by message,
    //    so their objects are shared with the baseline until an update copies them.
    /** @type {Map<number, Entity>} */
    const view = new Map();
    for (const [id, e] of base) {
      const kind = kindOf(this.schema, e);
      /** @type {Entity} */
      let next = e;
      if (kind.lifetimeTicks > 0) {
        const ticksLeft = Number(e.ticksLeft) - n;
        if (ticksLeft <= 0) continue;
        next = { ...e, ticksLeft };
      }
      if (kind.motion === 'linear' && n > 0) {
        next = {
          ...next,
          x: clamp(Number(e.x) + Number(e.vx) * n, this.maxX),
          y: clamp(Number(e.y) + Number(e.vy) * n, this.maxY),
        };
      }
      view.set(id, next);
    }
    // 2. The message, checked against that baseline: removed and updated ids must be in it
    //    (an update never applies to an entity entered or removed in the same snapshot), an
    //    entered id must not be, unless removed first; no id twice in one list.
    for (const id of s.removed) {
      if (!view.delete(id)) {
        throw new ReplicaError('InvalidDelta', `removed id ${id} is not in the baseline`);
      }
    }
    const updatedIds = new Set();
    for (const u of s.updated) {
      const e = view.get(u.id);
      if (!e || updatedIds.has(u.id)) {
        throw new ReplicaError('InvalidDelta', `updated id ${u.id} is not in the baseline`);
      }
      updatedIds.add(u.id);
      const kind = kindOf(this.schema, e);
      if ((u.mask & ~kind.groupMask) !== 0) {
        throw new ReplicaError('InvalidDelta', `mask ${u.mask} names groups a ${kind.name} lacks`);
      }
      // A copy: the baseline's object must stay as it was.
      const copy = { ...e };
      let i = 0;
      for (const group of this.schema.groups) {
        if ((u.mask & (1 << group.bit)) === 0) continue;
        for (const field of group.fields) {
          copy[field.name] = /** @type {number | string} */ (u.values[i++]);
        }
      }
      view.set(u.id, copy);
    }
    for (const e of s.entered) {
      // In the view now: in the baseline and not removed, or entered twice.
      if (view.has(e.id)) {
        throw new ReplicaError('InvalidDelta', `entered id ${e.id} is already in the view`);
      }
      view.set(e.id, { ...e });
    }
    /** @type {View} */
    const applied = { tick: s.tick, entities: view };
    if (s.checksum !== null) {
      const mine = viewChecksum(this.schema, applied);
      if (mine !== s.checksum) {
        throw new ReplicaError('ChecksumMismatch', `mine ${mine}, server's ${s.checksum}`);
      }
    }
    this.views.set(s.tick, applied);
    this.latest = applied;
    for (const tick of this.views.keys()) {
      if (tick <= s.tick - this.historyTicks) this.views.delete(tick);
    }
    return applied;
  }
}

// ---- 7. The session --------------------------------------------------------------------------

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
export function runMinimalBot(options) {
  const playerName = options.name ?? 'minimal';
  const protocolVersion = options.protocolVersion ?? PROTOCOL_VERSION;
  const inputHz = options.inputHz ?? 20;
  const pingEveryMs = options.pingEveryMs ?? 2000;
  const historyTicks = options.historyTicks ?? HISTORY_TICKS;
  const decide = options.decide ?? (() => ({}));
  const log = options.log ?? (() => {});
  /** @param {number} v @param {string} what @param {number} min @param {number} max */
  const check = (v, what, min, max) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(`${what}: an integer in ${min}..${max}`);
  };
  if (playerName.trim().length === 0 || playerName.length > 16) {
    throw new Error('name: 1..16 characters');
  }
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
    expired: 0,
    rttMs: null,
  };
  /** @type {Welcome | null} */
  let welcome = null;
  /** @type {Replica | null} */
  let replica = null;
  /** @type {Kick | null} */
  let kick = null;
  /** @type {string | null} */
  let error = null;
  let seq = 0;
  /** @type {number | null} */
  let lastResyncTick = null;
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

  /** One message per binary frame; never before open or after close. @param {Uint8Array} frame */
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
    // Hello at once: the server closes with 4004 after 5 s without it.
    send(encodeHello(protocolVersion, playerName));
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
      m = decodeServerFrame(/** @type {Buffer} */ (data), welcome?.schema ?? null);
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
        // The close frame with the same code follows ("Being closed").
        kick = m.kick;
        log(`kick: ${describeCloseCode(kick.code)}: ${kick.reason}`);
        return;
    }
  });

  /** A broken server or decoder: close. @param {string} what */
  function failProtocol(what) {
    error ??= `malformed frame from the server: ${what}`;
    log(error);
    ws.close(1002, 'malformed frame');
  }

  /** @param {Welcome} w */
  function onWelcome(w) {
    if (welcome) return failProtocol('a second Welcome');
    welcome = w;
    replica = new Replica(w.schema, w.worldWidth, w.worldHeight, historyTicks);
    const kinds = w.schema.kinds.map((k) => k.name).join(', ');
    log(
      `welcome: player ${w.playerId}, tick ${w.serverTick} at ${w.tickHz} Hz, world ${w.worldWidth}x${w.worldHeight}, game ${w.schema.game} (${kinds})`,
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
    if (!replica) return failProtocol('a Snapshot before Welcome');
    const previous = replica.latest;
    /** @type {View} */
    let view;
    try {
      view = replica.apply(s);
    } catch (e) {
      if (!(e instanceof ReplicaError)) throw e;
      return onApplyError(replica, e, s.tick);
    }
    lastResyncTick = null;
    stats.snapshots++;
    if (s.baselineAge === 0) stats.fullSnapshots++;
    else stats.deltaSnapshots++;
    if (s.checksum !== null) stats.checksumsVerified++;
    stats.inputAck = s.inputAck;
    if (previous) stats.expired += countExpired(previous, view);
    options.onView?.(view, s);
  }

  /**
   * Entities of `previous` whose lifetime ended by `view.tick`: they left with no message.
   * @param {View} previous
   * @param {View} view
   */
  function countExpired(previous, view) {
    let count = 0;
    for (const e of previous.entities.values()) {
      const isOver = e.ticksLeft !== undefined && previous.tick + Number(e.ticksLeft) <= view.tick;
      if (isOver && !view.entities.has(e.id)) count++;
    }
    return count;
  }

  /**
   * "Applying a snapshot" (errors) and "Resync": on a missing baseline ask for a full snapshot
   * (again only if about a second passes without success); on anything else forget every view
   * first.
   * @param {Replica} r
   * @param {ReplicaError} e
   * @param {number} tick
   */
  function onApplyError(r, e, tick) {
    const tickHz = welcome?.tickHz ?? 30;
    if (e.code === 'MissingBaseline') {
      stats.missingBaselines++;
      if (lastResyncTick !== null && tick - lastResyncTick < tickHz) return;
    } else {
      if (e.code === 'ChecksumMismatch') stats.checksumMismatches++;
      else stats.invalidDeltas++;
      r.reset();
    }
    log(`snapshot ${tick} not applied (${e.message}): Resync`);
    send(encodeResync(tick));
    stats.resyncsSent++;
    lastResyncTick = tick;
  }

  /**
   * "Input rules": the full current state at a steady rate; its ackTick acknowledges the newest
   * view. Fields `decide` leaves out are sent at the schema's default.
   */
  function sendInput() {
    if (!welcome || !replica) return;
    /** @type {Uint8Array} */
    let frame;
    try {
      const controls = decide({
        welcome,
        view: replica.latest,
        self: self(),
        nowMs: performance.now(),
      });
      frame = encodeInput(welcome.schema, seq + 1, replica.latest?.tick ?? 0, controls);
    } catch (e) {
      // A bug in `decide`: sending nothing valid, the bot leaves rather than idle silently.
      error ??= `decide: ${e instanceof Error ? e.message : String(e)}`;
      log(error);
      ws.close(1000, 'bot error');
      return;
    }
    seq += 1;
    send(frame);
    stats.inputsSent++;
  }

  /** @returns {Entity | null} */
  function self() {
    return (welcome && replica?.latest?.entities.get(welcome.playerId)) ?? null;
  }

  function statusLine() {
    const me = self();
    const id = welcome ? `#${welcome.playerId}` : '(not joined)';
    const at = me
      ? `${me.kind} at (${Number(me.x) / POSITION_SCALE}, ${Number(me.y) / POSITION_SCALE})`
      : 'not in view';
    const rtt = stats.rttMs === null ? '-' : `${stats.rttMs.toFixed(1)} ms`;
    return [
      `${playerName} ${id} tick ${replica?.latest?.tick ?? 0} ${at}`,
      `view ${replica?.latest?.entities.size ?? 0}`,
      `snapshots ${stats.snapshots} (${stats.deltaSnapshots} delta, ${stats.fullSnapshots} full)`,
      `checksums ${stats.checksumsVerified} ok, ${stats.checksumMismatches} bad`,
      `expired ${stats.expired}`,
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
      // "Leaving": close with 1000; the player is removed at the server's next tick.
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) {
        ws.close(1000, 'bye');
      }
      return closed;
    },
  };
}
