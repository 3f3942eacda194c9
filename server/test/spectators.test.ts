import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloseCode,
  HelloFlag,
  MessageId,
  NO_DIRECTION,
  POSITION_SCALE,
  packFrame,
  type RoomSummary,
} from '@tickwire/protocol';
import { startServer, type ServerProcess } from './support/server-process.js';
import { TestClient, waitFor } from './support/test-client.js';

// Protocol version 4 over real WebSockets: spectators (Hello flag spectate, Watch) and the room
// Summary (Hello flag summary), beside version-3 players. PROTOCOL.md 2 ("Spectators"), 5.9, 5.10.

const SPECTATE = HelloFlag.Spectate;
const SUMMARY = HelloFlag.Summary;
/** The default view's width, 1600 units, in wire units. */
const VIEW_WIDTH = 1600 * POSITION_SCALE;

/** Player entity ids in a client's replica. */
function playerIds(c: TestClient): number[] {
  const ids: number[] = [];
  for (const e of c.replica?.latest?.entities.values() ?? []) {
    if (e.kind === 'player') ids.push(e.id);
  }
  return ids.sort((a, b) => a - b);
}

/** Snapshots received so far, to wait for `n` more. */
function moreSnapshots(c: TestClient, n: number): () => boolean {
  const from = c.snapshots.length;
  return () => c.snapshots.length >= from + n;
}

/** Keeps a spectator acknowledging (its Watch is its Input) until the returned stop is called. */
function keepWatching(c: TestClient, followId: number, x = 0, y = 0): () => void {
  c.watch(followId, x, y);
  const timer = setInterval(() => c.watch(followId, x, y), 50);
  return () => clearInterval(timer);
}

async function expectKicked(c: TestClient, code: number, witness: TestClient): Promise<void> {
  await c.closed();
  expect(c.closeCode).toBe(code);
  expect(c.kick?.closeCode).toBe(code);
  // The room keeps ticking for everyone else.
  await waitFor(moreSnapshots(witness, 5), 'the witness keeps getting snapshots');
  expect(witness.closeCode).toBeNull();
  expect(witness.errors).toEqual([]);
}

