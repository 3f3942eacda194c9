import { afterEach, describe, expect, it, vi } from 'vitest';
import { AcceptGuard, type Descriptors } from './accept-guard.js';

/** A process with `limit` descriptors, `used` of them taken by others (connections, files). */
class FakeDescriptors implements Descriptors {
  used: number;
  readonly #limit: number;
  readonly #mine = new Set<number>();
  #next = 1000;

  constructor(limit: number, used: number) {
    this.#limit = limit;
    this.used = used;
  }

  get reserved(): number {
    return this.#mine.size;
  }

  open(): number | null {
    if (this.free() === 0) return null;
    const fd = this.#next++;
    this.#mine.add(fd);
    return fd;
  }

  close(fd: number): void {
    this.#mine.delete(fd);
  }

  free(): number {
    return this.#limit - this.used - this.#mine.size;
  }
}

function guarded(descriptors: FakeDescriptors) {
  const events: string[] = [];
  const guard = new AcceptGuard({
    descriptors,
    listening: {
      pause: () => {
        descriptors.used--; // the listen socket
        events.push('pause');
      },
      resume: () => {
        descriptors.used++;
        events.push('resume');
        return Promise.resolve(true);
      },
    },
  });
  return { guard, events };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the accept guard', () => {
  it('keeps a reserve while there is room, and pauses accepting at the limit, releasing it', async () => {
    vi.useFakeTimers();
    const fds = new FakeDescriptors(100, 50);
    const { guard, events } = guarded(fds);
    guard.start();
    expect(fds.reserved).toBe(16);
    await vi.advanceTimersByTimeAsync(100);
    expect(guard.isAccepting).toBe(true);

    fds.used = 100 - 16; // a flood took every descriptor but the reserve's
    await vi.advanceTimersByTimeAsync(30);
    expect(events).toEqual(['pause']);
    expect(guard.isAccepting).toBe(false);
    expect(guard.pauses).toBe(1);
    expect(fds.reserved).toBe(0);
    expect(fds.free()).toBe(17); // the reserve and the listen socket
    guard.stop();
  });

  it('after a pause, listens again leaving the next accepts their descriptors (no pause forever)', async () => {
    vi.useFakeTimers();
    const fds = new FakeDescriptors(100, 50);
    const { guard, events } = guarded(fds);
    guard.start();
    fds.used = 100 - 16;
    await vi.advanceTimersByTimeAsync(30); // paused: 17 free
    fds.used += 8; // while paused, retried connections wait in the backlog: 9 left
    await vi.advanceTimersByTimeAsync(100); // the pause ends
    expect(events).toEqual(['pause', 'resume']);
    expect(guard.isAccepting).toBe(true);
    // Listening took one: 8 left, all for accepting; the reserve took none of them.
    expect(fds.reserved).toBe(0);
    expect(fds.free()).toBe(8);
    await vi.advanceTimersByTimeAsync(200);
    expect(events).toEqual(['pause', 'resume']);

    // Once the flood's sockets time out, the whole reserve comes back.
    fds.used = 30;
    await vi.advanceTimersByTimeAsync(1100);
    expect(fds.reserved).toBe(16);
    guard.stop();
  });

  it('backs off while the limit comes back right after each resume, and stops for good on stop()', async () => {
    vi.useFakeTimers();
    const fds = new FakeDescriptors(100, 50);
    const { guard, events } = guarded(fds);
    guard.start();
    fds.used = 100 - 16;
    await vi.advanceTimersByTimeAsync(30);
    for (let i = 0; i < 3; i++) {
      // A flood that reconnects takes what each resume frees.
      await vi.advanceTimersByTimeAsync(600);
      fds.used = 100 - fds.reserved;
      await vi.advanceTimersByTimeAsync(30);
    }
    expect(guard.pauses).toBe(4);
    guard.stop();
    await vi.advanceTimersByTimeAsync(2000);
    expect(events.filter((e) => e === 'resume').length).toBeLessThanOrEqual(3);
    expect(guard.isAccepting).toBe(false);
  });
});
