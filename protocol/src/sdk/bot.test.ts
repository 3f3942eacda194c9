import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../wire/ids.js';
import { NO_DIRECTION } from '../sim/quantize.js';
import { PLAYER_PROTOCOL_VERSION } from '../wire/version.js';
import { encodeKick, encodeWelcome } from '../messages/server.js';
import type { Welcome } from '../messages/server.js';
import { encodeSnapshot } from '../messages/snapshot.js';
import { encodeSummary } from '../messages/summary.js';
import type { EntityRecord, Snapshot } from '../messages/snapshot.js';
import { updateFromFields } from '../messages/update-fields.js';
import { viewChecksum } from '../replica/checksum.js';
import type { ViewState } from '../replica/replica.js';
import type { ConnectionStatus } from '../client/connection-status.js';
import { FakeWebSocket, ManualScheduler } from '../testing/fake-socket.js';
import { FakeFetch, errorAnswer, matchAnswerJson } from '../testing/fake-fetch.js';
import { fullSnapshot, pelletRecord, playerRecord, welcomeRecord } from '../testing/records.js';
import type { TestPlayer } from '../testing/records.js';
import { testArenaSchema } from '../testing/test-schemas.js';
import { connect } from './bot.js';
import type { Bot, ConnectOptions } from './bot.js';

const URL = 'ws://game.test/ws';

const welcome = (playerId = 7, resumeToken = 'token-1'): Welcome =>
  welcomeRecord({ playerId, resumeToken });

/** A full snapshot with the checksum the server would send for it. */
function checkedFull(tick: number, self: TestPlayer): Snapshot {
  const entered = [self, pelletRecord(9, 40, 40), playerRecord(12, { x: 800, name: 'other' })];
  return fullSnapshot(tick, entered, { checksum: viewChecksum(testArenaSchema, tick, entered) });
}

