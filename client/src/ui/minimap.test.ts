import { POSITION_SCALE } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { cameraRect, minimapScene, minimapSize } from './minimap.js';

const world = { width: 4000, height: 2000 };
const camera = { x: 1000, y: 500, zoom: 0.5, viewport: { widthPx: 800, heightPx: 500 } };

describe('minimap', () => {
  it('fits the world into its longest side, keeping the aspect', () => {
    expect(minimapSize(world)).toEqual({ width: 150, height: 75, scale: 150 / 4000 });
  });

  it("outlines what the screen shows, clipped to the world's edge", () => {
    expect(cameraRect(camera, world)).toEqual({ x: 200, y: 0, width: 1600, height: 1000 });
  });

  it('marks the leaders anywhere and the own kind in view, the own entity once, as a ring', () => {
    const self = { id: 1, kind: 'player', x: 1000, y: 500 };
    const scene = minimapScene(
      {
        world,
        camera,
        self,
        entities: [
          self,
          { id: 2, kind: 'player', x: 1100, y: 520 },
          { id: 50, kind: 'pellet', x: 900, y: 500 },
        ],
      },
      {
        tick: 1,
        playersOnline: 3,
        spectators: 0,
        leaders: [
          { id: 1, name: 'me', score: 5, x: 0, y: 0 },
          { id: 2, name: 'near', score: 4, x: 0, y: 0 },
          { id: 9, name: 'far', score: 3, x: 3000 * POSITION_SCALE, y: 1500 * POSITION_SCALE },
        ],
      },
      (id) => id,
    );
    expect(scene?.self).toBe(self);
    // Player 2 where it is drawn now (not its summary position), player 9 from the summary; no
    // pellet, and the own player only as the ring.
    expect(scene?.dots).toEqual([
      { x: 1100, y: 520, color: 2 },
      { x: 3000, y: 1500, color: 9 },
    ]);
  });

  it("shows a spectator the leaders' kind, and nothing before the world is known", () => {
    const scene = minimapScene(
      {
        world,
        camera,
        self: null,
        entities: [
          { id: 4, kind: 'player', x: 10, y: 10 },
          { id: 5, kind: 'player', x: 20, y: 20 },
        ],
      },
      {
        tick: 1,
        playersOnline: 2,
        spectators: 1,
        leaders: [{ id: 5, name: '', score: 0, x: 0, y: 0 }],
      },
      () => 0,
    );
    expect(scene?.dots.map((dot) => dot.x)).toEqual([10, 20]);
    expect(
      minimapScene({ world: null, camera, self: null, entities: [] }, null, () => 0),
    ).toBeNull();
  });
});
