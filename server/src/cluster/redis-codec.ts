/**
 * Records to Lua script arguments and back, for redis-registry.ts. The scripts (redis-scripts.ts)
 * answer what they read from Redis; decoding checks every field, so a record written by another
 * version fails loudly, not as a wrong type.
 */
import { newSeatToken } from './ids.js';
import type { ProcessRecord, RoomRecord, SeatGrant, SeatHolder, SeatRefusal } from './registry.js';

/**
 * A TTL as a script argument: whole milliseconds and at least 1, as PEXPIRE and SET PX need (a TTL
 * of 0 would delete the key or be refused).
 */
export function ttl(ttlMs: number): string {
  return String(Math.max(1, Math.ceil(ttlMs)));
}

/** A room as script arguments: the order ROOM_FIELDS in the Lua reads. */
export function encodeRoom(room: RoomRecord): string[] {
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
export function seatArgs(holder: SeatHolder, ttlMs: number): string[] {
  return [
    holder.playerId === null ? '0' : '1',
    holder.playerId ?? '',
    JSON.stringify(holder),
    newSeatToken(),
    ttl(ttlMs),
  ];
}

export function listOf(reply: unknown): readonly unknown[] {
  if (!Array.isArray(reply)) throw malformed('list', reply);
  return reply;
}

export function malformed(what: string, reply: unknown): Error {
  return new Error(`registry: malformed ${what} from Redis: ${JSON.stringify(reply)}`);
}

/** A room as scripts answer it: [id, [field, value, field, value, ...]] (HGETALL). */
export function decodeRoom(reply: unknown): RoomRecord {
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

export function roomFromFields(id: string, fields: Record<string, string>): RoomRecord {
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
export function decodeProcess(reply: unknown): ProcessRecord {
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

export function decodeHolder(json: string): SeatHolder {
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
export function decodeReservation(reply: unknown): SeatGrant | SeatRefusal {
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
