import {
  CloseCode,
  MessageId,
  NO_DIRECTION,
  PROTOCOL_VERSION,
  Replica,
  SUBPROTOCOL,
  decodeClientMessage,
  encodeKick,
  encodeSnapshot,
  encodeWelcome,
} from '@tickwire/protocol';
import type { ClientMessage, Input, Resync, Snapshot, Welcome } from '@tickwire/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import {
  fullSnapshot as snapshotOf,
  pelletRecord,
  playerRecord,
} from '../../../protocol/src/testing/records.js';
import type { SyncTarget } from './connection.js';
import type { Scheduler, WebSocketLike } from './socket.js';
import type { ConnectionStatus } from './connection-status.js';

/** A WebSocket stand-in: records what the client sends, and lets the test play the server. */
class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];

  readonly url: string;
  readonly protocols: string | string[];
  binaryType: BinaryType = 'blob';
  readyState = 0;
  readonly sent: ClientMessage[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(url: string, protocols: string | string[]) {
    this.url = url;
    this.protocols = protocols;
    FakeWebSocket.instances.push(this);
  }

  send(data: Uint8Array): void {
    this.sent.push(decodeClientMessage(data));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  serverAccepts(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  serverSends(frame: Uint8Array): void {
    // A fresh ArrayBuffer per message, as the browser hands it. (In Node, msgpackr returns a
    // Buffer that may be a view into a shared pool, so `frame.buffer` is not the frame alone.)
    this.onmessage?.(new MessageEvent('message', { data: new Uint8Array(frame).buffer }));
  }

  serverCloses(code: number, reason = '', wasClean = true): void {
    this.readyState = 3;
    this.onclose?.(Object.assign(new Event('close'), { code, reason, wasClean }));
  }

  inputs(): Input[] {
    return this.sent.flatMap((m) => (m.id === MessageId.Input ? [m.message] : []));
  }

  resyncs(): Resync[] {
    return this.sent.flatMap((m) => (m.id === MessageId.Resync ? [m.message] : []));
  }
}

interface ManualTimer {
  intervalMs: number;
  dueMs: number;
  callback: () => void;
}

class ManualScheduler implements Scheduler {
  #timers: ManualTimer[] = [];
  nowMs = 0;

  every(intervalMs: number, callback: () => void): () => void {
    const timer = { intervalMs, dueMs: this.nowMs + intervalMs, callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  advance(ms: number): void {
    const endMs = this.nowMs + ms;
    for (;;) {
      const next = this.#timers.reduce<ManualTimer | null>(
        (soonest, t) => (t.dueMs <= endMs && (!soonest || t.dueMs < soonest.dueMs) ? t : soonest),
        null,
      );
      if (!next) break;
      this.nowMs = next.dueMs;
      next.dueMs += next.intervalMs;
      next.callback();
    }
    this.nowMs = endMs;
  }

  get activeTimers(): number {
    return this.#timers.length;
  }
}

/** The smallest SyncTarget: a Replica, as game/ holds one. */
class ReplicaSync implements SyncTarget {
  replica: Replica | null = null;
  welcomes: Welcome[] = [];
  resets = 0;

  onWelcome(welcome: Welcome): void {
    this.welcomes.push(welcome);
    this.replica = new Replica({
      worldWidth: welcome.worldWidth,
      worldHeight: welcome.worldHeight,
    });
  }

  applySnapshot(snapshot: Snapshot): void {
    if (!this.replica) throw new Error('no replica');
    this.replica.apply(snapshot);
  }

  get ackTick(): number {
    return this.replica?.tick ?? 0;
  }

  resetReplica(): void {
    this.resets += 1;
    this.replica?.reset();
  }
}

const welcome: Welcome = {
  protocolVersion: PROTOCOL_VERSION,
  playerId: 7,
  tickHz: 30,
  serverTick: 100,
  serverTimeMs: 5000,
  worldWidth: 1200,
  worldHeight: 800,
  viewWidth: 1600,
  viewHeight: 1000,
  playerSpeed: 27,
  resumeToken: 'token',
};

function fullSnapshot(tick: number, x = 400): Snapshot {
  return snapshotOf(tick, [playerRecord(7, { x, name: 'me' }), pelletRecord(9, 40, 40)]);
}

function deltaSnapshot(tick: number, baselineTick: number): Snapshot {
  return { ...fullSnapshot(tick), baselineTick, entered: [], updated: [{ id: 7, aim: 3 }] };
}

describe('Connection', () => {
  let scheduler: ManualScheduler;
  let sync: ReplicaSync;
  let statuses: ConnectionStatus[];

  beforeEach(() => {
    FakeWebSocket.instances = [];
    scheduler = new ManualScheduler();
    sync = new ReplicaSync();
    statuses = [];
  });

  function connect(url = 'ws://game.test/ws'): { connection: Connection; socket: FakeWebSocket } {
    const connection = new Connection({
      url,
      name: 'Alice',
      WebSocket: FakeWebSocket,
      sync,
      scheduler,
      nowMs: () => scheduler.nowMs,
      onStatus: (status) => statuses.push(status),
    });
    connection.open();
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return { connection, socket };
  }

  function join(): { connection: Connection; socket: FakeWebSocket } {
    const joined = connect();
    joined.socket.serverAccepts();
    joined.socket.serverSends(encodeWelcome(welcome));
    return joined;
  }

  it('opens the socket with the tickwire subprotocol and binary frames as ArrayBuffers', () => {
    const { socket, connection } = connect('ws://127.0.0.1:9/ws');
    expect(socket.url).toBe('ws://127.0.0.1:9/ws');
    expect(socket.protocols).toBe(SUBPROTOCOL);
    expect(socket.binaryType).toBe('arraybuffer');
    expect(connection.status).toEqual({ phase: 'connecting', url: 'ws://127.0.0.1:9/ws' });
    expect(socket.sent).toEqual([]);
  });

  it('sends Hello first once the socket opens, then waits for Welcome', () => {
    const { socket, connection } = connect();
    socket.serverAccepts();
    expect(socket.sent).toEqual([
      {
        id: MessageId.Hello,
        message: { protocolVersion: PROTOCOL_VERSION, name: 'Alice', resumeToken: null },
      },
    ]);
    expect(connection.status.phase).toBe('handshaking');
    scheduler.advance(500);
    expect(socket.sent).toHaveLength(1);
  });

  it('is connected after Welcome and hands the Welcome to the state', () => {
    const { connection } = join();
    expect(connection.status).toEqual({
      phase: 'connected',
      url: 'ws://game.test/ws',
      playerId: 7,
    });
    expect(sync.welcomes).toEqual([welcome]);
    expect(statuses.map((s) => s.phase)).toEqual(['connecting', 'handshaking', 'connected']);
  });

  it('sends Input at once after Welcome and then every 50 ms, acking the newest tick', () => {
    const { socket } = join();
    expect(socket.inputs()).toEqual([
      { seq: 1, ackTick: 0, moveDir: NO_DIRECTION, aim: 0, buttons: 0 },
    ]);
    socket.serverSends(encodeSnapshot(fullSnapshot(101)));
    scheduler.advance(49);
    expect(socket.inputs()).toHaveLength(1);
    scheduler.advance(1);
    socket.serverSends(encodeSnapshot(fullSnapshot(102)));
    scheduler.advance(50);
    expect(socket.inputs().map((i) => [i.seq, i.ackTick])).toEqual([
      [1, 0],
      [2, 101],
      [3, 102],
    ]);
  });

  it('sends a movement change at once, and an aim change with the next regular Input', () => {
    const { socket, connection } = join();
    connection.setControls({ moveDir: 0, aim: 10 });
    expect(socket.inputs().at(-1)).toMatchObject({ seq: 2, moveDir: 0, aim: 10 });
    connection.setControls({ moveDir: 0, aim: 20 });
    expect(socket.inputs()).toHaveLength(2);
    scheduler.advance(50);
    expect(socket.inputs().at(-1)).toMatchObject({ seq: 3, moveDir: 0, aim: 20 });
    connection.setControls({ moveDir: NO_DIRECTION, aim: 20 });
    expect(socket.inputs().at(-1)).toMatchObject({ seq: 4, moveDir: NO_DIRECTION });
  });

  it('sends no Input before Welcome, even when the controls change', () => {
    const { socket, connection } = connect();
    socket.serverAccepts();
    connection.setControls({ moveDir: 64, aim: 0 });
    scheduler.advance(200);
    expect(socket.inputs()).toEqual([]);
  });

  it('asks for a Resync once when a delta names a baseline it does not hold', () => {
    const { socket } = join();
    socket.serverSends(encodeSnapshot(fullSnapshot(101)));
    socket.serverSends(encodeSnapshot(deltaSnapshot(103, 102)));
    socket.serverSends(encodeSnapshot(deltaSnapshot(104, 102)));
    expect(socket.resyncs()).toEqual([{ tick: 103 }]);
    expect(sync.ackTick).toBe(101);
    expect(sync.resets).toBe(0);

    // Still stuck a second later: ask again.
    socket.serverSends(encodeSnapshot(deltaSnapshot(133, 102)));
    expect(socket.resyncs()).toEqual([{ tick: 103 }, { tick: 133 }]);

    // A full snapshot ends the stall; a later miss asks afresh.
    socket.serverSends(encodeSnapshot(fullSnapshot(134)));
    socket.serverSends(encodeSnapshot(deltaSnapshot(136, 135)));
    expect(socket.resyncs()).toEqual([{ tick: 103 }, { tick: 133 }, { tick: 136 }]);
  });

  it('drops every baseline and resyncs on a checksum mismatch', () => {
    const { socket } = join();
    socket.serverSends(encodeSnapshot({ ...fullSnapshot(101), checksum: 12345 }));
    expect(sync.resets).toBe(1);
    expect(socket.resyncs()).toEqual([{ tick: 101 }]);
    expect(socket.closedWith).toBeNull();
  });

  it("reports the Kick's code and reason when the server closes", () => {
    const { socket, connection } = join();
    socket.serverSends(encodeKick({ closeCode: CloseCode.ServerShutdown, reason: 'restarting' }));
    socket.serverCloses(CloseCode.ServerShutdown, '');
    expect(connection.status).toEqual({
      phase: 'closed',
      url: 'ws://game.test/ws',
      closeCode: CloseCode.ServerShutdown,
      reason: 'restarting',
      hasOpened: true,
      hasJoined: true,
      isClientInitiated: false,
    });
    expect(scheduler.activeTimers).toBe(0);
  });

  it('reports a refused handshake with the close frame when there was no Kick', () => {
    const { socket, connection } = connect();
    socket.serverAccepts();
    socket.serverCloses(CloseCode.RoomFull, 'room full');
    expect(connection.status).toMatchObject({
      phase: 'closed',
      closeCode: CloseCode.RoomFull,
      reason: 'room full',
      hasOpened: true,
      hasJoined: false,
    });
  });

  it('reports an unreachable server as closed without ever having opened', () => {
    const { socket, connection } = connect();
    socket.serverCloses(1006, '', false);
    expect(connection.status).toMatchObject({ phase: 'closed', closeCode: 1006, hasOpened: false });
    expect(statuses.map((s) => s.phase)).toEqual(['connecting', 'closed']);
  });

  it('reports a URL the WebSocket constructor refuses', () => {
    class ThrowingWebSocket extends FakeWebSocket {
      constructor(url: string, protocols: string | string[]) {
        super(url, protocols);
        throw new SyntaxError(`The URL '${url}' is invalid.`);
      }
    }
    const connection = new Connection({
      url: 'ws://bad url',
      name: 'Alice',
      WebSocket: ThrowingWebSocket,
      sync,
      scheduler,
      onStatus: (status) => statuses.push(status),
    });
    connection.open();
    expect(connection.status).toMatchObject({
      phase: 'closed',
      hasOpened: false,
      reason: expect.stringContaining('invalid') as unknown,
    });
  });

  it('closes with MalformedFrame when the server sends bytes it cannot decode', () => {
    const { socket, connection } = join();
    socket.serverSends(new Uint8Array([0xc1]));
    expect(socket.closedWith?.code).toBe(CloseCode.MalformedFrame);
    expect(connection.status).toMatchObject({
      phase: 'closed',
      closeCode: CloseCode.MalformedFrame,
      isClientInitiated: true,
    });
    expect(scheduler.activeTimers).toBe(0);
  });

  it('closes with HandshakeViolation on a Snapshot before Welcome', () => {
    const { socket, connection } = connect();
    socket.serverAccepts();
    socket.serverSends(encodeSnapshot(fullSnapshot(5)));
    expect(socket.closedWith?.code).toBe(CloseCode.HandshakeViolation);
    expect(connection.status.phase).toBe('closed');
  });

  it('closes normally when the player leaves, and ignores the socket after that', () => {
    const { socket, connection } = join();
    connection.close();
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'leaving' });
    expect(connection.status).toMatchObject({
      phase: 'closed',
      isClientInitiated: true,
      hasJoined: true,
    });
    const count = statuses.length;
    socket.serverCloses(1000);
    scheduler.advance(1000);
    expect(statuses).toHaveLength(count);
    expect(socket.inputs()).toHaveLength(1);
  });

  it('can be opened only once', () => {
    const { connection } = connect();
    expect(() => connection.open()).toThrow(/already/);
  });
});
