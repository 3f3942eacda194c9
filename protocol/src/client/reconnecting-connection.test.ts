import { beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../wire/ids.js';
import { encodeWelcome } from '../messages/server.js';
import type { Welcome } from '../messages/server.js';
import type { Snapshot } from '../messages/snapshot.js';
import { FakeWebSocket, ManualScheduler } from '../testing/fake-socket.js';
import { welcomeRecord } from '../testing/records.js';
import type { SyncTarget } from './connection.js';
import type { ConnectionStatus } from './connection-status.js';
import { ReconnectingConnection, backoffDelayMs } from './reconnecting-connection.js';

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

  function start(giveUpAfterMs = 60_000): ReconnectingConnection {
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
