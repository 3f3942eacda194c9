import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloseCode,
  LEGACY_SUBPROTOCOLS,
  MessageId,
  NO_DIRECTION,
  PROTOCOL_VERSION,
  SERVED_SUBPROTOCOLS,
  SUBPROTOCOL,
  encodeHello,
  encodeInput,
  packFrame,
  unpackFrame,
} from '@tickwire/protocol';
import { startServer, type ServerProcess } from './support/server-process.js';
import { TestClient, sleep, waitFor } from './support/test-client.js';

// A small world: every player's 1600x1000 view covers it, so joiners always see each other.
let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({
    // A view over twice the world: every player sees every other wherever it spawns (a new
    // player spawns near someone, not necessarily near the one a test looks for).
    args: [
      '--world',
      '1200x800',
      '--view',
      '2500x1700',
      '--pellets',
      '20',
      '--checksums',
      '--handshake-timeout-ms',
      '1500',
      '--resume-grace-ms',
      '1500',
      '--static',
      '',
    ],
  });
});

afterAll(async () => {
  await server.stop();
});

describe('arena over real WebSockets', () => {
  it('answers /healthz', async () => {
    const health = async (): Promise<{ status: string; tick: number }> => {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      return (await res.json()) as { status: string; tick: number };
    };
    const first = await health();
    expect(first.status).toBe('ok');
    await sleep(200);
    // The tick advances on its own: about 6 ticks in 200 ms at 30 Hz.
    expect((await health()).tick - first.tick).toBeGreaterThanOrEqual(4);
  });

  it('welcomes, shows players to each other, moves them and removes them after the grace period', async () => {
    const a = new TestClient(server.wsUrl);
    const b = new TestClient(server.wsUrl);
    const welcomeA = await a.join('alice');
    const welcomeB = await b.join('bob');
    expect(welcomeA.protocolVersion).toBe(3);
    expect(a.ws.protocol).toBe('tickwire.v3');
    expect(welcomeA.tickHz).toBe(30);
    expect([welcomeA.worldWidth, welcomeA.worldHeight]).toEqual([1200, 800]);
    expect(welcomeA.playerId).not.toBe(welcomeB.playerId);

    await waitFor(() => b.positionOf(welcomeA.playerId) !== null, 'bob sees alice');
    await waitFor(() => a.positionOf(welcomeB.playerId) !== null, 'alice sees bob');
    expect(b.entity(welcomeA.playerId)).toMatchObject({ kind: 'player', name: 'alice', hp: 100 });

    // Alice moves down (+y) for half a second, then stops.
    const before = b.positionOf(welcomeA.playerId);
    a.input(64);
    await sleep(500);
    a.input(NO_DIRECTION);
    await sleep(200);
    const after = b.positionOf(welcomeA.playerId);
    expect(before && after).toBeTruthy();
    if (!before || !after) return;
    // 200 units/s for ~0.5 s is ~100 units = ~400 wire units, unless she hit the bottom edge.
    const maxY = 800 * 4;
    expect(after.y - before.y).toBeGreaterThanOrEqual(Math.min(250, maxY - before.y));
    expect(after.x).toBe(before.x);
    // Bob's replica agrees exactly with Alice's view of herself.
    expect(a.positionOf(welcomeA.playerId)).toEqual(after);

    await a.close();
    // Alice's player waits, standing still, for her to resume; then it goes.
    const leftAtMs = Date.now();
    await sleep(500);
    const waiting = b.positionOf(welcomeA.playerId);
    await sleep(300);
    expect(waiting).not.toBeNull();
    expect(b.positionOf(welcomeA.playerId)).toEqual(waiting);
    await waitFor(() => b.positionOf(welcomeA.playerId) === null, 'alice removed from bob');
    expect(Date.now() - leftAtMs).toBeGreaterThanOrEqual(1400);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await b.close();
  });

  it('gives a dropped player back to the client that resumes with its token', async () => {
    const a = new TestClient(server.wsUrl);
    const first = await a.join('dora');
    const witness = new TestClient(server.wsUrl);
    await witness.join('witness');
    a.input(0);
    await waitFor(() => (witness.positionOf(first.playerId)?.x ?? -1) > 0, 'dora seen moving');
    await a.terminate();
    await sleep(200);

    const again = new TestClient(server.wsUrl);
    const second = await again.join('dora', first.resumeToken);
    expect(second.playerId).toBe(first.playerId);
    expect(second.resumeToken).not.toBe(first.resumeToken);
    // The resumed client steers the same entity the witness has been watching all along.
    const before = witness.positionOf(first.playerId);
    again.input(64);
    await waitFor(
      () => (witness.positionOf(first.playerId)?.y ?? 0) > (before?.y ?? 0) + 40,
      'dora moving down again',
    );
    // A token resumes once: reusing it starts a new player.
    const third = new TestClient(server.wsUrl);
    expect((await third.join('dora', first.resumeToken)).playerId).not.toBe(first.playerId);
    expect([a.errors, again.errors, witness.errors, third.errors]).toEqual([[], [], [], []]);
    await Promise.all([again.close(), witness.close(), third.close()]);
  });

  it('still serves a version-2 client (tickwire.v2, 4-element Hello) beside version-3 ones: its Welcome says 2', async () => {
    expect(SERVED_SUBPROTOCOLS).toEqual(['tickwire.v4', 'tickwire.v3', 'tickwire.v2']);
    const old = new TestClient(server.wsUrl, ['tickwire.v2']);
    await old.opened();
    expect(old.ws.protocol).toBe('tickwire.v2');
    /** Sends version 2's Hello and waits for the Welcome and a snapshot. */
    const joinV2 = async (c: TestClient, resumeToken: string | null) => {
      c.sendRaw(encodeHello({ protocolVersion: 2, name: 'vee two', resumeToken }));
      await waitFor(() => {
        if (c.closeCode !== null) throw new Error(`closed with ${c.closeCode} ${c.closeReason}`);
        return c.welcome !== null && c.snapshots.length > 0;
      }, 'the version-2 client welcomed');
      return c.welcome as NonNullable<TestClient['welcome']>;
    };
    const welcomeOld = await joinV2(old, null);
    expect(welcomeOld.protocolVersion).toBe(2);
    expect(welcomeOld.schema.game).toBe('arena');
    // A version-3 client in the same room sees it move, as the version-2 client sees itself.
    const current = new TestClient(server.wsUrl);
    const welcomeCurrent = await current.join('vee three');
    expect(welcomeCurrent.protocolVersion).toBe(3);
    expect(welcomeCurrent.schema.fingerprint).toBe(welcomeOld.schema.fingerprint);
    await waitFor(() => current.positionOf(welcomeOld.playerId) !== null, 'v3 sees v2');
    await waitFor(() => old.positionOf(welcomeCurrent.playerId) !== null, 'v2 sees v3');
    const before = current.positionOf(welcomeOld.playerId);
    old.input(0);
    await waitFor(
      () => (current.positionOf(welcomeOld.playerId)?.x ?? 0) > (before?.x ?? 0) + 40,
      'the version-2 player moving right',
    );
    // It resumes with its token like any client, still in version 2.
    await old.terminate();
    const again = new TestClient(server.wsUrl, ['tickwire.v2']);
    await again.opened();
    const resumed = await joinV2(again, welcomeOld.resumeToken);
    expect(resumed.playerId).toBe(welcomeOld.playerId);
    expect(resumed.protocolVersion).toBe(2);
    // Offered both, the server picks version 3's subprotocol.
    const both = new TestClient(server.wsUrl, ['tickwire.v2', 'tickwire.v3']);
    await both.opened();
    expect(both.ws.protocol).toBe('tickwire.v3');
    expect([old.errors, current.errors, again.errors, both.errors]).toEqual([[], [], [], []]);
    await Promise.all([current.close(), again.close(), both.close()]);
  });

  it("carries the arena's schema in the Welcome, with a fingerprint of its bytes", async () => {
    const c = new TestClient(server.wsUrl);
    const welcome = await c.join('schema');
    const { schema } = welcome;
    expect(schema.game).toBe('arena');
    expect(schema.kinds.map((k) => [k.name, k.motion, k.lifetimeTicks])).toEqual([
      ['player', 'linear', 0],
      ['pellet', 'static', 0],
      ['projectile', 'linear', 36],
    ]);
    expect(schema.input.map((f) => [f.name, f.min, f.max, f.default])).toEqual([
      ['moveDir', -1, 255, -1],
      ['aim', 0, 255, 0],
      ['buttons', 0, 1, 0],
    ]);
    // 200 units/s at 30 Hz, in quarter units per tick; the player's radius of 20 units.
    expect(schema.constants).toMatchObject({ playerSpeed: 27, playerRadius: 80, maxHp: 100 });
    // Welcome = [64, ..., fingerprint, schema]: the fingerprint is FNV-1a over the schema's
    // bytes as they are in the frame, which a client in any language can check.
    const bytes = c.welcomeBytes;
    if (!bytes) throw new Error('no Welcome bytes');
    const fields = unpackFrame(bytes) as unknown[];
    const headBytes = fields
      .slice(0, 12)
      .reduce<number>((n, value) => n + packFrame([value]).length - 1, 1);
    let h = 0x811c9dc5;
    for (const b of bytes.subarray(headBytes)) h = Math.imul(h ^ b, 0x01000193);
    expect(fields[11]).toBe(h >>> 0);
    expect(schema.fingerprint).toBe(h >>> 0);
    expect(c.errors).toEqual([]);
    await c.close();
  });

  it('acknowledged snapshots become deltas, and checksums verify on every one', async () => {
    const c = new TestClient(server.wsUrl);
    await c.join('delta');
    for (let i = 0; i < 10; i++) {
      c.input(i % 2 === 0 ? 0 : 128);
      await sleep(50);
    }
    const deltas = c.snapshots.filter((s) => s.baselineTick !== 0);
    expect(deltas.length).toBeGreaterThan(5);
    expect(c.snapshots.every((s) => s.checksum !== null)).toBe(true);
    expect(c.errors).toEqual([]);
    await c.close();
  });
});

