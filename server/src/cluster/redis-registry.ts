/**
 * The registry kept in Redis, for a cluster of processes on any number of machines. Every rule of
 * registry.ts holds; memory-registry.ts is the single-process reference.
 *
 * Layout (every key under the prefix, `tickwire:` by default):
 *   process:<id>            hash    record (the ProcessRecord as JSON), addedRooms (rooms added
 *                                   for it since it published), PX ttl
 *   processes               zset    process ids scored by when they expire (for processes())
 *   process-rooms:<id>      hash    room id -> game, every room the process holds or will create
 *   process-published:<id>  set     the room ids of its last publish (what the next one replaces)
 *   room:<id>               hash    the RoomRecord's fields, PX ttl
 *   room-seats:<id>         zset    seat tokens reserved in the room, scored by when they expire
 *   code:<code>             string  the private room's id, PX ttl (SET NX: one room per code)
 *   seat:<token>            hash    roomId, processId, holder (JSON), PX the seat's ttl
 *   game-public:<game>      zset    public rooms of the game scored by players (listing)
 *   game-open:<game>        zset    those with players < capacity (quick play)
 *   game-expiry:<game>      zset    the same rooms scored by when they expire
 * Each kind has its own first segment, so an id from a request (a room id, a code, a seat) can
 * only ever name a key of its own kind, whatever characters it holds.
 *
 * Every call that reads more than one key is one Lua script: atomic (two reservations for the
 * last seat never both win) and one round trip. Scripts read the clock with Redis's TIME, so
 * expiry never depends on the machines' clocks agreeing. They build key names from the prefix
 * (declared with 0 keys), which a single Redis (or a primary with replicas) allows and Redis
 * Cluster does not: the registry needs one Redis, not a cluster.
 *
 * When Redis goes away, calls fail fast (no offline queue, a command timeout) with
 * RegistryUnavailableError, and the client reconnects in the background; calls work again once
 * Redis is back.
 */
import { Redis, type Result } from 'ioredis';
import type { Logger } from '../log.js';
import { newSeatToken } from './ids.js';
import {
  RegistryUnavailableError,
  type ClaimedSeat,
  type ProcessRecord,
  type Registry,
  type RoomRecord,
  type SeatGrant,
  type SeatHolder,
  type SeatRefusal,
} from './registry.js';

export interface RedisRegistryOptions {
  /** Put in front of every key, so clusters (or tests) can share one Redis. Default `tickwire:`. */
  keyPrefix?: string;
  /** A command not answered by then fails with RegistryUnavailableError (default 1000 ms). */
  commandTimeoutMs?: number;
  /** How long the first connection may take before connectRedisRegistry rejects (default 3000). */
  connectTimeoutMs?: number;
  /** Told when the connection is lost and when it is back (once each, not every retry). */
  log?: Pick<Logger, 'info' | 'warn'>;
}

const DEFAULT_KEY_PREFIX = 'tickwire:';
const DEFAULT_COMMAND_TIMEOUT_MS = 1000;
const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
/** Reconnect backoff: the first retry after 100 ms, doubling up to one a second. */
const RECONNECT_FIRST_DELAY_MS = 100;
const RECONNECT_MAX_DELAY_MS = 1000;
/** Scripts read their clock from TIME before writing, which needs effects replication (5.0). */
const MIN_REDIS_MAJOR_VERSION = 5;

/**
 * Replies that mean "Redis cannot serve now" (loading, a long script, a replica promoted or
 * demoted, out of memory) rather than a bug in a script: they become RegistryUnavailableError.
 */
const UNAVAILABLE_REPLY_CODES = new Set([
  'LOADING',
  'BUSY',
  'READONLY',
  'MASTERDOWN',
  'OOM',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'MISCONF',
  'NOREPLICAS',
]);

/**
 * Connects to Redis at `url` (redis://[user:password@]host:port[/db], rediss:// for TLS) and
 * resolves once it answers; rejects naming the URL (password masked) when it cannot be reached.
 */
