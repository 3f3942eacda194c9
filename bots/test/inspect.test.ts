import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NO_DIRECTION,
  PLAYER_PROTOCOL_VERSION,
  PLAYER_SUBPROTOCOL,
  angle8,
  compileGame,
  connect,
  defineGame,
  encodeHello,
  encodeInput,
  encodeSnapshot,
  encodeWelcome,
  int,
  packFrame,
  type Snapshot,
} from '@tickwire/protocol';
import { startServer, type ServerProcess } from '../../server/test/support/server-process.js';
import { chase } from '../src/examples/chase.js';
import {
  DEFAULT_NAME,
  InspectError,
  UsageError,
  checkServerUrl,
  parseInspectArgs,
} from '../src/inspect/args.js';
import {
  CaptureError,
  formatCaptureEntry,
  inferDirection,
  parseCaptureLine,
} from '../src/inspect/capture.js';
import {
  TEXT_FRAME_ERROR,
  describeFrame,
  formatLine,
  toHex,
  type FrameErrorLine,
  type MessageLine,
} from '../src/inspect/frame-line.js';
import { updateJson, type SchemaLine, type UpdateJson } from '../src/inspect/message-json.js';
import { replayLines } from '../src/inspect/replay.js';
import {
  InspectorSession,
  RESYNC_RETRY_MS,
  type CloseLine,
  type InspectLine,
  type OpenLine,
} from '../src/inspect/session.js';
import type { SnapshotSummaryLine } from '../src/inspect/snapshot-summary.js';
import { arenaSchema } from '../../protocol/test-vectors/schemas.js';
import { arenaWelcome } from './support/arena.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const inspectCli = fileURLToPath(new URL('../src/inspect/main.ts', import.meta.url));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the inspector CLI from its sources, as `npm run inspect` does. With `stopWhen`, it is
 * interrupted (Ctrl-C's SIGINT) once its stdout so far satisfies `stopWhen`; either way it fails
 * if still running after `timeoutMs`.
 */
function runInspector(
  args: string[],
  timeoutMs = 30_000,
  stopWhen?: (stdout: string) => boolean,
): Promise<CliResult> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', inspectCli, ...args],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let isStopSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stopWhen !== undefined && !isStopSent && stopWhen(stdout)) {
      isStopSent = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`inspector still running after ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The complete stdout lines so far (the last may still be arriving), parsed. */
function completeLines(stdout: string): InspectLine[] {
  return parseLines(stdout.slice(0, stdout.lastIndexOf('\n') + 1));
}

/** Every stdout line must be one JSON object. */
function parseLines(stdout: string): InspectLine[] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  return lines.map((line) => JSON.parse(line) as InspectLine);
}

const isMessage = (line: InspectLine): line is MessageLine => 'type' in line && 'message' in line;
const isSchema = (line: InspectLine): line is SchemaLine =>
  'type' in line && line.type === 'Schema';
const isFrameError = (line: InspectLine): line is FrameErrorLine => 'error' in line;
const isFrame = (line: InspectLine): line is MessageLine | FrameErrorLine =>
  isMessage(line) || isFrameError(line);

let server: ServerProcess;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tickwire-inspect-'));
  server = await startServer({
    args: ['--world', '1200x800', '--pellets', '20', '--checksums', '--static', ''],
  });
});

afterAll(async () => {
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the inspector against the real server', () => {
  let liveLines: InspectLine[] = [];
  const capturePath = (): string => join(tmp, 'session.twcap');

  it('prints every frame both ways as JSON lines, decoded by the schema, keeps deltas coming and records a capture', async () => {
    const name = 'inspect-test';
    // Someone to watch: a chaser runs at the inspector's player (the only other one) and shoots.
    const chaser = connect(server.wsUrl, { name: 'chaser', WebSocket });
    chase(chaser);
    await chaser.welcomed;
    let live;
    try {
      live = await runInspector([
        server.wsUrl,
        '--name',
        name,
        '--seconds',
        '2',
        '--record',
        capturePath(),
        '--hex',
      ]);
    } finally {
      chaser.close();
    }
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const lines = parseLines(live.stdout);
    liveLines = lines;

    const open = lines[0] as OpenLine;
    expect(open).toMatchObject({
      event: 'open',
      url: server.wsUrl,
      subprotocol: PLAYER_SUBPROTOCOL,
    });
    const close = lines.at(-1) as CloseLine;
    expect(close).toMatchObject({ event: 'close', closeCode: 1000, closedBy: 'inspector' });
    expect(close.kick).toBeNull();
    for (let i = 1; i < lines.length; i++) {
      expect((lines[i] as InspectLine).t).toBeGreaterThanOrEqual((lines[i - 1] as InspectLine).t);
    }

    // Every line but open, close and the schema is a frame.
    const frames = lines.filter(isFrame);
    expect(frames.length).toBe(lines.length - 3);
    expect(frames.filter(isFrameError)).toEqual([]);
    for (const frame of frames) {
      expect(frame.hex).toBeDefined();
      expect(frame.bytes).toBe((frame.hex ?? '').length / 2);
    }

    const messages = frames.filter(isMessage);
    const hello = messages[0];
    expect(hello).toMatchObject({
      dir: 'out',
      type: 'Hello',
      message: { protocolVersion: PLAYER_PROTOCOL_VERSION, name, resumeToken: null },
    });
    expect(hello?.hex).toBe(
      toHex(encodeHello({ protocolVersion: PLAYER_PROTOCOL_VERSION, name, resumeToken: null })),
    );
    const welcomes = messages.filter((m) => m.dir === 'in' && m.type === 'Welcome');
    expect(welcomes).toHaveLength(1);
    const welcome = welcomes[0] as MessageLine;
    // The Welcome's line names the game and its fingerprint; the schema follows once, whole.
    expect(welcome.message).toMatchObject({
      protocolVersion: PLAYER_PROTOCOL_VERSION,
      game: 'arena',
      schemaFingerprint: arenaSchema.fingerprint,
    });
    expect(welcome.message).not.toHaveProperty('schema');
    const schemaLines = lines.filter(isSchema);
    expect(schemaLines).toHaveLength(1);
    expect(lines[lines.indexOf(welcome) + 1]).toBe(schemaLines[0]);
    expect(schemaLines[0]).toEqual({
      t: welcome.t,
      dir: 'in',
      type: 'Schema',
      game: 'arena',
      fingerprint: arenaSchema.fingerprint,
      schema: JSON.parse(JSON.stringify(arenaSchema.wire)),
    });

    const snapshots = messages.filter((m) => m.dir === 'in' && m.type === 'Snapshot');
    expect(snapshots.length).toBeGreaterThan(30);
    for (const s of snapshots) {
      const snapshot = s.message as Snapshot;
      expect(s.replica).toEqual({
        applied: true,
        tick: snapshot.tick,
        entities: expect.any(Number),
        checksum: 'ok',
      });
    }
    // Deltas only come against acknowledged ticks: the inspector's acks work.
    const deltas = snapshots.filter((s) => (s.message as Snapshot).baselineTick > 0);
    expect(deltas.length).toBeGreaterThan(20);
    // Records by kind name and field name; updates by group name (the chaser turning and
    // walking sends motion).
    const entered = snapshots.flatMap((s) => (s.message as Snapshot).entered);
    expect(entered.find((e) => e.kind === 'player' && e.name === 'chaser')).toMatchObject({
      x: expect.any(Number),
      vx: expect.any(Number),
      aim: expect.any(Number),
      hp: expect.any(Number),
    });
    const updates = snapshots.flatMap((s) => (s.message as { updated: UpdateJson[] }).updated);
    const motion = updates.find((u) => u.motion !== undefined);
    expect(motion?.motion).toEqual({
      x: expect.any(Number),
      y: expect.any(Number),
      vx: expect.any(Number),
      vy: expect.any(Number),
    });
    expect(
      updates.every((u) => Object.keys(u).every((k) => /^(id|mask|motion|aim|hp|score)$/.test(k))),
    ).toBe(true);

    const inputs = messages.filter((m) => m.dir === 'out' && m.type === 'Input');
    expect(inputs.length).toBeGreaterThanOrEqual(10);
    inputs.forEach((line, i) => {
      // No controls set: every field at the schema's default (standing still, not firing).
      expect(line.message).toMatchObject({
        seq: i + 1,
        controls: { moveDir: NO_DIRECTION, aim: 0, buttons: 0 },
      });
    });
    const lastInput = inputs.at(-1)?.message as { ackTick: number };
    expect(lastInput.ackTick).toBeGreaterThan(0);
    expect(messages.filter((m) => m.dir === 'out' && m.type === 'Resync')).toEqual([]);

    // The capture holds the same frames, in the same order, with the same bytes.
    const capture = readFileSync(capturePath(), 'utf8').trimEnd().split('\n');
    expect(capture).toHaveLength(lines.length - 1);
    const captured = capture.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(captured[0]).toMatchObject({ event: 'open', url: server.wsUrl });
    expect(captured.at(-1)).toMatchObject({ event: 'close', closeCode: 1000 });
    const capturedFrames = captured.slice(1, -1);
    expect(capturedFrames).toEqual(frames.map(({ t, dir, hex }) => ({ t, dir, hex })));
  });

  it('--spectate joins as a spectator: nobody sees it, it follows a player, and prints summaries', async () => {
    const player = connect(server.wsUrl, { name: 'watched', WebSocket });
    const welcome = await player.welcomed;
    const id = welcome.playerId;
    // The only player the watched player ever sees is itself: the inspector is no entity.
    const playersSeen = new Set<number>();
    player.on('snapshot', (view) => {
      for (const e of view.entities.values()) if (e.kind === 'player') playersSeen.add(e.id);
    });
    let live;
    try {
      // Until it has printed what is checked below, not for a fixed time: a loaded machine
      // may take longer than any guess (the runner's timeout is the deadline).
      const hasEnough = (stdout: string): boolean => {
        const printed = completeLines(stdout).filter(isMessage);
        const count = (type: string, dir: string): number =>
          printed.filter((m) => m.type === type && m.dir === dir).length;
        return count('Summary', 'in') >= 2 && count('Watch', 'out') >= 10;
      };
      live = await runInspector(
        [server.wsUrl, '--spectate', '--follow', String(id), '--quiet-snapshots'],
        30_000,
        hasEnough,
      );
    } finally {
      player.close();
    }
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const lines = parseLines(live.stdout);
    expect(lines[0]).toMatchObject({ event: 'open', subprotocol: 'tickwire.v4' });
    const messages = lines.filter(isMessage);
    expect(messages[0]).toMatchObject({
      dir: 'out',
      type: 'Hello',
      message: { protocolVersion: 4, name: DEFAULT_NAME, flags: 3 },
    });
    const welcomeLine = messages.find((m) => m.type === 'Welcome');
    expect(welcomeLine?.message).toMatchObject({
      protocolVersion: 4,
      playerId: 0,
      resumeToken: '',
    });
    const watches = messages.filter((m) => m.dir === 'out' && m.type === 'Watch');
    expect(watches.length).toBeGreaterThanOrEqual(10);
    expect(watches.at(-1)?.message).toMatchObject({ followId: id, x: 0, y: 0 });
    expect((watches.at(-1)?.message as { ackTick: number }).ackTick).toBeGreaterThan(0);
    expect(messages.filter((m) => m.type === 'Input')).toEqual([]);
    const summaries = messages.filter((m) => m.type === 'Summary');
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    expect(summaries[0]?.message).toMatchObject({ playersOnline: 1, spectators: 1 });
    expect(summaries[0]?.message).toMatchObject({ leaders: [{ id, name: 'watched' }] });
    expect([...playersSeen]).toEqual([id]);
    expect(lines.at(-1)).toMatchObject({ event: 'close', closeCode: 1000, closedBy: 'inspector' });
  });

  it('replays the capture into the same lines', async () => {
    expect(liveLines.length).toBeGreaterThan(0);
    const replay = await runInspector(['--file', capturePath(), '--hex']);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(parseLines(replay.stdout)).toEqual(liveLines);

    const quiet = await runInspector(['--file', capturePath(), '--quiet-snapshots']);
    expect(quiet.code).toBe(0);
    const quietLines = parseLines(quiet.stdout);
    const summaries = quietLines.filter(
      (l): l is SnapshotSummaryLine => 'type' in l && l.type === 'SnapshotSummary',
    );
    const snapshotCount = liveLines.filter((l) => isMessage(l) && l.type === 'Snapshot').length;
    expect(summaries.reduce((sum, s) => sum + s.snapshots, 0)).toBe(snapshotCount);
    expect(summaries.reduce((sum, s) => sum + s.checksumsOk, 0)).toBe(snapshotCount);
    expect(quietLines.filter((l) => isMessage(l) && l.type === 'Snapshot')).toEqual([]);
    expect(quietLines.length).toBe(liveLines.length - snapshotCount + summaries.length);
  });

  it('refuses a capture without its Welcome: nothing after it decodes', async () => {
    // The same session with its Welcome line cut out.
    const capture = readFileSync(capturePath(), 'utf8').trimEnd().split('\n');
    const cut = capture.filter((line) => !line.includes('"hex":"9d40'));
    expect(cut).toHaveLength(capture.length - 1);
    const path = join(tmp, 'no-welcome.twcap');
    writeFileSync(path, cut.join('\n') + '\n');
    const replay = await runInspector(['--file', path]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(
      /^inspect: capture line \d+: a Snapshot before any Welcome\. A capture must hold the session's Welcome/,
    );
    // It stops at that snapshot, which it prints as a frame it could not decode.
    const lines = parseLines(replay.stdout);
    expect(lines.at(-1)).toMatchObject({ dir: 'in', error: 'a Snapshot before the Welcome' });
    expect(lines.filter(isMessage).map((m) => m.type)).toEqual(['Hello']);
  });

  it('exits with 1 and says why when the server cannot be reached or the URL is wrong', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const [refused, http, badFlag] = await Promise.all([
      runInspector([`ws://127.0.0.1:${closedPort}/ws`, '--seconds', '1']),
      runInspector([server.url]),
      runInspector([server.wsUrl, '--seconds', 'soon']),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/cannot connect to .*ECONNREFUSED/);
    expect(http.code).toBe(1);
    expect(http.stderr).toContain('is an HTTP URL');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--seconds wants a positive number');
  });
});

