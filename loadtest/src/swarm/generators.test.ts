import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { GeneratorReport } from './generator.js';
import {
  superviseChild,
  type FromGenerator,
  type GeneratorChild,
  type ToGenerator,
} from './generators.js';

/** A child process as the parent sees it, its events raised by the test. */
class FakeChild extends EventEmitter implements GeneratorChild {
  readonly pid = 4242;
  connected = true;
  kills = 0;
  send(_message: ToGenerator): boolean {
    return true;
  }
  kill(): boolean {
    this.kills++;
    return true;
  }
  say(message: FromGenerator): void {
    this.emit('message', message);
  }
}

function report(isDone: boolean): GeneratorReport {
  return {
    index: 1,
    metrics: { tickwire_snapshots: { type: 'counter', count: 3 } },
    playing: 0,
    joining: 0,
    target: 0,
    cpuMicros: 0,
    wallMs: 1000,
    isDone,
  };
}

function supervised() {
  const child = new FakeChild();
  const reports: GeneratorReport[] = [];
  const problems: string[] = [];
  const { ready, done } = superviseChild(child, 1, {
    report: (r) => reports.push(r),
    problem: (index, message) => problems.push(`${index}: ${message}`),
  });
  return { child, reports, problems, ready, done };
}

describe('a child generator, as the parent follows it', () => {
  it('is done at its final report, even when that arrives after its exit', async () => {
    const { child, reports, problems, ready, done } = supervised();
    child.say({ type: 'ready' });
    await ready;
    child.say({ type: 'problem', index: 1, message: 'no seat yet' });
    child.say({ type: 'report', report: report(false) });
    // Node may raise 'exit' before the last IPC message is read.
    child.emit('exit', 0, null);
    child.say({ type: 'report', report: report(true) });
    child.connected = false;
    child.emit('disconnect');
    child.emit('close', 0, null);
    expect(await done).toBeNull();
    expect(reports.map((r) => r.isDone)).toEqual([false, true]);
    expect(problems).toEqual(['1: no seat yet']);
    expect(child.kills).toBe(0);
  });

  it('has died when it closes without a final report; one that cuts the channel is ended', async () => {
    const { child, reports, ready, done } = supervised();
    child.say({ type: 'ready' });
    await ready;
    child.say({ type: 'report', report: report(false) });
    child.connected = false;
    child.emit('disconnect');
    expect(child.kills).toBe(1);
    child.emit('close', null, 'SIGTERM');
    expect(await done).toBe('generator 1 (pid 4242) died: SIGTERM');
    expect(reports).toHaveLength(1);
  });

  it('fails to start when it closes before it is ready', async () => {
    const { child, ready, done } = supervised();
    child.emit('close', 1, null);
    await expect(ready).rejects.toThrow('generator 1 exited with 1 before it started');
    expect(await done).toMatch(/died: 1/);
  });
});