describe('connect', () => {
  let scheduler: ManualScheduler;

  beforeEach(() => {
    FakeWebSocket.instances = [];
    scheduler = new ManualScheduler();
  });

  function start(options: Partial<ConnectOptions> = {}): Bot {
    return connect(URL, {
      name: 'walker',
      WebSocket: FakeWebSocket,
      scheduler,
      nowMs: () => scheduler.nowMs,
      reconnect: { baseDelayMs: 250, maxDelayMs: 2000, random: () => 1 },
      ...options,
    });
  }

  function socket(): FakeWebSocket {
    const s = FakeWebSocket.instances.at(-1);
    if (!s) throw new Error('no socket was opened');
    return s;
  }

  function join(playerId = 7, token = 'token-1'): void {
    socket().serverAccepts();
    socket().serverSends(encodeWelcome(welcome(playerId, token)));
  }

  function send(snapshot: Snapshot): void {
    socket().serverSends(encodeSnapshot(testArenaSchema, snapshot));
  }

  describe('without a WebSocket class', () => {
    const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
    afterEach(() => {
      (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    });

    it('tells a Node 20 user to pass the ws package', () => {
      (globalThis as { WebSocket?: unknown }).WebSocket = undefined;
      expect(() => connect(URL, { name: 'walker' })).toThrow(/no global WebSocket.*ws package/);
    });

    it('uses the global WebSocket when there is one', () => {
      (globalThis as { WebSocket?: unknown }).WebSocket = FakeWebSocket;
      const bot = connect(URL, { name: 'walker', scheduler });
      expect(socket().url).toBe(URL);
      expect(bot.status.phase).toBe('connecting');
    });
  });

  it('spectates (version 4): playerId 0, no self, Watch instead of Input, summaries as events', () => {
    const summaries: number[] = [];
    const bot = start({
      spectate: true,
      summary: true,
      watch: { followId: 12 },
      onSummary: (summary, b) => summaries.push(summary.playersOnline + b.reconnects),
    });
    expect(bot.isSpectator).toBe(true);
    socket().serverAccepts();
    expect(socket().hellos()).toEqual([
      { protocolVersion: 4, name: 'walker', resumeToken: null, seat: null, flags: 3 },
    ]);
    socket().serverSends(encodeWelcome(welcomeRecord({ playerId: 0, resumeToken: '' })));
    expect(bot.playerId).toBe(0);
    send(checkedFull(100, playerRecord(7, { x: 400, name: 'someone' })));
    expect(bot.self).toBeNull();
    bot.setInput({ moveDir: 3 });
    scheduler.advance(60);
    expect(socket().inputs()).toEqual([]);
    expect(socket().watches().at(-1)).toEqual({ ackTick: 100, followId: 12, x: 0, y: 0 });
    bot.watch({ x: 400, y: 800 });
    // Within the input rate: 20 ms after the last Watch at the latest.
    scheduler.advance(20);
    expect(socket().watches().at(-1)).toEqual({ ackTick: 100, followId: 0, x: 400, y: 800 });
    socket().serverSends(
      encodeSummary({ tick: 100, playersOnline: 2, spectators: 1, leaders: [] }),
    );
    expect(summaries).toEqual([2]);
    expect(bot.summary).toMatchObject({ tick: 100, spectators: 1 });
    const player = start();
    expect(() => player.watch({ followId: 1 })).toThrow(/not a spectator/);
  });

  it('refuses a name the server would refuse, before connecting', () => {
    expect(() => start({ name: '' })).toThrow(/non-empty/);
    expect(() => start({ name: '   ' })).toThrow(/non-empty/);
    expect(() => start({ name: 'a-name-of-17-char' })).toThrow(/17 characters; at most 16/);
    expect(() => start({ name: 'tab\there' })).toThrow(/control characters/);
    expect(FakeWebSocket.instances).toEqual([]);
  });

  it('fires status, welcome, snapshot and self events, and tracks view and self', async () => {
    const events: string[] = [];
    const views: ViewState[] = [];
    const selves: EntityRecord[] = [];
    const bot = start({
      onStatus: (status) => events.push(`status ${status.phase}`),
      onWelcome: (w, b) => events.push(`welcome ${w.playerId} ${b.name}`),
      onSnapshot: (view) => {
        events.push(`snapshot ${view.tick}`);
        views.push(view);
      },
      onSelf: (self) => {
        events.push(`self ${self.x}`);
        selves.push(self);
      },
    });
    expect(bot.view).toBeNull();
    expect(bot.self).toBeNull();
    expect(bot.playerId).toBeNull();
    join();
    await expect(bot.welcomed).resolves.toMatchObject({ playerId: 7 });
    expect(bot.playerId).toBe(7);
    expect(bot.welcome?.worldWidth).toBe(1200);

    send(checkedFull(101, playerRecord(7, { x: 400, name: 'walker' })));
    // A delta that changes nothing of the own player (it stands still): no self event.
    send({ ...fullSnapshot(102, []), baselineTick: 101, checksum: null });
    // The own player starts moving: its record changes with every tick from now on.
    send({
      ...fullSnapshot(103, []),
      baselineTick: 102,
      updated: [updateFromFields(testArenaSchema, 'player', 7, { x: 427, y: 400, vx: 27, vy: 0 })],
    });
    send({ ...fullSnapshot(104, []), baselineTick: 103 });

    expect(events).toEqual([
      'status connecting',
      'status handshaking',
      'welcome 7 walker',
      'status connected',
      'snapshot 101',
      'self 400',
      'snapshot 102',
      'snapshot 103',
      'self 427',
      'snapshot 104',
      'self 454',
    ]);
    expect(views.map((v) => v.entities.size)).toEqual([3, 3, 3, 3]);
    expect(bot.view?.tick).toBe(104);
    expect(bot.self).toMatchObject({ id: 7, x: 454, vx: 27, name: 'walker' });
    expect(selves.at(-1)).toBe(bot.self);
    expect(bot.traffic.snapshotsApplied).toBe(4);
    expect(bot.replicaCounters).toEqual({
      checksumsVerified: 1,
      checksumMismatches: 0,
      invalidDeltas: 0,
      missingBaselines: 0,
    });
    expect(bot.status).toMatchObject({ phase: 'connected', playerId: 7, isResumed: false });
  });

  it('lets several listeners subscribe and unsubscribe with on()', () => {
    const bot = start();
    const seen: number[] = [];
    const off = bot.on('snapshot', (view) => seen.push(view.tick));
    bot.on('snapshot', (view) => seen.push(-view.tick));
    join();
    send(checkedFull(101, playerRecord(7)));
    off();
    send({ ...fullSnapshot(102, []), baselineTick: 101 });
    expect(seen).toEqual([101, -101, -102]);
  });

  it('sends its input, acknowledging the newest view, and keeps it across ticks', () => {
    const bot = start();
    join();
    send(checkedFull(101, playerRecord(7)));
    scheduler.advance(30);
    bot.setInput({ moveDir: 64, aim: 10 });
    expect(bot.input).toEqual({ moveDir: 64, aim: 10, buttons: 0 });
    expect(socket().inputs().at(-1)).toMatchObject({
      ackTick: 101,
      controls: { moveDir: 64, aim: 10, buttons: 0 },
    });
    scheduler.advance(200);
    expect(socket().inputs().slice(-4)).toEqual(
      [1, 2, 3, 4].map(() =>
        expect.objectContaining({ controls: { moveDir: 64, aim: 10, buttons: 0 } }),
      ),
    );
    // Setting some fields keeps the others.
    bot.setInput({ moveDir: NO_DIRECTION });
    scheduler.advance(20);
    expect(socket().inputs().at(-1)).toMatchObject({
      controls: { moveDir: NO_DIRECTION, aim: 10, buttons: 0 },
    });
  });

  it('sends an input from inside a snapshot listener with that snapshot acknowledged', () => {
    start({ onSnapshot: (view, b) => b.setInput({ moveDir: view.tick % 256, aim: 0 }) });
    join();
    scheduler.advance(30);
    send(checkedFull(101, playerRecord(7)));
    expect(socket().inputs().at(-1)).toMatchObject({ ackTick: 101, controls: { moveDir: 101 } });
  });

  it("refuses an input the Welcome's schema does not take: unknown names, values out of range", () => {
    const bot = start();
    join();
    expect(() => bot.setInput({ moveDir: 256, aim: 0 })).toThrow(RangeError);
    expect(() => bot.setInput({ moveDir: 1.5, aim: 0 })).toThrow(/moveDir 1.5/);
    expect(() => bot.setInput({ moveDir: 0, aim: -1 })).toThrow(/aim -1 is outside 0..255/);
    expect(() => bot.setInput({ buttons: 2 })).toThrow(/buttons 2 is outside 0..1/);
    expect(() => bot.setInput({ jump: 1 })).toThrow(
      /arena has no input jump; it takes moveDir, aim, buttons/,
    );
    expect(bot.input).toEqual({ moveDir: NO_DIRECTION, aim: 0, buttons: 0 });
    expect(
      socket()
        .inputs()
        .map((i) => i.controls),
    ).toEqual([{ moveDir: NO_DIRECTION, aim: 0, buttons: 0 }]);
  });

  it('checks an input set before the Welcome against the schema once it arrives', () => {
    const warnings: string[] = [];
    const bot = start({ onWarning: (message) => warnings.push(message) });
    expect(() => bot.setInput({ aim: 1.5 })).toThrow(/aim 1.5 is not an integer/);
    bot.setInput({ jump: 1, moveDir: 300, aim: 5 });
    expect(bot.input).toEqual({ jump: 1, moveDir: 300, aim: 5 });
    join();
    expect(warnings).toEqual([
      'setInput before the Welcome: arena has no input jump; it takes moveDir, aim, buttons; dropped',
      'setInput before the Welcome: moveDir 300 is outside -1..255; dropped',
    ]);
    expect(bot.input).toEqual({ moveDir: NO_DIRECTION, aim: 5, buttons: 0 });
    expect(socket().inputs()[0]?.controls).toEqual({ moveDir: NO_DIRECTION, aim: 5, buttons: 0 });
  });

  it("rejects welcomed with the server's close code and reason when refused", async () => {
    const bot = start();
    socket().serverAccepts();
    socket().serverSends(
      encodeKick({ closeCode: CloseCode.RoomFull, reason: 'room full (4 players)' }),
    );
    socket().serverCloses(CloseCode.RoomFull, 'room full');
    await expect(bot.welcomed).rejects.toThrow(
      'tickwire bot "walker" did not join: closed with 4007 RoomFull: room full (4 players)',
    );
    await expect(bot.closed).resolves.toMatchObject({ closeCode: 4007, hasJoined: false });
    // The first connection is not retried.
    scheduler.advance(10_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('rejects welcomed saying it could not connect when the socket never opened', async () => {
    const bot = start();
    socket().serverCloses(1006);
    await expect(bot.welcomed).rejects.toThrow(
      /did not join: could not connect to ws:\/\/game.test\/ws .*1006 abnormal closure/,
    );
  });

  it('counts a checksum mismatch, warns, asks for a full snapshot, and recovers', () => {
    const warnings: string[] = [];
    const bot = start({ onWarning: (message) => warnings.push(message) });
    join();
    send(checkedFull(101, playerRecord(7)));
    send({ ...checkedFull(102, playerRecord(7)), baselineTick: 101, entered: [], checksum: 1 });
    expect(bot.replicaCounters).toMatchObject({ checksumMismatches: 1, checksumsVerified: 1 });
    expect(warnings).toEqual([expect.stringMatching(/^ChecksumMismatch at tick 102/)]);
    expect(socket().resyncs()).toEqual([{ tick: 102 }]);
    // The last good view stays readable until the full snapshot replaces it.
    expect(bot.view?.tick).toBe(101);
    send(checkedFull(103, playerRecord(7, { x: 500 })));
    expect(bot.self?.x).toBe(500);
    expect(bot.replicaCounters).toEqual({
      checksumsVerified: 2,
      checksumMismatches: 1,
      invalidDeltas: 0,
      missingBaselines: 0,
    });
  });

  it('counts a missing baseline without a warning: it is answered by a Resync', () => {
    const warnings: string[] = [];
    const bot = start({ onWarning: (message) => warnings.push(message) });
    join();
    send({ ...fullSnapshot(102, []), baselineTick: 90 });
    expect(bot.replicaCounters.missingBaselines).toBe(1);
    expect(socket().resyncs()).toEqual([{ tick: 102 }]);
    expect(warnings).toEqual([]);
  });

  it('reconnects after a drop with the resume token and keeps the player and its input', async () => {
    const statuses: ConnectionStatus[] = [];
    const welcomes: number[] = [];
    const bot = start({
      onStatus: (status) => statuses.push(status),
      onWelcome: (w) => welcomes.push(w.playerId),
    });
    join(7, 'token-1');
    send(checkedFull(101, playerRecord(7)));
    bot.setInput({ moveDir: 32, aim: 5 });
    const first = socket();
    first.serverCloses(1006);
    expect(bot.status).toMatchObject({ phase: 'reconnecting', attempt: 1 });

    scheduler.advance(250);
    const second = socket();
    expect(second).not.toBe(first);
    second.serverAccepts();
    expect(second.hellos()).toEqual([
      {
        protocolVersion: PLAYER_PROTOCOL_VERSION,
        name: 'walker',
        resumeToken: 'token-1',
        seat: null,
      },
    ]);
    second.serverSends(encodeWelcome(welcome(7, 'token-2')));
    expect(bot.status).toMatchObject({ phase: 'connected', playerId: 7, isResumed: true });
    expect(bot.reconnects).toBe(1);
    expect(welcomes).toEqual([7, 7]);
    await expect(bot.welcomed).resolves.toMatchObject({ resumeToken: 'token-1' });
    expect(bot.welcome?.resumeToken).toBe('token-2');
    // The new session starts from its own full snapshot.
    expect(bot.view).toBeNull();
    expect(second.inputs()[0]).toMatchObject({ controls: { moveDir: 32, aim: 5 }, ackTick: 0 });
    send(checkedFull(140, playerRecord(7, { x: 999 })));
    expect(bot.self?.x).toBe(999);
    expect(bot.traffic.snapshotsApplied).toBe(2);
    expect(statuses.map((s) => s.phase)).toEqual([
      'connecting',
      'handshaking',
      'connected',
      'reconnecting',
      'connecting',
      'handshaking',
      'connected',
    ]);
  });

  it('closes for good: status closed, closed resolves, no reconnect, no timers left', async () => {
    const bot = start();
    join();
    bot.close();
    await expect(bot.closed).resolves.toMatchObject({ closeCode: 1000, isClientInitiated: true });
    expect(socket().closedWith).toEqual({ code: 1000, reason: 'leaving' });
    scheduler.advance(10_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(scheduler.activeTimers).toBe(0);
  });

  describe('through matchmaking', () => {
    const MATCHMAKING = 'http://mm.test:8080';
    let fake: FakeFetch;

    beforeEach(() => {
      fake = new FakeFetch();
    });

    /** Lets the fetch answers and what they start run. */
    async function settle(): Promise<void> {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }

    function startMatched(options: Partial<ConnectOptions> = {}): Bot {
      return connect(MATCHMAKING, {
        name: 'walker',
        WebSocket: FakeWebSocket,
        fetch: fake.fetch,
        scheduler,
        nowMs: () => scheduler.nowMs,
        reconnect: { baseDelayMs: 250, maxDelayMs: 2000, random: () => 1 },
        ...options,
      });
    }

    it('quick-plays, connects to the answer with the seat, and keeps its input', async () => {
      fake.answer({ status: 200, json: matchAnswerJson({ url: 'ws://p1.test/ws', seat: 's1' }) });
      const statuses: string[] = [];
      const bot = startMatched({
        game: 'arena',
        token: 'jwt',
        onStatus: (s) => statuses.push(`${s.phase} ${'url' in s ? s.url : ''}`),
      });
      expect(bot.status).toEqual({ phase: 'connecting', url: MATCHMAKING });
      bot.setInput({ moveDir: 32 });
      expect(FakeWebSocket.instances).toEqual([]);
      await settle();
      expect(fake.requests).toMatchObject([
        {
          url: `${MATCHMAKING}/match/quickplay`,
          body: { game: 'arena' },
          headers: { authorization: 'Bearer jwt' },
        },
      ]);
      expect(bot.room).toMatchObject({ id: 'r0000000001', game: 'arena' });
      expect(socket().url).toBe('ws://p1.test/ws');
      socket().serverAccepts();
      expect(socket().hellos()[0]).toMatchObject({ seat: 's1', resumeToken: null });
      socket().serverSends(encodeWelcome(welcome(7, 'token-1')));
      await expect(bot.welcomed).resolves.toMatchObject({ playerId: 7 });
      expect(socket().inputs()[0]).toMatchObject({ controls: { moveDir: 32 } });
      expect(statuses).toEqual([
        `connecting ${MATCHMAKING}`,
        'connecting ws://p1.test/ws',
        'handshaking ws://p1.test/ws',
        'connected ws://p1.test/ws',
      ]);
    });

    it('joins a room by code, and after 4016 goes back through matchmaking as a new player', async () => {
      fake.answer(
        { status: 200, json: matchAnswerJson({ code: 'ABC234', url: 'ws://p1.test/ws' }) },
        // The room ended with its process: quick play of the same game.
        errorAnswer(404, 'no-such-room', 'No room has the code ABC234.'),
        {
          status: 200,
          json: matchAnswerJson({ roomId: 'r0000000002', url: 'ws://p2.test/ws', seat: 's2' }),
        },
      );
      const statuses: ConnectionStatus[] = [];
      const bot = startMatched({ room: { code: 'ABC234' }, onStatus: (s) => statuses.push(s) });
      await settle();
      expect(bot.room).toMatchObject({ code: 'ABC234', isPrivate: true });
      join(7, 'token-1');
      send(checkedFull(101, playerRecord(7)));

      socket().serverCloses(CloseCode.ServerRestarting, 'server restarting');
      expect(bot.status).toMatchObject({
        phase: 'reconnecting',
        isRematch: true,
        lost: { closeCode: CloseCode.ServerRestarting },
      });
      await settle();
      expect(fake.requests.map((r) => [r.url.slice(MATCHMAKING.length), r.body])).toEqual([
        ['/match/join', { code: 'ABC234' }],
        ['/match/join', { code: 'ABC234' }],
        ['/match/quickplay', { game: 'arena' }],
      ]);
      expect(bot.room).toMatchObject({ id: 'r0000000002', code: null });
      expect(socket().url).toBe('ws://p2.test/ws');
      socket().serverAccepts();
      expect(socket().hellos()[0]).toMatchObject({ seat: 's2', resumeToken: null });
      socket().serverSends(encodeWelcome(welcome(3, 'token-9')));
      expect(bot.status).toMatchObject({ phase: 'connected', playerId: 3, isResumed: false });
      expect(bot.playerId).toBe(3);
      expect(bot.reconnects).toBe(1);
    });

    it('asks again for its first seat while matchmaking says later (429, 503), then joins', async () => {
      fake.answer(
        {
          ...errorAnswer(429, 'rate-limited', 'too many matchmaking requests'),
          headers: { 'retry-after': '1' },
        },
        errorAnswer(503, 'unavailable', 'matchmaking is unavailable right now'),
        { status: 200, json: matchAnswerJson({ url: 'ws://p1.test/ws', seat: 's1' }) },
      );
      const bot = startMatched();
      await settle();
      expect(fake.requests).toHaveLength(1);
      expect(FakeWebSocket.instances).toEqual([]);
      // Retry-After: 1 s before the second request.
      scheduler.advance(999);
      await settle();
      expect(fake.requests).toHaveLength(1);
      scheduler.advance(1);
      await settle();
      expect(fake.requests).toHaveLength(2);
      scheduler.advance(2000);
      await settle();
      expect(fake.requests).toHaveLength(3);
      expect(socket().url).toBe('ws://p1.test/ws');
      socket().serverAccepts();
      expect(socket().hellos()[0]).toMatchObject({ seat: 's1' });
      expect(bot.status.phase).toBe('handshaking');
    });

    it('rejects welcomed with what matchmaking said when it gives no seat', async () => {
      fake.answer(errorAnswer(409, 'room-full', 'Room ABC234 is full (8 of 8 players).'));
      const bot = startMatched({ room: { code: 'ABC234' } });
      await expect(bot.welcomed).rejects.toThrow(
        'tickwire bot "walker" did not join: got no seat from matchmaking: Room ABC234 is full (8 of 8 players).',
      );
      await expect(bot.closed).resolves.toMatchObject({
        phase: 'closed',
        url: MATCHMAKING,
        hasOpened: false,
        matchmakingError: 'Room ABC234 is full (8 of 8 players).',
      });
      expect(FakeWebSocket.instances).toEqual([]);
    });

    it('opens no socket when closed before matchmaking answers', async () => {
      fake.answer({ status: 200, json: matchAnswerJson() });
      const bot = startMatched();
      bot.close();
      await expect(bot.closed).resolves.toMatchObject({ closeCode: 1000, isClientInitiated: true });
      await expect(bot.welcomed).rejects.toThrow('did not join: closed by this client');
      await settle();
      expect(FakeWebSocket.instances).toEqual([]);
      expect(bot.status.phase).toBe('closed');
    });
  });
});
