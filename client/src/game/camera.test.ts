import { describe, expect, it } from 'vitest';
import {
  followCamera,
  screenToWorld,
  visibleWorldRect,
  worldToScreen,
  zoomToFit,
} from './camera.js';

const viewport = { widthPx: 1280, heightPx: 720 };

describe('zoomToFit', () => {
  it('never shows more than the area of interest along either axis', () => {
    // 1280/1600 = 0.8 and 720/1000 = 0.72: the larger zoom shows 1600 x 900 units.
    expect(zoomToFit(viewport, { width: 1600, height: 1000 })).toBeCloseTo(0.8);
    expect(zoomToFit({ widthPx: 400, heightPx: 800 }, { width: 1600, height: 1000 })).toBeCloseTo(
      0.8,
    );
  });

  it('falls back to 1 for an empty area', () => {
    expect(zoomToFit(viewport, { width: 0, height: 1000 })).toBe(1);
  });
});

describe('followCamera', () => {
  const world = { width: 4000, height: 3000 };

  it('centres on the target inside a large world', () => {
    expect(followCamera({ x: 2000, y: 1500 }, world, viewport, 1)).toEqual({
      x: 2000,
      y: 1500,
      zoom: 1,
      viewport,
    });
  });

  it('stops at the world edges', () => {
    const camera = followCamera({ x: 10, y: 2990 }, world, viewport, 1);
    expect(camera.x).toBe(640);
    expect(camera.y).toBe(3000 - 360);
  });

  it('centres a world smaller than the screen', () => {
    const camera = followCamera({ x: 100, y: 700 }, { width: 1200, height: 800 }, viewport, 0.8);
    expect(camera.x).toBe(600);
    expect(camera.y).toBe(400);
  });

  it('follows freely before the world size is known', () => {
    expect(followCamera({ x: -50, y: 7 }, null, viewport, 1)).toMatchObject({ x: -50, y: 7 });
  });
});

describe('world <-> screen', () => {
  const camera = { x: 1000, y: 500, zoom: 0.5, viewport };

  it('puts the camera point at the centre of the viewport', () => {
    expect(worldToScreen(camera, { x: 1000, y: 500 })).toEqual({ x: 640, y: 360 });
  });

  it('scales distances by the zoom, +y down', () => {
    expect(worldToScreen(camera, { x: 1100, y: 300 })).toEqual({ x: 690, y: 260 });
  });

  it('inverts', () => {
    const world = { x: 1234.5, y: -42 };
    const back = screenToWorld(camera, worldToScreen(camera, world));
    expect(back.x).toBeCloseTo(world.x);
    expect(back.y).toBeCloseTo(world.y);
  });

  it('gives the visible world rectangle', () => {
    expect(visibleWorldRect(camera)).toEqual({ x: -280, y: -220, width: 2560, height: 1440 });
  });
});
