// Whether the build is current: a sha256 of everything `npm run build` reads, written once a
// build has finished (`npm run build`'s prebuild and postbuild run this file), compared by
// scripts/start.mjs, which builds only when it differs. Contents, not modification times: a
// checkout or a copy may keep old times.
//   node scripts/build-stamp.mjs begin   (prebuild: hash the inputs before the build reads them)
//   node scripts/build-stamp.mjs done    (postbuild: the build succeeded, record that hash)
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What the build reads: the packages it builds (their tests too, to stay on the safe side). */
const BUILD_INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'protocol',
  'client',
  'server',
  'games',
];
/** Build outputs and caches, never inputs. */
const SKIPPED_NAMES = new Set(['node_modules', 'dist', '.vite', 'test-results']);
/** One file of each package's build output: all must exist for the build to count as done. */
const BUILD_OUTPUTS = ['protocol/dist/index.js', 'client/dist/index.html', 'server/dist/main.js'];
/** Under node_modules/.cache: `npm ci` empties it, so a new install builds again. */
const STAMP = join(root, 'node_modules/.cache/tickwire/build-inputs.sha256');
/** The hash of the build under way, until it succeeds. */
const PENDING = `${STAMP}.pending`;

/** True when the outputs exist and the inputs are those of the last finished build. */
export function isBuildCurrent() {
  if (!BUILD_OUTPUTS.every((output) => existsSync(join(root, output)))) return false;
  try {
    return readFileSync(STAMP, 'utf8').trim() === hashBuildInputs();
  } catch {
    return false;
  }
}

/** sha256 over every input file's path, length and contents, in a fixed order. */
export function hashBuildInputs() {
  const hash = createHash('sha256');
  const addFile = (path) => {
    const contents = readFileSync(path);
    hash.update(`${relative(root, path).split('\\').join('/')}\0${contents.length}\0`);
    hash.update(contents);
  };
  const addDirectory = (path) => {
    const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      if (SKIPPED_NAMES.has(entry.name) || entry.name.endsWith('.tsbuildinfo')) continue;
      const child = join(path, entry.name);
      if (entry.isDirectory()) addDirectory(child);
      else if (entry.isFile()) addFile(child);
    }
  };
  for (const input of BUILD_INPUTS) {
    const path = join(root, input);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) addDirectory(path);
    else addFile(path);
  }
  return hash.digest('hex');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const step = process.argv[2];
  if (step === 'begin') {
    // A build that fails or is interrupted must not be taken for a finished one.
    rmSync(STAMP, { force: true });
    mkdirSync(dirname(STAMP), { recursive: true });
    writeFileSync(PENDING, `${hashBuildInputs()}\n`);
  } else if (step === 'done') {
    if (existsSync(PENDING)) renameSync(PENDING, STAMP);
  } else {
    process.stderr.write('usage: node scripts/build-stamp.mjs begin|done\n');
    process.exit(2);
  }
}
