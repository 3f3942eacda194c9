/**
 * The engine's colours and sizes (world units): the floor every game is drawn on. A game's own
 * colours live in its client module.
 */
export const GRID_SPACING_UNITS = 50;

export const Colors = {
  /** Outside the world. */
  background: 0x070b16,
  worldFloor: 0x101828,
  gridLine: 0x1f2b44,
  worldEdge: 0x5b6f9e,
  /** Entities of a game this client has no module for. */
  unknownEntity: 0xb8c2d8,
  selfRing: 0xffffff,
} as const;

/**
 * A colour per entity id (a player's, say), stable for the id: hues a golden angle apart so
 * neighbouring ids look different. Games may use it for their own kinds.
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
