// The arena scenario without sockets: every client's snapshot composed and written, in one
// process, as the server's tick does it. The socket bench (main.ts) measures the whole server
// against the floor, but its figures move by a microsecond from run to run on this machine; this
// one measures only our composition and encoding, the largest part of "tickwire - floor", steady
// to a few percent, in seconds. For A/B tests of sync code (npm run bench:compose).
import { Replica, decodeSnapshot } from '@tickwire/protocol';
import { arena } from '../../../games/arena/server.js';
import { parseConfig } from '../../../server/src/config.js';
import { createGameInstance } from '../../../server/src/game/game-instance.js';
import { viewRectAround } from '../../../server/src/interest/view.js';
import type { Entity } from '../../../server/src/sim/world.js';
import { ClientSync, SyncScratch } from '../../../server/src/sync/client-sync.js';
import { SnapshotWriter } from '../../../server/src/sync/snapshot-writer.js';
import { arenaServerArgs } from './arena-server-args.js';
import {
  createRandomWalk,
  seededRandom,
  stepRandomWalk,
  type RandomWalk,
} from '../scenario/random-walk.js';

export interface ComposeBenchOptions {
  clients: number;
  /** Ticks measured, after the joins and a warm-up. */
  ticks: number;
  seed: number;
  /**
   * Clients whose every frame is decoded and applied to a replica that checks its checksum (a
   * wrong frame throws). For tests: the decoding is timed with the rest. Default 0.
   */
  verifiedClients?: number;
}

export interface ComposeBenchResult {
  clients: number;
  ticks: number;
  /** Composition and encoding of one client's snapshot, in µs: the figure to compare. */
  microsPerClientTick: number;
  meanFrameBytes: number;
  /** Per frame, mean over clients and measured ticks. */
  enteredPerFrame: number;
  updatedPerFrame: number;
  removedPerFrame: number;
  /** Frames applied and checked by the verified clients' replicas. */
  framesVerified: number;
}

const TICK_HZ = 30;
/** Clients send Input at 20 Hz (BENCHMARKS.md): they acknowledge on 2 ticks of every 3. */
const INPUT_HZ = 20;

interface Client {
  entity: Entity;
  sync: ClientSync;
  walk: RandomWalk;
  /** Newest snapshot tick received (acknowledged with the next Input). */
  received: number;
  replica: Replica | null;
}

/**
 * Runs the arena scenario (shared/BENCHMARKS.md: 4000² world, 1000 pellets, 1600×1000 views,
 * 200 units/s random walks, score every 5 s) with `clients` players joined over the first five
 * seconds, as the socket bench's clients join in batches, so that their score ticks spread.
 */
export function runComposeBench(options: ComposeBenchOptions): ComposeBenchResult {
  const config = parseConfig(arenaServerArgs(options.seed), {});
  const game = createGameInstance(arena, config);
  const { world, state, logic } = game;
  const random = seededRandom(options.seed);
  const bounds = { maxX: world.maxX, maxY: world.maxY, margin: 0 };
  const joinTicks = 5 * TICK_HZ;
  const warmupTicks = joinTicks + 2 * TICK_HZ;
  const verified = options.verifiedClients ?? 0;
  const scratch = new SyncScratch();
  const writer = new SnapshotWriter();
  const rect = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  const clients: Client[] = [];
  let timedNs = 0n;
  let frames = 0;
  let bytes = 0;
  let entered = 0;
  let updated = 0;
  let removed = 0;
  let framesVerified = 0;
  const lastTick = warmupTicks + options.ticks;
  for (let tick = 1; tick <= lastTick; tick++) {
    const nowMs = (tick * 1000) / TICK_HZ;
    const joining = Math.ceil((options.clients * Math.min(tick, joinTicks)) / joinTicks);
    while (clients.length < joining) {
      const entity = logic.join(`p${clients.length}`, tick) as unknown as Entity;
      clients.push({
        entity,
        sync: new ClientSync(),
        walk: createRandomWalk(random, nowMs),
        received: 0,
        replica:
          clients.length < verified
            ? new Replica({
                schema: game.schema,
                worldWidth: config.worldWidth,
                worldHeight: config.worldHeight,
              })
            : null,
      });
    }
    // An Input goes out on the ticks where the 20 Hz clock passes a step; it carries the heading
    // and acknowledges the newest snapshot received (no latency: the one of the previous tick).
    const sendsInput =
      Math.floor((tick * INPUT_HZ) / TICK_HZ) !== Math.floor(((tick - 1) * INPUT_HZ) / TICK_HZ);
    if (sendsInput) {
      for (const c of clients) {
        const e = c.entity;
        const moveDir = stepRandomWalk(c.walk, random, nowMs, e.x as number, e.y as number, bounds);
        logic.applyInput(e as never, { moveDir, aim: 0, buttons: 0 } as never, tick);
        if (c.received > 0) c.sync.acknowledge(c.received);
      }
    }
    game.step(tick);
    const isMeasured = tick > warmupTicks;
    const started = process.hrtime.bigint();
    writer.beginTick();
    for (const c of clients) {
      const e = c.entity;
      const view = viewRectAround(
        e.x as number,
        e.y as number,
        config.viewWidth,
        config.viewHeight,
        rect,
      );
      const d = c.sync.compose(world, state, tick, view, 0, config.checksums, scratch);
      if (isMeasured) {
        entered += d.enteredCount;
        updated += d.updatedCount;
        removed += d.removedCount;
      }
      const frame = writer.write(d, world, state);
      if (isMeasured) bytes += frame.byteLength;
      // Only when asked (the tests): it is timed with the rest.
      if (c.replica !== null) {
        c.replica.apply(decodeSnapshot(game.schema, frame));
        framesVerified++;
      }
      c.received = tick;
    }
    const elapsed = process.hrtime.bigint() - started;
    if (isMeasured) {
      timedNs += elapsed;
      frames += clients.length;
    }
  }
  return {
    clients: options.clients,
    ticks: options.ticks,
    microsPerClientTick: Number(timedNs) / 1000 / frames,
    meanFrameBytes: bytes / frames,
    enteredPerFrame: entered / frames,
    updatedPerFrame: updated / frames,
    removedPerFrame: removed / frames,
    framesVerified,
  };
}
