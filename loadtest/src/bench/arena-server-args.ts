import { BENCH_GAME } from './fleet.js';

/**
 * The server options that make shared/BENCHMARKS.md's "arena" world: 4000 x 4000, a 1600 x 1000
 * view, 30 Hz, 1000 static pellets, +1 score every 5 s, 200 units/s, a seeded world, and view
 * checksums so the fleet's verifying clients catch a desync. The bench runs them on one server,
 * the cluster tool on every worker (each matchmade room is such a world).
 */
export function arenaServerArgs(seed: number): string[] {
  return [
    '--game',
    BENCH_GAME,
    '--world',
    '4000x4000',
    '--view',
    '1600x1000',
    '--tick-hz',
    '30',
    '--pellets',
    '1000',
    '--eat-pellets',
    'false',
    '--score-every-ms',
    '5000',
    '--speed',
    '200',
    '--seed',
    String(seed),
    '--checksums',
    // Joins come in batches: a connection waits its turn for the Hello longer than a player's would.
    '--handshake-timeout-ms',
    '60000',
  ];
}