describe('frame lines', () => {
  it('prints a malformed frame with its error, close code and hex', () => {
    const { decoding, line } = describeFrame(
      12.5,
      { dir: 'in', bytes: Uint8Array.of(0x92, 0xc1), isBinary: true },
      { hex: false, schema: null },
    );
    expect(decoding.ok).toBe(false);
    expect(line).toEqual({
      t: 12.5,
      dir: 'in',
      bytes: 2,
      error: expect.stringContaining('invalid msgpack'),
      closeCode: 4000,
      hex: '92c1',
    });
    expect(JSON.parse(formatLine(line))).toEqual(line);
  });

  it('prints a text frame as an error with its text', () => {
    const bytes = new TextEncoder().encode('hi é');
    const { line } = describeFrame(
      3,
      { dir: 'out', bytes, isBinary: false },
      {
        hex: false,
        schema: null,
      },
    );
    expect(line).toEqual({
      t: 3,
      dir: 'out',
      bytes: 5,
      error: TEXT_FRAME_ERROR,
      closeCode: 4000,
      hex: '686920c3a9',
      text: 'hi é',
    });
  });

  it('names unknown message ids and decodes each direction with its own decoder', () => {
    const unknown = describeFrame(
      0,
      { dir: 'in', bytes: packFrame([99]), isBinary: true },
      { hex: false, schema: null },
    ).line as FrameErrorLine;
    expect(unknown.closeCode).toBe(4001);
    // A client message arriving from the server is an unknown server message.
    const hello = encodeHello({ protocolVersion: 1, name: 'bob', resumeToken: null });
    const wrongWay = describeFrame(
      0,
      { dir: 'in', bytes: hello, isBinary: true },
      {
        hex: false,
        schema: null,
      },
    );
    expect((wrongWay.line as FrameErrorLine).closeCode).toBe(4001);
    const right = describeFrame(
      0,
      { dir: 'out', bytes: hello, isBinary: true },
      {
        hex: true,
        schema: null,
      },
    );
    expect(right.line).toEqual({
      t: 0,
      dir: 'out',
      bytes: hello.byteLength,
      id: 1,
      type: 'Hello',
      message: { protocolVersion: 1, name: 'bob', resumeToken: null, seat: null },
      hex: toHex(hello),
    });
  });
});