export async function connectRedisRegistry(
  url: string,
  options: RedisRegistryOptions = {},
): Promise<RedisRegistry> {
  const shownUrl = maskPassword(url);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    // Fail fast while disconnected: a queued command would hold a matchmaking request open for
    // as long as Redis is away, where a 503 lets the client retry.
    enableOfflineQueue: false,
    // Never send a command twice: a reservation or claim replayed after a reconnect could take
    // a second seat or find its own seat gone, after its caller was already told it failed.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) =>
      Math.min(RECONNECT_FIRST_DELAY_MS * 2 ** (attempt - 1), RECONNECT_MAX_DELAY_MS),
  });
  // The connection error says why (ECONNREFUSED, ENOTFOUND); connect() only rejects with
  // "Connection is closed.".
  const seen: { error: Error | null } = { error: null };
  const remember = (error: Error): void => {
    seen.error = error;
  };
  redis.on('error', remember);
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
    });
    const connecting = redis.connect();
    // A rejection after the deadline won the race must not go unhandled.
    connecting.catch(() => undefined);
    await Promise.race([connecting, deadline]);
    const version = /^redis_version:(\d+)/m.exec(await redis.info('server'))?.[1];
    if (version !== undefined && Number(version) < MIN_REDIS_MAJOR_VERSION) {
      throw new Error(
        `Redis ${version} is too old: the registry needs ${MIN_REDIS_MAJOR_VERSION}+`,
      );
    }
  } catch (error) {
    // Stop the background reconnects: the caller gets the failure and will not use this client.
    redis.disconnect();
    const reason = seen.error?.message ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`cannot use Redis at ${shownUrl} for the registry: ${reason}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    redis.off('error', remember);
  }
  return new RedisRegistry(redis, shownUrl, options);
}

export class RedisRegistry implements Registry {
  readonly kind = 'redis';
  readonly #redis: Redis;
  readonly #prefix: string;
  /** The URL with its password masked, for errors and logs. */
  readonly #url: string;
  #lastConnectionError: Error | null = null;
  #isConnected = true;
  #isClosing = false;

  /** Takes a connected client: use connectRedisRegistry. */
  constructor(redis: Redis, shownUrl: string, options: RedisRegistryOptions = {}) {
    this.#redis = redis;
    this.#url = shownUrl;
    this.#prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      redis.defineCommand(name, { numberOfKeys: 0, lua: LUA_PRELUDE + lua });
    }
    const log = options.log;
    // Without an 'error' listener ioredis prints every failed reconnect to stderr.
    redis.on('error', (error: Error) => {
      this.#lastConnectionError = error;
    });
    redis.on('close', () => {
      if (!this.#isConnected || this.#isClosing) return;
      this.#isConnected = false;
      log?.warn('registry: lost the connection to Redis, reconnecting', {
        url: this.#url,
        error: this.#lastConnectionError?.message ?? null,
      });
    });
    redis.on('ready', () => {
      if (this.#isConnected) return;
      this.#isConnected = true;
      this.#lastConnectionError = null;
      log?.info('registry: connected to Redis again', { url: this.#url });
    });
  }

  async publish(
    process: ProcessRecord,
    rooms: readonly RoomRecord[],
    ttlMs: number,
  ): Promise<void> {
    const roomArgs = rooms.flatMap(encodeRoom);
    await this.#call(() =>
      this.#redis.tickwirePublish(
        this.#prefix,
        process.id,
        JSON.stringify(process),
        ttl(ttlMs),
        ...roomArgs,
      ),
    );
  }

  async withdraw(processId: string): Promise<void> {
    await this.#call(() => this.#redis.tickwireWithdraw(this.#prefix, processId));
  }

  async processes(): Promise<ProcessRecord[]> {
    const reply = await this.#call(() => this.#redis.tickwireProcesses(this.#prefix));
    return listOf(reply).map(decodeProcess);
  }

  async addRoom(room: RoomRecord, ttlMs: number): Promise<boolean> {
    const roomArgs = encodeRoom(room);
    const reply = await this.#call(() =>
      this.#redis.tickwireAddRoom(this.#prefix, ttl(ttlMs), ...roomArgs),
    );
    return reply === 1;
  }

  async room(id: string): Promise<RoomRecord | null> {
    const fields = await this.#call(() => this.#redis.hgetall(this.#prefix + 'room:' + id));
    return Object.keys(fields).length === 0 ? null : roomFromFields(id, fields);
  }

  async roomByCode(code: string): Promise<RoomRecord | null> {
    const reply = await this.#call(() => this.#redis.tickwireRoomByCode(this.#prefix, code));
    return reply === null ? null : decodeRoom(reply);
  }

  async publicRooms(game: string, limit: number): Promise<RoomRecord[]> {
    if (limit <= 0) return [];
    const reply = await this.#call(() =>
      this.#redis.tickwirePublicRooms(this.#prefix, game, String(Math.floor(limit))),
    );
    return listOf(reply).map(decodeRoom);
  }

  async reserveSeat(
    roomId: string,
    holder: SeatHolder,
    ttlMs: number,
  ): Promise<SeatGrant | SeatRefusal> {
    const args = seatArgs(holder, ttlMs);
    const reply = await this.#call(() =>
      this.#redis.tickwireReserveSeat(this.#prefix, roomId, ...args),
    );
    return decodeReservation(reply);
  }

  async reserveQuickSeat(
    game: string,
    holder: SeatHolder,
    ttlMs: number,
  ): Promise<SeatGrant | null> {
    const args = seatArgs(holder, ttlMs);
    const reply = await this.#call(() =>
      this.#redis.tickwireReserveQuickSeat(this.#prefix, game, ...args),
    );
    if (reply === null) return null;
    const grant = decodeReservation(reply);
    if (typeof grant === 'string') throw malformed('quick play answer', reply);
    return grant;
  }

  async claimSeat(seat: string, processId: string): Promise<ClaimedSeat | null> {
    const reply = await this.#call(() =>
      this.#redis.tickwireClaimSeat(this.#prefix, seat, processId),
    );
    if (reply === null) return null;
    const [room, holder] = listOf(reply);
    if (typeof holder !== 'string') throw malformed('claim answer', reply);
    return { room: decodeRoom(room), holder: decodeHolder(holder) };
  }

  async close(): Promise<void> {
    this.#isClosing = true;
    try {
      await this.#redis.quit();
    } catch {
      // Redis is away: nothing to say goodbye to.
    } finally {
      this.#redis.disconnect();
    }
  }

  /**
   * Runs one Redis call (nothing else: every error it throws comes from ioredis), turning
   * "Redis cannot answer" into RegistryUnavailableError.
   */
  async #call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      const connection =
        this.#isConnected || this.#lastConnectionError === null
          ? ''
          : ` (connection: ${this.#lastConnectionError.message})`;
      throw new RegistryUnavailableError(
        `the registry's Redis at ${this.#url} is unavailable: ${reason}${connection}`,
        { cause: error },
      );
    }
  }
}

