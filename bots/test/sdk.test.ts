import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Matchmaker, connect } from '@tickwire/protocol';
import type { Bot, ConnectionStatus } from '@tickwire/protocol';
import { startServer, type ServerProcess } from '../../server/test/support/server-process.js';
import { asPlayer } from '../src/examples/arena.js';
import { SocketTracker } from '../src/runner/tracked-websocket.js';
import { waitFor } from '../../protocol/src/testing/wait.js';

// The SDK's reconnect against the real server: the unit tests (protocol/src/sdk) hold it against
// a fake socket; this holds it against the server's resume tokens.

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({
    // A view twice the world's size: players of one room always see each other.
    args: [
      '--world',
      '1200x800',
      '--view',
      '2500x1700',
      '--pellets',
      '20',
      '--checksums',
      '--static',
      '',
    ],
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('the bot SDK against the real server', () => {
  it('gets its own player back after the connection is cut, and keeps walking', async () => {
    const sockets = new SocketTracker();
    const statuses: ConnectionStatus[] = [];
    const warnings: string[] = [];
    const bot = connect(server.wsUrl, {
      name: 'resumer',
      WebSocket: sockets.WebSocket,
      reconnect: { baseDelayMs: 50 },
      onStatus: (status) => statuses.push(status),
      onWarning: (message) => warnings.push(message),
    });
    try {
      const welcome = await bot.welcomed;
      // setInput takes the input fields of the Welcome's schema, in their ranges.
      expect(() => bot.setInput({ jump: 1 })).toThrow(
        'setInput: arena has no input jump; it takes moveDir, aim, buttons',
      );
      expect(() => bot.setInput({ aim: 256 })).toThrow('setInput: aim 256 is outside 0..255');
      bot.setInput({ moveDir: 0, aim: 0, buttons: 0 });
      await waitFor(() => (asPlayer(bot.self)?.vx ?? 0) > 0, 'the bot walks right');
      const scoreBefore = asPlayer(bot.self)?.score;

      expect(sockets.dropAll()).toBe(1);
      // The close event comes later: until then the bot still says 'connected' (isResumed false).
      await waitFor(() => bot.reconnects === 1 && bot.view !== null, 'resumed');
      expect(bot.status).toMatchObject({ phase: 'connected', isResumed: true });
      expect(bot.playerId).toBe(welcome.playerId);
      expect(bot.reconnects).toBe(1);
      expect(bot.welcome?.resumeToken).not.toBe(welcome.resumeToken);
      expect(bot.self?.name).toBe('resumer');
      expect(bot.self?.score).toBe(scoreBefore);
      // The input survives the reconnect: it walks right again.
      await waitFor(() => (asPlayer(bot.self)?.vx ?? 0) > 0, 'the bot walks right after resuming');
      expect(statuses.map((s) => s.phase)).toContain('reconnecting');
      expect(bot.replicaCounters).toMatchObject({ checksumMismatches: 0, invalidDeltas: 0 });
      expect(bot.replicaCounters.checksumsVerified).toBe(bot.traffic.snapshotsApplied);
      expect(warnings).toEqual([]);
    } finally {
      bot.close();
    }
    expect(await sockets.waitUntilClosed(2000)).toBe(0);
  });

  it('rejects welcomed naming the close code when nothing listens at the URL', async () => {
    const sockets = new SocketTracker();
    // Port 1 on the loopback: the connection is refused.
    const bot = connect('ws://127.0.0.1:1/ws', { name: 'nobody', WebSocket: sockets.WebSocket });
    await expect(bot.welcomed).rejects.toThrow(
      'tickwire bot "nobody" did not join: could not connect to ws://127.0.0.1:1/ws (is a tickwire server listening there, on the path /ws?); closed with 1006 abnormal closure, no close frame',
    );
    await expect(bot.closed).resolves.toMatchObject({ hasOpened: false, closeCode: 1006 });
  });

  it('rejects welcomed saying it could not connect when the path is wrong', async () => {
    const sockets = new SocketTracker();
    const bot = connect(`${server.url.replace('http', 'ws')}/game`, {
      name: 'lost',
      WebSocket: sockets.WebSocket,
    });
    await expect(bot.welcomed).rejects.toThrow(/could not connect to .*\/game .*path \/ws/);
  });
});

describe('the bot SDK through matchmaking', () => {
  /** Names of the players in the bot's view. */
  const playersSeenBy = (bot: Bot): string[] =>
    [...(bot.view?.entities.values() ?? [])]
      .filter((e) => e.kind === 'player')
      .map((e) => String(e['name']))
      .sort();

  it('quick-plays two bots into one room, at the URL matchmaking gave, with a seat', async () => {
    const sockets = new SocketTracker();
    const bots = ['quick-1', 'quick-2'].map((name) =>
      connect(server.url, { name, WebSocket: sockets.WebSocket, game: 'arena' }),
    );
    try {
      for (const bot of bots) await bot.welcomed;
      const [first, second] = bots as [Bot, Bot];
      expect(first.room).toMatchObject({ game: 'arena', isPrivate: false, code: null });
      expect(second.room?.id).toBe(first.room?.id);
      expect(first.status).toMatchObject({ phase: 'connected', url: server.wsUrl });
      await waitFor(
        () =>
          bots.every(
            (b) => playersSeenBy(b).includes('quick-1') && playersSeenBy(b).includes('quick-2'),
          ),
        'the two bots to see each other',
      );
    } finally {
      for (const bot of bots) bot.close();
    }
    expect(await sockets.waitUntilClosed(2000)).toBe(0);
  });

  it('joins a private room by its code; quick play stays out of it', async () => {
    const sockets = new SocketTracker();
    const created = await new Matchmaker(server.url).create({ isPrivate: true });
    const code = created.room.code;
    if (code === null) throw new Error('a private room without a code');
    const guests = ['guest-1', 'guest-2'].map((name) =>
      connect(server.url, { name, WebSocket: sockets.WebSocket, room: { code } }),
    );
    const stranger = connect(server.url, { name: 'stranger', WebSocket: sockets.WebSocket });
    try {
      for (const bot of [...guests, stranger]) await bot.welcomed;
      for (const guest of guests) expect(guest.room).toMatchObject({ id: created.room.id, code });
      expect(stranger.room?.id).not.toBe(created.room.id);
      await waitFor(
        () => guests.every((g) => playersSeenBy(g).join() === 'guest-1,guest-2'),
        'the guests to see each other and no one else',
      );
      await waitFor(() => playersSeenBy(stranger).includes('stranger'), 'the stranger sees itself');
      expect(playersSeenBy(stranger)).not.toContain('guest-1');
    } finally {
      for (const bot of [...guests, stranger]) bot.close();
    }
    expect(await sockets.waitUntilClosed(2000)).toBe(0);
  });

  it('rejects welcomed with what matchmaking said when there is no such room', async () => {
    const sockets = new SocketTracker();
    const bot = connect(server.url, {
      name: 'lost',
      WebSocket: sockets.WebSocket,
      room: { code: 'NOPE42' },
    });
    await expect(bot.welcomed).rejects.toThrow(
      /^tickwire bot "lost" did not join: got no seat from matchmaking: .+/,
    );
    await expect(bot.closed).resolves.toMatchObject({ hasOpened: false });
    expect(sockets.openCount).toBe(0);
  });

  it('says clearly when nothing answers at the matchmaking URL', async () => {
    const bot = connect('http://127.0.0.1:1', {
      name: 'nobody',
      WebSocket: new SocketTracker().WebSocket,
    });
    await expect(bot.welcomed).rejects.toThrow(
      'tickwire bot "nobody" did not join: got no seat from matchmaking: Cannot reach matchmaking at http://127.0.0.1:1',
    );
  });
});

describe('the bot SDK when the room is full', () => {
  let small: ServerProcess;

  beforeAll(async () => {
    small = await startServer({ args: ['--max-players', '1', '--static', ''] });
  });

  afterAll(async () => {
    await small?.stop();
  });

  it("rejects welcomed with 4007 RoomFull and the server's reason, and does not retry", async () => {
    const sockets = new SocketTracker();
    const first = connect(small.wsUrl, { name: 'first', WebSocket: sockets.WebSocket });
    const second = connect(small.wsUrl, { name: 'second', WebSocket: sockets.WebSocket });
    try {
      await first.welcomed;
      await expect(second.welcomed).rejects.toThrow(
        /^tickwire bot "second" did not join: closed with 4007 RoomFull: .+/,
      );
      const closed = await second.closed;
      expect(closed).toMatchObject({ closeCode: 4007, hasOpened: true, hasJoined: false });
      expect(second.reconnects).toBe(0);
      expect(first.status.phase).toBe('connected');
    } finally {
      first.close();
      second.close();
    }
    expect(await sockets.waitUntilClosed(2000)).toBe(0);
  });
});
