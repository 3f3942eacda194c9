import { describe, expect, it } from 'vitest';
import { playerColor } from './palette.js';

describe('playerColor', () => {
  it('is a 24-bit colour, stable per id, different for neighbouring ids', () => {
    for (let id = 0; id < 50; id++) {
      const color = playerColor(id);
      expect(Number.isInteger(color)).toBe(true);
      expect(color).toBeGreaterThanOrEqual(0);
      expect(color).toBeLessThanOrEqual(0xffffff);
      expect(playerColor(id)).toBe(color);
      expect(playerColor(id + 1)).not.toBe(color);
    }
  });
});