/**
 * ioredis's own errors (not connected, connection lost, command timed out) and "cannot serve now"
 * replies; any other reply (a script error) is a bug and stays as it is.
 */
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name !== 'ReplyError') return true;
  const code = /^[A-Z]+/.exec(error.message)?.[0] ?? '';
  return UNAVAILABLE_REPLY_CODES.has(code);
}

function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL (a Unix socket path): nothing to mask.
    return url;
  }
}

function ttl(ttlMs: number): string {
  return String(Math.max(1, Math.ceil(ttlMs)));
}

// ---------------------------------------------------------------------------------------------
// Records to script arguments and back. The scripts answer what they read from Redis; decoding
// checks every field, so a record written by another version fails loudly, not as a wrong type.

/** A room as script arguments: the order ROOM_FIELDS in the Lua reads. */
function encodeRoom(room: RoomRecord): string[] {
  return [
    room.id,
    room.game,
    room.processId,
    room.code ?? '',
    room.isPrivate ? '1' : '0',
    String(room.capacity),
    String(room.players),
    JSON.stringify(room.allowedPlayerIds),
    String(room.createdAtMs),
    String(room.seatsAdmitted),
  ];
}

/** The holder's arguments to the seat scripts (after the room id or game). */
function seatArgs(holder: SeatHolder, ttlMs: number): string[] {
  return [
    holder.playerId === null ? '0' : '1',
    holder.playerId ?? '',
    JSON.stringify(holder),
    newSeatToken(),
    ttl(ttlMs),
  ];
}

function listOf(reply: unknown): readonly unknown[] {
  if (!Array.isArray(reply)) throw malformed('list', reply);
  return reply;
}

function malformed(what: string, reply: unknown): Error {
  return new Error(`registry: malformed ${what} from Redis: ${JSON.stringify(reply)}`);
}

