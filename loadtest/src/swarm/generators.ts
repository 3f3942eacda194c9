import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  runGenerator,
  type GeneratorConfig,
  type GeneratorOutput,
  type GeneratorReport,
} from './generator.js';

/**
 * The generators of a run: one in this process, or `count` child processes (each its share of
 * the players, on its own core), all reporting to one GeneratorOutput. Children start together:
 * each says it is ready (its modules loaded), and the run starts when all are, from one moment
 * they all count from (GeneratorConfig.startEpochMs).
 */

/** Parent to child. */
export type ToGenerator = { type: 'start'; config: GeneratorConfig } | { type: 'stop' };
/** Child to parent. */
export type FromGenerator =
  | { type: 'ready' }
  | { type: 'report'; report: GeneratorReport }
  | { type: 'problem'; index: number; message: string };

export interface Generators {
  /** When the run started, on this process's performance.now() clock. */
  startMs: number;
  /** Resolves when every generator has sent its last report, or has died (said in `failures`). */
  done: Promise<{ failures: string[] }>;
  /** Ends the run early: players leave, final reports follow. */
  stop(): void;
}

export type GeneratorSettings = Omit<GeneratorConfig, 'index' | 'count' | 'startEpochMs'>;

/** What the parent needs of a child process (a ChildProcess; a stand-in in tests). */
export interface GeneratorChild {
  readonly pid?: number | undefined;
  readonly connected: boolean;
  on(event: 'message', listener: (message: FromGenerator) => void): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
  once(
    event: 'close',
    listener: (code: number | null, signal: NodeJS.Signals | null) => void,
  ): unknown;
  send(message: ToGenerator): boolean;
  kill(): boolean;
}

const childEntry = fileURLToPath(new URL('./generator-process.ts', import.meta.url));
/** A child that has not loaded its modules this long after its start failed to start. */
const READY_TIMEOUT_MS = 30_000;

/** A child generator as the parent follows it. */
export interface SupervisedChild {
  /** Resolves at its ready message; rejects when it fails to start. */
  ready: Promise<void>;
  /** Resolves at its final report (null), or with why it died without one. */
  done: Promise<string | null>;
}

/**
 * Follows child `index`: its messages go to `output`. It is done at its final report (`isDone`),
 * NOT at its 'exit': Node does not promise that a child's last IPC messages arrive before its
 * 'exit' event, so the final report could be lost and the child taken for dead. A child that
 * dies without one is done at 'close' (exited, and its IPC channel drained and closed); one that
 * cuts the channel without one can report no more, and is ended.
 */
export function superviseChild(
  child: GeneratorChild,
  index: number,
  output: GeneratorOutput,
): SupervisedChild {
  let isReady = false;
  let isDone = false;
  let onReady: { resolve: () => void; reject: (error: Error) => void } | null = null;
  let onDone: (failure: string | null) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = { resolve, reject };
  });
  // A caller that has stopped waiting for it must not see an unhandled rejection.
  ready.catch(() => undefined);
  const done = new Promise<string | null>((resolve) => {
    onDone = resolve;
  });
  const timer = setTimeout(
    () => onReady?.reject(new Error(`generator ${index} did not start`)),
    READY_TIMEOUT_MS,
  );
  child.on('message', (message) => {
    switch (message.type) {
      case 'ready':
        isReady = true;
        clearTimeout(timer);
        onReady?.resolve();
        return;
      case 'problem':
        output.problem(message.index, message.message);
        return;
      case 'report':
        if (isDone) return;
        output.report(message.report);
        if (message.report.isDone) {
          isDone = true;
          onDone(null);
        }
        return;
    }
  });
  child.once('disconnect', () => {
    if (!isDone) child.kill();
  });
  child.once('close', (code, signal) => {
    clearTimeout(timer);
    if (!isReady)
      onReady?.reject(new Error(`generator ${index} exited with ${code} before it started`));
    if (!isDone) onDone(`generator ${index} (pid ${child.pid}) died: ${signal ?? code}`);
    isDone = true;
  });
  return { ready, done };
}

/** Starts the generators; resolves once they all run. */
export async function startGenerators(
  settings: GeneratorSettings,
  count: number,
  output: GeneratorOutput,
): Promise<Generators> {
  if (count === 1) {
    const startMs = performance.now();
    const config = {
      ...settings,
      index: 0,
      count: 1,
      startEpochMs: performance.timeOrigin + startMs,
    };
    const running = runGenerator(config, output);
    return { startMs, done: running.done.then(() => ({ failures: [] })), stop: running.stop };
  }
  const children: GeneratorChild[] = [];
  const supervised: SupervisedChild[] = [];
  for (let index = 0; index < count; index++) {
    // The parent's Node flags (`--conditions=source --import tsx`) go to the child too.
    const child = fork(childEntry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    supervised.push(superviseChild(child, index, output));
  }
  const tell = (child: GeneratorChild, message: ToGenerator): void => {
    if (child.connected) child.send(message);
  };
  const allDone = Promise.all(supervised.map((s) => s.done)).then((outcomes) => ({
    failures: outcomes.filter((f): f is string => f !== null),
  }));
  try {
    await Promise.all(supervised.map((s) => s.ready));
  } catch (error) {
    for (const child of children) child.kill();
    await allDone;
    throw error;
  }
  const startMs = performance.now();
  const startEpochMs = performance.timeOrigin + startMs;
  children.forEach((child, index) =>
    tell(child, { type: 'start', config: { ...settings, index, count, startEpochMs } }),
  );
  return {
    startMs,
    done: allDone,
    stop: () => children.forEach((child) => tell(child, { type: 'stop' })),
  };
}
