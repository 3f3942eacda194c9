import { MemoryRegistry } from './memory-registry.js';
import { describeRegistryContract } from './registry.contract.js';

// A fake clock: the contract's waits for expiry jump it forward instead of sleeping.
let nowMs = 1_700_000_000_000;

describeRegistryContract('MemoryRegistry', {
  create: () => Promise.resolve(new MemoryRegistry(() => nowMs)),
  elapse: (ms) => {
    nowMs += ms;
    return Promise.resolve();
  },
  shortTtlMs: 300,
});
