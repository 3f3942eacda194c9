import { describe, expect, it } from 'vitest';
import { parseK6DurationMs } from './durations.js';

describe('parseK6DurationMs', () => {
  it('reads Go durations and bare milliseconds as k6 does', () => {
    expect(parseK6DurationMs('0s')).toBe(0);
    expect(parseK6DurationMs('1500ms')).toBe(1500);
    expect(parseK6DurationMs('1.5s')).toBe(1500);
    expect(parseK6DurationMs('1m30s')).toBe(90_000);
    expect(parseK6DurationMs('2h')).toBe(7_200_000);
    expect(parseK6DurationMs('250')).toBe(250);
    expect(parseK6DurationMs(30)).toBe(30);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '10 s', 's', '1d', '-1s', '1s2']) {
      expect(() => parseK6DurationMs(bad)).toThrow(/not a duration/);
    }
  });
});
