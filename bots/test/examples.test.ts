import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NO_DIRECTION,
  POSITION_SCALE,
  connect,
  distanceSquared,
  nearestOfKind,
} from '@tickwire/protocol';
import type { Bot } from '@tickwire/protocol';
import { startServer, type ServerProcess } from '../../server/test/support/server-process.js';
import { FIRE, type ArenaPlayer } from '../../games/arena/shared.js';
import { asPlayer, shotReachOf } from '../src/examples/arena.js';
import { decideChase } from '../src/examples/chase.js';
import { decidePellets } from '../src/examples/pellets.js';
import { createWander, decideWander } from '../src/examples/wander.js';
import { EXAMPLE_BOTS } from '../src/examples/kinds.js';
import type { ExampleKind } from '../src/examples/kinds.js';
import { pelletRecord, playerRecord } from '../../protocol/src/testing/records.js';
import { ARENA_CONSTANTS } from '../../protocol/test-vectors/schemas.js';
import { arenaWelcome, viewOf } from './support/arena.js';
import { waitFor } from '../../protocol/src/testing/wait.js';

// World 1500x1000 units = 6000x4000 wire units; a view larger than the world, so every bot sees
// everything. The same Welcome drives the decision tests.
const welcome = arenaWelcome();
const shot = shotReachOf(welcome);

/** The record as a player (the decision functions take the arena's type). */
function player(...args: Parameters<typeof playerRecord>): ArenaPlayer {
  const p = asPlayer(playerRecord(...args));
  if (!p) throw new Error('playerRecord made no player');
  return p;
}

/** A random source that returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] as number;
}

describe('the example bots decide from their view', () => {
  it('wander keeps a heading for a couple of seconds, then picks another; it never fires', () => {
    const self = player(1, { x: 3000, y: 2000 });
    const random = sequence(0.25, 0.5, 0.75, 0);
    const state = createWander(random);
    expect(decideWander(state, self, 100, welcome, random)).toEqual({
      moveDir: 128,
      aim: 128,
      buttons: 0,
    });
    // 0.5: the next turn is (1.5 + 0.75) s = 68 ticks later.
    expect(state.nextTurnTick).toBe(100 + 68);
    expect(decideWander(state, self, 167, welcome, random).moveDir).toBe(128);
    expect(decideWander(state, self, 168, welcome, random).moveDir).toBe(0);
  });

  it('wander turns away from a wall it is walking into, towards the middle', () => {
    const random = sequence(0.5);
    const state = { heading: 128, nextTurnTick: 1000 };
    // Near the left wall, walking left (128): it turns to face the middle (3000, 2000).
    const nearLeft = player(1, { x: 100, y: 2000 });
    expect(decideWander(state, nearLeft, 1, welcome, random)).toMatchObject({
      moveDir: 0,
      aim: 0,
    });
    // Walking along the bottom wall, away from nothing: no turn.
    const nearBottom = player(1, { x: 3000, y: 3990 });
    expect(decideWander(state, nearBottom, 2, welcome, random).moveDir).toBe(0);
    // Walking into the bottom wall (64 = down): it turns up.
    state.heading = 64;
    expect(decideWander(state, nearBottom, 3, welcome, random).moveDir).toBe(192);
  });

  it("chase runs at the nearest other player, aims at it, and fires within 3/4 of a shot's range", () => {
    // A shot flies 80 wire units a tick for 36 ticks: 2880; it fires up to 2160 away.
    expect(shot).toEqual({ speed: ARENA_CONSTANTS.projectileSpeed, range: 2880 });
    const self = player(1, { x: 1000, y: 1000 });
    const near = [self, player(3, { x: 1400, y: 1000 }), pelletRecord(10, 1100, 1000)];
    const view = viewOf(welcome, [...near, playerRecord(2, { x: 1000, y: 3000 })]);
    expect(decideChase(view, self, shot)).toEqual({ moveDir: 0, aim: 0, buttons: FIRE });
    const onTop = player(1, { x: 1390, y: 1000 });
    expect(decideChase(view, onTop, shot)).toEqual({
      moveDir: NO_DIRECTION,
      aim: 0,
      buttons: FIRE,
    });
    // 2400 away: out of range, so it runs at it without firing.
    const far = viewOf(welcome, [self, playerRecord(2, { x: 1000, y: 3400 })]);
    expect(decideChase(far, self, shot)).toEqual({ moveDir: 64, aim: 64, buttons: 0 });
    expect(decideChase(viewOf(welcome, [self, pelletRecord(10, 0, 0)]), self, shot)).toBeNull();
  });

  it('chase leads a moving target by its velocity over the flight time', () => {
    const self = player(1, { x: 1000, y: 1000 });
    // 1600 to the right, walking down at 27 a tick: 20 ticks of flight, 540 further down.
    const view = viewOf(welcome, [self, playerRecord(2, { x: 2600, y: 1000, vy: 27 })]);
    const decision = decideChase(view, self, shot);
    expect(decision).toMatchObject({ moveDir: 0, buttons: FIRE });
    // atan2(540, 1600) = 18.65 degrees = 13.3 of 256 steps.
    expect(decision?.aim).toBe(13);
  });

  it('pellets walks to the nearest pellet, ignoring players, and never fires', () => {
    const self = player(1, { x: 1000, y: 1000 });
    const view = viewOf(welcome, [
      self,
      playerRecord(2, { x: 1010, y: 1000 }),
      pelletRecord(10, 1000, 1500),
      pelletRecord(11, 1000, 200),
    ]);
    expect(decidePellets(view, self)).toEqual({ moveDir: 64, aim: 64, buttons: 0 });
    expect(decidePellets(viewOf(welcome, [self]), self)).toBeNull();
  });
});

/** Everything one bot saw, for the assertions. */
interface Track {
  bot: Bot;
  kind: ExampleKind;
  warnings: string[];
  /** The own record in every view, in order. */
  selves: ArenaPlayer[];
  /** For the chaser: the nearest other player in every view where there was one. */
  targets: { self: ArenaPlayer; target: ArenaPlayer }[];
  /** Ids of the projectiles this bot's own shots made, seen in its views. */
  ownShots: Set<number>;
  /** Views in which another player had lost hp (only projectiles take it). */
  hitViews: number;
}

