import { beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../wire/ids.js';
import { encodeWelcome } from '../messages/server.js';
import type { Welcome } from '../messages/server.js';
import type { Snapshot } from '../messages/snapshot.js';
import { FakeWebSocket, ManualScheduler } from '../testing/fake-socket.js';
import { welcomeRecord } from '../testing/records.js';
import type { SyncTarget } from './connection.js';
import type { ConnectionStatus } from './connection-status.js';
import { MatchmakingError } from './matchmaking.js';
import { ReconnectingConnection, backoffDelayMs } from './reconnecting-connection.js';
import type { ReconnectingConnectionOptions, RematchTarget } from './reconnecting-connection.js';

/** Lets the promise callbacks queued so far run (a rematch answer, then what it starts). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A matchmaking stand-in: each call waits until the test answers it. */
class FakeRematch {
  calls = 0;
  #pending: { resolve: (t: RematchTarget) => void; reject: (e: unknown) => void }[] = [];

  readonly rematch = (): Promise<RematchTarget> => {
    this.calls++;
    return new Promise((resolve, reject) => this.#pending.push({ resolve, reject }));
  };

  async answer(url: string, seat: string): Promise<void> {
    this.#next().resolve({ url, seat });
    await settle();
  }

  async fail(error: unknown): Promise<void> {
    this.#next().reject(error);
    await settle();
  }

  get isWaiting(): boolean {
    return this.#pending.length > 0;
  }

  #next(): { resolve: (t: RematchTarget) => void; reject: (e: unknown) => void } {
    const next = this.#pending.shift();
    if (!next) throw new Error('no rematch is waiting for an answer');
    return next;
  }
}

const welcome = (playerId: number, resumeToken: string): Welcome =>
  welcomeRecord({ playerId, resumeToken });

class CountingSync implements SyncTarget {
  welcomes: Welcome[] = [];
  ackTick = 0;
  onWelcome(w: Welcome): void {
    this.welcomes.push(w);
  }
  applySnapshot(_snapshot: Snapshot): void {}
  resetReplica(): void {}
}

describe('ReconnectingConnection', () => {
  let scheduler: ManualScheduler;
  let statuses: ConnectionStatus[];
  let sync: CountingSync;

  beforeEach(() => {
    FakeWebSocket.instances = [];
    scheduler = new ManualScheduler();
    statuses = [];
    sync = new CountingSync();
  });

  function start(
    giveUpAfterMs = 60_000,
    more: Partial<ReconnectingConnectionOptions> = {},
  ): ReconnectingConnection {
    const c = new ReconnectingConnection({
      url: 'ws://game.test/ws',
      name: 'Alice',
      WebSocket: FakeWebSocket,
      sync,
      scheduler,
      nowMs: () => scheduler.nowMs,
      onStatus: (s) => statuses.push(s),
      // random() = 1: every delay is its ceiling, so the test knows it.
      reconnect: { baseDelayMs: 250, maxDelayMs: 2000, giveUpAfterMs, random: () => 1 },
      ...more,
    });
    c.open();
    return c;
  }

  function socket(): FakeWebSocket {
    const s = FakeWebSocket.instances.at(-1);
    if (!s) throw new Error('no socket');
    return s;
  }

  function joinAs(playerId: number, token: string): void {
    socket().serverAccepts();
    socket().serverSends(encodeWelcome(welcome(playerId, token)));
  }

  it('reconnects after a drop with the resume token and reports the same player back', () => {
    const c = start();
    joinAs(7, 'first-token');
    c.setControls({ moveDir: 64, aim: 3 });
    socket().serverCloses(1006);
    expect(c.status).toMatchObject({ phase: 'reconnecting', attempt: 1, retryAtMs: 250 });
    expect(c.status.phase === 'reconnecting' && c.status.lost.closeCode).toBe(1006);
    expect(FakeWebSocket.instances).toHaveLength(1);

    scheduler.advance(250);
    expect(FakeWebSocket.instances).toHaveLength(2);
    socket().serverAccepts();
    expect(socket().hellos()[0]?.resumeToken).toBe('first-token');
    socket().serverSends(encodeWelcome(welcome(7, 'second-token')));
    expect(c.status).toMatchObject({ phase: 'connected', playerId: 7, isResumed: true });
    expect(c.reconnects).toBe(1);
    // The controls held before the drop go out on the new connection.
    expect(socket().inputs()[0]).toMatchObject({ controls: { moveDir: 64, aim: 3 } });

    // The next drop resumes with the newest token (after 500 ms: the connection had not been up
    // long enough to start the backoff over).
    socket().serverCloses(1006);
    scheduler.advance(500);
    socket().serverAccepts();
    expect(socket().hellos()[0]?.resumeToken).toBe('second-token');
  });

  it('says so when the server gave a new player (the old one expired)', () => {
    const c = start();
    joinAs(7, 't');
    socket().serverCloses(CloseCode.ServerShutdown);
    scheduler.advance(250);
    joinAs(12, 'u');
    expect(c.status).toMatchObject({ phase: 'connected', playerId: 12, isResumed: false });
  });

  it('backs off exponentially while the server is down, then gives up', () => {
    const c = start(5000);
    joinAs(7, 't');
    socket().serverCloses(1006);
    const retries: number[] = [];
    for (let i = 0; i < 20 && c.status.phase === 'reconnecting'; i++) {
      const status = c.status;
      retries.push(status.retryAtMs - scheduler.nowMs);
      scheduler.advance(status.retryAtMs - scheduler.nowMs);
      // The server is still down: the attempt never opens.
      socket().serverCloses(1006);
    }
    expect(retries).toEqual([250, 500, 1000, 2000, 2000]);
    expect(c.status).toMatchObject({ phase: 'closed', closeCode: 1006, hasJoined: false });
    expect(scheduler.activeTimers).toBe(0);
  });

  it('keeps backing off when it is kicked again and again right after joining', () => {
    const c = start();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      joinAs(7, `t${i}`);
      scheduler.advance(1000);
      socket().serverCloses(CloseCode.SlowConsumer);
      if (c.status.phase !== 'reconnecting') throw new Error('not reconnecting');
      delays.push(c.status.retryAtMs - scheduler.nowMs);
      scheduler.advance(c.status.retryAtMs - scheduler.nowMs);
    }
    expect(delays).toEqual([250, 500, 1000, 2000]);
    // A connection that stayed up 10 s starts the backoff over.
    joinAs(7, 'stable');
    scheduler.advance(10_000);
    socket().serverCloses(1006);
    expect(c.status.phase === 'reconnecting' && c.status.retryAtMs - scheduler.nowMs).toBe(250);
  });

  it('waits at least 2 s after RateLimited, RoomFull and the connection limits', () => {
    for (const code of [
      CloseCode.RateLimited,
      CloseCode.RoomFull,
      CloseCode.TooManyConnections,
      CloseCode.TooManyConnectionsFromAddress,
    ]) {
      FakeWebSocket.instances = [];
      const c = start();
      joinAs(7, 't');
      socket().serverCloses(code);
      expect(c.status.phase === 'reconnecting' && c.status.retryAtMs - scheduler.nowMs).toBe(2000);
    }
  });

  it('does not retry when retrying cannot help', () => {
    for (const code of [
      CloseCode.SessionReplaced,
      CloseCode.UnsupportedVersion,
      CloseCode.OriginNotAllowed,
    ]) {
      FakeWebSocket.instances = [];
      const c = start();
      joinAs(7, 't');
      socket().serverCloses(code);
      expect(c.status).toMatchObject({ phase: 'closed', closeCode: code });
      scheduler.advance(10_000);
      expect(FakeWebSocket.instances).toHaveLength(1);
    }
  });

  it('reports a first connection that fails at once, without retrying', () => {
    const c = start();
    socket().serverCloses(1006);
    expect(c.status).toMatchObject({ phase: 'closed', hasOpened: false });
    scheduler.advance(10_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('stops trying when the player leaves while it waits to reconnect', () => {
    const c = start();
    joinAs(7, 't');
    socket().serverCloses(1006);
    c.close();
    expect(c.status).toMatchObject({ phase: 'closed', isClientInitiated: true, closeCode: 1000 });
    scheduler.advance(10_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('without rematch, retries 4016 like 4008 and takes 4015 as final', () => {
    const c = start();
    joinAs(7, 't');
    socket().serverCloses(CloseCode.ServerRestarting);
    expect(c.status).toMatchObject({ phase: 'reconnecting', retryAtMs: 250, isRematch: false });
    scheduler.advance(250);
    socket().serverAccepts();
    expect(socket().url).toBe('ws://game.test/ws');
    expect(socket().hellos()[0]).toMatchObject({ resumeToken: 't', seat: null });
    // The server wants a seat, and this connection has no way to get one.
    socket().serverCloses(CloseCode.SeatRequired);
    expect(c.status).toMatchObject({ phase: 'closed', closeCode: CloseCode.SeatRequired });
    scheduler.advance(10_000);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  describe('with rematch', () => {
    let matchmaking: FakeRematch;

    beforeEach(() => {
      matchmaking = new FakeRematch();
    });

    function startWithSeat(giveUpAfterMs = 60_000): ReconnectingConnection {
      return start(giveUpAfterMs, { seat: 's-first', rematch: matchmaking.rematch });
    }

    it('sends the seat in the first Hello only; a resume carries the token', () => {
      startWithSeat();
      socket().serverAccepts();
      expect(socket().hellos()[0]).toMatchObject({ resumeToken: null, seat: 's-first' });
      socket().serverSends(encodeWelcome(welcome(7, 't')));
      socket().serverCloses(1006);
      scheduler.advance(250);
      socket().serverAccepts();
      expect(socket().hellos()[0]).toMatchObject({ resumeToken: 't', seat: null });
      expect(matchmaking.calls).toBe(0);
    });

    it('goes back through matchmaking at once on 4016, and says so', async () => {
      const c = startWithSeat();
      joinAs(7, 't');
      c.setControls({ moveDir: 64, aim: 3 });
      scheduler.advance(1000);
      socket().serverCloses(CloseCode.ServerRestarting, 'server restarting');
      expect(c.status).toMatchObject({
        phase: 'reconnecting',
        attempt: 1,
        retryAtMs: scheduler.nowMs,
        isRematch: true,
        rematchError: null,
        lost: { closeCode: CloseCode.ServerRestarting, hasJoined: true },
      });
      expect(matchmaking.calls).toBe(1);
      expect(FakeWebSocket.instances).toHaveLength(1);

      await matchmaking.answer('ws://other.test:9002/ws', 's-second');
      expect(socket().url).toBe('ws://other.test:9002/ws');
      socket().serverAccepts();
      // A new player: a seat, no resume token (the old server's player is gone).
      expect(socket().hellos()).toEqual([
        expect.objectContaining({ resumeToken: null, seat: 's-second' }),
      ]);
      socket().serverSends(encodeWelcome(welcome(3, 'u')));
      expect(c.status).toMatchObject({ phase: 'connected', playerId: 3, isResumed: false });
      expect(c.reconnects).toBe(1);
      expect(socket().inputs()[0]).toMatchObject({ controls: { moveDir: 64, aim: 3 } });
      expect(statuses.slice(-4).map((s) => s.phase)).toEqual([
        'reconnecting',
        'connecting',
        'handshaking',
        'connected',
      ]);

      // A later drop resumes the new player on the new server.
      socket().serverCloses(1006);
      expect(c.status).toMatchObject({ phase: 'reconnecting', isRematch: false });
      scheduler.advance(c.status.phase === 'reconnecting' ? c.status.retryAtMs : 0);
      socket().serverAccepts();
      expect(socket().url).toBe('ws://other.test:9002/ws');
      expect(socket().hellos()[0]).toMatchObject({ resumeToken: 'u', seat: null });
      expect(matchmaking.calls).toBe(1);
    });

    it('goes to matchmaking when a resume is refused with 4015', async () => {
      const c = startWithSeat();
      joinAs(7, 't');
      socket().serverCloses(1006);
      scheduler.advance(250);
      socket().serverAccepts();
      // The player expired, and this server takes no one without a seat.
      socket().serverCloses(CloseCode.SeatRequired);
      expect(c.status).toMatchObject({
        phase: 'reconnecting',
        attempt: 2,
        retryAtMs: scheduler.nowMs + 500,
        isRematch: true,
        lost: { closeCode: CloseCode.SeatRequired },
      });
      expect(matchmaking.calls).toBe(0);
      scheduler.advance(500);
      expect(matchmaking.calls).toBe(1);
      await matchmaking.answer('ws://game.test/ws', 's-new');
      joinAs(9, 'v');
      expect(socket().hellos()[0]).toMatchObject({ seat: 's-new', resumeToken: null });
      expect(c.status).toMatchObject({ phase: 'connected', playerId: 9, isResumed: false });
    });

    it('takes a new seat when the first connection is refused with 4015 or 4016', async () => {
      const c = startWithSeat();
      socket().serverAccepts();
      // The seat expired before the socket opened.
      socket().serverCloses(CloseCode.SeatRequired, 'seat expired');
      expect(c.status).toMatchObject({ phase: 'reconnecting', isRematch: true, retryAtMs: 0 });
      await matchmaking.answer('ws://game.test/ws', 's-2');
      joinAs(7, 't');
      expect(c.status).toMatchObject({ phase: 'connected', isResumed: false });
    });

    it('retries matchmaking with backoff while it is unavailable, then gives up', async () => {
      const c = startWithSeat(5000);
      joinAs(7, 't');
      socket().serverCloses(CloseCode.ServerRestarting);
      await matchmaking.fail(
        new MatchmakingError(503, 'unavailable', 'No process can take a room.', 1000),
      );
      // Backoff for attempt 2 (500 ms) but not before the server's Retry-After.
      expect(c.status).toMatchObject({
        phase: 'reconnecting',
        attempt: 2,
        retryAtMs: 1000,
        isRematch: true,
        rematchError: 'No process can take a room.',
        lost: { closeCode: CloseCode.ServerRestarting },
      });
      scheduler.advance(1000);
      expect(matchmaking.calls).toBe(2);
      await matchmaking.fail(new MatchmakingError(0, 'unreachable', 'Cannot reach matchmaking.'));
      expect(c.status).toMatchObject({ phase: 'reconnecting', attempt: 3, retryAtMs: 2000 });
      scheduler.advance(1000);
      await matchmaking.fail(new MatchmakingError(0, 'unreachable', 'Cannot reach matchmaking.'));
      scheduler.advance(2000);
      await matchmaking.fail(new MatchmakingError(0, 'unreachable', 'Cannot reach matchmaking.'));
      scheduler.advance(2000);
      // 5 s after the drop: this failure ends it.
      await matchmaking.fail(new MatchmakingError(0, 'unreachable', 'Cannot reach matchmaking.'));
      expect(c.status).toMatchObject({
        phase: 'closed',
        closeCode: CloseCode.ServerRestarting,
        matchmakingError: 'Cannot reach matchmaking.',
      });
      expect(matchmaking.calls).toBe(5);
      expect(scheduler.activeTimers).toBe(0);
      expect(FakeWebSocket.instances).toHaveLength(1);
    });

    it('ends at once when matchmaking refuses for good', async () => {
      const c = startWithSeat();
      joinAs(7, 't');
      socket().serverCloses(CloseCode.ServerRestarting);
      await matchmaking.fail(new MatchmakingError(401, 'unauthorized', 'The token has expired.'));
      expect(c.status).toMatchObject({
        phase: 'closed',
        closeCode: CloseCode.ServerRestarting,
        matchmakingError: 'The token has expired.',
      });
      expect(scheduler.activeTimers).toBe(0);
    });

    it('asks for another seat when the new server cannot be reached: the seat is spent', async () => {
      const c = startWithSeat();
      joinAs(7, 't');
      socket().serverCloses(CloseCode.ServerRestarting);
      await matchmaking.answer('ws://gone.test/ws', 's-2');
      socket().serverCloses(1006);
      expect(c.status).toMatchObject({ phase: 'reconnecting', attempt: 2, isRematch: true });
      scheduler.advance(500);
      await matchmaking.answer('ws://alive.test/ws', 's-3');
      joinAs(4, 'w');
      expect(socket().url).toBe('ws://alive.test/ws');
      expect(socket().hellos()[0]).toMatchObject({ seat: 's-3', resumeToken: null });
      expect(c.status).toMatchObject({ phase: 'connected', playerId: 4 });
    });

    it('gives the player up and asks matchmaking when its server stays unreachable (killed)', async () => {
      const c = startWithSeat();
      joinAs(7, 't');
      // The process dies: no close frame, and then nothing listens there any more.
      socket().serverCloses(1006);
      scheduler.advance(250);
      socket().serverCloses(1006); // never opened: a blip, perhaps; the resume is tried again
      expect(c.status).toMatchObject({ phase: 'reconnecting', attempt: 2, isRematch: false });
      scheduler.advance(500);
      socket().serverCloses(1006); // twice in a row: the server is gone, and its player with it
      expect(c.status).toMatchObject({ phase: 'reconnecting', attempt: 3, isRematch: true });
      scheduler.advance(1000);
      expect(matchmaking.calls).toBe(1);
      await matchmaking.answer('ws://alive.test/ws', 's-2');
      joinAs(5, 'x');
      expect(socket().hellos()[0]).toMatchObject({ seat: 's-2', resumeToken: null });
      expect(c.status).toMatchObject({ phase: 'connected', playerId: 5, isResumed: false });
    });

    it('keeps resuming a server that answers again after one failed attempt', () => {
      const c = startWithSeat();
      joinAs(7, 't');
      socket().serverCloses(1006);
      scheduler.advance(250);
      socket().serverCloses(1006);
      scheduler.advance(500);
      socket().serverAccepts();
      expect(socket().hellos()[0]).toMatchObject({ resumeToken: 't', seat: null });
      socket().serverSends(encodeWelcome(welcome(7, 't2')));
      expect(c.status).toMatchObject({ phase: 'connected', playerId: 7, isResumed: true });
      expect(matchmaking.calls).toBe(0);
    });

    it('stays closed when the player leaves while matchmaking answers', async () => {
      const c = startWithSeat();
      joinAs(7, 't');
      socket().serverCloses(CloseCode.ServerRestarting);
      c.close();
      expect(c.status).toMatchObject({ phase: 'closed', isClientInitiated: true, closeCode: 1000 });
      await matchmaking.answer('ws://other.test/ws', 's-2');
      expect(FakeWebSocket.instances).toHaveLength(1);
      expect(c.status.phase).toBe('closed');
    });
  });

  it('counts traffic across connections', () => {
    const c = start();
    joinAs(7, 't');
    const first = c.traffic.framesIn;
    socket().serverCloses(1006);
    scheduler.advance(250);
    joinAs(7, 'u');
    expect(c.traffic.framesIn).toBe(first + 1);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base up to the cap, half of it random', () => {
    expect(backoffDelayMs(1, 250, 5000, () => 0)).toBe(125);
    expect(backoffDelayMs(1, 250, 5000, () => 1)).toBe(250);
    expect(backoffDelayMs(3, 250, 5000, () => 0.5)).toBe(750);
    expect(backoffDelayMs(20, 250, 5000, () => 1)).toBe(5000);
  });
});
