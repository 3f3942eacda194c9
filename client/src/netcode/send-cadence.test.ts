import { describe, expect, it } from 'vitest';
import { SendCadence } from './send-cadence.js';

function cadenceOf(...ticks: number[]): SendCadence {
  const cadence = new SendCadence();
  for (const tick of ticks) cadence.observe(tick);
  return cadence;
}

describe('SendCadence', () => {
  it('knows nothing before the second snapshot', () => {
    expect(cadenceOf().intervalTicks).toBeNull();
    expect(cadenceOf(30).intervalTicks).toBeNull();
  });

  it('is one tick when the server sends every tick', () => {
    expect(cadenceOf(7, 8, 9, 11).intervalTicks).toBe(1);
  });

  it('is the gap between sends when the server sends every few ticks', () => {
    expect(cadenceOf(3, 6, 9).intervalTicks).toBe(3);
  });

  it('is never fooled for long by skipped sends: gaps are whole intervals', () => {
    const cadence = cadenceOf(3, 9);
    expect(cadence.intervalTicks).toBe(6);
    cadence.observe(18);
    expect(cadence.intervalTicks).toBe(3);
    cadence.observe(21);
    expect(cadence.intervalTicks).toBe(3);
  });

  it('ignores ticks that do not increase, and forgets everything on clear', () => {
    const cadence = cadenceOf(12, 15, 15, 9);
    expect(cadence.intervalTicks).toBe(3);
    cadence.clear();
    expect(cadence.intervalTicks).toBeNull();
    cadence.observe(100);
    cadence.observe(102);
    expect(cadence.intervalTicks).toBe(2);
  });
});