/** A room as scripts answer it: [id, [field, value, field, value, ...]] (HGETALL). */
function decodeRoom(reply: unknown): RoomRecord {
  const [id, flat] = listOf(reply);
  if (typeof id !== 'string') throw malformed('room', reply);
  const fields: Record<string, string> = {};
  const pairs = listOf(flat);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const [name, value] = [pairs[i], pairs[i + 1]];
    if (typeof name !== 'string' || typeof value !== 'string') throw malformed('room', reply);
    fields[name] = value;
  }
  return roomFromFields(id, fields);
}

function roomFromFields(id: string, fields: Record<string, string>): RoomRecord {
  const field = (name: string): string => {
    const value = fields[name];
    if (value === undefined) throw malformed(`room ${id} (no ${name})`, fields);
    return value;
  };
  const count = (name: string): number => {
    const value = Number(field(name));
    if (!Number.isFinite(value)) throw malformed(`room ${id} (${name})`, fields);
    return value;
  };
  const allowed: unknown = JSON.parse(field('allowedPlayerIds'));
  if (
    allowed !== null &&
    !(Array.isArray(allowed) && allowed.every((playerId) => typeof playerId === 'string'))
  ) {
    throw malformed(`room ${id} (allowedPlayerIds)`, fields);
  }
  const code = field('code');
  return {
    id,
    game: field('game'),
    processId: field('processId'),
    code: code === '' ? null : code,
    isPrivate: field('isPrivate') === '1',
    capacity: count('capacity'),
    players: count('players'),
    allowedPlayerIds: allowed,
    createdAtMs: count('createdAtMs'),
    // The claims the registry saw: a record read back carries them as the seats admitted.
    seatsAdmitted: fields['claims'] === undefined ? 0 : count('claims'),
  };
}

/** A process as scripts answer it: [record JSON, rooms added for it since it published]. */
function decodeProcess(reply: unknown): ProcessRecord {
  const [json, addedRooms] = listOf(reply);
  if (typeof addedRooms !== 'number') throw malformed('process', reply);
  const value: unknown = typeof json === 'string' ? JSON.parse(json) : null;
  if (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string' &&
    'publicUrl' in value &&
    (value.publicUrl === null || typeof value.publicUrl === 'string') &&
    'port' in value &&
    typeof value.port === 'number' &&
    'players' in value &&
    typeof value.players === 'number' &&
    'rooms' in value &&
    typeof value.rooms === 'number' &&
    'publishedAtMs' in value &&
    typeof value.publishedAtMs === 'number'
  ) {
    const { id, publicUrl, port, players, rooms, publishedAtMs } = value;
    return { id, publicUrl, port, players, rooms: rooms + addedRooms, publishedAtMs };
  }
  throw malformed('process', reply);
}

function decodeHolder(json: string): SeatHolder {
  const value: unknown = JSON.parse(json);
  const isNullableString = (x: unknown): x is string | null => x === null || typeof x === 'string';
  if (
    typeof value === 'object' &&
    value !== null &&
    'playerId' in value &&
    isNullableString(value.playerId) &&
    'name' in value &&
    isNullableString(value.name)
  ) {
    return { playerId: value.playerId, name: value.name };
  }
  throw malformed('seat holder', json);
}

const REFUSALS: readonly SeatRefusal[] = ['no-such-room', 'full', 'not-allowed'];

/** ['refused', reason] or ['granted', room, process JSON, expiresAtMs, seat]. */
function decodeReservation(reply: unknown): SeatGrant | SeatRefusal {
  const [outcome, ...rest] = listOf(reply);
  if (outcome === 'refused') {
    const refusal = REFUSALS.find((reason) => reason === rest[0]);
    if (refusal === undefined) throw malformed('refusal', reply);
    return refusal;
  }
  const [room, process, expiresAtMs, seat] = rest;
  if (outcome !== 'granted' || typeof expiresAtMs !== 'number' || typeof seat !== 'string') {
    throw malformed('reservation', reply);
  }
  return { seat, room: decodeRoom(room), process: decodeProcess(process), expiresAtMs };
}

// ---------------------------------------------------------------------------------------------
// The scripts. ARGV[1] is always the key prefix.

