import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepResult } from '../src/capacity/measure-step.js';

const entry = fileURLToPath(new URL('../src/capacity/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tickwire-capacity-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `npm run loadtest:capacity`'s entry; killed by its PID past the deadline. */
async function runCapacity(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', entry, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(deadline);
  return { code, stdout, stderr };
}

describe('npm run loadtest:capacity (one server process, the swarm through matchmaking)', () => {
  it('measures a step: the rooms matchmaking filled, the server over the hold, the swarm verdict', async () => {
    const out = join(dir, 'capacity.json');
    const run = await runCapacity([
      '--players',
      '12',
      '--capacity',
      '5',
      '--ramp',
      '2',
      '--hold',
      '10',
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { steps } = JSON.parse(readFileSync(out, 'utf8')) as { steps: StepResult[] };
    expect(steps).toHaveLength(1);
    const step = steps[0] as StepResult;
    expect(step).toMatchObject({ players: 12, rooms: 3, passed: true, failed: [] });
    // Three rooms ticked through the window, each on its own clock; both processes were measured.
    expect(step.ticksPerSec).toBeGreaterThan(30);
    expect(step.tickP99Ms).toBeGreaterThan(0);
    expect(step.serverCpuPercent).toBeGreaterThan(0);
    expect(step.generatorCpuPercent).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/^\| 12 \| 3 \| .* \| yes \|$/m);
  });

  it('refuses a bad option by name, before starting anything', async () => {
    const run = await runCapacity(['--players', '100,abc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--players: not a valid value: "abc"');
  });
});
