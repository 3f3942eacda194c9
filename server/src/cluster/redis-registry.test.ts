import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../../protocol/src/testing/wait.js';
import { freePort, startRedisServer, type RedisServer } from '../../test/support/redis-server.js';
import { connectRedisRegistry, type RedisRegistry } from './redis-registry.js';
import {
  describeRegistryContract,
  granted,
  isGrant,
  processRecord,
  roomRecord,
} from './registry.contract.js';
import { RegistryUnavailableError, type Registry } from './registry.js';

// Real redis-server processes, real time: expiry waits and outages take seconds, not the unit
// default of 5. These are limits on a hang, not expectations of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });

const LONG_TTL_MS = 600_000;
const anyone = { playerId: null, name: null };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A key prefix no other test uses: tests share one redis-server. */
const freshPrefix = (): string => `tickwire-test:${randomUUID()}:`;

// Started by the first test that needs it, not in beforeAll: without redis-server every test
// fails with the reason, where a failed beforeAll would count them as skipped.
let shared: Promise<RedisServer> | undefined;

async function sharedUrl(): Promise<string> {
  shared ??= startRedisServer();
  return (await shared).url;
}

afterAll(async () => {
  await (await shared?.catch(() => undefined))?.stop();
});

describeRegistryContract('RedisRegistry', {
  create: async () => connectRedisRegistry(await sharedUrl(), { keyPrefix: freshPrefix() }),
  elapse: sleep,
  // Long enough that a read right after a write still sees the record on a loaded machine.
  shortTtlMs: 1000,
});

/**
 * How `promise` settled, or a failure if it has not within `withinMs`: a guard against a hang,
 * not a measure of speed.
 */