/** Key names, the clock and the room bookkeeping every script shares. */
const LUA_PRELUDE = `
local prefix = ARGV[1]
local function key(kind, id) return prefix .. kind .. ':' .. id end
local PROCESSES = prefix .. 'processes'

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Sets a TTL of at least ttl ms (keeps a longer one: a hash of rooms added with a long TTL).
local function extend(k, ttl)
  if redis.call('PTTL', k) < ttl then redis.call('PEXPIRE', k, ttl) end
end

local function unindex(game, id)
  redis.call('ZREM', key('game-public', game), id)
  redis.call('ZREM', key('game-open', game), id)
  redis.call('ZREM', key('game-expiry', game), id)
end

-- A room's arguments (encodeRoom in TypeScript), from ARGV[i]:
-- id, game, processId, code ('' = none), isPrivate ('1'/'0'), capacity, players,
-- allowedPlayerIds (JSON), createdAtMs, seatsAdmitted.
local ROOM_FIELDS = 10
local function write_room(i, ttl, now)
  local id, game, process_id, code, is_private = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
  local capacity, players = tonumber(ARGV[i+5]), tonumber(ARGV[i+6])
  local room = key('room', id)
  -- 'claims' counts the seats claimed for the room (cumulative); those its process had not
  -- admitted when it published (a claim made while the publish was on its way) still count.
  local admitted = tonumber(ARGV[i+9])
  local claims = math.max(tonumber(redis.call('HGET', room, 'claims') or '0'), admitted)
  players = players + claims - admitted
  redis.call('HSET', room, 'game', game, 'processId', process_id, 'code', code,
    'isPrivate', is_private, 'capacity', ARGV[i+5], 'players', players,
    'allowedPlayerIds', ARGV[i+7], 'createdAtMs', ARGV[i+8], 'claims', claims)
  redis.call('PEXPIRE', room, ttl)
  if code ~= '' then redis.call('SET', key('code', code), id, 'PX', ttl) end
  if is_private == '0' then
    redis.call('ZADD', key('game-public', game), players, id)
    if players < capacity then
      redis.call('ZADD', key('game-open', game), players, id)
    else
      redis.call('ZREM', key('game-open', game), id)
    end
    -- Expires with the room key (same clock reading, same TTL): prune_game drops it then.
    redis.call('ZADD', key('game-expiry', game), now + ttl, id)
  end
  local held = key('process-rooms', process_id)
  redis.call('HSET', held, id, game)
  extend(held, ttl)
end

-- Removes a room, its code and its index entries. 'game' comes from the process's hash when the
-- room key has already expired.
local function delete_room(id, game)
  local room = key('room', id)
  local f = redis.call('HMGET', room, 'game', 'code')
  game = f[1] or game
  if f[2] and f[2] ~= '' and redis.call('GET', key('code', f[2])) == id then
    redis.call('DEL', key('code', f[2]))
  end
  redis.call('DEL', room, key('room-seats', id))
  if game then unindex(game, id) end
end

-- Drops the index entries of the game's rooms that expired (their process stopped publishing):
-- only those are read, however many rooms the game has.
local function prune_game(game, now)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', key('game-expiry', game), '-inf', now)) do
    unindex(game, id)
  end
end

local function room_reply(id)
  return {id, redis.call('HGETALL', key('room', id))}
end

-- A live process as {record JSON, rooms added since it published}, or nil when it is gone.
local function process_reply(id)
  local f = redis.call('HMGET', key('process', id), 'record', 'addedRooms')
  if not f[1] then return nil end
  return {f[1], tonumber(f[2]) or 0}
end

-- Seat scripts: ARGV[3] '1' when the holder has a player id, ARGV[4] that id, ARGV[5] the holder
-- as JSON, ARGV[6] a new seat token, ARGV[7] the seat's TTL in ms.
local function admits(allowed)
  if allowed == 'null' then return true end
  if ARGV[3] ~= '1' then return false end
  for _, player_id in ipairs(cjson.decode(allowed)) do
    if player_id == ARGV[4] then return true end
  end
  return false
end

-- A seat in room 'id' if it has one for this holder, else why not.
local function try_seat(id, now)
  local f = redis.call('HMGET', key('room', id), 'processId', 'capacity', 'players',
    'allowedPlayerIds')
  if not f[1] then return 'no-such-room' end
  local process = process_reply(f[1])
  if not process then return 'no-such-room' end
  if not admits(f[4]) then return 'not-allowed' end
  -- Capacity counts players and unexpired reservations.
  local seats = key('room-seats', id)
  redis.call('ZREMRANGEBYSCORE', seats, '-inf', now)
  if tonumber(f[3]) + redis.call('ZCARD', seats) >= tonumber(f[2]) then return 'full' end
  local token, ttl = ARGV[6], tonumber(ARGV[7])
  local expires = now + ttl
  local seat = key('seat', token)
  redis.call('HSET', seat, 'roomId', id, 'processId', f[1], 'holder', ARGV[5])
  redis.call('PEXPIRE', seat, ttl)
  redis.call('ZADD', seats, expires, token)
  extend(seats, ttl)
  return {'granted', room_reply(id), process, expires, token}
end
`;

