import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { decode, encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloseCode,
  NO_DIRECTION,
  PLAYER_PROTOCOL_VERSION as REPO_PROTOCOL_VERSION,
  ProtocolError,
  Replica as RepoReplica,
  SERVED_SUBPROTOCOLS,
  SUPPORTED_PROTOCOL_VERSIONS,
  addToChecksum,
  angle8,
  compileGame,
  connect,
  decodeHello as repoDecodeHello,
  defineGame,
  encodeHello as repoEncodeHello,
  encodeInput as repoEncodeInput,
  encodeKick,
  encodePing as repoEncodePing,
  encodePong,
  encodeResync as repoEncodeResync,
  encodeSnapshot,
  encodeWelcome,
  entityHash as repoEntityHash,
  flags,
  int,
  string,
  uint16,
  uint32,
  type Bot,
  type CompiledSchema,
  type EntityRecord,
  type Snapshot as RepoSnapshot,
  type ViewState,
  type Welcome as RepoWelcome,
} from '@tickwire/protocol';
import { startServer, type ServerProcess } from '../../server/test/support/server-process.js';
import { FIRE } from '../../games/arena/shared.js';
import {
  PROTOCOL_VERSION,
  Replica,
  SUBPROTOCOL,
  decodeServerFrame,
  describeCloseCode,
  encodeHello,
  encodeInput,
  encodePing,
  encodeResync,
  readSchema,
  runMinimalBot,
  type DecideContext,
  type Entity,
  type Schema,
  type Snapshot,
  type View,
  type Welcome,
} from '../minimal/minimal-bot.js';
import { arenaSchema } from '../../protocol/test-vectors/schemas.js';
import { arenaWelcome } from './support/arena.js';
import { waitFor } from '../../protocol/src/testing/wait.js';

// The minimal bot uses nothing from this repository; these tests hold it against the real server
// and against the repository's own codec and replica (the witness), which are the protocol's
// contract. It is generic: the same code and the same test run the arena and stars, and a game
// declared only in this file.

const botCli = fileURLToPath(new URL('../minimal/bot.js', import.meta.url));

/** A view as a list of plain objects sorted by id, comparable with toEqual whatever held it. */
function sorted(entities: Iterable<object & { id: number }>): object[] {
  return [...entities].map((e) => ({ ...e })).sort((a, b) => a.id - b.id);
}

/**
 * A decide function that knows no game: every 400 ms each input field of the schema takes a
 * random value in its range (a 'quarter' one within the world, where positions are). In the
 * arena that walks, aims and fires; in stars it glides and clicks.
 */
function randomControls(random: () => number): (context: DecideContext) => Record<string, number> {
  let controls: Record<string, number> = {};
  let changedAtMs = -Infinity;
  return ({ welcome, nowMs }) => {
    if (nowMs - changedAtMs < 400) return controls;
    changedAtMs = nowMs;
    const world = Math.min(welcome.worldWidth, welcome.worldHeight) * 4;
    controls = {};
    for (const f of welcome.schema.input) {
      const max = f.type === 'quarter' ? Math.min(f.max, f.min + world) : f.max;
      controls[f.name] = f.min + Math.floor(random() * (max - f.min + 1));
    }
    return controls;
  };
}

/** What a session of the minimal bot beside a repository client saw. */
interface Session {
  welcome: Welcome;
  witnessWelcome: RepoWelcome;
  botViews: Map<number, View>;
  witnessViews: Map<number, object[]>;
  log: string[];
}

/**
 * Runs the minimal bot next to a witness (the repository's SDK bot, whose Replica is the
 * reference) until `isDone`, then leaves. `onWitnessView` lets the witness play too.
 */
async function playBeside(
  url: string,
  isDone: (bot: ReturnType<typeof runMinimalBot>, session: Session) => boolean,
  what: string,
  onWitnessView?: (view: ViewState, witness: Bot) => void,
): Promise<Session & { bot: ReturnType<typeof runMinimalBot> }> {
  const witnessViews = new Map<number, object[]>();
  const witness = connect(url, {
    name: 'witness',
    WebSocket,
    onSnapshot: (view, b) => {
      witnessViews.set(view.tick, sorted(view.entities.values()));
      onWitnessView?.(view, b);
    },
  });
  const witnessWelcome = await witness.welcomed;
  const botViews = new Map<number, View>();
  const log: string[] = [];
  const bot = runMinimalBot({
    url,
    name: 'minimal',
    decide: randomControls(seededRandom(7)),
    log: (line) => log.push(line),
    onView: (view) => botViews.set(view.tick, view),
  });
  try {
    const welcome = await bot.welcomed;
    const session = { welcome, witnessWelcome, botViews, witnessViews, log };
    // A refused snapshot ends the wait at once: the assertions then say what went wrong.
    const isBroken = (): boolean => bot.stats.checksumMismatches + bot.stats.invalidDeltas > 0;
    await waitFor(() => isDone(bot, session) || isBroken(), what, 30_000);
    const closed = await bot.close();
    expect(closed).toMatchObject({ code: 1000, kick: null, error: null });
    expect(witness.replicaCounters).toMatchObject({ checksumMismatches: 0, invalidDeltas: 0 });
    return { ...session, bot };
  } finally {
    await bot.close();
    witness.close();
    await witness.closed;
  }
}

