// Readers of the matchmaking API's JSON answers: each returns the typed value or throws an Error
// naming the field that is wrong (the caller turns it into a MatchmakingError 'bad-answer').
// An answer is the server's word, but a proxy or another program may answer instead.

import type { MatchAnswer, RoomInfo, RoomListing } from './matchmaking.js';

export function readMatchAnswer(json: unknown): MatchAnswer {
  const o = requireRecord(json, 'answer');
  return {
    room: readRoomInfo(o['room'], 'room'),
    url: requireString(o['url'], 'url'),
    seat: requireString(o['seat'], 'seat'),
    expiresInMs: requireNumber(o['expiresInMs'], 'expiresInMs'),
  };
}

export function readRoomListing(json: unknown): RoomListing {
  const o = requireRecord(json, 'listing');
  const games = o['games'];
  const rooms = o['rooms'];
  if (!Array.isArray(games)) throw new Error('games: not an array');
  if (!Array.isArray(rooms)) throw new Error('rooms: not an array');
  return {
    game: requireString(o['game'], 'game'),
    games: games.map((g, i) => requireString(g, `games[${i}]`)),
    rooms: rooms.map((r, i) => readRoomInfo(r, `rooms[${i}]`)),
  };
}

function readRoomInfo(json: unknown, where: string): RoomInfo {
  const o = requireRecord(json, where);
  const code = o['code'];
  if (code !== null && code !== undefined && typeof code !== 'string') {
    throw new Error(`${where}.code: not a string or null`);
  }
  const isPrivate = o['isPrivate'];
  if (typeof isPrivate !== 'boolean') throw new Error(`${where}.isPrivate: not a boolean`);
  return {
    id: requireString(o['id'], `${where}.id`),
    game: requireString(o['game'], `${where}.game`),
    isPrivate,
    code: code ?? null,
    players: requireNumber(o['players'], `${where}.players`),
    capacity: requireNumber(o['capacity'], `${where}.capacity`),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireRecord(value: unknown, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${where}: not an object`);
  return value;
}

function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${where}: not a string`);
  return value;
}

function requireNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${where}: not a number`);
  }
  return value;
}
