import { beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../wire/ids.js';
import { PLAYER_SUBPROTOCOL, SUBPROTOCOL } from '../wire/version.js';
import { encodeKick, encodeWelcome } from '../messages/server.js';
import type { Welcome } from '../messages/server.js';
import { encodeSnapshot } from '../messages/snapshot.js';
import type { Snapshot } from '../messages/snapshot.js';
import { encodeSummary, type RoomSummary } from '../messages/summary.js';
import { Replica } from '../replica/replica.js';
import { fullSnapshot, playerRecord, welcomeRecord } from '../testing/records.js';
import { testArenaSchema } from '../testing/test-schemas.js';
import { FakeWebSocket, ManualScheduler } from '../testing/fake-socket.js';
import { Connection } from './connection.js';
import type { ConnectionOptions, SyncTarget } from './connection.js';
import type { ConnectionStatus } from './connection-status.js';
import { ReconnectingConnection } from './reconnecting-connection.js';

// Version 4 in the reference client: spectate and summary options, watch(), onSummary.

class SummarySync implements SyncTarget {
  replica: Replica | null = null;
  summaries: { summary: RoomSummary; receivedAtMs: number }[] = [];

  onWelcome(welcome: Welcome): void {
    this.replica = new Replica({
      schema: welcome.schema,
      worldWidth: welcome.worldWidth,
      worldHeight: welcome.worldHeight,
    });
  }

  applySnapshot(snapshot: Snapshot): void {
    this.replica?.apply(snapshot);
  }

  get ackTick(): number {
    return this.replica?.tick ?? 0;
  }

  resetReplica(): void {
    this.replica?.reset();
  }

  onSummary(summary: RoomSummary, receivedAtMs: number): void {
    this.summaries.push({ summary, receivedAtMs });
  }
}

const spectatorWelcome: Welcome = welcomeRecord({ playerId: 0, resumeToken: '' });
const summary: RoomSummary = {
  tick: 100,
  playersOnline: 1,
  spectators: 1,
  leaders: [{ id: 7, name: 'me', score: 3, x: 400, y: 800 }],
};

describe('Connection, version 4', () => {
  let scheduler: ManualScheduler;
  let sync: SummarySync;
  let statuses: ConnectionStatus[];

  beforeEach(() => {
    FakeWebSocket.instances = [];
    scheduler = new ManualScheduler();
    sync = new SummarySync();
    statuses = [];
  });

  const options = (extra: Partial<ConnectionOptions>): ConnectionOptions => ({
    url: 'ws://game.test/ws',
    name: 'Eve',
    WebSocket: FakeWebSocket,
    sync,
    scheduler,
    nowMs: () => scheduler.nowMs,
    onStatus: (status) => statuses.push(status),
    ...extra,
  });

  function open(extra: Partial<ConnectionOptions>): {
    connection: Connection;
    socket: FakeWebSocket;
  } {
    const connection = new Connection(options(extra));
    connection.open();
    const socket = FakeWebSocket.instances.at(-1) as FakeWebSocket;
    socket.serverAccepts();
    return { connection, socket };
  }

  it('speaks version 3 exactly as before unless spectate or summary is set', () => {
    const { connection, socket } = open({});
    expect(socket.protocols).toBe(PLAYER_SUBPROTOCOL);
    expect(connection.protocolVersion).toBe(3);
    expect(socket.hellos()).toEqual([
      { protocolVersion: 3, name: 'Eve', resumeToken: null, seat: null },
    ]);
    expect(() => connection.watch({ followId: 7 })).toThrow(/not a spectator/);
  });

  it('a spectator offers tickwire.v4, sets the spectate flag, sends Watch instead of Input, and acknowledges with it', () => {
    const { connection, socket } = open({ spectate: true, resumeToken: 'ignored' });
    expect(socket.protocols).toBe(SUBPROTOCOL);
    expect(socket.hellos()).toEqual([
      { protocolVersion: 4, name: 'Eve', resumeToken: null, seat: null, flags: 1 },
    ]);
    socket.serverSends(encodeWelcome(spectatorWelcome));
    expect(statuses.at(-1)).toMatchObject({ phase: 'connected', playerId: 0, isResumed: false });
    // Until watch(): the world's centre (1200 x 800 units: 2400, 1600 wire units).
    expect(socket.watches()).toEqual([{ ackTick: 0, followId: 0, x: 2400, y: 1600 }]);
    connection.setControls({ moveDir: 3 });
    socket.serverSends(
      encodeSnapshot(testArenaSchema, fullSnapshot(100, [playerRecord(7, { name: 'p' })])),
    );
    scheduler.advance(50);
    expect(socket.inputs()).toEqual([]);
    expect(socket.watches().at(-1)).toEqual({ ackTick: 100, followId: 0, x: 2400, y: 1600 });
  });

  it('watch() sends at once (within the input rate), and every later Watch repeats it', () => {
    const { connection, socket } = open({ spectate: true });
    socket.serverSends(encodeWelcome(spectatorWelcome));
    scheduler.advance(30);
    connection.watch({ followId: 7 });
    expect(socket.watches().at(-1)).toEqual({ ackTick: 0, followId: 7, x: 0, y: 0 });
    // Sooner than minInputIntervalMs (20 ms) after the last: it waits for the rest of it.
    connection.watch({ x: 1234.4, y: -50 });
    expect(socket.watches()).toHaveLength(2);
    scheduler.advance(20);
    expect(socket.watches()).toHaveLength(3);
    expect(socket.watches().at(-1)).toEqual({ ackTick: 0, followId: 0, x: 1234, y: 0 });
    // Past the world's edge: clamped to it.
    scheduler.advance(20);
    connection.watch({ x: 1e9, y: 5 });
    expect(socket.watches().at(-1)).toEqual({ ackTick: 0, followId: 0, x: 4800, y: 5 });
    scheduler.advance(50);
    expect(socket.watches().at(-1)).toEqual({ ackTick: 0, followId: 0, x: 4800, y: 5 });
    expect(() => connection.watch({ followId: 0 })).toThrow(RangeError);
    expect(() => connection.watch({ x: Number.NaN, y: 0 })).toThrow(RangeError);
  });

  it('summary: sets the summary flag and hands each Summary to onSummary', () => {
    const { socket } = open({ summary: true });
    expect(socket.hellos()[0]?.flags).toBe(2);
    socket.serverSends(encodeWelcome(welcomeRecord()));
    scheduler.advance(10);
    socket.serverSends(encodeSummary(summary));
    expect(sync.summaries).toEqual([{ summary, receivedAtMs: 10 }]);
  });

  it('a Summary before the Welcome is a handshake violation (4003)', () => {
    const { socket } = open({ summary: true });
    socket.serverSends(encodeSummary(summary));
    expect(statuses.at(-1)).toMatchObject({
      phase: 'closed',
      closeCode: CloseCode.HandshakeViolation,
    });
  });
});

describe('ReconnectingConnection, spectating', () => {
  it('keeps the camera across a reconnect, and resumes no player', () => {
    FakeWebSocket.instances = [];
    const scheduler = new ManualScheduler();
    const statuses: ConnectionStatus[] = [];
    const connection = new ReconnectingConnection({
      url: 'ws://game.test/ws',
      name: 'Eve',
      WebSocket: FakeWebSocket,
      sync: new SummarySync(),
      scheduler,
      nowMs: () => scheduler.nowMs,
      onStatus: (status) => statuses.push(status),
      spectate: true,
      summary: true,
      reconnect: { random: () => 0 },
    });
    connection.open();
    const first = FakeWebSocket.instances.at(-1) as FakeWebSocket;
    first.serverAccepts();
    first.serverSends(encodeWelcome(spectatorWelcome));
    scheduler.advance(100);
    connection.watch({ followId: 9 });
    first.serverCloses(1006);
    scheduler.advance(1000);
    const second = FakeWebSocket.instances.at(-1) as FakeWebSocket;
    expect(second).not.toBe(first);
    second.serverAccepts();
    expect(second.hellos()).toEqual([
      { protocolVersion: 4, name: 'Eve', resumeToken: null, seat: null, flags: 3 },
    ]);
    second.serverSends(encodeWelcome(spectatorWelcome));
    expect(second.watches()[0]).toMatchObject({ followId: 9 });
    expect(statuses.at(-1)).toMatchObject({ phase: 'connected', playerId: 0, isResumed: false });
    // A room that has no room for another spectator: retried, after at least 2 s.
    second.sent.length = 0;
    const kicked = encodeKick({ closeCode: CloseCode.SpectatorsFull, reason: 'full' });
    second.serverSends(kicked);
    second.serverCloses(CloseCode.SpectatorsFull);
    expect(statuses.at(-1)).toMatchObject({ phase: 'reconnecting' });
    connection.close();
  });

  it('refuses watch() unless spectating', () => {
    const connection = new ReconnectingConnection({
      url: 'ws://game.test/ws',
      name: 'Eve',
      WebSocket: FakeWebSocket,
      sync: new SummarySync(),
      onStatus: () => {},
    });
    expect(() => connection.watch({ followId: 1 })).toThrow(/not a spectator/);
  });
});
