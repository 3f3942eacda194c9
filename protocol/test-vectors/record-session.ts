// Records sessions/two-players.json from the REAL server: a child process with real
// uWebSockets.js, two real WebSocket clients, and the raw frames one of them received. The
// replica states in the file come from applying those frames with the protocol's Replica.
//
//   node --conditions=source --import tsx protocol/test-vectors/record-session.ts
//
// Timing decides which frames the server sends, so each recording differs; the script checks
// that the one it wrote covers what the file promises (see `checkCoverage`) and fails otherwise.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  MessageId,
  NO_DIRECTION,
  PROTOCOL_VERSION,
  Replica,
  decodeClientMessage,
  decodeServerMessage,
  encodeInput,
  encodeResync,
  updateMask,
  viewChecksum,
  type Snapshot,
} from '@tickwire/protocol';
import { startServer } from '../../server/test/support/server-process.js';
import { TestClient, waitFor } from '../../server/test/support/test-client.js';
import {
  formatJson,
  toHex,
  type DecodedJson,
  type SessionFile,
  type SessionSnapshot,
} from './vector-files.js';
import { checkCoverage } from './session-coverage.js';

const SERVER_ARGS = [
  '--checksums',
  '--world',
  '1200x800',
  '--view',
  '800x600',
  '--pellets',
  '40',
  '--seed',
  '7',
  // A closed connection's player leaves at once instead of waiting for a resume.
  '--resume-grace-ms',
  '0',
  '--static',
  '',
];
const HISTORY_TICKS = 32;
const SNAPSHOT_COUNT = 96;
const OUTPUT = new URL('./sessions/two-players.json', import.meta.url);

/** What the recording client does after applying its snapshot number `index` (0 = the first). */
interface Step {
  moveDir: number;
  aim: number;
  /** 'latest': acknowledge the newest view; 'every-5th': only ticks divisible by 5; 'frozen': repeat the last ack. */
  ack: 'latest' | 'every-5th' | 'frozen';
  resync: boolean;
}

function plan(index: number): Step {
  const ack = index < 24 ? 'latest' : index < 44 ? 'every-5th' : index < 62 ? 'frozen' : 'latest';
  const resync = index === 62;
  if (index < 10) return { moveDir: 0, aim: 0, ack, resync };
  if (index < 30) return { moveDir: 64, aim: 64, ack, resync };
  if (index < 54) return { moveDir: 160, aim: 170, ack, resync };
  if (index < 70) return { moveDir: NO_DIRECTION, aim: 170, ack, resync };
  return { moveDir: 224, aim: 230, ack, resync };
}

interface Captured {
  welcome: Uint8Array;
  snapshots: Uint8Array[];
  inputs: { afterTick: number; bytes: Uint8Array }[];
}

async function capture(wsUrl: string): Promise<Captured> {
  const recorder = new TestClient(wsUrl);
  const inputs: Captured['inputs'] = [];
  let seq = 0;
  let lastAck = 0;
  let lastMoveDir: number | null = null;
  // Filled from callbacks: arrays, not `let`s, so that no narrowing hides the updates.
  const others: TestClient[] = [];
  const failures: unknown[] = [];

  const joinOther = async (): Promise<void> => {
    // Rejoin until the other player spawns inside the recorder's view (views are symmetric),
    // so that the recording shows it entering and, later, leaving.
    for (let attempt = 0; attempt < 40; attempt++) {
      const client = new TestClient(wsUrl);
      await client.join('zo\u00eb');
      const me = recorder.welcome?.playerId ?? -1;
      if (client.replica?.latest?.entities.has(me)) {
        others.push(client);
        client.input(96, 96);
        return;
      }
      await client.close();
    }
    throw new Error('the second player never spawned in view');
  };

  const onSnapshot = (index: number): void => {
    const replica = recorder.replica;
    if (!replica) throw new Error('snapshot before Welcome');
    const step = plan(index);
    const tick = replica.tick;
    if (step.resync) recorder.sendRaw(encodeResync({ tick }));
    let ackTick = lastAck;
    if (step.ack === 'latest') ackTick = tick;
    if (step.ack === 'every-5th') {
      const rounded = tick - (tick % 5);
      if (rounded > lastAck && replica.hasBaseline(rounded)) ackTick = rounded;
    }
    if (index % 2 === 0 || step.moveDir !== lastMoveDir) {
      const bytes = encodeInput({
        seq: ++seq,
        ackTick,
        moveDir: step.moveDir,
        aim: step.aim,
        buttons: 0,
      });
      recorder.sendRaw(bytes);
      inputs.push({ afterTick: tick, bytes });
      lastAck = ackTick;
      lastMoveDir = step.moveDir;
    }
    if (index === 3) joinOther().catch((error: unknown) => failures.push(error));
    const other = others[0];
    if (other && index % 3 === 0 && index < 80) {
      other.input(index < 40 ? 96 : 0, index < 40 ? 96 : 10);
    }
    if (other && index === 80) void other.close();
  };

  const welcomes: Uint8Array[] = [];
  const snapshots: Uint8Array[] = [];
  // Runs after TestClient's own listener, which has applied the frame to recorder.replica.
  recorder.ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || snapshots.length >= SNAPSHOT_COUNT) return;
    const bytes = new Uint8Array(data); // a copy: ws may reuse the Buffer's memory
    const { id } = decodeServerMessage(bytes);
    if (id === MessageId.Welcome) welcomes.push(bytes);
    if (id === MessageId.Snapshot) {
      snapshots.push(bytes);
      onSnapshot(snapshots.length - 1);
    }
  });

  await recorder.join('rec');
  await waitFor(() => snapshots.length >= SNAPSHOT_COUNT, 'the recording', 20_000);
  await recorder.close();
  for (const other of others) await other.close();
  const failure = [...failures, ...recorder.errors][0];
  if (failure !== undefined) throw failure;
  const [welcome] = welcomes;
  if (welcomes.length !== 1 || !welcome) throw new Error('expected exactly one Welcome');
  return { welcome, snapshots, inputs };
}

