import { describe, expect, it } from 'vitest';
import {
  DESCRIPTOR_MARGIN,
  descriptorLimitWarning,
  readDescriptorLimit,
} from './descriptor-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('the descriptor limit', () => {
  it('is read from /proc/self/limits', () => {
    expect(readDescriptorLimit(LIMITS)).toEqual({ soft: 1024, hard: 524288 });
    expect(readDescriptorLimit(LIMITS.replace('1024 ', 'unlimited'))?.soft).toBe(Infinity);
    expect(readDescriptorLimit('nothing here')).toBeNull();
    // This process's own (Linux).
    const own = readDescriptorLimit();
    expect(own?.soft).toBeGreaterThan(0);
  });

  it('warns at startup when --max-connections cannot be reached before it, naming the fix', () => {
    const warning = descriptorLimitWarning({ soft: 1024, hard: 524288 }, 10_000);
    expect(warning?.fields).toMatchObject({ descriptorLimit: 1024, maxConnections: 10_000 });
    expect(warning?.fields.fix).toContain(`ulimit -n ${10_000 + DESCRIPTOR_MARGIN}`);
    expect(warning?.fields.fix).toContain(`--max-connections to ${1024 - DESCRIPTOR_MARGIN}`);
    expect(descriptorLimitWarning({ soft: 20_000, hard: 20_000 }, 10_000)).toBeNull();
    expect(descriptorLimitWarning(null, 10_000)).toBeNull();
  });
});
