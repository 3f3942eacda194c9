import { POSITION_SCALE } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { SpectatorCamera } from './spectator-camera.js';

/** Keys held and presses counted, as InputDevices gives them. */
class Keys {
  readonly keysDown = new Set<string>();
  readonly #presses = new Map<string, number>();

  press(code: string): void {
    this.#presses.set(code, this.pressCount(code) + 1);
  }

  pressCount(code: string): number {
    return this.#presses.get(code) ?? 0;
  }
}

const leader = (id: number, x: number, y: number) => ({ id, name: `p${id}`, score: 0, x, y });
const summary = {
  tick: 1,
  playersOnline: 3,
  spectators: 1,
  leaders: [
    leader(7, 0, 0),
    leader(3, 4000 * POSITION_SCALE, 400 * POSITION_SCALE),
    leader(9, 0, 0),
  ],
};

const WORLD = { width: 4000, height: 2000 };
/** Where the screen was centred last frame, when the test does not care. */
const ANYWHERE = { x: 1, y: 1 };

describe('SpectatorCamera', () => {
  it("starts as a free camera at the world's centre and tells the server where, once", () => {
    const camera = new SpectatorCamera(WORLD);
    const keys = new Keys();
    const first = camera.update(keys, ANYWHERE, null, 16, 0);
    expect(first).toEqual({
      target: { x: 2000, y: 1000 },
      followId: null,
      watch: { x: 2000 * POSITION_SCALE, y: 1000 * POSITION_SCALE },
    });
    expect(camera.update(keys, ANYWHERE, null, 16, 16).watch).toBeNull();
  });

  it('cycles through the leaders with next and previous, following each as drawn', () => {
    const camera = new SpectatorCamera(WORLD);
    const keys = new Keys();
    camera.update(keys, ANYWHERE, summary, 16, 0);
    keys.press('KeyE');
    // At once where the summary saw it; the server is told to follow it.
    expect(camera.update(keys, ANYWHERE, summary, 16, 16)).toEqual({
      target: { x: 0, y: 0 },
      followId: 7,
      watch: { followId: 7 },
    });
    // Then where the frame drew it (GameState centred the screen on it).
    expect(camera.update(keys, { x: 10, y: 20 }, summary, 16, 24)).toEqual({
      target: { x: 10, y: 20 },
      followId: 7,
      watch: null,
    });
    keys.press('BracketRight');
    // Player 3 is not drawn: the camera goes where the summary last saw it.
    expect(camera.update(keys, { x: 10, y: 20 }, summary, 16, 32)).toMatchObject({
      target: { x: 4000, y: 400 },
      followId: 3,
      watch: { followId: 3 },
    });
    keys.press('KeyQ');
    keys.press('KeyQ');
    // Two back from the second wraps to the last.
    expect(camera.update(keys, ANYWHERE, summary, 16, 48).followId).toBe(9);
  });

  it('lets go of the followed player when a movement key pans, from where it was', () => {
    const camera = new SpectatorCamera(WORLD);
    const keys = new Keys();
    camera.update(keys, ANYWHERE, summary, 16, 0);
    keys.press('KeyE');
    camera.update(keys, ANYWHERE, summary, 16, 16);
    keys.keysDown.add('ArrowRight');
    const view = camera.update(keys, { x: 100, y: 100 }, summary, 100, 200);
    expect(view.followId).toBeNull();
    // 900 units/s for 100 ms.
    expect(view.target).toEqual({ x: 190, y: 100 });
    expect(view.watch).toEqual({ x: 190 * POSITION_SCALE, y: 100 * POSITION_SCALE });
    // Moving on at once: the next Watch waits its turn (at most one every 100 ms).
    expect(camera.update(keys, ANYWHERE, summary, 16, 216).watch).toBeNull();
    expect(camera.update(keys, ANYWHERE, summary, 16, 320).watch).not.toBeNull();
  });

  it("keeps the free camera inside the world: panning back starts at the world's edge", () => {
    const camera = new SpectatorCamera(WORLD);
    const keys = new Keys();
    keys.keysDown.add('KeyA');
    // 10 s of panning left from the centre: 9000 units, far past the edge.
    expect(camera.update(keys, ANYWHERE, null, 10_000, 0).target).toEqual({ x: 0, y: 1000 });
    keys.keysDown.clear();
    keys.keysDown.add('KeyD');
    expect(camera.update(keys, ANYWHERE, null, 100, 100).target).toEqual({ x: 90, y: 1000 });
  });

  it('does nothing on next when the room ranks nobody', () => {
    const camera = new SpectatorCamera(WORLD);
    const keys = new Keys();
    camera.update(keys, ANYWHERE, null, 16, 0);
    keys.press('KeyE');
    expect(camera.update(keys, ANYWHERE, { ...summary, leaders: [] }, 16, 16).followId).toBeNull();
  });
});
