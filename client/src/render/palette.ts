/** Sizes (world units) and colours of everything drawn. Sizes are presentation only for now. */
export const PLAYER_RADIUS_UNITS = 20;
export const PELLET_RADIUS_UNITS = 5;
export const GRID_SPACING_UNITS = 50;

export const Colors = {
  /** Outside the world. */
  background: 0x070b16,
  worldFloor: 0x101828,
  gridLine: 0x1f2b44,
  worldEdge: 0x5b6f9e,
  pellet: 0xf4c95d,
  selfRing: 0xffffff,
  aim: 0xffffff,
  name: 0xe8ecf4,
  selfName: 0xffe08a,
  nameOutline: 0x000000,
} as const;

/**
 * A player's colour, stable for its entity id: hues a golden angle apart so neighbouring ids
 * look different.
 */
export function playerColor(id: number): number {
  const hue = (id * 137.508) % 360;
  return hslToRgb(hue, 0.65, 0.58);
}

function hslToRgb(hueDegrees: number, saturation: number, lightness: number): number {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const channel = (n: number): number => {
    const k = (n + hueDegrees / 30) % 12;
    const value = lightness - (chroma / 2) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255);
  };
  return (channel(0) << 16) | (channel(8) << 8) | channel(4);
}