describe('hostile clients are closed with their code, and nobody else notices', () => {
  let witness: TestClient;

  beforeAll(async () => {
    witness = new TestClient(server.wsUrl);
    await witness.join('witness');
  });

  afterAll(async () => {
    expect(witness.errors).toEqual([]);
    await witness.close();
  });

  async function expectClosedWith(client: TestClient, code: number): Promise<void> {
    const before = witness.snapshots.length;
    await client.closed();
    expect(client.closeCode).toBe(code);
    // The witness keeps receiving snapshots at the tick rate: the server kept ticking.
    await sleep(300);
    expect(witness.snapshots.length - before).toBeGreaterThanOrEqual(5);
    expect(witness.closeCode).toBeNull();
  }

  it('malformed msgpack -> 4000 with a Kick naming the problem', async () => {
    const c = new TestClient(server.wsUrl);
    await c.opened();
    c.sendRaw(new Uint8Array([0x93, 0x01]));
    await expectClosedWith(c, CloseCode.MalformedFrame);
    expect(c.kick?.closeCode).toBe(CloseCode.MalformedFrame);
    expect(c.kick?.reason).toMatch(/msgpack/);
  });

  it.each([
    ['moveDir', { moveDir: 999, aim: 0, buttons: 0 }],
    ['aim', { moveDir: 0, aim: 256, buttons: 0 }],
    ['buttons', { moveDir: 0, aim: 0, buttons: 6 }],
  ])('an Input with %s outside the schema range -> 4000 naming it', async (field, controls) => {
    const c = new TestClient(server.wsUrl);
    const welcome = await c.join('ranger');
    c.sendRaw(encodeInput(welcome.schema, { seq: 1, ackTick: 0, controls }));
    await expectClosedWith(c, CloseCode.MalformedFrame);
    expect(c.kick?.reason).toMatch(new RegExp(`Input\\.${field}`));
    expect(c.closeReason).toMatch(new RegExp(`Input\\.${field}`));
  });

  it('unknown message id -> 4001', async () => {
    const c = new TestClient(server.wsUrl);
    await c.opened();
    c.sendRaw(packFrame([42, 1, 2]));
    await expectClosedWith(c, CloseCode.UnknownMessage);
  });

  it('a text frame -> 4000', async () => {
    const c = new TestClient(server.wsUrl);
    await c.opened();
    c.sendRaw('hello');
    await expectClosedWith(c, CloseCode.MalformedFrame);
  });

  it('an unsupported protocol version -> 4002 naming the supported ones', async () => {
    const c = new TestClient(server.wsUrl);
    await c.opened();
    c.sendRaw(encodeHello({ protocolVersion: 7, name: 'future', resumeToken: null }));
    await expectClosedWith(c, CloseCode.UnsupportedVersion);
    expect(c.closeReason).toMatch(/speaks 2, 3, 4$/);
  });

  it('a v1 client (subprotocol tickwire.v1, Hello version 1) -> 4002 naming versions 2 and 3', async () => {
    expect(LEGACY_SUBPROTOCOLS).toContain('tickwire.v1');
    const c = new TestClient(server.wsUrl, ['tickwire.v1']);
    await c.opened();
    // The upgrade completed with the old subprotocol, so the client learns why it must go.
    expect(c.ws.protocol).toBe('tickwire.v1');
    c.sendRaw(encodeHello({ protocolVersion: 1, name: 'old', resumeToken: null }));
    await expectClosedWith(c, CloseCode.UnsupportedVersion);
    expect(c.kick).toEqual({ closeCode: CloseCode.UnsupportedVersion, reason: c.closeReason });
    expect(c.closeReason).toBe('protocol version 1 is not supported; this server speaks 2, 3, 4');
    expect(c.welcome).toBeNull();
  });

  it('Input before Hello -> 4003; a second Hello -> 4003', async () => {
    const early = new TestClient(server.wsUrl);
    await early.opened();
    early.sendRaw(packFrame([MessageId.Input, 1, 0, 0, 0, 0]));
    await expectClosedWith(early, CloseCode.HandshakeViolation);
    const twice = new TestClient(server.wsUrl);
    await twice.join('twice');
    twice.sendRaw(
      encodeHello({ protocolVersion: PROTOCOL_VERSION, name: 'again', resumeToken: null }),
    );
    await expectClosedWith(twice, CloseCode.HandshakeViolation);
  });

  it('no Hello in time -> 4004', async () => {
    const c = new TestClient(server.wsUrl);
    await c.opened();
    await expectClosedWith(c, CloseCode.HandshakeTimeout);
  });

  it('flooding -> 4005', async () => {
    const c = new TestClient(server.wsUrl);
    await c.join('flood');
    for (let seq = 1; seq <= 400; seq++) c.input(0);
    await expectClosedWith(c, CloseCode.RateLimited);
  });

  it.each([[[]], [['chat', 'tickwire.v5']], [['tickwire.v5']]])(
    'no known subprotocol (offered: %j) -> 4009 naming tickwire.v4',
    async (offered) => {
      const c = new TestClient(server.wsUrl, offered);
      await expectClosedWith(c, CloseCode.SubprotocolRequired);
      expect(SUBPROTOCOL).toBe('tickwire.v4');
      expect(c.closeReason).toBe(
        'offer the WebSocket subprotocol tickwire.v4 (or tickwire.v3, tickwire.v2)',
      );
      // No Kick: the transport closes it before there is a session.
      expect(c.kick).toBeNull();
    },
  );

  it('a frame over the 1 KiB frame limit -> 4010', async () => {
    const c = new TestClient(server.wsUrl);
    await c.opened();
    c.sendRaw(new Uint8Array(2000));
    await expectClosedWith(c, CloseCode.FrameTooLarge);
  });

  it("a frame over uWS's 4 KiB payload limit is cut off by uWS (1006, no close frame)", async () => {
    const c = new TestClient(server.wsUrl);
    await c.opened();
    c.sendRaw(new Uint8Array(10_000));
    await expectClosedWith(c, 1006);
  });

  it('the witness saw every snapshot decode and verify', () => {
    expect(witness.snapshots.length).toBeGreaterThan(30);
    expect(MessageId.Snapshot).toBe(65);
  });
});
