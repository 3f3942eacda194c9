import { describe, expect, it } from 'vitest';
import { MessageId, encodePing, encodePong } from '@tickwire/protocol';
import { FakeWebSocket, ManualScheduler } from '../../../protocol/src/testing/fake-socket.js';
import { linkConditionsFromSearch, simulatedWebSocket } from './simulated-network.js';

describe('linkConditionsFromSearch', () => {
  it('reads latency, jitter and loss, each optional', () => {
    expect(linkConditionsFromSearch('')).toEqual({ ok: true, conditions: null });
    expect(linkConditionsFromSearch('?latency=150&jitter=30')).toEqual({
      ok: true,
      conditions: { latencyMs: 150, jitterMs: 30, lossPercent: 0 },
    });
    expect(linkConditionsFromSearch('?loss=2.5')).toMatchObject({
      conditions: { latencyMs: 0, lossPercent: 2.5 },
    });
  });

  it('explains a bad value', () => {
    const result = linkConditionsFromSearch('?latency=fast');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/latencyMs/);
    expect(linkConditionsFromSearch('?loss=150').ok).toBe(false);
  });
});

describe('simulatedWebSocket', () => {
  it('delays open, frames both ways and close by the latency', () => {
    FakeWebSocket.instances = [];
    const scheduler = new ManualScheduler();
    const Simulated = simulatedWebSocket(
      FakeWebSocket,
      { latencyMs: 100, jitterMs: 0, lossPercent: 0 },
      scheduler,
      () => scheduler.nowMs,
    );
    const socket = new Simulated('ws://x/ws', 'tickwire.v1');
    const real = FakeWebSocket.instances[0] as FakeWebSocket;
    const seen: string[] = [];
    socket.onopen = () => seen.push(`open@${scheduler.nowMs}`);
    socket.onmessage = (e) =>
      seen.push(`message ${(e.data as ArrayBuffer).byteLength}B@${scheduler.nowMs}`);
    socket.onclose = (e) => seen.push(`close ${e.code}@${scheduler.nowMs}`);

    real.serverAccepts();
    expect(socket.readyState).toBe(0);
    scheduler.advance(100);
    expect(socket.readyState).toBe(1);

    socket.send(encodePing({ clientTimeMs: 5 }));
    expect(real.sent).toEqual([]);
    scheduler.advance(100);
    expect(real.sent.map((m) => m.id)).toEqual([MessageId.Ping]);

    const pong = encodePong({ clientTimeMs: 5, serverTimeMs: 9, serverTick: 1 });
    real.serverSends(pong);
    real.serverCloses(1006);
    scheduler.advance(100);
    expect(seen).toEqual(['open@100', `message ${pong.byteLength}B@300`, 'close 1006@300']);
    expect(socket.readyState).toBe(3);
  });
});
