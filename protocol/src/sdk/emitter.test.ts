import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter.js';

interface Events {
  tick: (tick: number, label: string) => void;
  done: () => void;
}

describe('Emitter', () => {
  it('calls every listener of an event with its arguments, in order, until removed', () => {
    const emitter = new Emitter<Events>();
    const calls: string[] = [];
    const off = emitter.on('tick', (tick, label) => calls.push(`a ${tick} ${label}`));
    emitter.on('tick', (tick) => calls.push(`b ${tick}`));
    emitter.on('done', () => calls.push('done'));
    emitter.emit('tick', 1, 'x');
    off();
    off();
    emitter.emit('tick', 2, 'y');
    emitter.emit('done');
    expect(calls).toEqual(['a 1 x', 'b 1', 'b 2', 'done']);
  });

  it('calls a listener added twice twice, and removes one registration per remover', () => {
    const emitter = new Emitter<Events>();
    let count = 0;
    const listener = (): void => void count++;
    const off = emitter.on('done', listener);
    emitter.on('done', listener);
    emitter.emit('done');
    off();
    emitter.emit('done');
    expect(count).toBe(3);
  });

  it('reports a throwing listener and still calls the others', () => {
    const reported: unknown[] = [];
    const emitter = new Emitter<Events>((error) => reported.push(error));
    const calls: number[] = [];
    const boom = new Error('listener bug');
    emitter.on('tick', () => {
      throw boom;
    });
    emitter.on('tick', (tick) => calls.push(tick));
    expect(() => emitter.emit('tick', 5, '')).not.toThrow();
    expect(calls).toEqual([5]);
    expect(reported).toEqual([boom]);
  });

  it('lets a listener remove itself while the event is being emitted', () => {
    const emitter = new Emitter<Events>();
    const calls: string[] = [];
    const off = emitter.on('done', () => {
      calls.push('once');
      off();
    });
    emitter.on('done', () => calls.push('always'));
    emitter.emit('done');
    emitter.emit('done');
    expect(calls).toEqual(['once', 'always', 'always']);
  });
});
