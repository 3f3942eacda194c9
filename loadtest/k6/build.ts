// Bundles each k6 scenario (loadtest/k6/<scenario>.ts) into loadtest/dist/<scenario>.js, one
// self-contained ES module that `k6 run` takes as it is: the protocol's and the scenario modules'
// TypeScript sources and msgpackr inside, only k6's own modules (k6, k6/*) left as imports.
//
//   npm run build:k6                                # k6 v1.6 and later (k6/websockets)
//   npm run build:k6 -- --experimental-websockets   # k6 v0.52 to v1.5
//   npm run build:k6 -- --help
//
// (Which k6 has what: loadtest/src/k6-sandbox/k6-api.ts.)
import { build, type Plugin } from 'esbuild';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { K6_VERSIONS } from '../src/k6-sandbox/k6-api.js';
import { SCENARIO_NAMES, type ScenarioName } from '../src/scenario/plans.js';

const k6Dir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export const DEFAULT_OUT_DIR = join(repoRoot, 'loadtest', 'dist');

/**
 * The syntax k6's JavaScript runtime (sobek) runs: ES2020 with async/await, optional chaining
 * and `??`. Later syntax (class fields and `#private` members, which the protocol and the players
 * use throughout, `??=`, static blocks) is lowered by esbuild; a lower target would lower async
 * functions into generators too, for nothing.
 */
export const K6_TARGET = 'es2020';

export interface BuildK6Options {
  /** Default loadtest/dist. */
  outDir?: string;
  /** Default every scenario. */
  scenarios?: readonly ScenarioName[];
  /**
   * Import the WebSocket from `k6/experimental/websockets` (k6 v0.52 to v1.5) instead of
   * `k6/websockets` (k6 v1.6 and later, where the experimental path is deprecated).
   */
  isExperimentalWebSockets?: boolean;
}

export interface K6Bundle {
  scenario: ScenarioName;
  path: string;
  sizeBytes: number;
}

/** k6/websockets as the k6 before v1.6 names it; still external. */
const experimentalWebSockets: Plugin = {
  name: 'k6-experimental-websockets',
  setup(b) {
    b.onResolve({ filter: /^k6\/websockets$/ }, () => ({
      path: 'k6/experimental/websockets',
      external: true,
    }));
  },
};

export async function buildK6Bundles(options: BuildK6Options = {}): Promise<K6Bundle[]> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const scenarios = options.scenarios ?? SCENARIO_NAMES;
  await build({
    entryPoints: scenarios.map((name) => ({ in: join(k6Dir, `${name}.ts`), out: name })),
    outdir: outDir,
    bundle: true,
    format: 'esm',
    // The browser's side of every package: msgpackr's browser build needs no Node built-ins.
    platform: 'browser',
    target: K6_TARGET,
    // Workspace packages (@tickwire/protocol) resolve to their TypeScript sources.
    conditions: ['source'],
    alias: {
      // msgpackr's build without `new Function`: its record reader compiles one when a frame
      // defines a record (ext 0x72), which msgpackr reads even with useRecords: false, so a
      // hostile frame could reach it. The no-eval build reads records the slow way.
      msgpackr: 'msgpackr/index-no-eval',
    },
    external: ['k6', 'k6/*'],
    plugins: options.isExperimentalWebSockets === true ? [experimentalWebSockets] : [],
    banner: {
      js: '// tickwire k6 scenario, bundled by loadtest/k6/build.ts (npm run build:k6). Run: k6 run <this file>',
    },
    logLevel: 'warning',
  });
  return Promise.all(
    scenarios.map(async (scenario) => {
      const path = join(outDir, `${scenario}.js`);
      return { scenario, path, sizeBytes: (await stat(path)).size };
    }),
  );
}

export const BUILD_USAGE = `usage: npm run build:k6 [-- --experimental-websockets] [-- --help]

Bundles every k6 scenario into ${DEFAULT_OUT_DIR}/<scenario>.js.

  --experimental-websockets  import k6/experimental/websockets, for k6 ${K6_VERSIONS.oldest} and
                             before ${K6_VERSIONS.stableWebSockets} (without it: k6/websockets, k6
                             ${K6_VERSIONS.stableWebSockets} and later)
  -h, --help                 this text`;

/** What the command line asks for. */
export type BuildCommand = { kind: 'help' } | { kind: 'build'; options: BuildK6Options };

/**
 * The build's command line (no positionals). Throws, naming it, on an unknown flag: a typo such
 * as --experimental-websocket MUST NOT build the other module in silence.
 */
export function parseBuildArgs(args: readonly string[]): BuildCommand {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      'experimental-websockets': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return { kind: 'help' };
  return {
    kind: 'build',
    options: { isExperimentalWebSockets: values['experimental-websockets'] === true },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let command: BuildCommand;
  try {
    command = parseBuildArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${BUILD_USAGE}`);
    process.exit(2);
  }
  if (command.kind === 'help') {
    console.log(BUILD_USAGE);
  } else {
    const bundles = await buildK6Bundles(command.options);
    for (const b of bundles) console.log(`${b.path}  ${(b.sizeBytes / 1024).toFixed(0)} KiB`);
  }
}
