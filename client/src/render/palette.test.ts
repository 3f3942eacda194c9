import { describe, expect, it } from 'vitest';
import { Colors, playerColor } from './palette.js';

// Distances are OKLab ΔE (Björn Ottosson's perceptual space, lightness 0..1), computed here from
// the 24-bit colours independently of palette.ts: about 0.02 is barely noticeable side by side,
// 0.05 plainly different, 0.1 and more different at a glance.

function oklab(rgb: number): [number, number, number] {
  const linear = (byte: number): number => {
    const c = byte / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const r = linear((rgb >> 16) & 0xff);
  const g = linear((rgb >> 8) & 0xff);
  const b = linear(rgb & 0xff);
  const l = Math.cbrt(0.4122214708 * r + 0.5363079286 * g + 0.0514623081 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

function deltaE(x: number, y: number): number {
  const [l1, a1, b1] = oklab(x);
  const [l2, a2, b2] = oklab(y);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}

/** Smallest ΔE between ids `from`..`to` - 1 and each of the next `within` ids. */
function closestWithin(from: number, to: number, within: number): number {
  let closest = Infinity;
  for (let id = from; id < to; id++) {
    for (let k = 1; k <= within; k++) {
      closest = Math.min(closest, deltaE(playerColor(id), playerColor(id + k)));
    }
  }
  return closest;
}

describe('playerColor', () => {
  it('is a 24-bit colour, stable per id', () => {
    for (let id = 0; id < 200; id++) {
      const color = playerColor(id);
      expect(Number.isInteger(color)).toBe(true);
      expect(color).toBeGreaterThanOrEqual(0);
      expect(color).toBeLessThanOrEqual(0xffffff);
      expect(playerColor(id)).toBe(color);
    }
  });

  it('makes the first 16 ids pairwise distinct, and the first 32 noticeably', () => {
    let closest16 = Infinity;
    let closest32 = Infinity;
    for (let i = 0; i < 32; i++) {
      for (let j = i + 1; j < 32; j++) {
        const d = deltaE(playerColor(i), playerColor(j));
        closest32 = Math.min(closest32, d);
        if (j < 16) closest16 = Math.min(closest16, d);
      }
    }
    expect(closest16).toBeGreaterThanOrEqual(0.05);
    expect(closest32).toBeGreaterThanOrEqual(0.045);
  });

  it('makes ids that join one after another clearly distinct, anywhere in the id space', () => {
    // Players joining in a row take ids a few apart (projectiles and pellets take ids too).
    expect(closestWithin(0, 3000, 4)).toBeGreaterThanOrEqual(0.12);
    expect(closestWithin(1000, 1400, 32)).toBeGreaterThanOrEqual(0.045);
    expect(closestWithin(60000, 60400, 32)).toBeGreaterThanOrEqual(0.045);
  });

  it('reads on the dark floor: every colour is far lighter than it', () => {
    const [floorLightness] = oklab(Colors.worldFloor);
    for (let id = 0; id < 500; id++) {
      const [lightness] = oklab(playerColor(id));
      expect(lightness).toBeGreaterThanOrEqual(0.6);
      expect(lightness - floorLightness).toBeGreaterThanOrEqual(0.35);
    }
  });
});
