import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@tickwire/protocol';
import { startServer, type ServerProcess } from './support/server-process.js';
import { TestClient, waitFor } from './support/test-client.js';
import { listRooms, post, quickPlay } from './support/matchmaking.js';
import type { MatchAnswer } from '@tickwire/protocol';

// Matchmaking on one process (the in-memory registry): quick play, create, join, listings, seats
// and the errors, against the real server over real HTTP and WebSockets.

describe('matchmaking on one process, matchmaking only (--direct-join false)', () => {
  let server: ServerProcess;
  const clients: TestClient[] = [];
  const connect = (url: string): TestClient => {
    const client = new TestClient(url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startServer({
      // Views twice the world: players in one room always see each other.
      args: [
        ...['--direct-join', 'false', '--max-players', '2', '--seat-ttl-ms', '1000'],
        ...[
          '--room-empty-ms',
          '500',
          '--pellets',
          '0',
          '--world',
          '1200x800',
          '--view',
          '2400x1600',
        ],
        // The tests poll the listing: one address stands in for many clients here.
        ...['--match-requests-per-sec', '0'],
      ],
    });
  });
  afterAll(async () => {
    for (const client of clients) client.ws.terminate();
    await server?.stop();
  });

  it('quick play: a seat in a new room, the Welcome for it, then the fullest room with a seat', async () => {
    const first = await quickPlay(server.url);
    expect(first.room).toMatchObject({ game: 'arena', isPrivate: false, code: null, capacity: 2 });
    expect(first.url).toBe(`ws://127.0.0.1:${server.port}/ws`);
    expect(first.seat).toMatch(/^s[A-Za-z0-9_-]{32}$/);
    // The seat's TTL (--seat-ttl-ms), as the registry gave it: no clock reading in it.
    expect(first.expiresInMs).toBe(1000);
    const a = connect(first.url);
    await a.join('a', null, first.seat);
    // Best fit: the room with a player and a free seat, not a new one.
    const second = await quickPlay(server.url);
    expect(second.room.id).toBe(first.room.id);
    const b = connect(second.url);
    const welcomeB = await b.join('b', null, second.seat);
    await waitFor(() => a.entity(welcomeB.playerId) !== null, 'a sees b');
    // That room is full now: the next quick play opens another.
    const third = await quickPlay(server.url);
    expect(third.room.id).not.toBe(first.room.id);
    const listing = await listRooms(server.url);
    expect(listing.games).toEqual(expect.arrayContaining(['arena', 'stars']));
    expect(listing.rooms.find((r) => r.id === first.room.id)).toMatchObject({
      players: 2,
      capacity: 2,
    });
  });

  it('a seat works once: used again, unknown or expired, the Hello gets 4015 with a Kick', async () => {
    const answer = await quickPlay(server.url, 'stars');
    const player = connect(answer.url);
    const welcome = await player.join('once', null, answer.seat);
    expect(welcome.schema.game).toBe('stars');
    const again = connect(answer.url);
    await again.hello('twice', null, answer.seat);
    await again.closed();
    expect(again.closeCode).toBe(CloseCode.SeatRequired);
    expect(again.kick?.closeCode).toBe(CloseCode.SeatRequired);
    const unknown = connect(answer.url);
    await unknown.hello('guess', null, 'sAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await unknown.closed();
    expect(unknown.closeCode).toBe(CloseCode.SeatRequired);
    const late = await quickPlay(server.url, 'stars');
    await new Promise((resolve) => setTimeout(resolve, late.expiresInMs + 200));
    const expired = connect(late.url);
    await expired.hello('late', null, late.seat);
    await expired.closed();
    expect(expired.closeCode).toBe(CloseCode.SeatRequired);
  });

  it('a Hello without a seat gets 4015 naming matchmaking', async () => {
    const client = connect(server.wsUrl);
    await client.hello('direct');
    await client.closed();
    expect(client.closeCode).toBe(CloseCode.SeatRequired);
    expect(client.kick?.reason).toContain('matchmaking');
  });

  it('private rooms: joined by code (as typed), never listed; a full room answers 409', async () => {
    const created = await post(server.url, '/match/create', { private: true, capacity: 2 });
    expect(created.status).toBe(200);
    const room = created.body.room;
    expect(room).toMatchObject({ isPrivate: true, capacity: 2 });
    expect(room.code).toMatch(/^[2-9A-HJKMNP-TV-Z]{6}$/);
    const host = connect(created.body.url);
    await host.join('host', null, created.body.seat);
    expect((await listRooms(server.url)).rooms.map((r) => r.id)).not.toContain(room.id);
    const byCode = await post(server.url, '/match/join', {
      code: ` ${(room.code as string).toLowerCase()} `,
    });
    expect(byCode.status).toBe(200);
    expect(byCode.body.room.id).toBe(room.id);
    const guest = connect(byCode.body.url);
    const guestWelcome = await guest.join('guest', null, byCode.body.seat);
    await waitFor(() => host.entity(guestWelcome.playerId) !== null, 'the host sees the guest');
    const full = await post<{ error: string; message: string }>(server.url, '/match/join', {
      code: room.code,
    });
    expect(full.status).toBe(409);
    expect(full.body.error).toBe('room-full');
    // Its id, should it leak, opens nothing: a private room is joined by its code only.
    const byId = await post<{ error: string }>(server.url, '/match/join', { roomId: room.id });
    expect([byId.status, byId.body.error]).toEqual([404, 'no-such-room']);
    const missing = await post<{ error: string }>(server.url, '/match/join', { code: 'ZZZZZZ' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('no-such-room');
  });

  it('an empty room closes after --room-empty-ms and leaves the listings', async () => {
    const { body: answer } = await post(server.url, '/match/create', { game: 'stars' });
    const player = connect(answer.url);
    await player.join('leaver', null, answer.seat);
    await waitFor(
      async () => (await listRooms(server.url, 'stars')).rooms.some((r) => r.id === answer.room.id),
      'the room is listed',
    );
    // Leaving on purpose (1000): no player is kept for a resume, so the room is empty at once.
    player.ws.close(1000);
    await player.closed();
    await waitFor(
      async () =>
        !(await listRooms(server.url, 'stars')).rooms.some((r) => r.id === answer.room.id),
      'the empty room is gone',
      10_000,
    );
    expect(server.output()).toContain('"msg":"room closed: empty"');
  });

  it('answers bad requests with a status and a JSON error, never a seat', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['unknown game', '/match/quickplay', { game: 'chess' }, 400, 'bad-request'],
      ['capacity above --max-players', '/match/create', { capacity: 3 }, 400, 'bad-request'],
      ['no room named', '/match/join', {}, 400, 'bad-request'],
      ['unknown endpoint', '/match/teleport', {}, 404, 'not-found'],
    ];
    for (const [what, path, body, status, error] of cases) {
      const result = await post<{ error: string; message: string; seat?: string }>(
        server.url,
        path,
        body,
      );
      expect({ what, status: result.status, error: result.body.error }).toEqual({
        what,
        status,
        error,
      });
      expect(result.body.message.length).toBeGreaterThan(0);
      expect(result.body.seat).toBeUndefined();
    }
    const notJson = await post<{ error: string }>(server.url, '/match/quickplay', null, {
      raw: '{nope',
    });
    expect([notJson.status, notJson.body.error]).toEqual([400, 'bad-request']);
    const huge = await post<{ error: string }>(server.url, '/match/create', null, {
      raw: 'x'.repeat(10_000),
    });
    expect([huge.status, huge.body.error]).toEqual([413, 'too-large']);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const wrongMethod = await fetch(`${server.url}/match/quickplay`, { method });
      expect([method, wrongMethod.status]).toEqual([method, 405]);
      expect(wrongMethod.headers.get('allow')).toBe('POST, OPTIONS');
      expect(((await wrongMethod.json()) as { error: string }).error).toBe('method-not-allowed');
    }
  });

  it('lets an allowed page call it from the browser (CORS), and not another', async () => {
    const preflight = await fetch(`${server.url}/match/quickplay`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const foreign = await fetch(`${server.url}/match/rooms`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('matchmaking beside direct joins (the default)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({
      args: [
        ...['--pellets', '0', '--world', '1200x800', '--view', '2400x1600'],
        ...['--match-requests-per-sec', '0'],
      ],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('quick play seats players in the default room, where a Hello without a seat lands too', async () => {
    const direct = new TestClient(server.wsUrl);
    const directWelcome = await direct.join('direct');
    // The default room is listed with its player once the process has published it (every second).
    let defaultRoomId = '';
    await waitFor(async () => {
      const listed = (await listRooms(server.url)).rooms.find((r) => r.players === 1);
      defaultRoomId = listed?.id ?? '';
      return listed !== undefined;
    }, 'the default room listed with one player');
    const answer: MatchAnswer = await quickPlay(server.url);
    expect(answer.room.id).toBe(defaultRoomId);
    const seated = new TestClient(answer.url);
    const seatedWelcome = await seated.join('seated', null, answer.seat);
    await waitFor(() => direct.entity(seatedWelcome.playerId) !== null, 'direct sees seated');
    expect(seated.entity(directWelcome.playerId)).not.toBeNull();
    direct.ws.terminate();
    seated.ws.terminate();
  });
});

describe('matchmaking under a flood from one address', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({
      args: ['--direct-join', 'false', '--pellets', '0', '--match-requests-per-sec', '100'],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers 429 past the per-address rate, and stops code guessing after 20 misses', async () => {
    // A burst of 300 (3 x 100/s) goes through; the rest of 450 at once are refused.
    const listings = await Promise.all(
      Array.from({ length: 450 }, () => fetch(`${server.url}/match/rooms`)),
    );
    const statuses = listings.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(300);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const refused = listings.find((r) => r.status === 429);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(((await refused?.json()) as { error: string }).error).toBe('rate-limited');
    // Code guessing: each miss spends from a bucket of 20 a minute, whatever the request rate.
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the request bucket refills
    let misses = 0;
    let refusedGuess: { status: number; body: { error: string; message: string } } | null = null;
    for (let i = 0; i < 40 && refusedGuess === null; i++) {
      const guess = await post<{ error: string; message: string }>(server.url, '/match/join', {
        code: 'ZZZZZZ',
      });
      if (guess.status === 404) misses++;
      else refusedGuess = guess;
    }
    expect(misses).toBe(20);
    expect(refusedGuess?.status).toBe(429);
    expect(refusedGuess?.body.message).toContain('code');
  });
});