describe('spectators and summaries (a world wider than the view)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      args: [
        // 4 view widths wide, one view high: who is in a view depends on x alone.
        ...['--world', '6400x1000', '--pellets', '0', '--speed', '1500'],
        ...['--checksums', '--score-every-ms', '200', '--max-spectators', '3'],
        ...['--resume-grace-ms', '0', '--static', ''],
      ],
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('welcomes a spectator as player 0 with an empty token, and shows it players without showing it to them', async () => {
    const a = new TestClient(server.wsUrl);
    const b = new TestClient(server.wsUrl);
    const idA = (await a.join('ann')).playerId;
    const idB = (await b.join('bob')).playerId;
    await waitFor(moreSnapshots(a, 3), 'ann settled');
    const before = { a: a.replica?.latest?.entities.size, b: b.replica?.latest?.entities.size };

    const s = new TestClient(server.wsUrl, ['tickwire.v4']);
    const welcome = await s.join('eye', null, null, SPECTATE);
    expect(s.ws.protocol).toBe('tickwire.v4');
    expect(welcome.protocolVersion).toBe(4);
    expect(welcome.playerId).toBe(0);
    expect(welcome.resumeToken).toBe('');
    // 0 is never an entity id.
    expect(idA).toBeGreaterThan(0);
    expect(idB).toBeGreaterThan(0);
    const stop = keepWatching(s, idA);
    await waitFor(() => s.positionOf(idA) !== null, 'the spectator sees ann');
    expect(s.entity(0)).toBeNull();

    // The players' views hold exactly what they held: no entity came with the spectator.
    await waitFor(moreSnapshots(a, 10), 'ann gets 10 more snapshots');
    await waitFor(moreSnapshots(b, 10), 'bob gets 10 more snapshots');
    expect(a.replica?.latest?.entities.size).toBe(before.a);
    expect(b.replica?.latest?.entities.size).toBe(before.b);
    expect(playerIds(a)).not.toContain(0);
    for (const id of playerIds(a)) expect([idA, idB]).toContain(id);
    for (const id of playerIds(b)) expect([idA, idB]).toContain(id);
    stop();
    expect([a.errors, b.errors, s.errors]).toEqual([[], [], []]);
    await Promise.all([a.close(), b.close(), s.close()]);
  });

  it("never takes a player with a resume token: a spectator's token is ignored", async () => {
    const p = new TestClient(server.wsUrl);
    const welcome = await p.join('owner');
    const s = new TestClient(server.wsUrl, ['tickwire.v4']);
    expect((await s.join('thief', welcome.resumeToken, null, SPECTATE)).playerId).toBe(0);
    await waitFor(moreSnapshots(p, 10), 'the owner keeps playing');
    expect(p.closeCode).toBeNull();
    // The token still takes the player over (the spectator did not spend it): the owner's
    // connection is replaced (4011), as by any resume of a player whose connection is open.
    const again = new TestClient(server.wsUrl);
    expect((await again.join('owner', welcome.resumeToken)).playerId).toBe(welcome.playerId);
    await p.closed();
    expect(p.closeCode).toBe(CloseCode.SessionReplaced);
    await Promise.all([s.close(), again.close()]);
  });

  it('keeps a followed player in view as it crosses the world, farther than a view width', async () => {
    const p = new TestClient(server.wsUrl);
    const id = (await p.join('runner')).playerId;
    const s = new TestClient(server.wsUrl, ['tickwire.v4']);
    await s.join('follower', null, null, SPECTATE);
    const stop = keepWatching(s, id);
    await waitFor(() => s.positionOf(id) !== null, 'the spectator finds the runner');

    let snapshotsWithout = 0;
    let snapshotsWith = 0;
    s.ws.on('message', () => {
      // After the TestClient's own listener: the replica holds the newest snapshot.
      if (s.positionOf(id) === null) snapshotsWithout++;
      else snapshotsWith++;
    });
    const start = p.positionOf(id) as { x: number; y: number };
    const maxX = 6400 * POSITION_SCALE;
    // Towards the far side: at least half the world (two view widths) away.
    const isRight = start.x < maxX / 2;
    // Inputs at 20 Hz: each acknowledges the runner's snapshots (PROTOCOL.md 7.2).
    const running = setInterval(() => p.input(isRight ? 0 : 128), 50);
    await waitFor(
      () => Math.abs((p.positionOf(id)?.x ?? start.x) - start.x) > VIEW_WIDTH * 1.25,
      'the runner crosses more than a view width',
    );
    clearInterval(running);
    p.input(NO_DIRECTION);
    await waitFor(moreSnapshots(s, 5), 'five more snapshots');
    expect(snapshotsWithout).toBe(0);
    expect(snapshotsWith).toBeGreaterThan(10);
    // The spectator's replica agrees with the runner's own.
    await waitFor(
      () => JSON.stringify(s.positionOf(id)) === JSON.stringify(p.positionOf(id)),
      'the spectator sees where the runner is',
    );
    stop();
    expect([p.errors, s.errors]).toEqual([[], []]);
    await Promise.all([p.close(), s.close()]);
  });

  it('shows what is around a free camera, and nothing of what is not; a gone followee leaves the camera where it was', async () => {
    const p = new TestClient(server.wsUrl);
    const id = (await p.join('still')).playerId;
    const at = p.positionOf(id) as { x: number; y: number };
    const s = new TestClient(server.wsUrl, ['tickwire.v4']);
    await s.join('free', null, null, SPECTATE);

    let stop = keepWatching(s, 0, at.x, at.y);
    await waitFor(() => s.positionOf(id) !== null, 'the camera at the player shows it');
    expect(s.positionOf(id)).toEqual(at);
    stop();
    // Two view widths away (clamped to the world when past its edge): out of view.
    const far = at.x < (6400 * POSITION_SCALE) / 2 ? at.x + 2 * VIEW_WIDTH : at.x - 2 * VIEW_WIDTH;
    stop = keepWatching(s, 0, far, at.y);
    await waitFor(() => s.positionOf(id) === null, 'the camera far away does not show it');
    stop();

    // Follow it, then it leaves: the spectator keeps getting snapshots, looking where it was.
    const other = new TestClient(server.wsUrl);
    const otherId = (await other.join('near')).playerId;
    stop = keepWatching(s, id);
    await waitFor(() => s.positionOf(id) !== null, 'following it again');
    await p.close();
    await waitFor(() => s.positionOf(id) === null, 'it left the world');
    await waitFor(moreSnapshots(s, 10), 'snapshots go on');
    expect(s.closeCode).toBeNull();
    // Following an id no entity has is not an error either.
    stop();
    stop = keepWatching(s, 0xffff);
    await waitFor(moreSnapshots(s, 10), 'snapshots go on with no followee');
    stop();
    expect(s.closeCode).toBeNull();
    expect([p.errors, s.errors, other.errors]).toEqual([[], [], []]);
    expect(otherId).toBeGreaterThan(0);
    await Promise.all([s.close(), other.close()]);
  });

  it('sends Summary to a version-4 client that asked, right after its first snapshot and then about once a second, with sorted leaders whose scores grow', async () => {
    const a = new TestClient(server.wsUrl);
    const idA = (await a.join('ann')).playerId;
    const s = new TestClient(server.wsUrl, ['tickwire.v4']);
    await s.join('eye', null, null, SPECTATE);
    const v3 = new TestClient(server.wsUrl);
    await v3.join('old');
    const idV3 = v3.welcome?.playerId as number;

    const frames: number[] = [];
    const sub = new TestClient(server.wsUrl, ['tickwire.v4']);
    sub.ws.on('message', (data: Buffer) => frames.push(data[1] as number));
    const welcome = await sub.join('board', null, null, SUMMARY);
    expect(welcome.playerId).toBeGreaterThan(0);
    await waitFor(() => sub.summaries.length >= 1, 'the first Summary');
    // Welcome, its first snapshot, then the Summary of the same tick.
    expect(frames.slice(0, 3)).toEqual([MessageId.Welcome, MessageId.Snapshot, MessageId.Summary]);
    const first = sub.summaries[0] as RoomSummary;
    expect(first.tick).toBe(welcome.serverTick);
    expect(first.playersOnline).toBe(3);
    expect(first.spectators).toBe(1);
    const ids = first.leaders.map((l) => l.id).sort((x, y) => x - y);
    expect(ids).toEqual([idA, idV3, welcome.playerId].sort((x, y) => x - y));
    const mine = first.leaders.find((l) => l.id === welcome.playerId);
    expect(mine).toMatchObject({ name: 'board', score: 0 });
    expect(mine?.x).toBe(sub.positionOf(welcome.playerId)?.x);

    await waitFor(() => sub.summaries.length >= 3, 'two more Summaries');
    const later = sub.summaries[sub.summaries.length - 1] as RoomSummary;
    // Room-timed: on ticks a second (30 ticks) apart.
    expect(later.tick % 30).toBe(0);
    expect(later.tick - (sub.summaries[sub.summaries.length - 2] as RoomSummary).tick).toBe(30);
    for (let i = 1; i < later.leaders.length; i++) {
      const [x, y] = [later.leaders[i - 1], later.leaders[i]];
      expect(x && y && (x.score > y.score || (x.score === y.score && x.id < y.id))).toBe(true);
    }
    // --score-every-ms 200: every player scores 5 a second.
    const leaderA = (m: RoomSummary) => m.leaders.find((l) => l.id === idA)?.score ?? -1;
    expect(leaderA(later)).toBeGreaterThan(leaderA(first));
    expect(later.leaders.find((l) => l.id === idA)?.name).toBe('ann');

    // A version-3 client, and a version-4 one that did not ask, never get one.
    expect(v3.summaries).toEqual([]);
    expect(s.summaries).toEqual([]);
    expect([a.errors, s.errors, v3.errors, sub.errors]).toEqual([[], [], [], []]);
    await Promise.all([a.close(), s.close(), v3.close(), sub.close()]);
  });

  it('counts spectators and players online in the Summary as they come and go', async () => {
    const sub = new TestClient(server.wsUrl, ['tickwire.v4']);
    await sub.join('count', null, null, SPECTATE | SUMMARY);
    await waitFor(() => sub.summaries.length >= 1, 'the first Summary');
    expect(sub.summaries[0]).toMatchObject({ playersOnline: 0, spectators: 1 });
    const eyes = [new TestClient(server.wsUrl, ['tickwire.v4'])];
    await eyes[0]?.join('eye', null, null, SPECTATE);
    const p = new TestClient(server.wsUrl);
    await p.join('p');
    await waitFor(
      () => sub.summaries.some((m) => m.spectators === 2 && m.playersOnline === 1),
      'a Summary counting 2 spectators and 1 player',
    );
    await Promise.all([p.close(), ...eyes.map((e) => e.close())]);
    const seen = sub.summaries.length;
    await waitFor(
      () =>
        sub.summaries.length > seen &&
        sub.summaries.at(-1)?.spectators === 1 &&
        sub.summaries.at(-1)?.playersOnline === 0,
      'a Summary after they left',
    );
    expect(sub.summaries.at(-1)?.leaders).toEqual([]);
    await sub.close();
  });

  describe('hostile or mistaken clients get a clear close code, and the room carries on', () => {
    let witness: TestClient;

    beforeAll(async () => {
      witness = new TestClient(server.wsUrl);
      await witness.join('witness');
    });

    afterAll(async () => {
      await witness.close();
    });

    it('Hello flags with a bit version 4 does not name -> 4000', async () => {
      const c = new TestClient(server.wsUrl, ['tickwire.v4']);
      await c.opened();
      c.sendRaw(packFrame([1, 4, 'bad', null, null, 4]));
      await expectKicked(c, CloseCode.MalformedFrame, witness);
      expect(c.kick?.reason).toMatch(/Hello.flags/);
    });

    it('a version-4 Hello of 5 elements -> 4000', async () => {
      const c = new TestClient(server.wsUrl, ['tickwire.v4']);
      await c.opened();
      c.sendRaw(packFrame([1, 4, 'short', null, null]));
      await expectKicked(c, CloseCode.MalformedFrame, witness);
    });

    it('Watch before Hello -> 4003', async () => {
      const c = new TestClient(server.wsUrl, ['tickwire.v4']);
      await c.opened();
      c.sendRaw(packFrame([5, 0, 0, 0, 0]));
      await expectKicked(c, CloseCode.HandshakeViolation, witness);
    });

    it('Watch out of range (followId 65536, x past 2^24, 4 elements) -> 4000', async () => {
      for (const frame of [
        [5, 0, 0x10000, 0, 0],
        [5, 0, 0, 0x100_0000, 0],
        [5, 0, 0, 0],
      ]) {
        const c = new TestClient(server.wsUrl, ['tickwire.v4']);
        await c.join('bad-watch', null, null, SPECTATE);
        c.sendRaw(packFrame(frame));
        await expectKicked(c, CloseCode.MalformedFrame, witness);
        expect(c.kick?.reason).toMatch(/Watch/);
      }
    });

    it('Input from a spectator -> 4018 WrongRole', async () => {
      const c = new TestClient(server.wsUrl, ['tickwire.v4']);
      await c.join('steer', null, null, SPECTATE);
      c.input(0);
      await expectKicked(c, CloseCode.WrongRole, witness);
    });

    it('Watch from a version-4 player -> 4018 WrongRole; from a version-3 one -> 4001', async () => {
      const v4 = new TestClient(server.wsUrl, ['tickwire.v4']);
      await v4.join('player4', null, null, 0);
      v4.watch(0, 100, 100);
      await expectKicked(v4, CloseCode.WrongRole, witness);
      const v3 = new TestClient(server.wsUrl);
      await v3.join('player3');
      v3.watch(0, 100, 100);
      await expectKicked(v3, CloseCode.UnknownMessage, witness);
    });

    it('a malformed Watch ([5, 1]) from a version-3 player -> 4001, not 4000: version 3 has no message 5', async () => {
      const v3 = new TestClient(server.wsUrl);
      await v3.join('short3');
      v3.sendRaw(packFrame([5, 1]));
      await expectKicked(v3, CloseCode.UnknownMessage, witness);
      expect(v3.kick?.reason).toMatch(/unknown client message id 5 in version 3/);
    });

    it('a Watch flood -> 4005, like any other', async () => {
      const c = new TestClient(server.wsUrl, ['tickwire.v4']);
      await c.join('flood', null, null, SPECTATE);
      for (let i = 0; i < 400; i++) c.watch(0, i, i);
      await expectKicked(c, CloseCode.RateLimited, witness);
    });

    it('one spectator more than --max-spectators -> 4017 SpectatorsFull; players still join', async () => {
      const eyes = [1, 2, 3].map(() => new TestClient(server.wsUrl, ['tickwire.v4']));
      for (const [i, e] of eyes.entries()) await e.join(`eye${i}`, null, null, SPECTATE);
      const extra = new TestClient(server.wsUrl, ['tickwire.v4']);
      await extra.hello('extra', null, null, SPECTATE);
      await expectKicked(extra, CloseCode.SpectatorsFull, witness);
      expect(extra.welcome).toBeNull();
      const player = new TestClient(server.wsUrl, ['tickwire.v4']);
      expect((await player.join('player', null, null, 0)).playerId).toBeGreaterThan(0);
      // A place freed is a place taken.
      await eyes[0]?.close();
      const next = new TestClient(server.wsUrl, ['tickwire.v4']);
      expect((await next.join('next', null, null, SPECTATE)).playerId).toBe(0);
      await Promise.all([...eyes.slice(1), player, next].map((c) => c.close()));
    });
  });
});