/** Deterministic randomness (mulberry32), so a failure replays the same inputs. */
function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ticks both saw, and the views there (the bot's as plain objects). */
function commonViews(session: Session): { ticks: number[]; bot: object[][]; witness: object[][] } {
  const ticks = [...session.botViews.keys()].filter((tick) => session.witnessViews.has(tick));
  return {
    ticks,
    bot: ticks.map((tick) => sorted((session.botViews.get(tick) as View).entities.values())),
    witness: ticks.map((tick) => session.witnessViews.get(tick) as object[]),
  };
}

const countKind = (view: View | undefined, kind: string): number =>
  [...(view?.entities.values() ?? [])].filter((e) => e.kind === kind).length;

/** The checks every real-server session must pass, whatever the game. */
function expectAgreement(
  session: Session & { bot: ReturnType<typeof runMinimalBot> },
  lifetimeKind: string,
): void {
  const { bot, welcome, witnessWelcome } = session;
  // The schema the bot read is the one the repository decoded, fingerprint included.
  const schema = welcome.schema;
  expect(schema.fingerprint).toBe(witnessWelcome.schema.fingerprint);
  expect(schema.game).toBe(witnessWelcome.schema.game);
  expect(schema.kinds.map((k) => [k.name, k.motion, k.lifetimeTicks])).toEqual(
    witnessWelcome.schema.kinds.map((k) => [k.name, k.motion, k.lifetimeTicks]),
  );
  expect(schema.kinds.map((k) => k.fields.map((f) => f.name))).toEqual(
    witnessWelcome.schema.kinds.map((k) => k.fields.map((f) => f.name)),
  );
  expect(schema.input.map((f) => [f.name, f.min, f.max, f.default])).toEqual(
    witnessWelcome.schema.input.map((f) => [f.name, f.min, f.max, f.default]),
  );
  expect(schema.constants).toEqual(witnessWelcome.schema.constants);

  const { stats } = bot;
  expect(stats.snapshots).toBeGreaterThan(60);
  // The bot acknowledges in its Inputs, so the server switches to deltas.
  expect(stats.deltaSnapshots).toBeGreaterThan(40);
  expect(stats.checksumsVerified).toBe(stats.snapshots);
  expect(stats.checksumMismatches + stats.invalidDeltas + stats.missingBaselines).toBe(0);
  expect(stats.resyncsSent).toBe(0);
  expect(stats.inputAck).toBeGreaterThan(0);
  expect(stats.rttMs).not.toBeNull();
  expect(bot.self()?.name).toBe('minimal');

  // The witness's replica holds, tick for tick, exactly what the bot holds: every entity of
  // every kind, every field, and every ticksLeft.
  const common = commonViews(session);
  expect(common.ticks.length).toBeGreaterThan(40);
  expect(common.bot).toEqual(common.witness);
  const withLifetime = common.ticks.filter(
    (tick) => countKind(session.botViews.get(tick), lifetimeKind) > 0,
  );
  console.log(
    `${schema.game}: ${stats.snapshots} snapshots, ${stats.checksumsVerified} checksums verified, ${common.ticks.length} ticks compared, ${withLifetime.length} of them with a ${lifetimeKind}; ${stats.expired} expiries`,
  );
  expect(withLifetime.length).toBeGreaterThan(5);
  // Entities left at their expiry tick with no message, and the views still agreed.
  expect(stats.expired).toBeGreaterThan(0);
  expect(session.log.filter((line) => /Resync|malformed|decide/.test(line))).toEqual([]);
}

describe('the minimal bot against the real server: the arena', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      args: [
        '--checksums',
        '--world',
        '3000x2000',
        // A view twice the world: everyone sees the whole world, so two clients' views of the
        // same tick must be identical entity for entity.
        '--view',
        '6000x4000',
        '--pellets',
        '30',
        // The bot sends no resume token: its player may as well leave at once.
        '--resume-grace-ms',
        '0',
        '--static',
        '',
      ],
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('decodes by the schema, agrees with the reference replica while shots fly and expire, and verifies every checksum', async () => {
    let aim = 0;
    const session = await playBeside(
      server.wsUrl,
      (bot, s) =>
        bot.stats.snapshots >= 90 &&
        bot.stats.expired >= 3 &&
        commonViews(s).ticks.filter((t) => countKind(s.botViews.get(t), 'projectile') > 0).length >
          10,
      'three seconds of play with projectiles expiring',
      // The witness stands and fires all round: projectiles fly until they hit, reach a wall
      // or expire (36 ticks).
      (_view, witness) => {
        aim = (aim + 9) % 256;
        witness.setInput({ moveDir: NO_DIRECTION, aim, buttons: FIRE });
      },
    );
    // A version-2 client and a version-3 one in the same room: each Welcome names the version its
    // Hello spoke, and nothing else differs (the views agree below).
    expect(session.welcome.protocolVersion).toBe(2);
    expect(session.witnessWelcome.protocolVersion).toBe(REPO_PROTOCOL_VERSION);
    expect(REPO_PROTOCOL_VERSION).toBe(3);
    expect(session.welcome.schema.game).toBe('arena');
    expect([session.welcome.worldWidth, session.welcome.worldHeight]).toEqual([3000, 2000]);
    expect(session.welcome.serverTimeMs).toBe(
      (session.welcome.serverTick * 1000) / session.welcome.tickHz,
    );
    expectAgreement(session, 'projectile');
    // Its random controls moved it (moveDir), and the server applied its Inputs.
    const own = [...session.botViews.values()].map((v) => v.entities.get(session.welcome.playerId));
    expect(new Set(own.map((e) => `${e?.x},${e?.y}`)).size).toBeGreaterThan(10);
  });

  it('reports a refusal clearly: an unsupported protocol version is closed with 4002', async () => {
    const bot = runMinimalBot({ url: server.wsUrl, name: 'future', protocolVersion: 7 });
    try {
      await expect(bot.welcomed).rejects.toThrow(
        /no Welcome: closed: 4002 UnsupportedVersion \(upgrade the client\); kicked: protocol version 7 is not supported; this server speaks 2, 3, 4/,
      );
      const closed = await bot.closed;
      expect(closed.code).toBe(4002);
      expect(closed.kick).toEqual({
        code: 4002,
        reason: 'protocol version 7 is not supported; this server speaks 2, 3, 4',
      });
      expect(bot.stats.snapshots).toBe(0);
    } finally {
      await bot.close();
    }
  });

  it("is refused with 4000 when told to speak version 3 with version 2's 4-element Hello", async () => {
    const bot = runMinimalBot({ url: server.wsUrl, name: 'half-v3', protocolVersion: 3 });
    try {
      await expect(bot.welcomed).rejects.toThrow(/4000 MalformedFrame/);
      const closed = await bot.closed;
      expect(closed.code).toBe(CloseCode.MalformedFrame);
      expect(closed.kick?.reason).toMatch(/expected 5 elements in version 3, got 4/);
    } finally {
      await bot.close();
    }
  });

  it('reports a server that is not there as 1006 with the network error', async () => {
    // Port 1 on the loopback: nothing listens there, the connection is refused.
    const bot = runMinimalBot({ url: 'ws://127.0.0.1:1/ws', name: 'nobody' });
    await expect(bot.welcomed).rejects.toThrow(/1006/);
    const closed = await bot.closed;
    expect(closed.code).toBe(1006);
    expect(closed.error).toMatch(/ECONNREFUSED/);
  });

  it('leaves with a clear error when its decide names an input the game does not have', async () => {
    const bot = runMinimalBot({ url: server.wsUrl, name: 'confused', decide: () => ({ jump: 1 }) });
    const closed = await bot.closed;
    expect(closed.code).toBe(1000);
    expect(closed.error).toBe('decide: arena has no input jump; it takes moveDir, aim, buttons');
  });

  it('sends Resync when a delta misses its baseline, gets a full snapshot back, and keeps every checksum', async () => {
    // Keeping 1 view instead of 32 makes every delta (baselineAge >= 2 with a 50 ms ack) miss.
    const log: string[] = [];
    const bot = runMinimalBot({
      url: server.wsUrl,
      name: 'forgetful',
      historyTicks: 1,
      log: (line) => log.push(line),
    });
    try {
      await bot.welcomed;
      await waitFor(
        () => bot.stats.resyncsSent >= 2 && bot.stats.snapshots > 10,
        'two resyncs and ten snapshots',
      );
      const { stats } = bot;
      expect(stats.missingBaselines).toBeGreaterThan(0);
      // Each Resync is answered at the server's next tick by a full snapshot, and the first two
      // snapshots of a session are full anyway.
      expect(stats.fullSnapshots).toBeGreaterThanOrEqual(stats.resyncsSent);
      expect(stats.checksumsVerified).toBe(stats.snapshots);
      expect(stats.checksumMismatches + stats.invalidDeltas).toBe(0);
      expect(log.some((line) => /MissingBaseline.*Resync/.test(line))).toBe(true);
      // 20 Inputs/s plus the Resyncs stay under the 60 messages/s limit: not kicked.
      expect((await bot.close()).code).toBe(1000);
    } finally {
      await bot.close();
    }
  });

  describe('on the command line', () => {
    it('prints its welcome with the game and status lines, and leaves with exit code 0', async () => {
      const run = await runCli([
        '--url',
        server.wsUrl,
        '--name',
        'cli',
        '--seconds',
        '2',
        '--status-every-ms',
        '500',
        '--turn',
        'moveDir',
        '--set',
        'buttons=1',
      ]);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(
        /welcome: player \d+, tick \d+ at 30 Hz, world 3000x2000, game arena \(player, pellet, projectile\)/,
      );
      expect(run.stdout).toMatch(
        /cli #\d+ tick \d+ player at \(.*\) .*\| checksums [1-9]\d* ok, 0 bad/,
      );
      expect(run.stdout).toMatch(/closed: 1000 normal closure/);
    });

    it('prints the close code and the Kick reason when refused, and exits with 1', async () => {
      const run = await runCli(['--url', server.wsUrl, '--protocol-version', '7']);
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(
        /kick: 4002 UnsupportedVersion \(upgrade the client\): protocol version 7 is not supported; this server speaks 2, 3, 4/,
      );
      expect(run.stdout).toMatch(/closed: 4002 UnsupportedVersion/);
    });

    it('explains a bad --set and exits with 2', async () => {
      const run = await runCli(['--set', 'buttons']);
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toContain('--set buttons: expected NAME=INTEGER');
    });
  });
});

