// The refusal to run on uWebSockets.js's slow ws-based fallback without --allow-uws-fallback,
// and what to tell a person about it. The usual cause is a Node version the installed package
// has no binary for (Node 22 or 24 with the v20.30 build, whose binaries cover Node 16, 18 and
// 20): the plain answer is "use Node 20", not a stack trace.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { UwsBuild } from '../transport/uws.js';

/** The server refused the fallback build; `advice` is the paragraph for a person, on stderr. */
export class UwsFallbackRefused extends Error {
  readonly advice: string;

  constructor(build: UwsBuild, advice: string) {
    super(
      `uWebSockets.js loaded its slow ws-based fallback, not the native uWS core (${build.packageName}@${build.packageVersion}). ` +
        'Check that the package has a binary for this Node version and platform, or pass --allow-uws-fallback to run anyway.',
    );
    this.name = 'UwsFallbackRefused';
    this.advice = advice;
  }
}

/**
 * THE one place that refuses the fallback: throws UwsFallbackRefused when `build` is the fallback
 * and it is not allowed (server.ts, before anything listens; the --workers supervisor, before it
 * starts workers that would each refuse).
 */
export function refuseUwsFallback(build: UwsBuild, isAllowed: boolean): void {
  if (build.kind !== 'fallback' || isAllowed) return;
  const platform = `${process.platform}-${process.arch}`;
  const advice = uwsFallbackAdvice({
    build,
    nodeVersion: process.version,
    abi: Number(process.versions.modules),
    platform,
    forcedFallback: process.env['UWS_USE_FALLBACK'],
    binaryAbis: listBinaryAbis(build.location, platform),
  });
  throw new UwsFallbackRefused(build, advice);
}

/** Node's module ABI (process.versions.modules) to its major version, for the message. */
const NODE_MAJOR_BY_ABI: ReadonlyMap<number, number> = new Map([
  [83, 14],
  [88, 15],
  [93, 16],
  [102, 17],
  [108, 18],
  [111, 19],
  [115, 20],
  [120, 21],
  [127, 22],
  [131, 23],
  [137, 24],
  [141, 25],
]);

export interface FallbackCause {
  build: Pick<UwsBuild, 'packageName' | 'packageVersion'>;
  nodeVersion: string;
  /** process.versions.modules */
  abi: number;
  /** `${process.platform}-${process.arch}`, e.g. linux-x64 */
  platform: string;
  /** UWS_USE_FALLBACK as set in the environment (the package then loads the fallback on purpose). */
  forcedFallback: string | undefined;
  /**
   * The ABIs the package has a binary for on this platform (its binaries/uws_<platform>_<arch>_<abi>.node
   * files); null when they cannot be listed (another package layout).
   */
  binaryAbis: readonly number[] | null;
}

/** The binaries of the unofficial package as installed: `<location>/../binaries`. */
export function listBinaryAbis(location: string, platform: string): number[] | null {
  const prefix = `uws_${platform.replace('-', '_')}_`;
  try {
    return readdirSync(join(location, '..', 'binaries'))
      .filter((name) => name.startsWith(prefix) && name.endsWith('.node'))
      .map((name) => Number(name.slice(prefix.length, -'.node'.length)))
      .filter((abi) => Number.isInteger(abi))
      .sort((a, b) => a - b);
  } catch {
    return null;
  }
}

/** One paragraph for stderr: why the fallback was loaded and what to do. */
export function uwsFallbackAdvice(cause: FallbackCause): string {
  const pkg = `${cause.build.packageName}@${cause.build.packageVersion}`;
  const anyway = 'or pass --allow-uws-fallback to run on the slow ws emulation (testing only)';
  if (cause.forcedFallback !== undefined && cause.forcedFallback !== '') {
    return (
      `tickwire: UWS_USE_FALLBACK=${cause.forcedFallback} made uWebSockets.js load its slow ws ` +
      `emulation instead of the native uWS core: unset it, ${anyway}.`
    );
  }
  const node = `Node ${cause.nodeVersion.replace(/^v/, '')}`;
  const covered = (cause.binaryAbis ?? []).map(
    (abi) => NODE_MAJOR_BY_ABI.get(abi)?.toString() ?? `ABI ${abi}`,
  );
  if (cause.binaryAbis !== null && !cause.binaryAbis.includes(cause.abi)) {
    const coverage =
      covered.length > 0
        ? `its native binaries cover Node ${joinWords(covered)} only`
        : 'it has no native binary for this platform at all';
    return (
      `tickwire: ${node} is not supported: the installed uWebSockets.js (${pkg}) has no native ` +
      `binary for it on ${cause.platform}; ${coverage}. Use Node 20: \`nvm install && nvm use\` ` +
      'in this repository (.nvmrc says 20), or install Node 20 another way, then `npm ci`. ' +
      `To run a newer Node, see "uWebSockets.js" in README.md (an official release), ${anyway}.`
    );
  }
  return (
    `tickwire: uWebSockets.js (${pkg}) has a native binary for ${node} on ${cause.platform} but ` +
    `it did not load (its warning above says why; often a C library too old for it), so it fell ` +
    `back to its slow ws emulation. Reinstall with \`npm ci\`, ${anyway}.`
  );
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
