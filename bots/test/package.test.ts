import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// "The protocol package builds to plain ESM JavaScript with type declarations, and `npm pack` of
// it installs and runs in an empty project" (issue 5): the tarball, installed from a file like
// any registry package, with nothing of the monorepo around it.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const protocolDir = join(repoRoot, 'protocol');
const tscBin = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const SETUP_TIMEOUT_MS = 180_000;

/**
 * The environment without npm's own `npm_*` variables: under `npm test` they would carry the
 * monorepo's settings (workspace, prefix) into the empty project.
 */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
);

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env: cleanEnv, maxBuffer: 64 * 1024 * 1024, timeout: SETUP_TIMEOUT_MS },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`,
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

let tmp: string;
let tarball: string;
let consumer: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tickwire-pack-'));
  const packDir = join(tmp, 'pack');
  mkdirSync(packDir);
  // `prepack` cleans dist/ and builds it (tsc -p tsconfig.build.json).
  await run('npm', ['pack', '--pack-destination', packDir], protocolDir);
  const tarballs = readdirSync(packDir).filter((file) => file.endsWith('.tgz'));
  expect(tarballs).toHaveLength(1);
  tarball = join(packDir, tarballs[0] as string);

  consumer = join(tmp, 'consumer');
  mkdirSync(consumer);
  await run('npm', ['init', '-y'], consumer);
  const manifestPath = join(consumer, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, type: 'module' }, null, 2));
  await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], consumer);
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed @tickwire/protocol', () => {
  it('holds only package.json, README.md and dist/, with no tests or test helpers', async () => {
    const entries = (await run('tar', ['-tzf', tarball], tmp)).split('\n').filter(Boolean);
    const files = entries.map((entry) => entry.replace(/^package\//, ''));
    for (const file of files) {
      expect(
        file === 'package.json' || file === 'README.md' || file.startsWith('dist/'),
        file,
      ).toBe(true);
      expect(file).not.toMatch(/\.test\.|(^|\/)testing\//);
    }
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
    );
    const sizeBytes = statSync(tarball).size;
    console.info(`@tickwire/protocol tarball: ${files.length} files, ${sizeBytes} bytes`);
    // A sanity bound: far above today's ~100 KB, far below a tarball that swallowed node_modules.
    expect(sizeBytes).toBeLessThan(1024 * 1024);

    const installed = JSON.parse(
      readFileSync(join(consumer, 'node_modules/@tickwire/protocol/package.json'), 'utf8'),
    ) as { exports: Record<string, Record<string, string>> };
    // `source` points at files the package does not ship; only consumers that opt into the
    // condition ever see it (checked below: plain Node and TypeScript resolve dist/).
    expect(installed.exports['.']).toMatchObject({
      types: './dist/index.d.ts',
      default: './dist/index.js',
    });
  });

  it('runs from plain Node ESM: a schema compiled, codec round trips, the replica, connection exports', async () => {
    writeFileSync(
      join(consumer, 'check.mjs'),
      `import assert from 'node:assert/strict';
import * as protocol from '@tickwire/protocol';
import {
  MessageId,
  PLAYER_PROTOCOL_VERSION,
  Replica,
  ReplicaError,
  addToChecksum,
  compileGame,
  decodeClientMessage,
  decodeServerMessage,
  defineGame,
  encodeHello,
  encodeInput,
  encodeSnapshot,
  encodeWelcome,
  entityHash,
  int,
  string,
  uint16,
} from '@tickwire/protocol';

const resolved = import.meta.resolve('@tickwire/protocol');
assert.match(resolved, /\\/node_modules\\/@tickwire\\/protocol\\/dist\\/index\\.js$/);

// A game of its own: a ship that moves and loses hp, a rock that never changes.
const spec = defineGame({
  name: 'packed',
  kinds: {
    ship: {
      motion: 'linear',
      fields: {
        hp: { type: uint16(), sync: 'changes' },
        name: { type: string(8), sync: 'constant' },
      },
    },
    rock: { motion: 'static' },
  },
  input: { turn: int(-1, 1) },
  constants: ['speed'],
});
const schema = compileGame(spec, { speed: 3 });
assert.deepEqual(schema.kinds.map((k) => k.name), ['ship', 'rock']);

const hello = { protocolVersion: PLAYER_PROTOCOL_VERSION, name: 'packed', resumeToken: null, seat: null };
const bytes = encodeHello(hello);
assert.ok(bytes instanceof Uint8Array);
assert.deepEqual(decodeClientMessage(schema, bytes), { id: MessageId.Hello, message: hello });
const seated = { ...hello, seat: 's-matchmaking' };
assert.deepEqual(decodeClientMessage(schema, encodeHello(seated)).message, seated);
const input = encodeInput(schema, { seq: 1, ackTick: 0, controls: { turn: -1 } });
assert.deepEqual(decodeClientMessage(schema, input).message.controls, { turn: -1 });

const welcome = {
  protocolVersion: PLAYER_PROTOCOL_VERSION,
  playerId: 1,
  tickHz: 30,
  serverTick: 5,
  serverTimeMs: 0,
  worldWidth: 200,
  worldHeight: 200,
  viewWidth: 100,
  viewHeight: 100,
  resumeToken: 't',
  schema,
};
const welcomed = decodeServerMessage(encodeWelcome(welcome), null);
assert.equal(welcomed.id, MessageId.Welcome);
assert.equal(welcomed.message.schema.fingerprint, schema.fingerprint);

