import { describe, expect, it } from 'vitest';
import { addressKey } from './address.js';

describe('addressKey', () => {
  it("keeps an IPv4 address, also when it comes IPv4-mapped in uWS's long form", () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('0000:0000:0000:0000:0000:ffff:7f00:0002')).toBe('127.0.0.2');
    expect(addressKey('::ffff:198.51.100.1')).toBe('198.51.100.1');
  });

  it('counts an IPv6 address by its /64, in long or short form', () => {
    const key = '2001:db8:0:1::/64';
    expect(addressKey('2001:0db8:0000:0001:0000:0000:0000:0001')).toBe(key);
    expect(addressKey('2001:db8:0:1:ffff:ffff:ffff:ffff')).toBe(key);
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('0000:0000:0000:0000:0000:0000:0000:0001')).toBe('0:0:0:0::/64');
  });

  it('leaves anything else as it is', () => {
    expect(addressKey('memory')).toBe('memory');
    expect(addressKey('1:2:3')).toBe('1:2:3');
    expect(addressKey('::ffff:1.2.3.999')).toBe('::ffff:1.2.3.999');
  });
});
