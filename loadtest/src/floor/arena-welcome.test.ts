import { describe, expect, it } from 'vitest';
import { decodeWelcome } from '@tickwire/protocol';
import { arena } from '../../../games/arena/server.js';
import { parseConfig } from '../../../server/src/config.js';
import { createGameInstance } from '../../../server/src/game/game-instance.js';
import { arenaServerArgs } from '../bench/arena-server-args.js';
import { arenaSchema, arenaWelcomes } from './arena-welcome.js';

describe("the floor's Welcome", () => {
  const config = parseConfig([...arenaServerArgs(3), '--speed', '250'], {});

  it("carries the schema the server's own game instance compiles for the same flags", () => {
    // The path the server takes (game-instance.ts), compared by fingerprint and wire form.
    const server = createGameInstance(arena, config).schema;
    const floor = arenaSchema(config);
    expect(floor.fingerprint).toBe(server.fingerprint);
    expect(floor.wire).toEqual(server.wire);
  });

  it("describes the server's world and clock: tick, time, world, view", () => {
    const welcome = decodeWelcome(arenaWelcomes(config)(7, 3, 90));
    expect(welcome).toMatchObject({
      protocolVersion: 3,
      playerId: 7,
      tickHz: 30,
      serverTick: 90,
      serverTimeMs: 3000,
      worldWidth: 4000,
      worldHeight: 4000,
      viewWidth: 1600,
      viewHeight: 1000,
    });
    expect(welcome.schema.game).toBe('arena');
  });

  it('refuses a world of another game', () => {
    expect(() => arenaSchema({ ...config, game: 'stars' })).toThrow(/plays arena, not stars/);
  });
});
