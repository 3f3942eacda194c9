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
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import {
  decodeHolder,
  decodeProcess,
  decodeReservation,
  decodeRoom,
  encodeRoom,
  listOf,
  malformed,
  roomFromFields,
  seatArgs,
  ttl,
} from './redis-codec.js';
import { LUA_PRELUDE, SCRIPTS } from './redis-scripts.js';
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