function jsonRecord(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value));
}

function decodedJson(m: { id: number; message: object }): DecodedJson {
  return { id: m.id, message: jsonRecord(m.message) };
}

/** Applies the captured frames with a fresh Replica: the states written are the replica's. */
function buildSession(captured: Captured): SessionFile {
  const welcome = decodeServerMessage(captured.welcome);
  if (welcome.id !== MessageId.Welcome) throw new Error('the first frame is not a Welcome');
  const { worldWidth, worldHeight } = welcome.message;
  const replica = new Replica({ worldWidth, worldHeight, historyTicks: HISTORY_TICKS });
  const snapshots = captured.snapshots.map((bytes, index): SessionSnapshot => {
    const decoded = decodeServerMessage(bytes);
    if (decoded.id !== MessageId.Snapshot) throw new Error(`frame ${index} is not a Snapshot`);
    const s: Snapshot = decoded.message;
    if (s.checksum === null) throw new Error(`snapshot ${s.tick} has no checksum`);
    const view = replica.apply(s);
    const state = [...view.entities.values()];
    if (viewChecksum(state) !== s.checksum) throw new Error(`checksum of tick ${s.tick}`);
    return {
      index,
      tick: s.tick,
      baselineAge: s.baselineTick === 0 ? 0 : s.tick - s.baselineTick,
      inputAck: s.inputAck,
      checksum: s.checksum,
      removed: s.removed,
      entered: s.entered.map((e) => e.id),
      updated: s.updated.map((u) => ({ id: u.id, mask: updateMask(u) })),
      hex: toHex(bytes),
      state: state.map(jsonRecord),
    };
  });
  return {
    protocolVersion: PROTOCOL_VERSION,
    name: 'two-players',
    description:
      'The Welcome and the first snapshots one client ("rec") received from the real server, ' +
      'recorded by record-session.ts. The client moves right, down, up-left, stops, then moves ' +
      'up-right, changing its aim too; it acknowledges every view at first, then only ticks ' +
      'divisible by 5, then keeps repeating one old acknowledgement (deltas against ever older ' +
      'baselines), then sends Resync (a full snapshot mid-session) and acknowledges every view ' +
      'again. A second player joins in view (entered), changes direction (Motion updates) and ' +
      'leaves or walks out of view (removed); pellets enter and leave the view as "rec" moves.',
    server: { args: SERVER_ARGS },
    welcome: { hex: toHex(captured.welcome), decoded: decodedJson(welcome) },
    replica: { worldWidth, worldHeight, historyTicks: HISTORY_TICKS },
    inputs: captured.inputs.map(({ afterTick, bytes }) => ({
      afterTick,
      hex: toHex(bytes),
      decoded: decodedJson(decodeClientMessage(bytes)),
    })),
    snapshots,
  };
}

export async function recordSession(): Promise<SessionFile> {
  const server = await startServer({ args: SERVER_ARGS });
  try {
    const captured = await capture(server.wsUrl);
    const session = buildSession(captured);
    const welcome = session.welcome.decoded.message;
    const missing = checkCoverage(session, Number(welcome.playerId));
    if (missing.length > 0) {
      throw new Error(`the recording lacks: ${missing.join('; ')}. Record again.`);
    }
    writeFileSync(OUTPUT, formatJson(session));
    return session;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const session = await recordSession();
  console.log(`wrote ${OUTPUT.pathname}: ${session.snapshots.length} snapshots`);
}
