import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../../server/test/support/server-process.js';
import { TestClient, sleep, waitFor } from '../../server/test/support/test-client.js';
import {
  Replica,
  ReplicaError,
  decodeServerFrame,
  encodeHello,
  encodeInput,
  encodePing,
  encodeResync,
  entityHash,
  extrapolate,
  runMinimalBot,
  velocityFor,
  type Entity,
  type Snapshot,
  type View,
} from '../minimal/minimal-bot.js';

// The minimal bot uses nothing from this repository; these tests hold it against the real server
// and against the repository's own replica (the witness), which is the protocol's contract.

const botCli = fileURLToPath(new URL('../minimal/bot.js', import.meta.url));
let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({
    args: [
      '--checksums',
      '--world',
      '1200x800',
      // A view twice the world: everyone sees the whole world, so two clients' views of the same
      // tick must be identical entity for entity.
      '--view',
      '2400x1600',
      '--pellets',
      '40',
      // PROTOCOL.md section 2 says a player leaves at the next tick after its connection closes;
      // since resume tokens, the server keeps it 15 s by default for a resume. The bot sends no
      // token, so nothing is lost by removing it at once, as documented.
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

/** A view as a list sorted by id, comparable with toEqual whatever the container. */
function sorted(entities: Iterable<object & { id: number }>): object[] {
  return [...entities].sort((a, b) => a.id - b.id);
}

describe('the minimal bot against the real server', () => {
  it('joins, applies every snapshot with verified checksums, walks, and agrees with a witness', async () => {
    const witness = new TestClient(server.wsUrl);
    const witnessViews = new Map<number, object[]>();
    // Runs after TestClient's own listener, which has applied the snapshot with the real Replica.
    witness.ws.on('message', () => {
      const latest = witness.replica?.latest;
      if (latest && !witnessViews.has(latest.tick)) {
        witnessViews.set(latest.tick, sorted(latest.entities.values()));
      }
    });
    await witness.join('witness');

    const botViews = new Map<number, View>();
    const log: string[] = [];
    const bot = runMinimalBot({
      url: server.wsUrl,
      name: 'minimal',
      inputHz: 20,
      turnEveryMs: 500,
      log: (line) => log.push(line),
      onView: (view) => botViews.set(view.tick, view),
    });
    try {
      const welcome = await bot.welcomed;
      expect(welcome.playerId).toBeGreaterThan(0);
      expect(welcome.protocolVersion).toBe(1);
      expect([welcome.worldWidth, welcome.worldHeight]).toEqual([1200, 800]);
      expect(welcome.serverTimeMs).toBe((welcome.serverTick * 1000) / welcome.tickHz);
      await sleep(3000);

      const { stats } = bot;
      expect(stats.snapshots).toBeGreaterThan(40);
      // The bot acknowledges in its Inputs, so the server switches to deltas.
      expect(stats.deltaSnapshots).toBeGreaterThan(30);
      expect(stats.checksumsVerified).toBe(stats.snapshots);
      expect(stats.checksumMismatches).toBe(0);
      expect(stats.invalidDeltas).toBe(0);
      expect(stats.missingBaselines).toBe(0);
      expect(stats.resyncsSent).toBe(0);
      // The server applied its Inputs, and gave it exactly velocityFor(moveDir) each time.
      expect(stats.inputAck).toBeGreaterThan(0);
      expect(stats.velocityChecks).toBeGreaterThan(30);
      expect(stats.velocityMismatches).toBe(0);
      expect(stats.rttMs).not.toBeNull();

      // It walked: its own position in its replica took many values.
      const own = [...botViews.values()].map((v) => v.entities.get(welcome.playerId));
      expect(own.every((e) => e !== undefined)).toBe(true);
      const positions = new Set(own.map((e) => `${e?.x},${e?.y}`));
      expect(positions.size).toBeGreaterThan(10);
      expect(bot.self()?.name).toBe('minimal');

      // The witness's replica holds, tick for tick, exactly what the bot holds: its own player
      // (position, velocity, aim, score) and every other entity.
      const common = [...botViews.keys()].filter((tick) => witnessViews.has(tick));
      expect(common.length).toBeGreaterThan(40);
      const bots = common.map((tick) => [
        tick,
        sorted((botViews.get(tick) as View).entities.values()),
      ]);
      const witnesses = common.map((tick) => [tick, witnessViews.get(tick)]);
      expect(bots).toEqual(witnesses);
      const lastTick = common[common.length - 1] as number;
      const seenByWitness = (witnessViews.get(lastTick) ?? []) as Entity[];
      expect(seenByWitness.find((e) => e.id === welcome.playerId)).toEqual(
        botViews.get(lastTick)?.entities.get(welcome.playerId),
      );

      const closed = await bot.close();
      expect(closed.code).toBe(1000);
      expect(closed.kick).toBeNull();
      expect(closed.error).toBeNull();
      await waitFor(
        () => witness.positionOf(welcome.playerId) === null,
        'the witness sees the bot leave',
      );
      expect(witness.errors).toEqual([]);
      expect(log.filter((line) => /Resync|malformed|velocity/.test(line))).toEqual([]);
    } finally {
      await bot.close();
      await witness.close();
    }
  });

  it('reports a refusal clearly: an unsupported protocol version is closed with 4002', async () => {
    const bot = runMinimalBot({ url: server.wsUrl, name: 'future', protocolVersion: 7 });
    try {
      await expect(bot.welcomed).rejects.toThrow(
        /no Welcome: closed: 4002 UnsupportedVersion \(upgrade the client\); kicked: protocol version 7 is not supported; this server speaks 1/,
      );
      const closed = await bot.closed;
      expect(closed.code).toBe(4002);
      expect(closed.kick).toEqual({
        code: 4002,
        reason: 'protocol version 7 is not supported; this server speaks 1',
      });
      expect(bot.stats.snapshots).toBe(0);
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
});

describe('the minimal bot when a delta misses its baseline', () => {
  it('sends Resync, gets a full snapshot back, and keeps every checksum', async () => {
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
      await sleep(1500);
      const { stats } = bot;
      expect(stats.missingBaselines).toBeGreaterThan(0);
      expect(stats.resyncsSent).toBeGreaterThan(0);
      // Each Resync is answered at the server's next tick by a full snapshot (section 6.3), and
      // the first two snapshots of a session are full anyway.
      expect(stats.fullSnapshots).toBeGreaterThanOrEqual(stats.resyncsSent);
      expect(stats.snapshots).toBeGreaterThan(10);
      expect(stats.checksumsVerified).toBe(stats.snapshots);
      expect(stats.checksumMismatches + stats.invalidDeltas).toBe(0);
      expect(log.some((line) => /MissingBaseline.*Resync/.test(line))).toBe(true);
      // 20 Inputs/s plus the Resyncs stay under the 60 messages/s limit: not kicked.
      expect((await bot.close()).code).toBe(1000);
    } finally {
      await bot.close();
    }
  });
});

/** @param hex bytes as printed in PROTOCOL.md */
const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const toHex = (frame: Uint8Array): string => Buffer.from(frame).toString('hex');

function snapshotOf(hex: string): Snapshot {
  const m = decodeServerFrame(bytes(hex));
  if (m.id !== 65) throw new Error(`expected a Snapshot, got message ${m.id}`);
  return m.snapshot;
}

describe("the minimal bot's codec and replica on PROTOCOL.md's own examples", () => {
  const full100 =
    '984164000090949acd03ea00cd1f40cd17700000006400a3626f749acd03e900cd20d0cd17d4e500cc806405a3616e6e940c01cd20bccd17d494cd012c01cd1b58cd15e090ce3d83efcc';
  const delta101 =
    '9841650101910c9194cd03eb01cd238ccd14509297cd03ea03cd1f40cd178b001b4093cd03e90806ce30cbdb75';

  it('writes the client frames of sections 4 and 10 byte for byte', () => {
    expect(toHex(encodeHello(1, 'bot'))).toBe('940101a3626f74c0');
    expect(toHex(encodeInput(1, 100, 64, 64))).toBe('96020164404000');
    expect(toHex(encodeInput(2, 101, -1, 200))).toBe('96020265ffccc800');
    expect(toHex(encodePing(5000))).toBe('9203cd1388');
    expect(toHex(encodeResync(137))).toBe('9204cc89');
  });

  it('reads Welcome, Pong and Kick', () => {
    const welcome = decodeServerFrame(
      bytes(
        '9c4001cd03ea1e64cb40aa0aaaaaaaaaabcd0fa0cd0fa0cd0640cd03e81bd92435663063336139652d386231642d346332652d396637612d316432623363346435653666',
      ),
    );
    expect(welcome).toEqual({
      id: 64,
      welcome: {
        protocolVersion: 1,
        playerId: 1002,
        tickHz: 30,
        serverTick: 100,
        serverTimeMs: (100 * 1000) / 30,
        worldWidth: 4000,
        worldHeight: 4000,
        viewWidth: 1600,
        viewHeight: 1000,
        playerSpeed: 27,
      },
    });
    expect(decodeServerFrame(bytes('9442cd1388cb40aa1b000000000064'))).toEqual({
      id: 66,
      clientTimeMs: 5000,
      serverTimeMs: 3341.5,
      serverTick: 100,
    });
    expect(
      decodeServerFrame(
        bytes('9343cd0fa5d9206d6f7265207468616e203630206d6573736167657320706572207365636f6e64'),
      ),
    ).toEqual({ id: 67, kick: { code: 4005, reason: 'more than 60 messages per second' } });
  });

  it('rejects frames section 1 forbids', () => {
    expect(() => decodeServerFrame(bytes('9442cd1388cb40aa1b00000000006400'))).toThrow(/msgpack/);
    expect(() => decodeServerFrame(bytes('81a16101'))).toThrow(/array/);
    expect(() => decodeServerFrame(bytes('9141'))).toThrow(/Snapshot/);
    // A pellet record with a fifth field.
    expect(() => decodeServerFrame(bytes('974101000090' + '91950c01010101' + '90'))).toThrow(
      /kind 1/,
    );
  });

  it('applies the worked example of section 10 and matches both checksums', () => {
    const replica = new Replica(4000, 4000);
    const view100 = replica.apply(snapshotOf(full100));
    expect(view100.entities.size).toBe(4);
    const view101 = replica.apply(snapshotOf(delta101));
    expect(sorted(view101.entities.values())).toEqual([
      { kind: 1, id: 300, x: 7000, y: 5600 },
      {
        kind: 0,
        id: 1001,
        x: 8373,
        y: 6100,
        vx: -27,
        vy: 0,
        aim: 128,
        hp: 100,
        score: 6,
        name: 'ann',
      },
      {
        kind: 0,
        id: 1002,
        x: 8000,
        y: 6027,
        vx: 0,
        vy: 27,
        aim: 64,
        hp: 100,
        score: 0,
        name: 'bot',
      },
      { kind: 1, id: 1003, x: 9100, y: 5200 },
    ]);
    // The entity hashes of the table in section 10.5; their sum is the checksum it verified.
    const hashes = sorted(view101.entities.values()).map((e) => entityHash(e as Entity));
    expect(hashes).toEqual([0x0f396c29, 0xcc3d7fb4, 0xd74fb9b2, 0x7e0535e6]);
    // The baseline view is untouched by the delta built on it.
    expect(replica.views.get(100)?.entities.get(1001)).toMatchObject({ x: 8400, score: 5 });
  });

  it('refuses a delta without its baseline or with a wrong checksum, and changes nothing', () => {
    const replica = new Replica(4000, 4000);
    expect(() => replica.apply(snapshotOf(delta101))).toThrow(ReplicaError);
    expect(() => replica.apply(snapshotOf(delta101))).toThrow(/MissingBaseline/);
    replica.apply(snapshotOf(full100));
    const corrupted = { ...snapshotOf(delta101), checksum: 1 };
    expect(() => replica.apply(corrupted)).toThrow(/ChecksumMismatch/);
    expect(replica.latest?.tick).toBe(100);
    expect(replica.apply(snapshotOf(delta101)).tick).toBe(101);
    expect(() => replica.apply(snapshotOf(delta101))).toThrow(/InvalidDelta/);
  });

  it('computes the hashes of section 7 and the velocities of section 3.2', () => {
    expect(entityHash({ kind: 1, id: 300, x: 7000, y: 5600 })).toBe(0x0f396c29);
    expect(
      entityHash({
        kind: 0,
        id: 1001,
        x: 8400,
        y: 6100,
        vx: -27,
        vy: 0,
        aim: 128,
        hp: 100,
        score: 5,
        name: 'ann',
      }),
    ).toBe(0x5d465aee);
    const vectors: [number, number, number][] = [
      [-1, 0, 0],
      [0, 27, 0],
      [1, 26, 0],
      [16, 24, 10],
      [32, 19, 19],
      [64, 0, 27],
      [96, -19, 19],
      [100, -20, 17],
      [128, -27, 0],
      [160, -19, -19],
      [192, 0, -27],
      [224, 19, -19],
      [255, 26, 0],
    ];
    for (const [moveDir, vx, vy] of vectors) {
      expect([moveDir, velocityFor(moveDir, 27)]).toEqual([moveDir, { vx, vy }]);
    }
    expect(Object.is(velocityFor(255, 27).vy, 0)).toBe(true);
    expect(extrapolate(15990, 27, 3, 16000)).toBe(16000);
    expect(extrapolate(40, -19, 3, 16000)).toBe(0);
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

describe('the minimal bot on the command line', () => {
  it('prints its welcome and status lines and leaves with exit code 0', async () => {
    const run = await runCli([
      '--url',
      server.wsUrl,
      '--name',
      'cli',
      '--seconds',
      '2',
      '--status-every-ms',
      '500',
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/welcome: player \d+, tick \d+ at 30 Hz, world 1200x800/);
    expect(run.stdout).toMatch(/cli #\d+ tick \d+ at \(.*\) .*\| checksums [1-9]\d* ok, 0 bad/);
    expect(run.stdout).toMatch(/closed: 1000 normal closure/);
  });

  it('prints the close code and the Kick reason when refused, and exits with 1', async () => {
    const run = await runCli(['--url', server.wsUrl, '--protocol-version', '7']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /kick: 4002 UnsupportedVersion \(upgrade the client\): protocol version 7 is not supported; this server speaks 1/,
    );
    expect(run.stdout).toMatch(/closed: 4002 UnsupportedVersion/);
  });
});
