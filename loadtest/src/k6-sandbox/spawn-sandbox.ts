import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SANDBOX_NODE_FLAGS } from './node-flags.js';

/**
 * Runs the k6 sandbox CLI in a child process, as a test or a script would run `k6 run`, and
 * collects its exit code, stdout (handleSummary's report) and stderr (the log).
 */

const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface SandboxProcessOptions {
  bundlePath: string;
  /** The script's __ENV (-e KEY=VALUE each). */
  env: Readonly<Record<string, string>>;
  /** More CLI flags (--legacy-k6). */
  flags?: readonly string[];
  /** Default the repository's root. */
  cwd?: string;
  /** The process is killed (SIGKILL, by its PID) after this long. Default 60 s. */
  timeoutMs?: number;
}

export interface SandboxProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcessResult> {
  const args = [
    ...SANDBOX_NODE_FLAGS,
    // The CLI and the workspace packages as TypeScript sources.
    '--conditions=source',
    '--import',
    'tsx',
    cliPath,
    'run',
    options.bundlePath,
    ...Object.entries(options.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...(options.flags ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }, options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}