const full = {
  tick: 5,
  baselineTick: 0,
  inputAck: 0,
  removed: [],
  entered: [
    { id: 1, kind: 'ship', x: 400, y: 400, vx: 2, vy: 0, hp: 3, name: 'ann' },
    { id: 2, kind: 'rock', x: 8, y: 8 },
  ],
  updated: [],
  checksum: null,
};
const first = new Replica(welcome).apply(decodeServerMessage(encodeSnapshot(schema, full), schema).message);
let checksum = 0;
for (const e of first.entities.values()) {
  checksum = addToChecksum(checksum, entityHash(schema.kindByName.get(e.kind), e, 0));
}
const decoded = decodeServerMessage(encodeSnapshot(schema, { ...full, checksum }), schema);
assert.equal(decoded.id, MessageId.Snapshot);
const replica = new Replica(welcome);
const view = replica.apply(decoded.message);
assert.equal(view.entities.size, 2);
assert.equal(view.entities.get(1).name, 'ann');
assert.equal(view.entities.get(1).hp, 3);
assert.equal(view.entities.get(2).kind, 'rock');
// A delta 2 ticks on with no message at all: the ship moved by its velocity.
const later = replica.apply({ ...full, tick: 7, baselineTick: 5, entered: [] });
assert.equal(later.entities.get(1).x, 404);
assert.throws(
  () => new Replica(welcome).apply({ ...full, checksum: (checksum + 1) >>> 0 }),
  (error) => error instanceof ReplicaError && error.code === 'ChecksumMismatch',
);

for (const name of ${JSON.stringify(['Connection', 'ReconnectingConnection', 'connect', 'Matchmaker', 'createRematch'])}) {
  assert.equal(typeof protocol[name], 'function', name);
}
console.log('ok');
`,
    );
    expect((await run(process.execPath, ['check.mjs'], consumer)).trim()).toBe('ok');
  });

  it('type-checks a strict TypeScript consumer against the shipped declarations (skipLibCheck off)', async () => {
    writeFileSync(
      join(consumer, 'consumer.ts'),
      `import {
  MessageId,
  PLAYER_PROTOCOL_VERSION,
  Connection,
  ReconnectingConnection,
  Replica,
  ReplicaError,
  compileGame,
  connect,
  decodeServerMessage,
  defineGame,
  encodeHello,
  int,
  uint16,
  type CompiledSchema,
  type ConnectionStatus,
  type EntityOf,
  type InputOf,
  type Snapshot,
  type SyncTarget,
  type ViewState,
  type WebSocketConstructor,
} from '@tickwire/protocol';

const bytes: Uint8Array = encodeHello({
  protocolVersion: PLAYER_PROTOCOL_VERSION,
  name: 'typed',
  resumeToken: null,
});
// @ts-expect-error: the declarations are real types, not any: a Hello needs its name.
encodeHello({ protocolVersion: PLAYER_PROTOCOL_VERSION, resumeToken: null });

// Types inferred from a declaration: no interface written by hand.
const spec = defineGame({
  name: 'typed',
  kinds: { ship: { motion: 'linear', fields: { hp: { type: uint16(), sync: 'changes' } } } },
  input: { turn: int(-1, 1) },
});
export const ship: EntityOf<typeof spec, 'ship'> = { id: 1, kind: 'ship', x: 0, y: 0, vx: 0, vy: 0, hp: 3 };
// @ts-expect-error: a ship's hp is a number.
export const broken: EntityOf<typeof spec, 'ship'> = { ...ship, hp: 'full' };
export const controls: InputOf<typeof spec> = { turn: 1 };
export const compiled: CompiledSchema = compileGame(spec);

let schema: CompiledSchema | null = null;
let replica: Replica | null = null;
export function onFrame(frame: Uint8Array): ViewState | null {
  const m = decodeServerMessage(frame, schema);
  if (m.id === MessageId.Welcome) {
    schema = m.message.schema;
    replica = new Replica(m.message);
  }
  if (m.id !== MessageId.Snapshot || replica === null) return null;
  const snapshot: Snapshot = m.message;
  try {
    return replica.apply(snapshot);
  } catch (error) {
    if (error instanceof ReplicaError && error.code === 'MissingBaseline') return null;
    throw error;
  }
}

const sync: SyncTarget = {
  onWelcome: (welcome) => (replica = new Replica(welcome)),
  applySnapshot: (snapshot) => void replica?.apply(snapshot),
  get ackTick() {
    return replica?.tick ?? 0;
  },
  resetReplica: () => replica?.reset(),
};
export function start(WebSocket: WebSocketConstructor): [Connection, ReconnectingConnection] {
  const onStatus = (status: ConnectionStatus): void => void status.phase;
  const options = { url: 'ws://localhost:8080/ws', name: 'typed', WebSocket, sync, onStatus };
  return [new Connection(options), new ReconnectingConnection(options)];
}
export const sdk: typeof connect = connect;
export const size: number = bytes.byteLength;
`,
    );
    const compilerOptions = {
      strict: true,
      target: 'ES2022',
      lib: ['ES2022'],
      types: [],
      skipLibCheck: false,
      noEmit: true,
    };
    for (const [file, resolution] of [
      ['tsconfig.nodenext.json', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
      ['tsconfig.bundler.json', { module: 'ESNext', moduleResolution: 'Bundler' }],
    ] as const) {
      writeFileSync(
        join(consumer, file),
        JSON.stringify({
          compilerOptions: { ...compilerOptions, ...resolution },
          files: ['consumer.ts'],
        }),
      );
      await run(process.execPath, [tscBin, '-p', file], consumer);
    }
  });
});
