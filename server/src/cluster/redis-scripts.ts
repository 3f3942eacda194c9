/**
 * The registry's Lua scripts, for redis-registry.ts, which defines each one as a command on its
 * client. ARGV[1] is always the key prefix; the key layout the scripts keep is drawn at the top of
 * redis-registry.ts, and redis-codec.ts builds their arguments and reads their answers.
 */
import type { Result } from 'ioredis';

/** Key names, the clock and the room bookkeeping every script shares. */
export const LUA_PRELUDE = `
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
export const SCRIPTS = {
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