const welcome = arenaWelcome({ playerId: 7, serverTick: 10, worldWidth: 100, worldHeight: 100 });
const fullSnapshot: Snapshot = {
  tick: 10,
  baselineTick: 0,
  inputAck: 0,
  removed: [],
  entered: [{ id: 3, kind: 'pellet', x: 40, y: 80 }],
  updated: [],
  checksum: null,
};

describe('messages as JSON', () => {
  it("names an update's values by the groups of its mask: a lone field by itself, others as objects", () => {
    const groups = arenaSchema.groups.map((g) => g.name);
    expect(groups).toEqual(['motion', 'aim', 'hp', 'score']);
    expect(updateJson(arenaSchema, { id: 4, mask: 0b0101, values: [400, 480, 27, 0, 75] })).toEqual(
      { id: 4, mask: 5, motion: { x: 400, y: 480, vx: 27, vy: 0 }, hp: 75 },
    );
    // A one-field group named otherwise keeps its field's name inside it.
    const spec = defineGame({
      name: 'turret',
      kinds: {
        gun: {
          motion: 'static',
          fields: {},
        },
        arm: {
          motion: 'position',
          fields: {
            heading: { type: angle8(), sync: 'changes', group: 'pose' },
            charge: { type: int(0, 9), sync: 'changes', group: 'power' },
          },
        },
      },
      input: {},
    });
    const schema = compileGame(spec);
    expect(updateJson(schema, { id: 1, mask: 0b110, values: [64, 9] })).toEqual({
      id: 1,
      mask: 6,
      pose: { heading: 64 },
      power: { charge: 9 },
    });
  });
});

