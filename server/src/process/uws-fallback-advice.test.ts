import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBinaryAbis, uwsFallbackAdvice, type FallbackCause } from './uws-fallback-advice.js';

const node22: FallbackCause = {
  build: { packageName: '@trufflesuite/uws-js-unofficial', packageVersion: '20.30.0-unofficial.0' },
  nodeVersion: 'v22.12.0',
  abi: 127,
  platform: 'linux-x64',
  forcedFallback: undefined,
  binaryAbis: [93, 108, 115],
};

describe('uwsFallbackAdvice', () => {
  it('on a Node with no binary, says which Nodes work and to use Node 20', () => {
    expect(uwsFallbackAdvice(node22)).toBe(
      'tickwire: Node 22.12.0 is not supported: the installed uWebSockets.js ' +
        '(@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0) has no native binary for it on ' +
        'linux-x64; its native binaries cover Node 16, 18 and 20 only. Use Node 20: ' +
        '`nvm install && nvm use` in this repository (.nvmrc says 20), or install Node 20 another ' +
        'way, then `npm ci`. To run a newer Node, see "uWebSockets.js" in README.md (an official ' +
        'release), or pass --allow-uws-fallback to run on the slow ws emulation (testing only).',
    );
  });

  it('names a platform with no binary at all', () => {
    expect(uwsFallbackAdvice({ ...node22, platform: 'freebsd-x64', binaryAbis: [] })).toContain(
      'on freebsd-x64; it has no native binary for this platform at all.',
    );
  });

  it('tells UWS_USE_FALLBACK apart from a missing binary', () => {
    expect(uwsFallbackAdvice({ ...node22, forcedFallback: '1' })).toBe(
      'tickwire: UWS_USE_FALLBACK=1 made uWebSockets.js load its slow ws emulation instead of the ' +
        'native uWS core: unset it, or pass --allow-uws-fallback to run on the slow ws emulation ' +
        '(testing only).',
    );
  });

  it('tells a binary that failed to load apart from a missing one', () => {
    const advice = uwsFallbackAdvice({ ...node22, nodeVersion: 'v20.19.0', abi: 115 });
    expect(advice).toMatch(
      /has a native binary for Node 20\.19\.0 on linux-x64 but it did not load/,
    );
    expect(advice).toContain('--allow-uws-fallback');
  });
});

describe('listBinaryAbis', () => {
  it('reads the ABIs the installed package has binaries for on a platform', () => {
    const location = dirname(createRequire(import.meta.url).resolve('uWebSockets.js'));
    expect(listBinaryAbis(location, 'linux-x64')).toEqual([93, 108, 115]);
    expect(listBinaryAbis(location, 'plan9-mips')).toEqual([]);
    expect(listBinaryAbis('/nonexistent/src', 'linux-x64')).toBeNull();
  });
});