describe.each([
  ['--snapshots broadcast', ['--snapshots', 'broadcast']],
  ['--send-hz 10', ['--send-hz', '10']],
])('spectators and summaries with %s', (_name, modeArgs) => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      args: [...modeArgs, '--world', '1200x800', '--pellets', '5', '--static', ''],
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('a spectator sees players and gets summaries on send ticks', async () => {
    const p = new TestClient(server.wsUrl);
    const id = (await p.join('p')).playerId;
    const s = new TestClient(server.wsUrl, ['tickwire.v4']);
    const welcome = await s.join('s', null, null, SPECTATE | SUMMARY);
    expect(welcome.playerId).toBe(0);
    const stop = keepWatching(s, id);
    await waitFor(() => s.positionOf(id) !== null, 'the spectator sees the player');
    await waitFor(() => s.summaries.length >= 2, 'two Summaries');
    const ticks = new Set(s.snapshots.map((m) => m.tick));
    for (const m of s.summaries) {
      expect(ticks.has(m.tick)).toBe(true);
      expect(m).toMatchObject({ playersOnline: 1, spectators: 1 });
      expect(m.leaders.map((l) => l.id)).toEqual([id]);
    }
    stop();
    expect([p.errors, s.errors]).toEqual([[], []]);
    expect(p.replica?.latest?.entities.has(0)).toBe(false);
    await Promise.all([p.close(), s.close()]);
  });
});