const units = (wire: number): number => wire / POSITION_SCALE;
const distance = (a: { x: number; y: number }, b: { x: number; y: number }): number =>
  Math.sqrt(distanceSquared(a.x, a.y, b.x, b.y));

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({
    args: [
      '--world',
      '1500x1000',
      '--view',
      '3200x2200',
      '--pellets',
      '60',
      '--checksums',
      '--static',
      '',
    ],
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('the example bots against the real server', () => {
  it('wander, chase and pellets join, verify every checksum, move, chase, shoot, hit and eat', async () => {
    const tracks: Track[] = (['wander', 'chase', 'pellets'] as const).map((kind) => {
      const warnings: string[] = [];
      const bot = connect(server.wsUrl, {
        name: `example-${kind}`,
        WebSocket,
        onWarning: (message) => warnings.push(message),
      });
      EXAMPLE_BOTS[kind](bot);
      const track: Track = {
        bot,
        kind,
        warnings,
        selves: [],
        targets: [],
        ownShots: new Set(),
        hitViews: 0,
      };
      bot.on('snapshot', (view, b) => {
        const self = asPlayer(b.self);
        if (!self) return;
        track.selves.push(self);
        const target = asPlayer(nearestOfKind(view, 'player', self));
        if (kind === 'chase' && target) track.targets.push({ self, target });
        let isHit = false;
        for (const e of view.entities.values()) {
          if (e.kind === 'projectile' && e.owner === self.id) track.ownShots.add(e.id);
          const other = asPlayer(e);
          if (other && other.id !== self.id && other.hp < ARENA_CONSTANTS.maxHp) isHit = true;
        }
        if (isHit) track.hitViews++;
      });
      return track;
    });
    const track = (kind: ExampleKind): Track => tracks.find((t) => t.kind === kind) as Track;
    const chaser = track('chase');
    const eater = track('pellets');
    try {
      await Promise.all(tracks.map((t) => t.bot.welcomed));
      // At least 4 s of play, then until the chaser has fired a few shots and hit someone (hp
      // never comes back but by dying) and the eater has eaten a few pellets.
      const startScore = (): number => eater.selves[0]?.score ?? 0;
      await waitFor(
        () =>
          tracks.every((t) => t.selves.length >= 120) &&
          chaser.hitViews > 0 &&
          chaser.ownShots.size > 2 &&
          (eater.selves.at(-1)?.score ?? 0) > startScore() + 2,
        'four seconds of play, three shots, a hit and three pellets eaten',
        30_000,
      );

      for (const { bot, kind, warnings, selves } of tracks) {
        const label = `${kind}: `;
        expect(label + bot.status.phase).toBe(label + 'connected');
        const { snapshotsApplied } = bot.traffic;
        const counters = bot.replicaCounters;
        expect(snapshotsApplied, kind).toBeGreaterThanOrEqual(120);
        // Every snapshot carried a checksum and matched it; none was refused or resynced.
        expect({ kind, ...counters }).toEqual({
          kind,
          checksumsVerified: snapshotsApplied,
          checksumMismatches: 0,
          invalidDeltas: 0,
          missingBaselines: 0,
        });
        expect(warnings, kind).toEqual([]);
        expect(bot.reconnects, kind).toBe(0);
        // It moved: at some point more than 100 units from where it started.
        const start = selves[0] as ArenaPlayer;
        const farthest = Math.max(...selves.map((s) => units(distance(start, s))));
        expect(farthest, kind).toBeGreaterThan(100);
        console.log(
          `${kind}: ${snapshotsApplied} snapshots, ${counters.checksumsVerified} checksums verified, farthest ${farthest.toFixed(0)} units from its start, score ${asPlayer(bot.self)?.score}`,
        );
      }

      // It always had someone to chase: the others are in view (the view is larger than the world).
      expect(chaser.targets.length).toBe(chaser.selves.length);
      const first = chaser.targets[0] as Track['targets'][number];
      const startDistance = units(distance(first.self, first.target));
      const closest = Math.min(...chaser.targets.map((t) => units(distance(t.self, t.target))));
      // While it moved, it moved towards its target (velocity against the direction to it).
      const moving = chaser.targets.filter(({ self }) => self.vx !== 0 || self.vy !== 0);
      const towards = moving.filter(
        ({ self, target }) => self.vx * (target.x - self.x) + self.vy * (target.y - self.y) > 0,
      );
      console.log(
        `chase: ${startDistance.toFixed(0)} units from its first target, closest ${closest.toFixed(0)}; moving towards it in ${towards.length} of ${moving.length} moving views; ${chaser.ownShots.size} shots seen, a hit in ${chaser.hitViews} views`,
      );
      expect(moving.length).toBeGreaterThan(30);
      expect(towards.length / moving.length).toBeGreaterThan(0.9);
      expect(closest).toBeLessThan(startDistance);
      // It fired (several shots: one per cooldown while in range), and only it did.
      expect(chaser.ownShots.size).toBeGreaterThan(2);
      expect(track('wander').ownShots.size + eater.ownShots.size).toBe(0);
      expect(chaser.hitViews).toBeGreaterThan(0);
    } finally {
      for (const { bot } of tracks) bot.close();
    }
    for (const { bot } of tracks) {
      await expect(bot.closed).resolves.toMatchObject({ closeCode: 1000 });
    }
  });
});

interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

const runBots = fileURLToPath(new URL('../src/run-bots.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the runner as `npm run bots` does, killing it (by its own handle) if it hangs. */
function runCli(args: string[], timeoutMs = 20_000): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', runBots, ...args],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('exit', (exitCode) => {
      clearTimeout(killer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

describe('the bot runner on the command line', () => {
  it('runs 3 bots for 3 s through matchmaking, prints status lines and a summary, and exits with 0', async () => {
    const run = await runCli(['--server', server.url, '--count', '3', '--seconds', '3']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`3 mix bots (bot-1..3) -> ${server.url}`);
    // Not a terminal: a status line every 2 s, and one when it stops.
    expect(out).toMatch(
      /^bots 3: connected 3, reconnecting 0, closed 0 \| \d+ snapshots\/s \| in \d+\.\d KB\/s, out \d+\.\d KB\/s \| reconnects 0 \| replica errors 0$/m,
    );
    expect(out).toMatch(/^bots 3: connected 0, reconnecting 0, closed 3 \|/m);
    expect(out).toContain('stopping: 3 s are up');
    expect(out).toMatch(/^summary after 3\.\d s: 3 bots \(wander 1, chase 1, pellets 1\)$/m);
    expect(out).toContain('joined 3 of 3; reconnects 0');
    const figures =
      /snapshots (\d+) \(([\d.]+)\/s per bot\), checksums verified (\d+), replica errors 0, missing baselines 0/.exec(
        out,
      );
    expect(figures).not.toBeNull();
    const [, snapshots, perBot, verified] = figures as RegExpExecArray;
    expect(Number(snapshots)).toBeGreaterThan(3 * 60);
    expect(Number(verified)).toBe(Number(snapshots));
    expect(Number(perBot)).toBeGreaterThan(25);
    expect(out).toMatch(/score in the last view: wander \d+, chase \d+, pellets [1-9]\d*/);
    expect(out).not.toContain('problems');
    // The runner waited for the close handshakes: every bot left with 1000, which removes its
    // player at once (a cut connection would leave it standing for the resume grace period).
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { players: number };
    expect(health.players).toBe(0);
  });

  it('explains a bad option and exits with 2; --help exits with 0', async () => {
    const bad = await runCli(['--kind', 'zombie']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--kind zombie: expected one of wander, chase, pellets, mix');
    const help = await runCli(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--kind KIND');
  });

  it('reports bots that get no seat from matchmaking and exits with 1', async () => {
    const run = await runCli(['--server', 'http://127.0.0.1:1', '--count', '2']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('joined 0 of 2');
    expect(run.stdout).toMatch(
      /did not join: got no seat from matchmaking: Cannot reach matchmaking at http:\/\/127\.0\.0\.1:1 .*\(bot-1, bot-2\)/,
    );
  });

  it('reports bots that cannot connect and exits with 1', async () => {
    // Port 1 on the loopback: nothing listens there.
    const run = await runCli(['--url', 'ws://127.0.0.1:1/ws', '--count', '2']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('stopping: every bot has closed');
    expect(run.stdout).toContain('joined 0 of 2');
    expect(run.stdout).toMatch(
      /did not join: could not connect to ws:\/\/127\.0\.0\.1:1\/ws .*1006 .*\(bot-1, bot-2\)/,
    );
  });
});

describe('the bot runner against a server that runs another game', () => {
  let stars: ServerProcess;

  beforeAll(async () => {
    stars = await startServer({ args: ['--game', 'stars', '--static', ''] });
  });

  afterAll(async () => {
    await stars?.stop();
  });

  it('says the examples play the arena, leaves, and exits with 1', async () => {
    const run = await runCli(['--url', stars.wsUrl, '--count', '2']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('stopping: every bot has closed');
    expect(run.stdout).toContain(
      'the server runs the game stars; the example bots play the arena (bot-1, bot-2)',
    );
    // They left with 1000: the server removes their players at its next tick.
    await waitFor(async () => {
      const health = (await (await fetch(`${stars.url}/healthz`)).json()) as { players: number };
      return health.players === 0;
    }, 'the bots gone from the server');
  });
});