describe('the minimal bot against the real server: stars, a game it was not written for', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      args: [
        '--game',
        'stars',
        '--checksums',
        '--world',
        '1600x1200',
        '--view',
        '3200x2400',
        '--resume-grace-ms',
        '0',
        '--static',
        '',
      ],
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('decodes cursors, stars and sparks by the schema and agrees with the reference replica', async () => {
    const session = await playBeside(
      server.wsUrl,
      (bot, s) =>
        bot.stats.snapshots >= 90 &&
        bot.stats.expired >= 2 &&
        commonViews(s).ticks.filter((t) => countKind(s.botViews.get(t), 'spark') > 0).length > 10,
      'three seconds of play with sparks expiring',
    );
    expect(session.welcome.schema.game).toBe('stars');
    expect(session.welcome.schema.kinds.map((k) => k.name)).toEqual(['cursor', 'star', 'spark']);
    expectAgreement(session, 'spark');
    expect(session.bot.self()?.kind).toBe('cursor');
  });
});

// ---- without a server: the codec against the repository's, and a game declared here ----

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const toHex = (frame: Uint8Array): string => Buffer.from(frame).toString('hex');

/** The minimal bot's reading of a Welcome the repository encoded (or of its hex). */
function welcomeOf(welcome: RepoWelcome | string): Welcome {
  const frame = typeof welcome === 'string' ? bytes(welcome) : encodeWelcome(welcome);
  const m = decodeServerFrame(frame, null);
  if (m.id !== 64) throw new Error(`expected a Welcome, got message ${m.id}`);
  return m.welcome;
}

