import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { usage } from '../src/config.js';
import { startServer, type ServerProcess } from './support/server-process.js';
import { freePort, startRedisServer } from './support/redis-server.js';
import { waitFor } from './support/test-client.js';

// What a person sees from `npm start`: one plain line on stderr naming the URLs once the server
// listens (beside the JSON log lines, which keep their "listening" line), and `npm start --
// --help` answering at once, before any build.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const LINE = /^tickwire \S+ on .*\(Ctrl\+C stops\)$/m;

/** This machine's LAN IPv4 addresses, read here apart from the code under test. */
const lanAddresses = Object.values(networkInterfaces())
  .flatMap((infos) => infos ?? [])
  .filter((i) => i.family === 'IPv4' && !i.internal && !i.address.startsWith('169.254.'))
  .map((i) => i.address);

const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

async function start(args: string[]): Promise<ServerProcess> {
  const server = await startServer({ args });
  servers.push(server);
  return server;
}

/** The human line, once the server has printed it. */
async function listeningLine(output: () => string): Promise<string> {
  await waitFor(() => LINE.test(output()), `the listening line in:\n${output()}`, 30_000);
  return LINE.exec(output())?.[0] ?? '';
}

describe('the listening line', () => {
  it('names the local URL with the real port, and the LAN URLs that really answer', async () => {
    const server = await start(['--host', '0.0.0.0', '--static', '', '--banner', 'on']);
    const line = await listeningLine(server.output);
    expect(line).toMatch(new RegExp(`^tickwire arena on http://localhost:${server.port}( |$)`));
    // The JSON line is still there, as the tests and the benchmark read it.
    expect(server.output()).toMatch(new RegExp(`"msg":"listening","port":${server.port},`));
    if (lanAddresses.length > 0) {
      const urls = lanAddresses.map((address) => `http://${address}:${server.port}`);
      expect(line).toContain(` · LAN ${urls.join(', ')}`);
      for (const url of urls) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } else {
      expect(line).toContain(' · no LAN address');
    }
    expect(line).toContain(
      `no client page (--static ""): players connect to ws://localhost:${server.port}/ws`,
    );
  });

  it('says a server on 127.0.0.1 is local only, and names no LAN address', async () => {
    const server = await start(['--static', '', '--banner', 'on']);
    const line = await listeningLine(server.output);
    expect(line).toMatch(new RegExp(`^tickwire arena on http://localhost:${server.port} `));
    expect(line).toContain('local only (--host 127.0.0.1;');
    expect(line).not.toContain('LAN http');
  });

  it('is not printed by default when stderr is not a terminal (output piped to a collector)', async () => {
    const server = await start(['--static', '']);
    await server.stop();
    await server.exited;
    expect(server.output()).toMatch(/"msg":"listening"/);
    expect(server.output()).not.toMatch(LINE);
  });

  it('under --workers, the supervisor prints one line for every worker', async () => {
    const redis = await startRedisServer();
    const port = await consecutiveFreePorts(2);
    const child = spawn(
      process.execPath,
      [
        ...['--conditions=source', '--import', 'tsx', join(repoRoot, 'server/src/main.ts')],
        ...['--host', '127.0.0.1', '--static', '', '--banner', 'on', '--workers', '2'],
        ...['--port', String(port), '--redis', redis.url],
      ],
      { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'info' }, stdio: 'pipe' },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const line = await listeningLine(() => output);
      expect(line).toMatch(
        new RegExp(
          `^tickwire arena on http://localhost:${port} \\(2 processes, ports ${port}-${port + 1}\\) · local only`,
        ),
      );
      expect(output.match(new RegExp(LINE.source, 'gm'))).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await redis.stop();
    }
  });
});

describe('npm start -- --help', () => {
  // The start script copied into an empty checkout with the server's sources and node_modules
  // only: no dist, no package.json. A build there fails, so this passes only if --help builds
  // nothing.
  const checkout = mkdtempSync(join(tmpdir(), 'tickwire-start-'));
  mkdirSync(join(checkout, 'scripts'));
  mkdirSync(join(checkout, 'server'));
  for (const script of ['start.mjs', 'build-stamp.mjs']) {
    copyFileSync(join(repoRoot, 'scripts', script), join(checkout, 'scripts', script));
  }
  symlinkSync(join(repoRoot, 'server/src'), join(checkout, 'server/src'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  afterAll(() => rmSync(checkout, { recursive: true, force: true }));

  for (const flag of ['--help', '-h']) {
    it(`${flag} prints the option list from config.ts without building`, async () => {
      const result = await run(process.execPath, [join(checkout, 'scripts/start.mjs'), flag]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(`${usage()}\n`);
      expect(result.code).toBe(0);
      expect(existsSync(join(checkout, 'server/dist'))).toBe(false);
    });
  }
});

function run(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The first of `count` consecutive ports free now (--workers listens on --port, --port + 1). */
async function consecutiveFreePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await freePort();
    let isRunFree = first + count - 1 <= 65_535;
    for (let i = 1; i < count && isRunFree; i++) isRunFree = await isFree(first + i);
    if (isRunFree) return first;
  }
  throw new Error(`found no ${count} consecutive free ports`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}
