import { beforeEach, describe, expect, it } from 'vitest';
import { CloseCode, MessageId } from '../wire/ids.js';
import { NO_DIRECTION } from '../sim/quantize.js';
import { PLAYER_PROTOCOL_VERSION, PLAYER_SUBPROTOCOL } from '../wire/version.js';
import { encodeKick, encodePong, encodeWelcome } from '../messages/server.js';
import type { Pong, Welcome } from '../messages/server.js';
import { encodeSnapshot as encodeWith } from '../messages/snapshot.js';
import type { Snapshot } from '../messages/snapshot.js';
import type { Controls, Input } from '../messages/client.js';
import { updateFromFields } from '../messages/update-fields.js';
import { Replica } from '../replica/replica.js';
import {
  fullSnapshot as snapshotOf,
  pelletRecord,
  playerRecord,
  welcomeRecord,
} from '../testing/records.js';
import { testArenaSchema, testMixedSchema } from '../testing/test-schemas.js';
import { FakeWebSocket, ManualScheduler } from '../testing/fake-socket.js';
import { Connection, truncateUtf8 } from './connection.js';
import type { SyncTarget } from './connection.js';
import type { ConnectionStatus } from './connection-status.js';

/** The smallest SyncTarget: a Replica, as game/ holds one. */
class ReplicaSync implements SyncTarget {
  replica: Replica | null = null;
  welcomes: Welcome[] = [];
  resets = 0;

