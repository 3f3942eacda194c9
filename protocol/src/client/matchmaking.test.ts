import { describe, expect, it } from 'vitest';
import { FakeFetch, errorAnswer, matchAnswerJson } from '../testing/fake-fetch.js';
import {
  Matchmaker,
  MatchmakingError,
  isHttpUrl,
  isRetryableMatchmakingError,
  matchmakingUrlFor,
  webSocketUrlFor,
} from './matchmaking.js';
import { createRematch } from './rematch.js';

const BASE = 'http://mm.test:8080';

function matchmaker(fake: FakeFetch, token?: string): Matchmaker {
  return new Matchmaker(`${BASE}/`, { fetch: fake.fetch, ...(token ? { token } : {}) });
}

async function failure(promise: Promise<unknown>): Promise<MatchmakingError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MatchmakingError) return error;
    throw error;
  }
  throw new Error('expected a MatchmakingError');
}

describe('Matchmaker', () => {
  it('asks for quick play and reads the seat', async () => {
    const fake = new FakeFetch().answer({ status: 200, json: matchAnswerJson({ players: 3 }) });
    const answer = await matchmaker(fake).quickPlay('arena');
    expect(answer).toEqual({
      room: {
        id: 'r0000000001',
        game: 'arena',
        isPrivate: false,
        code: null,
        players: 3,
        capacity: 100,
      },
      url: 'ws://game-1.test:9001/ws',
      seat: 's-seat-1',
      expiresInMs: 10_000,
    });
    expect(fake.requests).toEqual([
      {
        url: `${BASE}/match/quickplay`,
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: { game: 'arena' },
      },
    ]);
  });

  it('leaves out what the caller did not set: the server picks its defaults', async () => {
    const fake = new FakeFetch().answer(
      { status: 200, json: matchAnswerJson() },
      { status: 200, json: matchAnswerJson() },
    );
    await matchmaker(fake).quickPlay();
    await matchmaker(fake).create();
    expect(fake.requests.map((r) => r.body)).toEqual([{}, {}]);
  });

  it('creates a private room and reads its code', async () => {
    const fake = new FakeFetch().answer({ status: 200, json: matchAnswerJson({ code: 'ABC234' }) });
    const answer = await matchmaker(fake).create({
      game: 'stars',
      isPrivate: true,
      capacity: 8,
      allowedPlayerIds: ['u1', 'u2'],
    });
    expect(answer.room).toMatchObject({ isPrivate: true, code: 'ABC234' });
    expect(fake.requests[0]).toMatchObject({
      url: `${BASE}/match/create`,
      body: { game: 'stars', private: true, capacity: 8, allowedPlayerIds: ['u1', 'u2'] },
    });
  });

  it('joins by room id or by code', async () => {
    const fake = new FakeFetch().answer(
      { status: 200, json: matchAnswerJson() },
      { status: 200, json: matchAnswerJson({ code: 'XYZ789' }) },
    );
    await matchmaker(fake).join({ roomId: 'r0000000009' });
    await matchmaker(fake).join({ code: 'XYZ789' });
    expect(fake.requests.map((r) => [r.url, r.body])).toEqual([
      [`${BASE}/match/join`, { roomId: 'r0000000009' }],
      [`${BASE}/match/join`, { code: 'XYZ789' }],
    ]);
  });

  it('lists the public rooms of a game, and the games', async () => {
    const listing = {
      game: 'stars',
      games: ['arena', 'stars'],
      rooms: [
        { id: 'r1', game: 'stars', isPrivate: false, code: null, players: 9, capacity: 10 },
        { id: 'r2', game: 'stars', isPrivate: false, code: null, players: 1, capacity: 10 },
      ],
    };
    const fake = new FakeFetch().answer({ status: 200, json: listing });
    expect(await matchmaker(fake).listRooms('stars')).toEqual(listing);
    expect(fake.requests[0]).toMatchObject({
      url: `${BASE}/match/rooms?game=stars`,
      method: 'GET',
      body: undefined,
    });
  });

  it('sends the token as a bearer token, or asks a function for it each time', async () => {
    const fake = new FakeFetch().answer(
      { status: 200, json: matchAnswerJson() },
      { status: 200, json: matchAnswerJson() },
      { status: 200, json: matchAnswerJson() },
    );
    await matchmaker(fake, 'jwt.a.b').quickPlay();
    let n = 0;
    const refreshing = new Matchmaker(BASE, {
      fetch: fake.fetch,
      token: () => Promise.resolve(`token-${++n}`),
    });
    await refreshing.quickPlay();
    await refreshing.quickPlay();
    expect(fake.requests.map((r) => r.headers['authorization'])).toEqual([
      'Bearer jwt.a.b',
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it("rejects with the server's status, error word and message", async () => {
    const fake = new FakeFetch().answer(
      errorAnswer(409, 'room-full', 'The room is full (8 of 8 players).'),
      errorAnswer(401, 'unauthorized', 'The token has expired.', {
        'WWW-Authenticate': 'Bearer',
      }),
      errorAnswer(503, 'unavailable', 'The registry cannot be reached.', { 'Retry-After': '2' }),
    );
    const full = await failure(matchmaker(fake).join({ code: 'ABC234' }));
    expect(full).toMatchObject({
      name: 'MatchmakingError',
      status: 409,
      error: 'room-full',
      message: 'The room is full (8 of 8 players).',
      retryAfterMs: null,
      isRetryable: false,
    });
    expect(await failure(matchmaker(fake).quickPlay())).toMatchObject({
      status: 401,
      error: 'unauthorized',
      isRetryable: false,
    });
    const unavailable = await failure(matchmaker(fake).quickPlay());
    expect(unavailable).toMatchObject({ status: 503, retryAfterMs: 2000, isRetryable: true });
    expect(isRetryableMatchmakingError(unavailable)).toBe(true);
    expect(isRetryableMatchmakingError(full)).toBe(false);
    expect(isRetryableMatchmakingError(new Error('other'))).toBe(false);
  });

  it('says clearly when the server cannot be reached', async () => {
    const refused = new TypeError('fetch failed', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:8080'),
    });
    const fake = new FakeFetch().answer({ networkError: refused });
    const error = await failure(matchmaker(fake).quickPlay());
    expect(error).toMatchObject({ status: 0, error: 'unreachable', isRetryable: true });
    expect(error.message).toBe(
      `Cannot reach matchmaking at ${BASE} (fetch failed: connect ECONNREFUSED 127.0.0.1:8080).`,
    );
  });

  it('gives up on a server that does not answer', async () => {
    const fake = new FakeFetch().answer({ hang: true });
    const mm = new Matchmaker(BASE, { fetch: fake.fetch, timeoutMs: 20 });
    const error = await failure(mm.quickPlay());
    expect(error).toMatchObject({ status: 0, error: 'unreachable' });
    expect(error.message).toContain('no answer within 20 ms');
  });

  it('says when the answer is not JSON, or not the JSON of the API', async () => {
    const fake = new FakeFetch().answer(
      { status: 404, text: '<!doctype html><html><body>Not Found</body></html>' },
      { status: 502, text: 'Bad Gateway' },
      { status: 200, json: { room: {}, url: 1 } },
      { status: 500, json: { oops: true } },
    );
    const html = await failure(matchmaker(fake).quickPlay());
    expect(html).toMatchObject({ status: 404, error: 'bad-answer', isRetryable: false });
    expect(html.message).toBe(
      `${BASE}/match/quickplay answered 404 with something that is not JSON ("<!doctype html><html><body>Not Found</body></html>"): is this a tickwire server with matchmaking?`,
    );
    // A proxy's gateway error: the server behind it may come back.
    expect(await failure(matchmaker(fake).quickPlay())).toMatchObject({
      status: 502,
      error: 'bad-answer',
      isRetryable: true,
    });
    const shape = await failure(matchmaker(fake).quickPlay());
    expect(shape).toMatchObject({ status: 200, error: 'bad-answer' });
    expect(shape.message).toContain(
      "JSON that is not the matchmaking API's: room.isPrivate: not a boolean",
    );
    expect(await failure(matchmaker(fake).quickPlay())).toMatchObject({
      status: 500,
      error: 'http-500',
      message: `${BASE}/match/quickplay answered 500.`,
    });
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new Matchmaker('ws://localhost:8080/ws')).toThrow(/not an http:\/\/ or https/);
    expect(new Matchmaker('https://game.example/lobby?x=1').baseUrl).toBe('https://game.example');
  });
});

describe('URL helpers', () => {
  it('turns a WebSocket URL into the matchmaking base on the same port, and back', () => {
    expect(matchmakingUrlFor('ws://localhost:8080/ws')).toBe('http://localhost:8080');
    expect(matchmakingUrlFor('wss://game.example/ws')).toBe('https://game.example');
    expect(webSocketUrlFor('http://localhost:8080')).toBe('ws://localhost:8080/ws');
    expect(webSocketUrlFor('https://game.example/')).toBe('wss://game.example/ws');
    expect(() => matchmakingUrlFor('http://x')).toThrow(/not a ws/);
    expect(() => webSocketUrlFor('ws://x/ws')).toThrow(/not an http/);
  });

  it('tells a matchmaking base from a WebSocket URL', () => {
    expect(isHttpUrl('http://localhost:8080')).toBe(true);
    expect(isHttpUrl('HTTPS://x')).toBe(true);
    expect(isHttpUrl('ws://localhost:8080/ws')).toBe(false);
  });
});

describe('createRematch', () => {
  it('asks for the chosen room again first', async () => {
    const fake = new FakeFetch().answer({
      status: 200,
      json: matchAnswerJson({ code: 'ABC234', seat: 's2' }),
    });
    const seen: string[] = [];
    const rematch = createRematch(matchmaker(fake), {
      room: { code: 'ABC234' },
      game: 'arena',
      onAnswer: (a) => seen.push(a.seat),
    });
    expect(await rematch()).toMatchObject({ seat: 's2' });
    expect(fake.requests.map((r) => r.body)).toEqual([{ code: 'ABC234' }]);
    expect(seen).toEqual(['s2']);
  });

  it('falls back to quick play of the same game when the room is gone, and keeps to it', async () => {
    const fake = new FakeFetch().answer(
      errorAnswer(404, 'no-such-room', 'No room has the code ABC234.'),
      { status: 200, json: matchAnswerJson({ seat: 's3' }) },
      { status: 200, json: matchAnswerJson({ seat: 's4' }) },
    );
    const rematch = createRematch(matchmaker(fake), { room: { code: 'ABC234' }, game: 'stars' });
    expect(await rematch()).toMatchObject({ seat: 's3' });
    expect(await rematch()).toMatchObject({ seat: 's4' });
    expect(fake.requests.map((r) => [r.url.slice(BASE.length), r.body])).toEqual([
      ['/match/join', { code: 'ABC234' }],
      ['/match/quickplay', { game: 'stars' }],
      ['/match/quickplay', { game: 'stars' }],
    ]);
  });

  it('passes on an error worth retrying instead of leaving the room', async () => {
    const fake = new FakeFetch().answer(errorAnswer(503, 'unavailable', 'Registry down.'));
    const rematch = createRematch(matchmaker(fake), { room: { roomId: 'r1' }, game: 'arena' });
    expect(await failure(rematch())).toMatchObject({ status: 503 });
    expect(fake.requests).toHaveLength(1);
  });
});
