import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeSnapshot } from '@tickwire/protocol';
import { World } from '../sim/world.js';
import { ClientSync, SyncScratch, toSnapshot } from './client-sync.js';
import { SnapshotWriter } from './snapshot-writer.js';

describe('SnapshotWriter', () => {
  it('writes the same bytes as encodeSnapshot for every composed delta', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.array(fc.tuple(fc.integer({ min: -1, max: 255 }), fc.nat(3)), {
          minLength: 5,
          maxLength: 60,
        }),
        (seed, steps) => {
          const world = new World({
            width: 800,
            height: 600,
            playerSpeed: 27,
            pelletCount: 40,
            eatPellets: true,
            scoreEveryTicks: 7,
            playerRadius: 20,
            seed,
            idQuarantineTicks: 64,
            gridCellSize: 100,
          });
          const players = ['añ', 'bob', '😀x', 'long-name-sixteen'].map((name) =>
            world.spawnPlayer(name, 0),
          );
          const sync = new ClientSync();
          const scratch = new SyncScratch();
          const writer = new SnapshotWriter();
          steps.forEach(([moveDir, ack], i) => {
            const tick = i + 1;
            for (const p of players)
              if (p) world.applyInput(p, (moveDir + p.id * 37) % 256, (moveDir + 3) & 255, tick);
            world.step(tick);
            if (ack > 0) sync.acknowledge(tick - ack);
            const me = players[0];
            if (!me) return;
            const delta = sync.compose(
              world,
              tick,
              { minX: me.x - 1200, minY: me.y - 800, maxX: me.x + 1200, maxY: me.y + 800 },
              i,
              tick % 2 === 0,
              scratch,
            );
            const bytes = writer.write(delta, world);
            expect(Array.from(bytes)).toEqual(Array.from(encodeSnapshot(toSnapshot(delta, world))));
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
