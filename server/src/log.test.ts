import { CloseCode } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { createLogger, MAX_LINES_PER_KIND_PER_SECOND } from './log.js';
import { ManualClock } from './loop/clock.js';
import { Kicker } from './room/kicker.js';
import { Session } from './room/session.js';
import { MemoryConnection } from './transport/memory.js';
import type { ConnectionHandler } from './transport/types.js';

const ignore: ConnectionHandler = { onOpen: () => {}, onMessage: () => {}, onClose: () => {} };

function capture(level: 'debug' | 'info' = 'debug'): {
  log: ReturnType<typeof createLogger>;
  lines: Record<string, unknown>[];
  clock: ManualClock;
} {
  const clock = new ManualClock(0);
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(level, (line) => lines.push(JSON.parse(line)), {
    clock,
    schedule: clock.schedule,
  });
  return { log, lines, clock };
}

describe('log lines', () => {
  it('are one JSON object each: level by name, ISO time, the message before the fields', () => {
    const raw: string[] = [];
    const log = createLogger('info', (line) => raw.push(line));
    log.info('listening', { port: 8080, url: 'http://localhost:8080' });
    log.debug('not at info level');
    expect(raw).toHaveLength(1);
    // server/src/process/spawn-server.ts and operators' greps read lines this way.
    expect(raw[0]).toMatch(
      /^\{"level":"info","time":"\d{4}-\d\d-\d\dT[\d:.]+Z","msg":"listening","port":8080,"url":"http:\/\/localhost:8080"\}$/,
    );
  });
});

describe('a flood of identical log events', () => {
  it('10,000 kicks with one close code come out as a handful of lines and one summary; all are counted', () => {
    const { log, lines, clock } = capture('info');
    const kicker = new Kicker(log);
    for (let i = 0; i < 10_000; i++) {
      const session = new Session(new MemoryConnection(ignore), 0, 30, 30);
      kicker.kick(session, CloseCode.MalformedFrame, `frame ${i}: not msgpack`);
    }
    expect(kicker.countsByCode[CloseCode.MalformedFrame]).toBe(10_000);
    expect(lines).toHaveLength(MAX_LINES_PER_KIND_PER_SECOND);
    clock.advance(1000);
    expect(lines.length).toBeLessThanOrEqual(MAX_LINES_PER_KIND_PER_SECOND + 1);
    const summary = lines.at(-1);
    expect(summary).toMatchObject({
      level: 'info',
      msg: 'suppressed 9,990 similar lines in the last 1 s',
      suppressed: 9_990,
      similarTo: 'closing connection',
      code: CloseCode.MalformedFrame,
    });
  });

  it('counts kinds apart by level, message and close code; other lines pass', () => {
    const { log, lines, clock } = capture('debug');
    for (let i = 0; i < 100; i++) {
      log.info('closing connection', { connection: i, code: 4000 });
      log.info('closing connection', { connection: i, code: 4013 });
      log.debug('closing connection', { connection: i, code: 4000 });
    }
    log.warn('something else');
    clock.advance(1000);
    const summaries = lines.filter((l) => typeof l.suppressed === 'number');
    expect(summaries.map((s) => [s.level, s.code, s.suppressed])).toEqual([
      ['info', 4000, 90],
      ['info', 4013, 90],
      ['debug', 4000, 90],
    ]);
    expect(lines).toHaveLength(3 * MAX_LINES_PER_KIND_PER_SECOND + 1 + 3);
    expect(lines.some((l) => l.msg === 'something else')).toBe(true);
  });

  it('lets a steady trickle through untouched, and does not count lines below the level', () => {
    const { log, lines, clock } = capture('info');
    for (let second = 0; second < 5; second++) {
      for (let i = 0; i < MAX_LINES_PER_KIND_PER_SECOND; i++) log.info('player joined');
      for (let i = 0; i < 1000; i++) log.debug('player joined');
      clock.advance(1000);
    }
    expect(lines).toHaveLength(5 * MAX_LINES_PER_KIND_PER_SECOND);
    expect(lines.every((l) => l.msg === 'player joined')).toBe(true);
  });

  it('flush writes the pending summary at once (before an exit)', () => {
    const { log, lines } = capture('info');
    for (let i = 0; i < MAX_LINES_PER_KIND_PER_SECOND + 5; i++) log.error('tick failed');
    log.flush();
    expect(lines.at(-1)).toMatchObject({ level: 'error', suppressed: 5, similarTo: 'tick failed' });
  });
});