function snapshotOf(frame: Uint8Array, schema: Schema): Snapshot {
  const m = decodeServerFrame(frame, schema);
  if (m.id !== 65) throw new Error(`expected a Snapshot, got message ${m.id}`);
  return m.snapshot;
}

describe("the minimal bot's codec against the repository's", () => {
  const welcome = welcomeOf(arenaWelcome());
  const schema = welcome.schema;

  it('writes the client frames byte for byte, Inputs by the schema with defaults', () => {
    // The bot is a version-2 client, which the repository still serves.
    expect(PROTOCOL_VERSION).toBe(2);
    expect(SUBPROTOCOL).toBe('tickwire.v2');
    expect(SUPPORTED_PROTOCOL_VERSIONS).toContain(PROTOCOL_VERSION);
    expect(SERVED_SUBPROTOCOLS).toContain(SUBPROTOCOL);
    expect(toHex(encodeHello(2, 'bot'))).toBe(
      toHex(repoEncodeHello({ protocolVersion: 2, name: 'bot', resumeToken: null, seat: null })),
    );
    expect(toHex(encodeHello(2, 'bot'))).toBe('940102a3626f74c0');
    expect(repoDecodeHello(encodeHello(2, 'bot'))).toEqual({
      protocolVersion: 2,
      name: 'bot',
      resumeToken: null,
      seat: null,
    });
    // It knows every close code by the repository's name, 4015 and 4016 (which a version-2
    // client receives too) included.
    for (const [name, code] of Object.entries(CloseCode)) {
      expect(describeCloseCode(code)).toContain(`${code} ${name} (`);
    }
    // Its 4-element Hello is not a version-3 Hello, which ends with the seat.
    expect(() => repoDecodeHello(encodeHello(3, 'bot'))).toThrow(ProtocolError);
    expect(toHex(repoEncodeHello({ protocolVersion: 3, name: 'bot', resumeToken: null }))).toBe(
      `95${toHex(encodeHello(3, 'bot')).slice(2)}c0`,
    );
    expect(toHex(encodeInput(schema, 1, 100, { moveDir: 64, aim: 64 }))).toBe(
      toHex(
        repoEncodeInput(arenaSchema, { seq: 1, ackTick: 100, controls: { moveDir: 64, aim: 64 } }),
      ),
    );
    // Unset fields go at their defaults: moveDir -1 (stand still), aim 0, buttons 0.
    expect(toHex(encodeInput(schema, 2, 101, {}))).toBe('96020265ff0000');
    expect(toHex(encodeInput(schema, 3, 102, { buttons: 1, aim: 200 }))).toBe(
      toHex(
        repoEncodeInput(arenaSchema, {
          seq: 3,
          ackTick: 102,
          controls: { moveDir: NO_DIRECTION, aim: 200, buttons: 1 },
        }),
      ),
    );
    expect(() => encodeInput(schema, 4, 0, { jump: 1 })).toThrow(
      'arena has no input jump; it takes moveDir, aim, buttons',
    );
    expect(() => encodeInput(schema, 4, 0, { buttons: 2 })).toThrow(
      'input buttons: 2 is outside 0..1',
    );
    expect(toHex(encodePing(5000))).toBe(toHex(repoEncodePing({ clientTimeMs: 5000 })));
    expect(toHex(encodeResync(137))).toBe(toHex(repoEncodeResync({ tick: 137 })));
  });

  it('reads the Welcome and its schema: kinds, fields in record order, groups, input, constants', () => {
    expect({ ...welcome, schema: null }).toEqual({ ...arenaWelcome(), schema: null });
    expect(schema.fingerprint).toBe(arenaSchema.fingerprint);
    expect(schema.kinds.map((k) => [k.id, k.name, k.motion, k.lifetimeTicks])).toEqual([
      [0, 'player', 'linear', 0],
      [1, 'pellet', 'static', 0],
      [2, 'projectile', 'linear', 36],
    ]);
    expect((schema.kinds[0]?.fields ?? []).map((f) => `${f.name}:${f.type}:${f.group}`)).toEqual([
      'x:quarter:motion',
      'y:quarter:motion',
      'vx:quarter:motion',
      'vy:quarter:motion',
      'aim:angle8:aim',
      'hp:int:hp',
      'score:int:score',
      'name:string:null',
    ]);
    expect(schema.groups.map((g) => [g.bit, g.name, g.fields.map((f) => f.name)])).toEqual(
      arenaSchema.groups.map((g) => [g.bit, g.name, g.fields]),
    );
    expect(schema.input).toEqual([
      { name: 'moveDir', type: 'int', min: -1, max: 255, default: -1 },
      { name: 'aim', type: 'angle8', min: 0, max: 255, default: 0 },
      { name: 'buttons', type: 'flags', min: 0, max: 1, default: 0 },
    ]);
    expect(schema.constants).toEqual(arenaSchema.constants);
  });

  it('reads Pong and Kick', () => {
    expect(
      decodeServerFrame(
        encodePong({ clientTimeMs: 5000, serverTimeMs: 3341.5, serverTick: 100 }),
        null,
      ),
    ).toEqual({ id: 66, clientTimeMs: 5000, serverTimeMs: 3341.5, serverTick: 100 });
    expect(decodeServerFrame(encodeKick({ closeCode: 4005, reason: 'too fast' }), schema)).toEqual({
      id: 67,
      kick: { code: 4005, reason: 'too fast' },
    });
  });

  it('rejects what the protocol forbids: bad msgpack, a wrong fingerprint, a snapshot too early, a wrong record', () => {
    const pong = encodePong({ clientTimeMs: 1, serverTimeMs: 2, serverTick: 3 });
    expect(() => decodeServerFrame(bytes(toHex(pong) + '00'), null)).toThrow(/msgpack/);
    expect(() => decodeServerFrame(bytes('81a16101'), null)).toThrow(/array/);
    // The fingerprint is FNV-1a over the schema's bytes: one changed value breaks it.
    const fields = decode(encodeWelcome(arenaWelcome())) as unknown[];
    fields[11] = (arenaSchema.fingerprint + 1) >>> 0;
    expect(() => decodeServerFrame(encode(fields), null)).toThrow(/schemaFingerprint/);
    const full = encodeSnapshot(arenaSchema, {
      tick: 5,
      baselineTick: 0,
      inputAck: 0,
      removed: [],
      entered: [{ id: 3, kind: 'pellet', x: 8, y: 8 }],
      updated: [],
      checksum: null,
    });
    expect(() => decodeServerFrame(full, null)).toThrow(/before the Welcome/);
    // A pellet record with a third field; a projectile without its ticksLeft.
    expect(() =>
      decodeServerFrame(encode([65, 5, 0, 0, [], [[3, 1, 8, 8, 8]], []]), schema),
    ).toThrow(/a pellet/);
    expect(() =>
      decodeServerFrame(encode([65, 5, 0, 0, [], [[3, 2, 8, 8, 1, 1, 9]], []]), schema),
    ).toThrow(/a projectile/);
    // A mask with a bit no group has.
    expect(() => decodeServerFrame(encode([65, 5, 1, 0, [], [], [[3, 16, 1]]]), schema)).toThrow(
      /mask/,
    );
  });
});