  onWelcome(welcome: Welcome): void {
    this.welcomes.push(welcome);
    this.replica = new Replica({
      schema: welcome.schema,
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

  pongs: { pong: Pong; receivedAtMs: number }[] = [];
  onPong(pong: Pong, receivedAtMs: number): void {
    this.pongs.push({ pong, receivedAtMs });
  }

  sentInputs: { input: Input; sentAtMs: number }[] = [];
  onInputSent(input: Input, sentAtMs: number): void {
    this.sentInputs.push({ input, sentAtMs });
  }
}

const welcome: Welcome = welcomeRecord();
const encodeSnapshot = (s: Snapshot): Uint8Array => encodeWith(testArenaSchema, s);
/** The arena's rule: movement and buttons are urgent, the aim that follows the mouse is not. */
const arenaUrgency = (sent: Readonly<Controls>, now: Readonly<Controls>): boolean =>
  sent.moveDir !== now.moveDir || sent.buttons !== now.buttons;

function fullSnapshot(tick: number, x = 400): Snapshot {
  return snapshotOf(tick, [playerRecord(7, { x, name: 'me' }), pelletRecord(9, 40, 40)]);
}

function deltaSnapshot(tick: number, baselineTick: number): Snapshot {
  return {
    ...fullSnapshot(tick),
    baselineTick,
    entered: [],
    updated: [updateFromFields(testArenaSchema, 'player', 7, { aim: 3 })],
  };
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

  function connect(
    url = 'ws://game.test/ws',
    isUrgentChange?: (sent: Readonly<Controls>, now: Readonly<Controls>) => boolean,
  ): { connection: Connection; socket: FakeWebSocket } {
    const connection = new Connection({
      url,
      name: 'Alice',
      WebSocket: FakeWebSocket,
      sync,
      scheduler,
      nowMs: () => scheduler.nowMs,
      onStatus: (status) => statuses.push(status),
      isUrgentChange,
    });
    connection.open();
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return { connection, socket };
  }

  function join(
    isUrgentChange?: (sent: Readonly<Controls>, now: Readonly<Controls>) => boolean,
    joinedWelcome = welcome,
  ): { connection: Connection; socket: FakeWebSocket } {
    const joined = connect(undefined, isUrgentChange);
    joined.socket.serverAccepts();
    joined.socket.serverSends(encodeWelcome(joinedWelcome));
    return joined;
  }

  it('opens the socket with the tickwire subprotocol and binary frames as ArrayBuffers', () => {
    const { socket, connection } = connect('ws://127.0.0.1:9/ws');
    expect(socket.url).toBe('ws://127.0.0.1:9/ws');
    expect(socket.protocols).toBe(PLAYER_SUBPROTOCOL);
    expect(socket.binaryType).toBe('arraybuffer');
    expect(connection.status).toEqual({ phase: 'connecting', url: 'ws://127.0.0.1:9/ws' });
    expect(socket.sent).toEqual([]);
  });

  it('sends Hello first once the socket opens, then waits for Welcome', () => {
    const { socket, connection } = connect();
    socket.serverAccepts();
    expect(socket.sent[0]).toEqual({
      id: MessageId.Hello,
      message: {
        protocolVersion: PLAYER_PROTOCOL_VERSION,
        name: 'Alice',
        resumeToken: null,
        seat: null,
      },
    });
    expect(connection.status.phase).toBe('handshaking');
    scheduler.advance(500);
    expect(socket.hellos()).toHaveLength(1);
    expect(socket.inputs()).toEqual([]);
  });

  it('sends the resume token it was given in Hello', () => {
    const connection = new Connection({
      url: 'ws://game.test/ws',
      name: 'Alice',
      WebSocket: FakeWebSocket,
      sync,
      scheduler,
      nowMs: () => scheduler.nowMs,
      resumeToken: 'abc',
      resumePlayerId: 7,
      onStatus: (status) => statuses.push(status),
    });
    connection.open();
    const socket = FakeWebSocket.instances.at(-1) as FakeWebSocket;
    socket.serverAccepts();
    expect(socket.hellos()[0]?.resumeToken).toBe('abc');
    socket.serverSends(encodeWelcome(welcome));
    expect(connection.status).toMatchObject({ phase: 'connected', isResumed: true });
  });

  it('sends the seat from matchmaking in Hello', () => {
    const connection = new Connection({
      url: 'ws://game.test/ws',
      name: 'Alice',
      WebSocket: FakeWebSocket,
      sync,
      scheduler,
      nowMs: () => scheduler.nowMs,
      seat: 's-0123456789',
      onStatus: (status) => statuses.push(status),
    });
    connection.open();
    const socket = FakeWebSocket.instances.at(-1) as FakeWebSocket;
    socket.serverAccepts();
    expect(socket.hellos()).toEqual([
      {
        protocolVersion: PLAYER_PROTOCOL_VERSION,
        name: 'Alice',
        resumeToken: null,
        seat: 's-0123456789',
      },
    ]);
  });

  it('pings at once, five times 200 ms apart, then every second, and hands Pongs over', () => {
    const { socket } = connect();
    socket.serverAccepts();
    scheduler.advance(3000);
    const pingTimes = socket.pings().map((p) => p.clientTimeMs);
    expect(pingTimes).toEqual([0, 200, 400, 600, 800, 1800, 2800]);
    scheduler.advance(15);
    socket.serverSends(encodePong({ clientTimeMs: 2800, serverTimeMs: 9000, serverTick: 270 }));
    expect(sync.pongs).toEqual([
      { pong: { clientTimeMs: 2800, serverTimeMs: 9000, serverTick: 270 }, receivedAtMs: 3015 },
    ]);
  });

  it('counts the bytes and frames it sends and receives', () => {
    const { socket, connection } = join();
    const snapshot = encodeSnapshot(fullSnapshot(101));
    socket.serverSends(snapshot);
    expect(connection.traffic).toMatchObject({
      bytesIn: encodeWelcome(welcome).byteLength + snapshot.byteLength,
      framesIn: 2,
      snapshotsApplied: 1,
    });
    // Hello, Ping, Input.
    expect(connection.traffic.framesOut).toBe(3);
    expect(connection.traffic.bytesOut).toBeGreaterThan(10);
  });

  it('is connected after Welcome and hands the Welcome to the state', () => {
    const { connection } = join();
    expect(connection.status).toEqual({
      phase: 'connected',
      url: 'ws://game.test/ws',
      playerId: 7,
      isResumed: false,
    });
    expect(sync.welcomes).toEqual([welcome]);
    expect(statuses.map((s) => s.phase)).toEqual(['connecting', 'handshaking', 'connected']);
  });

  it('sends Input at once after Welcome and then every 50 ms, acking the newest tick', () => {
    const { socket } = join();
    expect(socket.inputs()).toEqual([
      { seq: 1, ackTick: 0, controls: { moveDir: NO_DIRECTION, aim: 0, buttons: 0 } },
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

  it('acknowledges from the snapshot callback when its timers are throttled (a hidden tab)', () => {
    const { socket } = join();
    expect(socket.inputs()).toHaveLength(1);
    // 3 s of snapshots at 30 Hz while no timer fires: the clock moves, the scheduler does not.
    for (let tick = 101; tick <= 190; tick++) {
      scheduler.nowMs += 1000 / 30;
      socket.serverSends(encodeSnapshot(fullSnapshot(tick)));
    }
    const inputs = socket.inputs();
    // One Input at least every 500 ms of snapshots, each acknowledging the newest tick.
    expect(inputs.length).toBeGreaterThanOrEqual(6);
    expect(inputs.length).toBeLessThanOrEqual(7);
    expect(inputs.at(-1)?.ackTick).toBeGreaterThanOrEqual(175);
  });

  it('sends any change at once by default', () => {
    const { socket, connection } = join();
    scheduler.advance(20);
    connection.setControls({ aim: 10 });
    expect(socket.inputs().at(-1)).toMatchObject({ seq: 2, controls: { moveDir: -1, aim: 10 } });
    scheduler.advance(20);
    connection.setControls({ aim: 10, buttons: 1 });
    expect(socket.inputs().at(-1)).toMatchObject({ seq: 3, controls: { aim: 10, buttons: 1 } });
    connection.setControls({ aim: 10, buttons: 1 });
    scheduler.advance(20);
    expect(socket.inputs()).toHaveLength(3);
    // Leaving a control out sets it back to its default: a change too.
    connection.setControls({ aim: 10 });
    expect(socket.inputs().at(-1)).toMatchObject({ seq: 4, controls: { buttons: 0 } });
  });

  it('sends a change the game calls urgent at once, and another with the next regular Input', () => {
    const { socket, connection } = join(arenaUrgency);
    scheduler.advance(20);
    connection.setControls({ moveDir: 0, aim: 10 });
    expect(socket.inputs().at(-1)).toMatchObject({ seq: 2, controls: { moveDir: 0, aim: 10 } });
    connection.setControls({ moveDir: 0, aim: 20 });
    expect(socket.inputs()).toHaveLength(2);
    scheduler.advance(50);
    expect(socket.inputs().at(-1)).toMatchObject({ seq: 3, controls: { moveDir: 0, aim: 20 } });
    connection.setControls({ moveDir: NO_DIRECTION, aim: 20 });
    expect(socket.inputs().at(-1)).toMatchObject({ seq: 4, controls: { moveDir: NO_DIRECTION } });
    // Each one was reported with its send time, for prediction.
    expect(sync.sentInputs.map((s) => [s.input.seq, s.sentAtMs])).toEqual([
      [1, 0],
      [2, 20],
      [3, 50],
      [4, 70],
    ]);
  });

  it('carries every input field, unset ones at their default, to the server and to prediction', () => {
    const { socket, connection } = join(undefined, welcomeRecord({ schema: testMixedSchema }));
    connection.setControls({ keys: 5 });
    scheduler.advance(20);
    const all = { dx: 0, mode: 3, target: -1, keys: 5 };
    expect(socket.inputs().map((i) => i.controls)).toEqual([
      { dx: 0, mode: 3, target: -1, keys: 0 },
      all,
    ]);
    expect(sync.sentInputs.at(-1)?.input.controls).toEqual(all);
    // The game's urgency rule sees every field too.
    const seen: Controls[] = [];
    const other = join((sent, now) => {
      seen.push(sent, now);
      return false;
    });
    scheduler.advance(20);
    other.connection.setControls({ aim: 9 });
    expect(seen).toEqual([
      { moveDir: -1, aim: 0, buttons: 0 },
      { moveDir: -1, aim: 9, buttons: 0 },
    ]);
  });

  it('never sends Inputs closer than 20 ms apart, however often the controls change', () => {
    const { socket, connection } = join();
    for (let ms = 0; ms < 1000; ms++) {
      connection.setControls({ moveDir: ms % 2 === 0 ? 0 : 64, aim: 0 });
      scheduler.advance(1);
    }
    const times = sync.sentInputs.map((s) => s.sentAtMs);
    for (let i = 1; i < times.length; i++) {
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(20);
    }
    // 50 per second at most, plus the pings: under the server's 60 messages per second.
    expect(socket.inputs().length).toBeLessThanOrEqual(51);
    expect(socket.inputs().length).toBeGreaterThanOrEqual(45);
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

    // Still stuck, but not yet a second later: no second Resync.
    scheduler.advance(999);
    socket.serverSends(encodeSnapshot(deltaSnapshot(133, 102)));
    expect(socket.resyncs()).toEqual([{ tick: 103 }]);
    // A second later: ask again.
    scheduler.advance(1);
    socket.serverSends(encodeSnapshot(deltaSnapshot(134, 102)));
    expect(socket.resyncs()).toEqual([{ tick: 103 }, { tick: 134 }]);

    // A full snapshot ends the stall; a later miss asks afresh (a second after the last Resync).
    socket.serverSends(encodeSnapshot(fullSnapshot(135)));
    scheduler.advance(1000);
    socket.serverSends(encodeSnapshot(deltaSnapshot(137, 136)));
    expect(socket.resyncs()).toEqual([{ tick: 103 }, { tick: 134 }, { tick: 137 }]);
  });

  it('drops every baseline and resyncs on a checksum mismatch', () => {
    const { socket } = join();
    socket.serverSends(encodeSnapshot({ ...fullSnapshot(101), checksum: 12345 }));
    expect(sync.resets).toBe(1);
    expect(socket.resyncs()).toEqual([{ tick: 101 }]);
    expect(socket.closedWith).toBeNull();
  });

  it('sends at most one Resync a second when every delta fails its checksum (60 Hz)', () => {
    // A client with a persistent checksum bug: full snapshots apply, every delta on them fails.
    // The server answers each Resync with a full snapshot at its next tick. Unthrottled, that is
    // a Resync every other tick (30/s), and with Inputs and Pings over the server's 60 messages/s:
    // kicked with 4005 within seconds (issue 10, defect 8).
    const { socket } = join();
    const tickMs = 1000 / 60;
    let isResyncPending = true;
    let resyncsSeen = 0;
    let fullTick = 0;
    for (let tick = 1; tick <= 6 * 60; tick++) {
      if (isResyncPending) {
        socket.serverSends(encodeSnapshot(fullSnapshot(tick)));
        fullTick = tick;
        isResyncPending = false;
      } else {
        const bad = { ...deltaSnapshot(tick, fullTick), checksum: 12345 };
        socket.serverSends(encodeSnapshot(bad));
      }
      const resyncs = socket.resyncs().length;
      if (resyncs > resyncsSeen) isResyncPending = true;
      resyncsSeen = resyncs;
      scheduler.advance(tickMs);
    }
    expect(socket.resyncs().length).toBeGreaterThanOrEqual(5);
    expect(socket.resyncs().length).toBeLessThanOrEqual(7);
    // Everything the client sent in those 6 s stays well under the server's rate limit.
    expect(socket.sent.length / 6).toBeLessThan(40);
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
    socket.serverCloses(1006, '');
    expect(connection.status).toMatchObject({ phase: 'closed', closeCode: 1006, hasOpened: false });
    expect(statuses.map((s) => s.phase)).toEqual(['connecting', 'closed']);
  });

  it("keeps the socket's error message for a close that gives no reason (Node's ws does)", () => {
    const { socket, connection } = connect();
    socket.onerror?.({ message: 'connect ECONNREFUSED 127.0.0.1:9' });
    socket.serverCloses(1006, '');
    expect(connection.status).toMatchObject({
      closeCode: 1006,
      reason: 'connect ECONNREFUSED 127.0.0.1:9',
    });
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

  it('closes with MalformedFrame and the reason when it cannot decode a server frame', () => {
    const { socket, connection } = join();
    // A well-formed frame with a message id this version does not know: unreadable all the same.
    socket.serverSends(new Uint8Array([0x92, 0x50, 0x01]));
    expect(socket.closedWith?.code).toBe(CloseCode.MalformedFrame);
    const reason = socket.closedWith?.reason ?? '';
    expect(reason).toMatch(/^unreadable server message: .*80/);
    expect(reason.length).toBeLessThanOrEqual(123); // ASCII: one byte a character
    expect(connection.status).toMatchObject({
      phase: 'closed',
      closeCode: CloseCode.MalformedFrame,
      reason,
      isClientInitiated: true,
    });
  });

  it('cuts a close reason to 123 UTF-8 bytes, never inside a character', () => {
    expect(truncateUtf8('abc', 123)).toBe('abc');
    expect(truncateUtf8('a'.repeat(200), 123)).toBe('a'.repeat(123));
    // 'é' is 2 bytes, '€' 3, '😀' 4 (2 UTF-16 units).
    expect(truncateUtf8('é'.repeat(62), 123)).toBe('é'.repeat(61));
    expect(truncateUtf8('€'.repeat(41), 123)).toBe('€'.repeat(41));
    expect(truncateUtf8(`ab${'😀'.repeat(31)}`, 123)).toBe(`ab${'😀'.repeat(30)}`);
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