describe('the session', () => {
  it('applies snapshots and asks for a resync at most once a second while a baseline is missing', () => {
    const session = new InspectorSession({ hex: false, quietSnapshots: false });
    const inFrame = (bytes: Uint8Array) => ({ dir: 'in' as const, bytes, isBinary: true });
    expect(session.schema).toBeNull();
    // The Welcome's line, then its schema's, once: a second Welcome with the same schema (a
    // capture of two sessions) does not print it again.
    const welcomed = session.onFrame(0, inFrame(encodeWelcome(welcome)));
    expect(welcomed.lines.map((l) => ('type' in l ? l.type : ''))).toEqual(['Welcome', 'Schema']);
    expect(session.schema?.fingerprint).toBe(arenaSchema.fingerprint);
    expect(session.onFrame(0, inFrame(encodeWelcome(welcome))).lines).toHaveLength(1);
    const full = session.onFrame(1, inFrame(encodeSnapshot(arenaSchema, fullSnapshot)));
    expect((full.lines[0] as MessageLine).replica).toEqual({
      applied: true,
      tick: 10,
      entities: 1,
      checksum: 'absent',
    });
    expect(session.ackTick).toBe(10);
    const orphan = (tick: number): Uint8Array =>
      encodeSnapshot(arenaSchema, { ...fullSnapshot, tick, baselineTick: 5, entered: [] });
    const first = session.onFrame(2, inFrame(orphan(11)));
    expect(first.resyncTick).toBe(11);
    expect((first.lines[0] as MessageLine).replica).toMatchObject({
      applied: false,
      error: 'MissingBaseline',
    });
    expect(session.onFrame(3, inFrame(orphan(12))).resyncTick).toBeNull();
    expect(session.onFrame(2 + RESYNC_RETRY_MS, inFrame(orphan(13))).resyncTick).toBe(13);
    // The client's own frames are printed, never acted on.
    const input = encodeInput(arenaSchema, { seq: 1, ackTick: 10, controls: { aim: 9 } });
    const sent = session.onFrame(4, { dir: 'out', bytes: input, isBinary: true });
    expect(sent.resyncTick).toBeNull();
    expect((sent.lines[0] as MessageLine).message).toEqual({
      seq: 1,
      ackTick: 10,
      controls: { moveDir: NO_DIRECTION, aim: 9, buttons: 0 },
    });
  });

  it('decodes Hello, Ping and Resync before the Welcome, but not a Snapshot or an Input', () => {
    const session = new InspectorSession({ hex: false, quietSnapshots: false });
    const hello = encodeHello({ protocolVersion: 2, name: 'bob', resumeToken: null });
    const said = session.onFrame(0, { dir: 'out', bytes: hello, isBinary: true });
    expect(said.needsWelcome).toBe(false);
    expect(said.lines[0]).toMatchObject({ type: 'Hello', message: { name: 'bob' } });
    const input = encodeInput(arenaSchema, { seq: 1, ackTick: 0, controls: {} });
    const early = session.onFrame(1, { dir: 'out', bytes: input, isBinary: true });
    expect(early.needsWelcome).toBe(true);
    // The server takes Inputs between Hello and Welcome: it would answer nothing.
    expect(early.lines[0]).toMatchObject({
      closeCode: null,
      error: expect.stringContaining('an Input before any Welcome'),
    });
    const snapshot = encodeSnapshot(arenaSchema, fullSnapshot);
    const orphan = session.onFrame(2, { dir: 'in', bytes: snapshot, isBinary: true });
    expect(orphan.needsWelcome).toBe(true);
    expect(orphan.lines[0]).toMatchObject({
      closeCode: 4003,
      error: 'a Snapshot before the Welcome',
    });
  });
});

