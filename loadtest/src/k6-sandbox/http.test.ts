import { describe, expect, it } from 'vitest';
import { canonicalHeaderKey } from './http.js';

describe('canonicalHeaderKey', () => {
  it('names headers as Go (and so k6) does', () => {
    expect(canonicalHeaderKey('retry-after')).toBe('Retry-After');
    expect(canonicalHeaderKey('content-type')).toBe('Content-Type');
    expect(canonicalHeaderKey('x-a-b')).toBe('X-A-B');
  });
});
