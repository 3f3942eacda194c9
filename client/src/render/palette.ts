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

/** Hue step between consecutive ids: the golden angle, which never lines two ids up exactly. */
const GOLDEN_ANGLE_DEGREES = 137.50776405003785;
/**
 * OKLCH lightness of each of six tiers, taken by `id % 6`. Hues a golden angle apart come close
 * again for ids 5, 8, 13, 21 and 34 apart (32.5, 20, 12.4, 7.6 and 4.7 degrees): this order
 * (searched over every order of six) puts such ids in tiers far apart. All are light enough to
 * read on the dark floor.
 */
const LIGHTNESS_TIERS = [0.62, 0.752, 0.796, 0.708, 0.84, 0.664] as const;
/** OKLCH chroma: vivid, yet inside sRGB at most hues (lowered where it is not). */
const CHROMA = 0.15;

/**
 * A colour per entity id (a player's, say), stable for the id, from a perceptual colour space
 * (OKLCH): hues a golden angle apart, at fixed chroma and one of six lightness tiers, so ids that
 * join one after another look clearly different (any ids within 4 of each other by a wide
 * margin, any within 32 noticeably) and every colour reads on the dark floor. No mapping of ids
 * to colours keeps every pair of a large crowd apart: about two dozen colours are clearly
 * distinct at one readable lightness and chroma. Games may use it for their own kinds.
 */
export function playerColor(id: number): number {
  const hueDegrees = (((-id * GOLDEN_ANGLE_DEGREES) % 360) + 360) % 360;
  const lightness = LIGHTNESS_TIERS[((id % 6) + 6) % 6] as number;
  return oklchToRgb(lightness, CHROMA, hueDegrees);
}

/**
 * An OKLCH colour as 0xRRGGBB (sRGB). Where the chroma is outside sRGB at this lightness and hue,
 * the largest chroma inside is used instead, which keeps the hue and lightness (clipping the
 * channels would shift both).
 */
function oklchToRgb(lightness: number, chroma: number, hueDegrees: number): number {
  const h = (hueDegrees * Math.PI) / 180;
  const cos = Math.cos(h);
  const sin = Math.sin(h);
  let c = chroma;
  if (!isInGamut(oklabToLinearRgb(lightness, c * cos, c * sin))) {
    let low = 0;
    let high = chroma;
    for (let i = 0; i < 16; i++) {
      const mid = (low + high) / 2;
      if (isInGamut(oklabToLinearRgb(lightness, mid * cos, mid * sin))) low = mid;
      else high = mid;
    }
    c = low;
  }
  const [r, g, b] = oklabToLinearRgb(lightness, c * cos, c * sin);
  return (toByte(r) << 16) | (toByte(g) << 8) | toByte(b);
}

/** Björn Ottosson's OKLab to linear sRGB (https://bottosson.github.io/posts/oklab/). */
function oklabToLinearRgb(L: number, a: number, b: number): [number, number, number] {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

function isInGamut(rgb: readonly number[]): boolean {
  return rgb.every((v) => v >= -1e-4 && v <= 1 + 1e-4);
}

/** A linear sRGB channel to its 8-bit, gamma-encoded value. */
function toByte(linear: number): number {
  const v = Math.min(1, Math.max(0, linear));
  const encoded = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
  return Math.round(encoded * 255);
}
