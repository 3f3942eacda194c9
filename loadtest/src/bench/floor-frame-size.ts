import { MAX_FRAME_BYTES, MIN_FRAME_BYTES } from '../floor/floor-frame.js';
import type { RunResult } from './run-scenario.js';

/**
 * The floor's frame when no tickwire run at this N measured one (all failed): tickwire's mean
 * frame at N = 500 (about 2,000 bytes/client/s at 30 Hz: 67 B), and the larger of the two sizes
 * shared/NETCODE.md's floor was measured with (24 and 70 B cost the same).
 */
export const DEFAULT_FLOOR_FRAME_BYTES = 70;

/**
 * The floor's frame size for one N: tickwire's mean frame at the clients (bytes / snapshots) in
 * the most recent of `tickwireRuns` (this N's, oldest first) that measured one, rounded to a
 * byte, else DEFAULT_FLOOR_FRAME_BYTES. `source` says which, for the log.
 */
export function floorFrameBytes(tickwireRuns: readonly RunResult[]): {
  frameBytes: number;
  source: 'tickwire' | 'default';
} {
  for (let i = tickwireRuns.length - 1; i >= 0; i--) {
    const mean = (tickwireRuns[i] as RunResult).meanFrameBytes;
    if (Number.isFinite(mean) && mean > 0) {
      const frameBytes = Math.min(MAX_FRAME_BYTES, Math.max(MIN_FRAME_BYTES, Math.round(mean)));
      return { frameBytes, source: 'tickwire' };
    }
  }
  return { frameBytes: DEFAULT_FLOOR_FRAME_BYTES, source: 'default' };
}