describe('a spectator that stops acknowledging', () => {
  const SLOW_CONSUMER_MS = 1500;
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      args: ['--slow-consumer-ms', String(SLOW_CONSUMER_MS), '--pellets', '0', '--static', ''],
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('is closed with 4006 once it has sent a Watch (as a player once it has sent an Input); one that never sent any is judged by bytes alone', async () => {
    const witness = new TestClient(server.wsUrl);
    await witness.join('witness');
    const stopWitness = setInterval(() => witness.input(-1), 50);
    const quiet = new TestClient(server.wsUrl, ['tickwire.v4']);
    await quiet.join('quiet', null, null, SPECTATE);
    const s = new TestClient(server.wsUrl, ['tickwire.v4']);
    await s.join('stops', null, null, SPECTATE);
    try {
      await waitFor(moreSnapshots(s, 3), 'the spectator reads');
      // One Watch, then none: it keeps reading, and acknowledges nothing after this.
      s.watch(0, 0, 0);
      await s.closed();
      expect(s.closeCode).toBe(CloseCode.SlowConsumer);
      expect(s.kick?.reason).toMatch(/acknowledged/);
      // It was sent snapshots until it stopped acknowledging for a second (7.2), then nothing.
      await waitFor(moreSnapshots(quiet, 5), 'the quiet spectator keeps getting snapshots');
      expect(quiet.closeCode).toBeNull();
      expect([witness.errors, quiet.errors, s.errors]).toEqual([[], [], []]);
    } finally {
      clearInterval(stopWitness);
      await Promise.all([witness.close(), quiet.close()]);
    }
  });
});
