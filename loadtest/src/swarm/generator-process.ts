import { runGenerator, type GeneratorConfig, type RunningGenerator } from './generator.js';
import type { FromGenerator, ToGenerator } from './generators.js';

/**
 * A child process of `--generators N`: it says it is ready, runs one generator when the parent
 * says start, sends its reports and problems over IPC and exits after the last report. It ends
 * its run when the parent says stop or goes away.
 */

const send = (message: FromGenerator, then?: () => void): void => {
  if (process.connected) process.send?.(message, undefined, {}, () => then?.());
  else then?.();
};

let running: RunningGenerator | null = null;

// Ctrl-C reaches the whole process group: the parent decides, and says stop.
process.on('SIGINT', () => undefined);
process.on('disconnect', () => {
  if (running === null) process.exit(0);
  running.stop();
  void running.done.then(() => process.exit(0));
});
process.on('message', (message: ToGenerator) => {
  if (message.type === 'stop') {
    running?.stop();
    return;
  }
  if (running !== null) return;
  const config: GeneratorConfig = message.config;
  running = runGenerator(config, {
    report: (report) =>
      send({ type: 'report', report }, report.isDone ? () => process.exit(0) : undefined),
    problem: (index, text) => send({ type: 'problem', index, message: text }),
  });
});
send({ type: 'ready' });
