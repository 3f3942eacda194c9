import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runGenerator, type GeneratorConfig, type GeneratorReport } from './generator.js';

/**
 * The generators of a run: one in this process, or `count` child processes (each its share of
 * the players, on its own core), all reporting to `onReport`. Children start together: each says
 * it is ready (its modules loaded), and the run starts when all are.
 */

/** Parent to child. */
export type ToGenerator = { type: 'start'; config: GeneratorConfig } | { type: 'stop' };
/** Child to parent. */
export type FromGenerator = { type: 'ready' } | { type: 'report'; report: GeneratorReport };

export interface Generators {
  /** Resolves when every generator has sent its last report, or has died (said in `failures`). */
  done: Promise<{ failures: string[] }>;
  /** Ends the run early: players leave, final reports follow. */
  stop(): void;
}

export type GeneratorSettings = Omit<GeneratorConfig, 'index' | 'count'>;

const childEntry = fileURLToPath(new URL('./generator-process.ts', import.meta.url));
/** A child that has not loaded its modules this long after its start failed to start. */
const READY_TIMEOUT_MS = 30_000;

/** Starts the generators; resolves once they all run. */
export async function startGenerators(
  settings: GeneratorSettings,
  count: number,
  onReport: (report: GeneratorReport) => void,
): Promise<Generators> {
  if (count === 1) {
    const running = runGenerator({ ...settings, index: 0, count: 1 }, onReport);
    return { done: running.done.then(() => ({ failures: [] })), stop: running.stop };
  }
  const children: ChildProcess[] = [];
  const failures: string[] = [];
  const exits: Promise<void>[] = [];
  const readies: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    // The parent's Node flags (`--conditions=source --import tsx`) go to the child too.
    const child = fork(childEntry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    let isDone = false;
    readies.push(
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`generator ${index} did not start`)),
          READY_TIMEOUT_MS,
        );
        child.on('message', (message: FromGenerator) => {
          if (message.type === 'ready') {
            clearTimeout(timer);
            resolve();
          } else {
            if (message.report.isDone) isDone = true;
            onReport(message.report);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`generator ${index} exited with ${code} before it started`));
        });
      }),
    );
    exits.push(
      new Promise<void>((resolve) =>
        child.once('exit', (code, signal) => {
          if (!isDone)
            failures.push(`generator ${index} (pid ${child.pid}) died: ${signal ?? code}`);
          resolve();
        }),
      ),
    );
  }
  const tell = (child: ChildProcess, message: ToGenerator): void => {
    if (child.connected) child.send(message);
  };
  try {
    await Promise.all(readies);
  } catch (error) {
    for (const child of children) child.kill();
    await Promise.all(exits);
    throw error;
  }
  children.forEach((child, index) =>
    tell(child, { type: 'start', config: { ...settings, index, count } }),
  );
  return {
    done: Promise.all(exits).then(() => ({ failures })),
    stop: () => children.forEach((child) => tell(child, { type: 'stop' })),
  };
}