/** Script bodies by command name; each runs after LUA_PRELUDE. */
const SCRIPTS = {
  /** ARGV: prefix, processId, process JSON, ttl, then ROOM_FIELDS per room. */
  tickwirePublish: `
local process_id, ttl = ARGV[2], tonumber(ARGV[4])
local now = now_ms()
local process = key('process', process_id)
redis.call('HSET', process, 'record', ARGV[3], 'addedRooms', 0)
redis.call('PEXPIRE', process, ttl)
redis.call('ZADD', PROCESSES, now + ttl, process_id)
redis.call('ZREMRANGEBYSCORE', PROCESSES, '-inf', now)

local is_published = {}
for i = 5, #ARGV, ROOM_FIELDS do is_published[ARGV[i]] = true end
local held = key('process-rooms', process_id)
local published = key('process-published', process_id)
-- Rooms this process published before and not now are gone.
for _, id in ipairs(redis.call('SMEMBERS', published)) do
  if not is_published[id] then
    delete_room(id, redis.call('HGET', held, id))
    redis.call('HDEL', held, id)
  end
end
-- Rooms added for it that it never published (no seat reached it) and that expired.
local pending = redis.call('HKEYS', held)
for _, id in ipairs(pending) do
  if not is_published[id] and redis.call('EXISTS', key('room', id)) == 0 then
    redis.call('HDEL', held, id)
  end
end

redis.call('DEL', published)
for i = 5, #ARGV, ROOM_FIELDS do
  write_room(i, ttl, now)
  redis.call('SADD', published, ARGV[i])
end
redis.call('PEXPIRE', published, ttl)
extend(held, ttl)
return 1
`,

  /** ARGV: prefix, processId. */
  tickwireWithdraw: `
local process_id = ARGV[2]
local held = key('process-rooms', process_id)
local rooms = redis.call('HGETALL', held)
for i = 1, #rooms, 2 do delete_room(rooms[i], rooms[i + 1]) end
redis.call('DEL', key('process', process_id), held, key('process-published', process_id))
redis.call('ZREM', PROCESSES, process_id)
return 1
`,

  /** ARGV: prefix. Answers the live processes (process_reply). */
  tickwireProcesses: `
redis.call('ZREMRANGEBYSCORE', PROCESSES, '-inf', now_ms())
local ids = redis.call('ZRANGE', PROCESSES, 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local process = process_reply(id)
  if process then table.insert(out, process) end
end
return out
`,

  /**
   * ARGV: prefix, ttl, ROOM_FIELDS. Answers 1, or 0 when the private room's code is taken. The
   * process counts the room at once, so rooms created within one heartbeat spread out.
   */
  tickwireAddRoom: `
local ttl, id, process_id, code = tonumber(ARGV[2]), ARGV[3], ARGV[5], ARGV[6]
if code ~= '' and not redis.call('SET', key('code', code), id, 'NX', 'PX', ttl) then
  return 0
end
write_room(3, ttl, now_ms())
local process = key('process', process_id)
if redis.call('EXISTS', process) == 1 then redis.call('HINCRBY', process, 'addedRooms', 1) end
return 1
`,

  /** ARGV: prefix, code. */
  tickwireRoomByCode: `
local id = redis.call('GET', key('code', ARGV[2]))
if not id or redis.call('EXISTS', key('room', id)) == 0 then return false end
return room_reply(id)
`,

  /**
   * ARGV: prefix, game, limit. Reads at most 'limit' rooms plus those it skips: rooms whose key
   * is gone (dropped from the index here) and rooms whose process stopped.
   */
  tickwirePublicRooms: `
local game, limit = ARGV[2], tonumber(ARGV[3])
prune_game(game, now_ms())
local public = key('game-public', game)
local out = {}
local start = 0
while #out < limit do
  local ids = redis.call('ZREVRANGE', public, start, start + limit - #out - 1)
  if #ids == 0 then break end
  local removed = 0
  for _, id in ipairs(ids) do
    local process_id = redis.call('HGET', key('room', id), 'processId')
    if not process_id then
      unindex(game, id)
      removed = removed + 1
    elseif redis.call('EXISTS', key('process', process_id)) == 1 then
      table.insert(out, room_reply(id))
    end
  end
  -- The ranks after a removed member move up by one.
  start = start + #ids - removed
end
return out
`,

  /** ARGV: prefix, roomId, then the seat arguments. */
  tickwireReserveSeat: `
local result = try_seat(ARGV[2], now_ms())
if type(result) == 'string' then return {'refused', result} end
return result
`,

  /**
   * ARGV: prefix, game, then the seat arguments. Walks the game's open rooms fullest first and
   * stops at the first with a seat for this holder.
   */
  tickwireReserveQuickSeat: `
local game = ARGV[2]
local now = now_ms()
prune_game(game, now)
local open = key('game-open', game)
local BATCH = 16
-- At most this many candidates are looked at (rooms full only by reservations stay in the open
-- index until claimed or expired): past them, quick play opens a new room instead, so a flood of
-- such rooms cannot make one quick play walk them all.
local MAX_LOOKED_AT = 64
local looked_at = 0
local start = 0
while looked_at < MAX_LOOKED_AT do
  local ids = redis.call('ZREVRANGE', open, start, start + BATCH - 1)
  if #ids == 0 then return false end
  looked_at = looked_at + #ids
  local removed = 0
  for _, id in ipairs(ids) do
    local result = try_seat(id, now)
    if type(result) == 'table' then return result end
    if redis.call('EXISTS', key('room', id)) == 0 then
      unindex(game, id)
      removed = removed + 1
    end
  end
  start = start + #ids - removed
end
return false
`,

  /** ARGV: prefix, seat token, processId. Answers [room, holder JSON] or nil. */
  tickwireClaimSeat: `
local seat = key('seat', ARGV[2])
local f = redis.call('HMGET', seat, 'roomId', 'processId', 'holder')
-- A seat for another process stays: its own process may still claim it.
if not f[1] or f[2] ~= ARGV[3] then return false end
local id = f[1]
redis.call('DEL', seat)
redis.call('ZREM', key('room-seats', id), ARGV[2])
local room = key('room', id)
if redis.call('EXISTS', room) == 0 then return false end
local players = redis.call('HINCRBY', room, 'players', 1)
redis.call('HINCRBY', room, 'claims', 1)
local r = redis.call('HMGET', room, 'game', 'isPrivate', 'capacity')
if r[2] == '0' then
  redis.call('ZADD', key('game-public', r[1]), 'XX', players, id)
  if players >= tonumber(r[3]) then
    redis.call('ZREM', key('game-open', r[1]), id)
  else
    redis.call('ZADD', key('game-open', r[1]), 'XX', players, id)
  end
end
return {room_reply(id), f[3]}
`,
} as const;

// The scripts as typed client methods (ioredis adds them with defineCommand). Every argument is a
// string: the scripts parse what they need.
type ScriptArgs = string[];
declare module 'ioredis' {
  interface RedisCommander<Context> {
    tickwirePublish(...args: ScriptArgs): Result<unknown, Context>;
    tickwireWithdraw(...args: ScriptArgs): Result<unknown, Context>;
    tickwireProcesses(...args: ScriptArgs): Result<unknown, Context>;
    tickwireAddRoom(...args: ScriptArgs): Result<unknown, Context>;
    tickwireRoomByCode(...args: ScriptArgs): Result<unknown, Context>;
    tickwirePublicRooms(...args: ScriptArgs): Result<unknown, Context>;
    tickwireReserveSeat(...args: ScriptArgs): Result<unknown, Context>;
    tickwireReserveQuickSeat(...args: ScriptArgs): Result<unknown, Context>;
    tickwireClaimSeat(...args: ScriptArgs): Result<unknown, Context>;
  }
}
