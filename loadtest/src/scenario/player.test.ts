import { describe, expect, it } from 'vitest';
import {
  MessageId,
  NO_DIRECTION,
  decodeClientMessage,
  decodeHandshakeMessage,
  encodePong,
  encodeSnapshot,
  encodeWelcome,
  unpackFrame,
  type Snapshot,
  type Welcome,
} from '@tickwire/protocol';
import { playerRecord } from '../../../protocol/src/testing/records.js';
import { testArenaSchema } from '../../../protocol/src/testing/test-schemas.js';
import type { MetricName, MetricSink } from './metrics.js';
import { ScenarioPlayer, type PlayerSocket } from './player.js';
import { seededRandom } from './random-walk.js';

/** Every sample, by metric name (a kick's by `name{code:N}`). */
class RecordingSink implements MetricSink {
  readonly samples = new Map<string, number[]>();
  add(metric: MetricName, value: number, tags?: Readonly<Record<string, string>>): void {
    const key = tags?.['code'] !== undefined ? `${metric}{code:${tags['code']}}` : metric;
    const list = this.samples.get(key) ?? [];
    list.push(value);
    this.samples.set(key, list);
  }
  of(key: string): number[] {
    return this.samples.get(key) ?? [];
  }
}

/** The frames a player sent, and how it closed its socket. */
class RecordingSocket implements PlayerSocket {
  readonly sent: Uint8Array[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  send(frame: Uint8Array): void {
    this.sent.push(frame);
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }
  ids(): number[] {
    return this.sent.map((f) => (unpackFrame(f) as number[])[0] as number);
  }
}

const welcome = (playerId = 7, resumeToken = 'token-1'): Welcome => ({
  protocolVersion: 3,
  playerId,
  tickHz: 30,
  serverTick: 100,
  serverTimeMs: 0,
  worldWidth: 1000,
  worldHeight: 1000,
  viewWidth: 800,
  viewHeight: 600,
  resumeToken,
  schema: testArenaSchema,
});

const snapshot = (tick: number, baselineTick: number, fields: Partial<Snapshot> = {}): Uint8Array =>
  encodeSnapshot(testArenaSchema, {
    tick,
    baselineTick,
    inputAck: 0,
    removed: [],
    entered: baselineTick === 0 ? [playerRecord(7, { x: 4000, y: 4000 })] : [],
    updated: [],
    checksum: null,
    ...fields,
  });

function joinedPlayer(verify = true): {
  player: ScenarioPlayer;
  socket: RecordingSocket;
  metrics: RecordingSink;
  problems: string[];
} {
  const metrics = new RecordingSink();
  const problems: string[] = [];
  const player = new ScenarioPlayer(
    {
      name: 'p',
      isVerifying: verify,
      random: seededRandom(1),
      metrics,
      onProblem: (m) => problems.push(m),
    },
    0,
  );
  const socket = new RecordingSocket();
  player.beginJoin(1000);
  player.opened(socket, 'seat-1', 1010);
  player.received(encodeWelcome(welcome()), 1025);
  return { player, socket, metrics, problems };
}

/** The ackTick of the newest Input the player sent. */
function lastAck(socket: RecordingSocket): number {
  for (let i = socket.sent.length - 1; i >= 0; i--) {
    const m = decodeClientMessage(testArenaSchema, socket.sent[i] as Uint8Array);
    if (m.id === MessageId.Input) return m.message.ackTick;
  }
  throw new Error('no Input sent');
}

describe('ScenarioPlayer', () => {
  it('joins with its seat, counts the join time from the first step, and acknowledges at once', () => {
    const { player, socket, metrics } = joinedPlayer();
    const hello = decodeHandshakeMessage(socket.sent[0] as Uint8Array);
    expect(hello).toMatchObject({
      id: MessageId.Hello,
      message: { seat: 'seat-1', resumeToken: null },
    });
    expect(socket.ids()).toEqual([MessageId.Hello, MessageId.Ping, MessageId.Input]);
    expect(metrics.of('tickwire_join_ms')).toEqual([25]);
    expect(player.isPlaying).toBe(true);
  });

  it('acknowledges the first snapshot of a connection at once, not with its next input', () => {
    const { player, socket } = joinedPlayer();
    player.received(snapshot(101, 0), 1040);
    expect(socket.ids().at(-1)).toBe(MessageId.Input);
    expect(lastAck(socket)).toBe(101);
  });

  it('applies snapshots, acknowledges the newest and times their arrival', () => {
    const { player, socket, metrics } = joinedPlayer();
    const full = snapshot(101, 0);
    player.received(full, 1040);
    player.received(snapshot(102, 101), 1073);
    player.tick(1080);
    expect(lastAck(socket)).toBe(102);
    expect(player.replica?.latest?.entities.get(7)?.x).toBe(4000);
    expect(metrics.of('tickwire_snapshots')).toEqual([1, 1]);
    expect(metrics.of('tickwire_snapshot_bytes')[0]).toBe(full.byteLength);
    expect(metrics.of('tickwire_snapshot_interval_ms')).toEqual([33]);
    expect(metrics.of('tickwire_desyncs')).toEqual([]);
    expect(metrics.of('tickwire_resyncs')).toEqual([]);
  });

  it('counts a checksum mismatch as a desync, forgets its view and asks for a Resync', () => {
    const { player, socket, metrics, problems } = joinedPlayer();
    player.received(snapshot(101, 0, { checksum: 12345 }), 1040);
    expect(metrics.of('tickwire_desyncs')).toEqual([1]);
    expect(problems.join()).toMatch(/ChecksumMismatch at tick 101/);
    // The Resync, then the acknowledgement every first snapshot of a connection gets at once.
    expect(socket.ids().slice(-2)).toEqual([MessageId.Resync, MessageId.Input]);
    expect(player.replica?.tick).toBe(0);
  });

  it('takes a delta on a baseline it does not hold as no desync, and asks for a Resync', () => {
    const { player, socket, metrics } = joinedPlayer();
    player.received(snapshot(105, 104), 1040);
    expect(metrics.of('tickwire_desyncs')).toEqual([]);
    // The Resync, then the acknowledgement every first snapshot of a connection gets at once.
    expect(socket.ids().slice(-2)).toEqual([MessageId.Resync, MessageId.Input]);
  });

  it('counts a full snapshot after a delta on a connection as a resync, not those before the first acknowledgement', () => {
    const { player, metrics } = joinedPlayer();
    player.received(snapshot(101, 0), 1040);
    // Sent before the server had our first acknowledgement: full too, and expected.
    player.received(snapshot(102, 0), 1073);
    player.received(snapshot(103, 102), 1106);
    expect(metrics.of('tickwire_resyncs')).toEqual([]);
    player.received(snapshot(104, 0), 1140);
    expect(metrics.of('tickwire_resyncs')).toEqual([1]);
  });

  it('without verify, acknowledges the tick read from the frame head and keeps no view', () => {
    const { player, socket, metrics } = joinedPlayer(false);
    player.received(snapshot(300, 0), 1040);
    player.tick(1050);
    expect(lastAck(socket)).toBe(300);
    expect(player.replica).toBeNull();
    expect(metrics.of('tickwire_snapshots')).toEqual([1]);
  });

  it('when idle, stands still: every Input field at its default, the acknowledgement still in it', () => {
    const player = new ScenarioPlayer(
      {
        name: 'p',
        isVerifying: false,
        isIdle: true,
        random: seededRandom(1),
        metrics: new RecordingSink(),
      },
      0,
    );
    const socket = new RecordingSocket();
    player.beginJoin(1000);
    player.opened(socket, null, 1010);
    player.received(encodeWelcome(welcome()), 1025);
    player.received(snapshot(300, 0), 1040);
    player.tick(2025);
    const inputs = socket.sent
      .slice(1)
      .map((f) => decodeClientMessage(testArenaSchema, f))
      .filter((m) => m.id === MessageId.Input);
    expect(inputs.at(-1)).toMatchObject({
      id: MessageId.Input,
      message: { ackTick: 300, controls: { moveDir: NO_DIRECTION, aim: 0, buttons: 0 } },
    });
  });

  it('without verify, still counts a full snapshot after a delta as a resync', () => {
    const { player, metrics } = joinedPlayer(false);
    player.received(snapshot(101, 0), 1040);
    player.received(snapshot(102, 101), 1073);
    player.received(snapshot(103, 0), 1106);
    expect(metrics.of('tickwire_resyncs')).toEqual([1]);
  });

  it('counts the open gap when a connection ends, so a stream that stopped cannot pass', () => {
    const { player, metrics } = joinedPlayer();
    player.received(snapshot(101, 0), 1040);
    // The server goes quiet; the player keeps sending inputs for 3 s, then the socket closes.
    player.tick(4040);
    player.closed(1006, '');
    expect(metrics.of('tickwire_snapshot_interval_ms')).toEqual([3000]);

    const silent = joinedPlayer();
    silent.player.tick(2025);
    silent.player.closed(1006, '');
    expect(silent.metrics.of('tickwire_snapshot_interval_ms')).toEqual([1000]);
  });

  it('measures the round trip from its Ping to the Pong', () => {
    const { player, metrics } = joinedPlayer();
    player.received(encodePong({ clientTimeMs: 1010, serverTimeMs: 5, serverTick: 100 }), 1022);
    expect(metrics.of('tickwire_rtt_ms')).toEqual([12]);
  });

  it('counts a close by the server as a kick under its code, and its own leave as none', () => {
    const kicked = joinedPlayer();
    kicked.player.closed(4005, 'rate limited');
    expect(kicked.metrics.of('tickwire_kicks{code:4005}')).toEqual([1]);

    const leaving = joinedPlayer();
    leaving.player.leave();
    expect(leaving.socket.closedWith).toEqual({ code: 1000, reason: 'leaving' });
    leaving.player.closed(1000, 'leaving');
    expect(leaving.metrics.samples.has('tickwire_kicks{code:1000}')).toBe(false);
  });

  it('a close before the Welcome is a failed join', () => {
    const metrics = new RecordingSink();
    const player = new ScenarioPlayer(
      { name: 'p', isVerifying: true, random: seededRandom(1), metrics },
      0,
    );
    player.beginJoin(0);
    player.opened(new RecordingSocket(), null, 1);
    player.closed(4007, 'room full');
    expect(metrics.of('tickwire_join_failures')).toEqual([1]);
    expect(metrics.of('tickwire_kicks{code:4007}')).toEqual([1]);
  });

  it('drops without leaving, then resumes with its token and counts the same player back', () => {
    const { player, socket, metrics } = joinedPlayer();
    player.drop();
    expect(socket.closedWith?.code).toBe(3000);
    player.closed(3000, 'load test drop');
    expect(metrics.samples.has('tickwire_kicks{code:3000}')).toBe(false);

    const again = new RecordingSocket();
    player.beginJoin(2000, true);
    player.opened(again, null, 2001);
    const hello = decodeHandshakeMessage(again.sent[0] as Uint8Array);
    expect(hello).toMatchObject({ message: { resumeToken: 'token-1', seat: null } });
    player.received(encodeWelcome(welcome(7, 'token-2')), 2040);
    expect(metrics.of('tickwire_resume_ms')).toEqual([40]);
    expect(metrics.of('tickwire_resumed')).toEqual([1]);
    expect(metrics.of('tickwire_join_ms')).toHaveLength(1);
    expect(player.resumeToken).toBe('token-2');
  });

  it('a resume that comes back as another player counts as not resumed', () => {
    const { player, metrics } = joinedPlayer();
    player.drop();
    player.closed(3000, '');
    player.beginJoin(2000, true);
    player.opened(new RecordingSocket(), null, 2001);
    player.received(encodeWelcome(welcome(8)), 2050);
    expect(metrics.of('tickwire_resumed')).toEqual([0]);
  });
});