async function settled<T>(
  promise: Promise<T>,
  withinMs: number,
): Promise<{ value: T } | { error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${withinMs} ms`)), withinMs);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `attempt` until it resolves; fails with its last error after `withinMs`. */
async function untilItWorks<T>(attempt: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/** Every Registry method once, each as its own settled outcome. */
function callEverything(registry: Registry): Record<string, Promise<unknown>> {
  const process = processRecord();
  const room = roomRecord(process.id);
  return {
    publish: registry.publish(process, [room], LONG_TTL_MS),
    withdraw: registry.withdraw(process.id),
    processes: registry.processes(),
    addRoom: registry.addRoom(roomRecord(process.id), LONG_TTL_MS),
    room: registry.room(room.id),
    roomByCode: registry.roomByCode('ABCDEF'),
    publicRooms: registry.publicRooms('arena', 50),
    reserveSeat: registry.reserveSeat(room.id, anyone, LONG_TTL_MS),
    reserveQuickSeat: registry.reserveQuickSeat('arena', anyone, LONG_TTL_MS),
    claimSeat: registry.claimSeat('s' + 'x'.repeat(32), process.id),
  };
}

describe('RedisRegistry', () => {
  it('rejects at start naming the URL, password masked, when Redis cannot be reached', async () => {
    const port = await freePort();
    await expect(connectRedisRegistry(`redis://127.0.0.1:${port}`)).rejects.toThrow(
      `cannot use Redis at redis://127.0.0.1:${port} for the registry: connect ECONNREFUSED`,
    );
    const withPassword = connectRedisRegistry(`redis://player:hunter2@127.0.0.1:${port}`);
    await expect(withPassword).rejects.toThrow(`redis://player:***@127.0.0.1:${port}`);
    await expect(withPassword).rejects.not.toThrow('hunter2');
  });

  it('keeps registries with different key prefixes apart', async () => {
    const first = await connectRedisRegistry(await sharedUrl(), { keyPrefix: freshPrefix() });
    const second = await connectRedisRegistry(await sharedUrl(), { keyPrefix: freshPrefix() });
    try {
      expect(first.kind).toBe('redis');
      const process = processRecord();
      await first.publish(process, [roomRecord(process.id)], LONG_TTL_MS);
      expect(await first.processes()).toEqual([process]);
      expect(await second.processes()).toEqual([]);
      expect(await second.publicRooms('arena', 50)).toEqual([]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('gives the last seat to exactly one of 50 racing reservations', async () => {
    const keyPrefix = freshPrefix();
    // Five connections, as five processes would race.
    const registries = await Promise.all(
      Array.from({ length: 5 }, async () => connectRedisRegistry(await sharedUrl(), { keyPrefix })),
    );
    try {
      const [first] = registries;
      if (!first) throw new Error('no registry');
      const process = processRecord();
      const quick = roomRecord(process.id, { capacity: 4, players: 3 });
      const direct = roomRecord(process.id, { game: 'stars', capacity: 4, players: 3 });
      await first.publish(process, [quick, direct], LONG_TTL_MS);

      const racing = <T>(call: (registry: RedisRegistry) => Promise<T>): Promise<T[]> =>
        Promise.all(Array.from({ length: 50 }, (_, i) => call(registries[i % 5] ?? first)));
      const quickOutcomes = await racing((r) => r.reserveQuickSeat('arena', anyone, LONG_TTL_MS));
      expect(quickOutcomes.filter(isGrant).map((grant) => grant.room.id)).toEqual([quick.id]);
      expect(quickOutcomes.filter((outcome) => outcome === null)).toHaveLength(49);

      const directOutcomes = await racing((r) => r.reserveSeat(direct.id, anyone, LONG_TTL_MS));
      expect(directOutcomes.filter(isGrant)).toHaveLength(1);
      expect(directOutcomes.filter((outcome) => outcome === 'full')).toHaveLength(49);
    } finally {
      await Promise.all(registries.map((registry) => registry.close()));
    }
  });

  it("drops expired rooms from the game's indexes on the next read", async () => {
    const keyPrefix = freshPrefix();
    const registry = await connectRedisRegistry(await sharedUrl(), { keyPrefix });
    const raw = new Redis(await sharedUrl());
    try {
      const process = processRecord();
      const rooms = [roomRecord(process.id), roomRecord(process.id, { players: 1 })];
      await registry.publish(process, rooms, 500);
      const indexed = (): Promise<number[]> =>
        Promise.all(
          ['game-public', 'game-open', 'game-expiry'].map((kind) =>
            raw.zcard(`${keyPrefix}${kind}:arena`),
          ),
        );
      expect(await indexed()).toEqual([2, 2, 2]);
      await untilItWorks(async () => {
        if ((await raw.exists(`${keyPrefix}room:${rooms[0]?.id ?? ''}`)) !== 0) {
          throw new Error('the room has not expired yet');
        }
      }, 10_000);
      expect(await registry.publicRooms('arena', 50)).toEqual([]);
      expect(await indexed()).toEqual([0, 0, 0]);
    } finally {
      raw.disconnect();
      await registry.close();
    }
  });

  it('fails fast while Redis is down, and works again once it is back', async () => {
    const redis = await startRedisServer();
    const lines: string[] = [];
    const log = {
      info: (msg: string) => lines.push(`info ${msg}`),
      warn: (msg: string) => lines.push(`warn ${msg}`),
    };
    const registry = await connectRedisRegistry(redis.url, { keyPrefix: freshPrefix(), log });
    try {
      const process = processRecord();
      const room = roomRecord(process.id);
      await registry.publish(process, [room], LONG_TTL_MS);
      granted(await registry.reserveSeat(room.id, anyone, LONG_TTL_MS));

      await redis.stop();
      const outcomes = callEverything(registry);
      for (const [method, outcome] of Object.entries(outcomes)) {
        const result = await settled(outcome, 10_000);
        expect('error' in result, `${method} rejects`).toBe(true);
        if ('error' in result) {
          expect(result.error, method).toBeInstanceOf(RegistryUnavailableError);
          expect(String(result.error), method).toContain(redis.url);
        }
      }
      // The socket's close event may come after the commands have failed: wait for the line.
      await waitFor(() => lines.length > 0, 'the lost connection logged');
      expect(lines).toEqual(['warn registry: lost the connection to Redis, reconnecting']);

      // Same port, empty (nothing persisted), and without the scripts loaded: the heartbeat
      // publishes everything again, and the scripts are sent again.
      await redis.restart();
      await untilItWorks(() => registry.publish(process, [room], LONG_TTL_MS), 20_000);
      const { seat } = granted(await registry.reserveQuickSeat('arena', anyone, LONG_TTL_MS));
      expect((await registry.claimSeat(seat, process.id))?.room.players).toBe(1);
      expect(lines).toEqual([
        'warn registry: lost the connection to Redis, reconnecting',
        'info registry: connected to Redis again',
      ]);
    } finally {
      await registry.close();
      await redis.stop();
    }
  });

  it('times a call out when Redis stops answering, and carries on once it answers', async () => {
    const redis = await startRedisServer();
    const registry = await connectRedisRegistry(redis.url, { keyPrefix: freshPrefix() });
    try {
      const process = processRecord();
      await registry.publish(process, [], LONG_TTL_MS);
      // Frozen, not gone: the connection stays open and nothing answers.
      globalThis.process.kill(redis.pid, 'SIGSTOP');
      try {
        const result = await settled(registry.processes(), 10_000);
        expect('error' in result && result.error).toBeInstanceOf(RegistryUnavailableError);
        expect('error' in result && String(result.error)).toMatch(/timed out/);
      } finally {
        globalThis.process.kill(redis.pid, 'SIGCONT');
      }
      expect(await untilItWorks(() => registry.processes(), 20_000)).toEqual([process]);
    } finally {
      await registry.close();
      await redis.stop();
    }
  });
});