describe("the minimal bot on the repository's golden test vectors (protocol/test-vectors)", () => {
  const vectors = fileURLToPath(new URL('../../protocol/test-vectors/', import.meta.url));
  const readJson = (path: string): unknown => JSON.parse(readFileSync(join(vectors, path), 'utf8'));

  it('reads every schema vector, and its fingerprint is FNV-1a of the bytes', () => {
    const files = readdirSync(join(vectors, 'schemas')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const vector = readJson(join('schemas', file)) as {
        fingerprint: number;
        hex: string;
        schema: { game: string; kinds: { name: string }[] };
      };
      const schema = readSchema(decode(bytes(vector.hex)));
      expect([file, schema.fingerprint]).toEqual([file, vector.fingerprint]);
      expect(schema.game).toBe(vector.schema.game);
      expect(schema.kinds.map((k) => k.name)).toEqual(vector.schema.kinds.map((k) => k.name));
    }
  });

  it('replays the recorded session: every view and every checksum as the reference made them', () => {
    const session = readJson('sessions/two-players.json') as {
      welcome: { hex: string };
      replica: { historyTicks: number };
      snapshots: { tick: number; hex: string; state: object[]; checksum: number | null }[];
    };
    const welcome = welcomeOf(session.welcome.hex);
    const replica = new Replica(
      welcome.schema,
      welcome.worldWidth,
      welcome.worldHeight,
      session.replica.historyTicks,
    );
    const kinds = new Set<string>();
    let verified = 0;
    for (const s of session.snapshots) {
      const snapshot = snapshotOf(bytes(s.hex), welcome.schema);
      const view = replica.apply(snapshot);
      if (snapshot.checksum !== null) verified++;
      for (const e of view.entities.values()) kinds.add(e.kind);
      expect([s.tick, sorted(view.entities.values())]).toEqual([
        s.tick,
        sorted(s.state as Entity[]),
      ]);
    }
    expect(verified).toBe(session.snapshots.length);
    expect([...kinds].sort()).toEqual(['pellet', 'player', 'projectile']);
  });
});

