import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  connect,
  distanceSquared,
  nearestOfKind,
  type Bot,
  type EntityRecord,
  type ViewState,
} from '@tickwire/protocol';
import { startServer, type ServerProcess } from '../../../server/test/support/server-process.js';
import { waitFor } from '../../../server/test/support/test-client.js';
import { CLICK, GLIDE } from '../shared.js';

// The stars game served by the real server build (`--game stars`, real uWS, real port), played
// by two SDK bots: one steers to the nearest star and clicks it, the other watches. The world
// (1200 x 800) fits in a view (1600 x 1000): the watcher sees everything.

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({
    args: ['--game', 'stars', '--world', '1200x800', '--checksums', '--static', ''],
  });
});

afterAll(async () => {
  await server?.stop();
});

/** A number field of a record (0 when absent). */
function numberOf(record: EntityRecord | null | undefined, field: string): number {
  const value = record?.[field];
  return typeof value === 'number' ? value : 0;
}

/**
 * Steers to the nearest star and clicks once it is well within reach; the click goes down on
 * one snapshot and up on the next, so every press is a new one.
 */
function clickNearestStar(view: ViewState, bot: Bot): void {
  const self = bot.self;
  const reach = bot.welcome?.schema.constants.reach;
  if (!self || reach === undefined) return;
  const at = { x: numberOf(self, 'x'), y: numberOf(self, 'y'), id: self.id };
  const star = nearestOfKind(view, 'star', at);
  if (!star) return;
  const to = { x: numberOf(star, 'x'), y: numberOf(star, 'y') };
  const isClose = distanceSquared(at.x, at.y, to.x, to.y) <= (reach / 2) ** 2;
  const wasDown = ((bot.input.buttons ?? 0) & CLICK) !== 0;
  bot.setInput({
    targetX: to.x,
    targetY: to.y,
    buttons: GLIDE | (isClose && !wasDown ? CLICK : 0),
  });
}

/** What the watcher saw of one spark: the tick it leaves on, and the ticks it was in view. */
interface SparkSeen {
  owner: number;
  expiresTick: number;
  seenTicks: number[];
  /** The first view without it. */
  goneTick: number | null;
}

describe('stars over real WebSockets (--game stars)', () => {
  it('a clicker collects stars; a watcher sees it move, score and leave sparks that expire; every checksum verifies', async () => {
    const warnings: string[] = [];
    const clicker = connect(server.wsUrl, {
      name: 'clicker',
      WebSocket,
      onSnapshot: clickNearestStar,
      onWarning: (message) => warnings.push(message),
    });
    const clickerPositions = new Set<string>();
    const sparks = new Map<number, SparkSeen>();
    let clickerId = -1;
    const watcher = connect(server.wsUrl, {
      name: 'watcher',
      WebSocket,
      onWarning: (message) => warnings.push(message),
      onSnapshot: (view) => {
        const cursor = view.entities.get(clickerId);
        if (cursor) clickerPositions.add(`${cursor.x},${cursor.y}`);
        for (const record of view.entities.values()) {
          if (record.kind !== 'spark' || sparks.has(record.id)) continue;
          sparks.set(record.id, {
            owner: numberOf(record, 'owner'),
            expiresTick: view.tick + numberOf(record, 'ticksLeft'),
            seenTicks: [],
            goneTick: null,
          });
        }
        for (const [id, spark] of sparks) {
          if (spark.goneTick !== null) continue;
          if (view.entities.has(id)) spark.seenTicks.push(view.tick);
          else spark.goneTick = view.tick;
        }
      },
    });
    try {
      const [welcome, watcherWelcome] = await Promise.all([clicker.welcomed, watcher.welcomed]);
      clickerId = welcome.playerId;
      const { schema } = welcome;
      expect(schema.game).toBe('stars');
      expect(schema.kinds.map((k) => k.name)).toEqual(['cursor', 'star', 'spark']);
      expect(schema.kindByName.get('spark')?.lifetimeTicks).toBe(20);
      expect(schema.input.map((f) => f.name)).toEqual(['targetX', 'targetY', 'buttons']);
      expect(Object.keys(schema.constants)).toEqual(['cursorSpeed', 'reach', 'hues']);
      expect(watcherWelcome.schema.fingerprint).toBe(schema.fingerprint);

      await waitFor(() => watcher.self !== null, 'the watcher sees itself');
      const watcherAt = { x: watcher.self?.x, y: watcher.self?.y };
      await waitFor(() => numberOf(clicker.self, 'score') >= 2, 'the clicker scores', 20_000);
      const watched = () => watcher.view?.entities.get(clickerId);
      await waitFor(() => numberOf(watched(), 'score') >= 2, 'the watcher sees the score');
      expect(clickerPositions.size).toBeGreaterThan(5);
      const collected = () =>
        [...sparks.values()].filter((s) => s.owner === clickerId && s.goneTick !== null);
      await waitFor(() => collected().length > 0, 'a spark of the clicker expires');
      for (const spark of collected()) {
        // In every view until its last tick, gone from the first view at or after it.
        expect(spark.seenTicks.length).toBeGreaterThan(1);
        expect(Math.max(...spark.seenTicks)).toBeLessThan(spark.expiresTick);
        expect(spark.goneTick).toBeGreaterThanOrEqual(spark.expiresTick);
      }
      // The watcher never moved (its idle input does not glide) and never scored.
      expect(watcher.self).toMatchObject({ name: 'watcher', score: 0, ...watcherAt });

      for (const bot of [clicker, watcher]) {
        expect(bot.replicaCounters).toMatchObject({
          checksumMismatches: 0,
          invalidDeltas: 0,
          missingBaselines: 0,
        });
        expect(bot.replicaCounters.checksumsVerified).toBe(bot.traffic.snapshotsApplied);
        expect(bot.traffic.snapshotsApplied).toBeGreaterThan(10);
      }
      expect(warnings).toEqual([]);
    } finally {
      clicker.close();
      watcher.close();
    }
  });
});
