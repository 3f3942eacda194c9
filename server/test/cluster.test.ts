import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, connect, type Bot } from '@tickwire/protocol';
import { startServer, type ServerProcess } from './support/server-process.js';
import { TestClient, waitFor } from './support/test-client.js';
import { listRooms, post, quickPlay } from './support/matchmaking.js';
import type { MatchAnswer } from '@tickwire/protocol';
import { startRedisServer, type RedisServer } from './support/redis-server.js';
import { REGISTRY_TTL_MS } from '../src/cluster/registry.js';

// Two server processes sharing a real Redis: rooms spread over both, a join lands on the process
// holding the room, seats are atomic across processes, a killed process's rooms leave the
// listings within the TTL, SIGTERM moves its players to the other process, and a Redis outage
// stops matchmaking (503) but not the rooms.

const ARGS = [
  ...['--direct-join', 'false', '--max-players', '3', '--pellets', '0'],
  // Views twice the world: players in one room always see each other.
  ...['--world', '1200x800', '--view', '2400x1600', '--drain-ms', '5000'],
  // The tests poll the listings and race requests: one address stands in for many clients.
  ...['--match-requests-per-sec', '0'],
];

interface ErrorBody {
  error: string;
  message: string;
}

describe('two processes and Redis', () => {
  let redis: RedisServer;
  const servers: ServerProcess[] = [];
  /** The servers not stopped or killed by a test. */
  const alive = (): ServerProcess[] => servers.filter((s) => !stopped.has(s));
  const stopped = new Set<ServerProcess>();
  const clients: TestClient[] = [];
  const allBots: Bot[] = [];
  const start = async (): Promise<ServerProcess> => {
    const server = await startServer({ args: [...ARGS, '--redis', redis.url] });
    servers.push(server);
    return server;
  };
  const join = async (answer: MatchAnswer, name: string): Promise<TestClient> => {
    const client = new TestClient(answer.url);
    clients.push(client);
    await client.join(name, null, answer.seat);
    return client;
  };
  /** Which of `servers` an answer's WebSocket URL points at. */
  const holder = (answer: MatchAnswer): ServerProcess | undefined =>
    servers.find((s) => answer.url === s.wsUrl);

  beforeAll(async () => {
    redis = await startRedisServer();
    await Promise.all([start(), start()]);
  });
  afterAll(async () => {
    for (const bot of allBots) bot.close();
    for (const client of clients) client.ws.terminate();
    await Promise.all(servers.map((s) => s.stop()));
    await redis?.stop();
  });

  it('quick play fills the fullest room, then opens new rooms on both processes', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const answers: MatchAnswer[] = [];
    // Asked of either process in turn: any process answers for the whole cluster.
    for (let i = 0; i < 6; i++) {
      const answer = await quickPlay((i % 2 === 0 ? a : b).url);
      await join(answer, `spread-${i}`);
      answers.push(answer);
    }
    const rooms = [...new Set(answers.map((x) => x.room.id))];
    // Capacity 3: players 0 to 2 share a room, 3 to 5 another.
    expect(rooms).toHaveLength(2);
    expect(answers.slice(1, 3).map((x) => x.room.id)).toEqual([rooms[0], rooms[0]]);
    expect(answers.slice(4).map((x) => x.room.id)).toEqual([rooms[1], rooms[1]]);
    const holders = new Set(answers.map((x) => holder(x)?.pid));
    expect(holders).toEqual(new Set([a.pid, b.pid]));
  });

  it('a join by room id, asked of the other process, lands on the process that holds the room', async () => {
    const [a] = servers as [ServerProcess];
    const created = await post(a.url, '/match/create', { capacity: 2 });
    expect(created.status).toBe(200);
    const host = await join(created.body, 'host');
    const other = servers.find((s) => s !== holder(created.body)) as ServerProcess;
    const answer = await post(other.url, '/match/join', { roomId: created.body.room.id });
    expect(answer.status).toBe(200);
    expect(answer.body.url).toBe(created.body.url);
    expect(answer.body.url).not.toBe(other.wsUrl);
    const guest = await join(answer.body, 'guest');
    const guestId = guest.welcome?.playerId ?? -1;
    await waitFor(() => host.entity(guestId) !== null, 'the host sees the guest');
  });

  it('racing for the last seat of a room: exactly one wins, across both processes', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    // Private, so that no quick play of another test takes the seat.
    const created = await post(a.url, '/match/create', { private: true, capacity: 2 });
    await join(created.body, 'first');
    const code = created.body.room.code;
    const racers = Array.from({ length: 20 }, (_, i) =>
      post<MatchAnswer | ErrorBody>((i % 2 === 0 ? a : b).url, '/match/join', { code }),
    );
    const results = await Promise.all(racers);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
  });

  it('racing quick plays for one free seat: one gets it, the others get other rooms, all can play', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    // The only public room of its game, with one free seat.
    const created = await post(a.url, '/match/create', { game: 'stars', capacity: 2 });
    await join(created.body, 'one-seat-left');
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => quickPlay((i % 2 === 0 ? a : b).url, 'stars')),
    );
    expect(answers.filter((x) => x.room.id === created.body.room.id)).toHaveLength(1);
    // Every seat handed out is a real one: all six players get in.
    await Promise.all(answers.map((answer, i) => join(answer, `racer-${i}`)));
  });

  it('Redis stopped: the rooms play on, matchmaking answers 503; Redis back: matchmaking works again', async () => {
    const [a] = servers as [ServerProcess];
    const player = await join(await quickPlay(a.url), 'outage');
    await redis.stop();
    const down = await post<ErrorBody>(a.url, '/match/quickplay', {});
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).not.toBeNull();
    expect(down.body.error).toBe('unavailable');
    // The room ticks on: its player keeps getting snapshots while the registry is gone.
    const before = player.snapshots.length;
    await waitFor(() => player.snapshots.length >= before + 30, 'snapshots during the outage');
    expect(player.ws.readyState).toBe(WebSocket.OPEN);
    expect(player.errors).toEqual([]);
    await redis.restart();
    // The processes publish themselves and their rooms again at their next heartbeat.
    await waitFor(
      async () => (await post(a.url, '/match/quickplay', {})).status === 200,
      'matchmaking back',
    );
    await waitFor(
      async () => (await listRooms(a.url)).rooms.some((r) => r.id !== '' && r.players > 0),
      'rooms listed again',
    );
  });

  it('SIGTERM: every player moves through matchmaking to the other process, none left behind; exit 0', async () => {
    const [a] = servers as [ServerProcess];
    // Bots through matchmaking (the SDK's rematch on 4016), each in a room of its own, on
    // whichever process was least loaded: both processes hold some.
    const bots: { bot: Bot; room: MatchAnswer['room']; on: ServerProcess }[] = [];
    for (let i = 0; i < 6; i++) {
      const created = await post(a.url, '/match/create', { capacity: 2 });
      const on = holder(created.body);
      if (!on) throw new Error(`no server at ${created.body.url}`);
      const bot = connect(a.url, {
        name: `mover-${i}`,
        WebSocket,
        room: { roomId: created.body.room.id },
      });
      allBots.push(bot);
      bots.push({ bot, room: created.body.room, on });
    }
    await Promise.all(bots.map(({ bot }) => bot.welcomed));
    // Two friends in a private room: they must land together again. Its process is the one
    // restarted (the other bots' rooms are on both processes, or on either).
    // Capacity 3: the creator's own seat (unused here) holds one for its TTL.
    const created = await post(a.url, '/match/create', { private: true, capacity: 3 });
    const privateRoom = created.body.room;
    const victim = holder(created.body) as ServerProcess;
    if (!privateRoom.code) throw new Error('a private room without a code');
    for (const name of ['friend-1', 'friend-2']) {
      const bot = connect(a.url, { name, WebSocket, room: { code: privateRoom.code } });
      allBots.push(bot);
      bots.push({ bot, room: privateRoom, on: victim });
      await bot.welcomed;
    }
    const movers = bots.filter((x) => x.on === victim);
    expect(movers.length).toBeGreaterThan(0);
    const restarting = new Set<Bot>();
    for (const { bot } of movers) {
      bot.on('status', (status) => {
        if (
          status.phase === 'reconnecting' &&
          status.lost.closeCode === CloseCode.ServerRestarting
        ) {
          restarting.add(bot);
        }
      });
    }
    victim.signal('SIGTERM');
    stopped.add(victim);
    expect(await victim.exited).toEqual({ code: 0, signal: null });
    expect(victim.output()).toContain('"msg":"drained","leftBehind":0');
    // Each mover was told the server restarts, and plays again in another room: on the other
    // process, the only one left.
    await waitFor(
      () =>
        movers.every(
          ({ bot, room }) =>
            bot.status.phase === 'connected' && bot.room !== null && bot.room.id !== room.id,
        ),
      'every mover playing on the other process',
    ).catch((error: unknown) => {
      const states = movers.map(({ bot }) => JSON.stringify(bot.status)).join('\n');
      throw new Error(`${String(error)}; the movers' statuses:\n${states}`);
    });
    expect(restarting.size).toBe(movers.length);
    // The private room was opened again elsewhere under its code: both friends are in it.
    const friends = bots.filter((x) => x.room === privateRoom).map((x) => x.bot.room);
    expect(friends.map((room) => room?.code)).toEqual([privateRoom.code, privateRoom.code]);
    expect(friends[0]?.id).toBe(friends[1]?.id);
    expect(friends[0]?.id).not.toBe(privateRoom.id);
    expect(victim.output()).toContain('"msg":"private rooms opened again on other processes"');
    const survivor = alive()[0] as ServerProcess;
    const health = (await (await fetch(`${survivor.url}/healthz`)).json()) as { players: number };
    expect(health.players).toBeGreaterThanOrEqual(bots.length);
  });

  it('SIGKILL: the killed process and its rooms leave the listings within the TTL', async () => {
    const a = alive()[0] as ServerProcess;
    const c = await start();
    const created = await post(c.url, '/match/create', { capacity: 2 });
    expect(holder(created.body)).toBe(c);
    await join(created.body, 'doomed');
    await waitFor(
      async () => (await listRooms(a.url)).rooms.some((r) => r.id === created.body.room.id),
      'the room listed',
    );
    c.signal('SIGKILL');
    stopped.add(c);
    await c.exited;
    await waitFor(
      async () => !(await listRooms(a.url)).rooms.some((r) => r.id === created.body.room.id),
      "the killed process's room gone from the listing",
      REGISTRY_TTL_MS + 3000,
    );
    const join404 = await post<ErrorBody>(a.url, '/match/join', { roomId: created.body.room.id });
    expect(join404.status).toBe(404);
    // New rooms go to live processes only.
    const fresh = await post(a.url, '/match/create', {});
    expect(alive()).toContain(holder(fresh.body));
  });
});