// A game declared only here, unlike both real ones: a 'position' kind with a two-field group,
// flags, a signed int, a uint32 above 2^31 and a string; a linear kind with a lifetime; a static
// kind with a negative constant.
const relaySpec = defineGame({
  name: 'relay',
  kinds: {
    runner: {
      motion: 'position',
      fields: {
        team: { type: flags(['red', 'blue']), sync: 'constant' },
        label: { type: string(8), sync: 'constant' },
        heading: { type: angle8(), sync: 'changes', group: 'pose' },
        lean: { type: int(-50, 50), sync: 'changes', group: 'pose' },
        distance: { type: uint32(), sync: 'changes' },
        status: { type: string(12), sync: 'changes' },
      },
    },
    baton: {
      motion: 'linear',
      lifetimeTicks: 5,
      fields: { holder: { type: uint16(), sync: 'constant' } },
    },
    marker: { motion: 'static', fields: { value: { type: int(-3, 3), sync: 'constant' } } },
  },
  input: {
    heading: angle8(),
    lean: int(-50, 50, 7),
    keys: flags(['sprint', 'pass', 'wave']),
  },
  constants: ['trackLength', 'depth'],
});

describe('the minimal bot on a game it has never seen (declared in this test)', () => {
  const relay: CompiledSchema = compileGame(relaySpec, { trackLength: 400, depth: -2 });
  const repoWelcome: RepoWelcome = arenaWelcome({
    schema: relay,
    worldWidth: 100,
    worldHeight: 50,
  });
  const welcome = welcomeOf(repoWelcome);

  /** The repository's checksum of the view its replica builds from `s` (computed, not trusted). */
  function checksumOf(probe: RepoReplica, s: RepoSnapshot): number {
    const view = probe.apply(s);
    let sum = 0;
    for (const e of view.entities.values()) {
      const kind = relay.kindByName.get(e.kind);
      if (!kind) throw new Error(`no kind ${e.kind}`);
      const expiresTick = view.tick + ((e.ticksLeft as number | undefined) ?? 0);
      sum = addToChecksum(sum, repoEntityHash(kind, e, expiresTick));
    }
    return sum;
  }

  const runner = (id: number, fields: Record<string, number | string>): EntityRecord => ({
    id,
    kind: 'runner',
    x: 40,
    y: 40,
    team: 2,
    label: `r${id}`,
    heading: 0,
    lean: 0,
    distance: 0,
    status: 'ready',
    ...fields,
  });
  const baton = (id: number, fields: Record<string, number>): EntityRecord => ({
    id,
    kind: 'baton',
    x: 0,
    y: 0,
    vx: 0,
    vy: 0,
    holder: 1,
    ticksLeft: 5,
    ...fields,
  });
  const delta = (tick: number, baselineTick: number, s: Partial<RepoSnapshot>): RepoSnapshot => ({
    tick,
    baselineTick,
    inputAck: 0,
    removed: [],
    entered: [],
    updated: [],
    checksum: null,
    ...s,
  });

  /** An update mask from group names (bits by the schema: the order of first use). */
  const mask = (...names: string[]): number =>
    names.reduce((m, n) => m | (1 << (relay.groups.find((g) => g.name === n)?.bit ?? 31)), 0);

  // Values go lowest bit first: position (x, y), pose (heading, lean), distance, status.
  const snapshots: RepoSnapshot[] = [
    delta(10, 0, {
      entered: [
        runner(1, { distance: 0xfffffff0, lean: -50 }),
        runner(2, { x: 100, y: 60 }),
        // Moving right at 30 a tick from 350: the world ends at 400 (100 units * 4).
        baton(5, { x: 350, y: 100, vx: 30, vy: -1, ticksLeft: 5 }),
        { id: 9, kind: 'marker', x: 12, y: 13, value: -3 },
      ],
    }),
    delta(12, 10, {
      removed: [9],
      entered: [baton(6, { x: 10, y: 10, vx: 2, ticksLeft: 2 })],
      updated: [
        { id: 1, mask: mask('pose', 'distance'), values: [200, 50, 0xfffffff1] },
        { id: 2, mask: mask('status', 'position'), values: [101, 61, 'running'] },
      ],
    }),
    // Baton 6 expires at tick 14, baton 5 at 15: neither is ever listed as removed.
    delta(14, 12, { updated: [{ id: 2, mask: mask('pose'), values: [64, -7] }] }),
    delta(15, 14, {}),
    // From an older baseline (12): the same expiries, counted from that view.
    delta(16, 12, {
      updated: [{ id: 2, mask: mask('pose'), values: [64, -7] }],
      entered: [baton(7, { x: 5, y: 5, ticksLeft: 3 })],
    }),
  ];

  it('reads its schema from the Welcome', () => {
    const schema = welcome.schema;
    expect(schema.game).toBe('relay');
    expect(schema.fingerprint).toBe(relay.fingerprint);
    expect(schema.kinds.map((k) => [k.name, k.motion, k.lifetimeTicks, k.fields.length])).toEqual([
      ['runner', 'position', 0, 8],
      ['baton', 'linear', 5, 5],
      ['marker', 'static', 0, 3],
    ]);
    expect(schema.groups.map((g) => [g.name, g.fields.map((f) => f.name)])).toEqual([
      ['position', ['x', 'y']],
      ['pose', ['heading', 'lean']],
      ['distance', ['distance']],
      ['status', ['status']],
      ['motion', ['x', 'y', 'vx', 'vy']],
    ]);
    expect(schema.input.map((f) => [f.name, f.default])).toEqual([
      ['heading', 0],
      ['lean', 7],
      ['keys', 0],
    ]);
    expect(schema.constants).toEqual({ trackLength: 400, depth: -2 });
    expect(toHex(encodeInput(schema, 1, 12, { keys: 5 }))).toBe(
      toHex(repoEncodeInput(relay, { seq: 1, ackTick: 12, controls: { keys: 5 } })),
    );
  });

  it("applies the repository's snapshots into the repository's views, checksums verified", () => {
    expect(relay.groups.map((g) => g.name)).toEqual([
      'position',
      'pose',
      'distance',
      'status',
      'motion',
    ]);
    const probe = new RepoReplica(repoWelcome);
    const reference = new RepoReplica(repoWelcome);
    const bot = new Replica(welcome.schema, welcome.worldWidth, welcome.worldHeight);
    const seen: string[] = [];
    for (const s of snapshots) {
      const checksum = checksumOf(probe, s);
      const frame = encodeSnapshot(relay, { ...s, checksum });
      const referenceView = reference.apply({ ...s, checksum });
      const view = bot.apply(snapshotOf(frame, welcome.schema));
      expect([view.tick, sorted(view.entities.values())]).toEqual([
        referenceView.tick,
        sorted(referenceView.entities.values()),
      ]);
      seen.push(`${view.tick}: ${[...view.entities.keys()].sort((a, b) => a - b).join(',')}`);
    }
    // Baton 5 moved and stopped at the world's edge; 6 and 5 expired; 9 was removed.
    expect(seen).toEqual(['10: 1,2,5,9', '12: 1,2,5,6', '14: 1,2,5', '15: 1,2', '16: 1,2,7']);
    expect(bot.views.get(12)?.entities.get(5)).toMatchObject({ x: 400, y: 98, ticksLeft: 3 });
    expect(bot.views.get(12)?.entities.get(1)).toMatchObject({
      heading: 200,
      lean: 50,
      distance: 0xfffffff1,
    });
    // The baseline view is untouched by the deltas built on it.
    expect(bot.views.get(10)?.entities.get(2)).toMatchObject({ x: 100, status: 'ready' });
  });

  it('refuses a wrong checksum, a mask the kind lacks and a value out of range, and changes nothing', () => {
    const bot = new Replica(welcome.schema, welcome.worldWidth, welcome.worldHeight);
    const first = snapshots[0] as RepoSnapshot;
    bot.apply(snapshotOf(encodeSnapshot(relay, first), welcome.schema));
    const next = (s: Partial<RepoSnapshot>): Snapshot =>
      snapshotOf(encodeSnapshot(relay, delta(11, 10, s)), welcome.schema);
    expect(() => bot.apply({ ...next({}), checksum: 1 })).toThrow(/ChecksumMismatch/);
    // The pose group (bit 1) on a baton.
    expect(() => bot.apply(next({ updated: [{ id: 5, mask: 2, values: [1, 1] }] }))).toThrow(
      /InvalidDelta: mask 2 names groups a baton lacks/,
    );
    expect(() => bot.apply(next({ removed: [77] }))).toThrow(/InvalidDelta/);
    expect(() => bot.apply(next({ entered: [runner(2, {})] }))).toThrow(/InvalidDelta/);
    expect(bot.latest?.tick).toBe(10);
    expect(() =>
      snapshotOf(encode([65, 11, 1, 0, [], [], [[1, 2, 0, 60]]]), welcome.schema),
    ).toThrow(/lean: 60 is outside -50..50/);
    expect(() =>
      snapshotOf(encode([65, 11, 1, 0, [], [[8, 2, 1, 1, 4]], []]), welcome.schema),
    ).toThrow(/value: 4 is outside -3..3/);
    expect(bot.apply(next({})).tick).toBe(11);
  });
});

interface CliRun {
  exitCode: number | null;
  stdout: string;
}

/** Runs the CLI as a user would, killing it (by its own handle) if it outlives `timeoutMs`. */
function runCli(args: string[], timeoutMs = 15_000): Promise<CliRun> {
  const child = spawn(process.execPath, [botCli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('exit', (exitCode) => {
      clearTimeout(killer);
      resolve({ exitCode, stdout });
    });
  });
}
