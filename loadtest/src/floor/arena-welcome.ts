import { randomUUID } from 'node:crypto';
import { compileGame, encodeWelcome, type CompiledSchema } from '@tickwire/protocol';
import { arena } from '../../../games/arena/server.js';
import type { ServerConfig } from '../../../server/src/config.js';

/**
 * The arena's schema as a server with `config` sends it: the game's own declaration and its
 * constants for these settings (games/arena/server.ts), so the floor's Welcome is byte for byte
 * the server's schema without copying a number of it. Joining is not the per-tick path: what
 * this loads and runs once per join costs the floor's figures nothing.
 */
export function arenaSchema(config: Readonly<ServerConfig>): CompiledSchema {
  if (config.game !== arena.spec.name)
    throw new Error(`the floor plays ${arena.spec.name}, not ${config.game}`);
  const constants = arena.constants({
    tickHz: config.tickHz,
    worldWidth: config.worldWidth,
    worldHeight: config.worldHeight,
    seed: config.seed,
    config,
  });
  return compileGame(arena.spec, constants);
}

/** A joining client's Welcome, as the server writes it (room/membership.ts). */
export type WelcomeWriter = (playerId: number, protocolVersion: number, tick: number) => Uint8Array;

/**
 * Welcomes for the arena world of `config`: `tick` is the tick whose frame follows the Welcome
 * (PROTOCOL.md: Welcome.serverTick is the first snapshot's tick).
 */
export function arenaWelcomes(config: Readonly<ServerConfig>): WelcomeWriter {
  const schema = arenaSchema(config);
  return (playerId, protocolVersion, tick) =>
    encodeWelcome({
      protocolVersion,
      playerId,
      tickHz: config.tickHz,
      serverTick: tick,
      serverTimeMs: (tick * 1000) / config.tickHz,
      worldWidth: config.worldWidth,
      worldHeight: config.worldHeight,
      viewWidth: config.viewWidth,
      viewHeight: config.viewHeight,
      // Nothing resumes on the floor; the token is only there to make the Welcome real.
      resumeToken: randomUUID(),
      schema,
    });
}