describe('capture files', () => {
  it('reads a hand-made capture: hex only (direction from the message id), spaces allowed', async () => {
    // A plain Uint8Array: in Node the codec returns a Buffer, which toEqual tells apart.
    const hello = new Uint8Array(
      encodeHello({ protocolVersion: 2, name: 'bob', resumeToken: null }),
    );
    const spaced = toHex(hello).replace(/(..)/g, '$1 ');
    expect(parseCaptureLine(JSON.stringify({ hex: spaced }), 7)).toEqual({
      kind: 'frame',
      tMs: 7,
      frame: { dir: 'out', bytes: hello, isBinary: true },
    });
    expect(inferDirection(encodeWelcome(welcome))).toBe('in');
    expect(inferDirection(Uint8Array.of(0xc1))).toBeNull();
    expect(parseCaptureLine('  ', 0)).toBeNull();
    expect(parseCaptureLine('# a comment', 0)).toBeNull();
    for (const bad of ['[1]', '{"hex":"abc"}', '{"hex":"c1"}', '{"text":"x"}', '{"dir":"up"}']) {
      expect(() => parseCaptureLine(bad, 0), bad).toThrow(CaptureError);
    }

    const printed: string[] = [];
    const warnings: string[] = [];
    const invalid = await replayLines(
      [
        `{"hex":"${toHex(encodeWelcome(welcome))}"}`,
        `{"t":33,"hex":"${toHex(encodeSnapshot(arenaSchema, fullSnapshot))}"}`,
        '{"dir":"in","text":"hello"}',
        'not json',
        '{"t":40,"event":"close","closeCode":4008}',
      ],
      { hex: false, quietSnapshots: false },
      { print: (line) => printed.push(line), warn: (message) => warnings.push(message) },
    );
    expect(invalid).toBe(1);
    expect(warnings).toEqual(['inspect: capture line 4: not a JSON object']);
    const lines = printed.map((line) => JSON.parse(line) as InspectLine);
    expect(lines.map((l) => ('type' in l ? l.type : 'error' in l ? l.error : l.event))).toEqual([
      'Welcome',
      'Schema',
      'Snapshot',
      TEXT_FRAME_ERROR,
      'close',
    ]);
    expect(lines[2]).toMatchObject({
      message: { entered: [{ id: 3, kind: 'pellet', x: 40, y: 80 }] },
      replica: { applied: true, tick: 10 },
    });
    expect(lines[3]).toMatchObject({ t: 33, dir: 'in', text: 'hello' });
    expect(lines[4]).toEqual({
      t: 40,
      event: 'close',
      closeCode: 4008,
      reason: '',
      closedBy: 'server',
      kick: null,
    });
  });

  it('writes what it reads', () => {
    const bytes = new Uint8Array(encodeWelcome(welcome));
    const frame = { dir: 'in' as const, bytes, isBinary: true };
    const text = { dir: 'out' as const, bytes: new TextEncoder().encode('hey'), isBinary: false };
    for (const entry of [
      { kind: 'frame' as const, tMs: 1.5, frame },
      { kind: 'frame' as const, tMs: 2, frame: text },
      { kind: 'open' as const, tMs: 0, url: 'ws://x/ws', subprotocol: PLAYER_SUBPROTOCOL },
      {
        kind: 'close' as const,
        tMs: 9,
        closeCode: 1000,
        reason: 'bye',
        closedBy: 'inspector' as const,
      },
    ]) {
      expect(parseCaptureLine(formatCaptureEntry(entry), 0)).toEqual(entry);
    }
  });
});

describe('arguments', () => {
  it('parses connect and file modes', () => {
    expect(parseInspectArgs(['ws://h:1/ws'])).toEqual({
      mode: 'connect',
      url: 'ws://h:1/ws',
      name: DEFAULT_NAME,
      seconds: null,
      record: null,
      spectate: null,
      hex: false,
      quietSnapshots: false,
    });
    expect(parseInspectArgs(['ws://h/ws', '--spectate'])).toMatchObject({
      spectate: { centre: true },
    });
    expect(parseInspectArgs(['ws://h/ws', '--spectate', '--follow', '1002'])).toMatchObject({
      spectate: { followId: 1002 },
    });
    expect(parseInspectArgs(['ws://h/ws', '--spectate', '--at', '8000,6000'])).toMatchObject({
      spectate: { x: 8000, y: 6000 },
    });
    expect(
      parseInspectArgs(['--seconds=2.5', 'ws://h/ws', '--name', 'ann', '--record', 'a.twcap']),
    ).toMatchObject({ mode: 'connect', seconds: 2.5, name: 'ann', record: 'a.twcap' });
    expect(parseInspectArgs(['--file', 'a.twcap', '--hex', '--quiet-snapshots'])).toEqual({
      mode: 'file',
      file: 'a.twcap',
      hex: true,
      quietSnapshots: true,
    });
    expect(parseInspectArgs(['--help'])).toEqual({ mode: 'help' });
    expect(parseInspectArgs(['ws://h/ws', '-h'])).toEqual({ mode: 'help' });
  });

  it('refuses bad flags with a UsageError', () => {
    for (const argv of [
      [],
      ['--bogus', 'ws://h/ws'],
      ['ws://a/ws', 'ws://b/ws'],
      ['ws://h/ws', '--file', 'a.twcap'],
      ['--file', 'a.twcap', '--record', 'b.twcap'],
      ['ws://h/ws', '--seconds', '0'],
      ['ws://h/ws', '--seconds'],
      ['ws://h/ws', '--name', ''],
      ['ws://h/ws', '--name', 'a-name-far-too-long'],
      ['ws://h/ws', '--name', 'tab\there'],
      ['ws://h/ws', '--follow', '7'],
      ['ws://h/ws', '--at', '1,2'],
      ['ws://h/ws', '--spectate', '--follow', '7', '--at', '1,2'],
      ['ws://h/ws', '--spectate', '--follow', '0'],
      ['ws://h/ws', '--spectate', '--follow', '65536'],
      ['ws://h/ws', '--spectate', '--follow', 'x'],
      ['ws://h/ws', '--spectate', '--at', '1'],
      ['ws://h/ws', '--spectate', '--at', '1,-2'],
      ['ws://h/ws', '--spectate', '--at', '1,16777216'],
      ['--file', 'a.twcap', '--spectate'],
    ]) {
      expect(() => parseInspectArgs(argv), argv.join(' ')).toThrow(UsageError);
    }
  });

  it('checks server URLs', () => {
    expect(checkServerUrl('wss://example.com/ws').href).toBe('wss://example.com/ws');
    for (const bad of ['localhost:8080', 'http://localhost:8080/ws', 'ftp://x/ws']) {
      expect(() => checkServerUrl(bad), bad).toThrow(InspectError);
    }
  });
});
