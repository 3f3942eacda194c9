import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MessageId,
  POSITION_SCALE,
  PROTOCOL_VERSION,
  Replica,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  type EntityRecord,
} from '@tickwire/protocol';
import { MemoryConnection } from '../transport/memory.js';
import { createTestRoom } from '../room/test-support.js';
import type { ArenaRoom } from '../room/arena-room.js';
import { toEntityRecord } from '../sim/entities.js';

const WORLD = { worldWidth: 900, worldHeight: 700, viewWidth: 400, viewHeight: 300 };

type Op =
  | { kind: 'join'; dropRate: number; ackDelay: number }
  | { kind: 'leave'; client: number }
  | { kind: 'reconnect'; client: number }
  | { kind: 'input'; client: number; moveDir: number }
  | { kind: 'teleport'; client: number; fx: number; fy: number }
  | { kind: 'stall'; client: number; ticks: number }
  /** A pellet goes and another appears near a client's player (inside, across or outside its view). */
  | { kind: 'pelletNear'; client: number; dx: number; dy: number }
  | { kind: 'ticks'; count: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('join' as const),
    dropRate: fc.constantFrom(0, 0.1, 0.5),
    ackDelay: fc.integer({ min: 0, max: 8 }),
  }),
  fc.record({ kind: fc.constant('leave' as const), client: fc.nat() }),
  fc.record({ kind: fc.constant('reconnect' as const), client: fc.nat() }),
  {
    arbitrary: fc.record({
      kind: fc.constant('input' as const),
      client: fc.nat(),
      moveDir: fc.integer({ min: -1, max: 255 }),
    }),
    weight: 4,
  },
  fc.record({
    kind: fc.constant('teleport' as const),
    client: fc.nat(),
    fx: fc.double({ min: 0, max: 1, noNaN: true }),
    fy: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('stall' as const),
    client: fc.nat(),
    ticks: fc.integer({ min: 1, max: 45 }),
  }),
  {
    // Offsets up to ~1.5 views (in wire units): inside the view, on its edge bands, or outside.
    arbitrary: fc.record({
      kind: fc.constant('pelletNear' as const),
      client: fc.nat(),
      dx: fc.integer({ min: -2400, max: 2400 }),
      dy: fc.integer({ min: -1800, max: 1800 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('ticks' as const),
      count: fc.integer({ min: 1, max: 8 }),
    }),
    weight: 4,
  },
);

/** A simulated client: drops snapshots at random, acknowledges late, may stall or reconnect. */
class SimClient {
  connection: MemoryConnection;
  replica: Replica | null = null;
  playerId = -1;
  seq = 0;
  moveDir = -1;
  stalledTicks = 0;
  applied = 0;
  /** Ticks applied, newest last: the ack sent is the one `ackDelay` ticks old. */
  readonly appliedTicks: number[] = [];

  constructor(
    readonly room: ArenaRoom,
    public dropRate: number,
    readonly ackDelay: number,
    readonly random: () => number,
  ) {
    this.connection = this.#connect();
  }

  #connect(): MemoryConnection {
    const connection = new MemoryConnection(this.room);
    connection.deliver(
      encodeHello({ protocolVersion: PROTOCOL_VERSION, name: 'sim', resumeToken: null }),
    );
    this.replica = null;
    this.appliedTicks.length = 0;
    this.expectedViews.clear();
    this.playerId = -1;
    this.seq = 0;
    return connection;
  }

  reconnect(): void {
    this.connection.hangUp();
    this.connection = this.#connect();
  }

  sendInput(): void {
    if (!this.replica) return;
    const ackTick = this.appliedTicks[this.appliedTicks.length - 1 - this.ackDelay] ?? 0;
    this.connection.deliver(
      encodeInput({ seq: ++this.seq, ackTick, moveDir: this.moveDir, aim: 0, buttons: 0 }),
    );
  }

  /** Server views of this client by tick, recorded right after each tick. */
  readonly expectedViews = new Map<number, Map<number, EntityRecord>>();

  /** Before a tick: a stalled client has a full send buffer, so the server must skip it. */
  beforeTick(): void {
    this.connection.buffered = this.stalledTicks > 0 ? 1 << 30 : 0;
  }

  /**
   * Reads what the server sent, right after tick `now`; checks every applied snapshot against the
   * server's view at its tick (computed now for this tick, recorded earlier for older ones).
   */
  read(now: number, viewNow: (playerId: number) => Map<number, EntityRecord>): number[] {
    const appliedNow: number[] = [];
    if (this.stalledTicks > 0) {
      this.stalledTicks--;
      return appliedNow;
    }
    for (const frame of this.connection.drain()) {
      const m = decodeServerMessage(frame);
      if (m.id === MessageId.Welcome) {
        this.playerId = m.message.playerId;
        this.replica = new Replica({
          worldWidth: m.message.worldWidth,
          worldHeight: m.message.worldHeight,
        });
      } else if (m.id === MessageId.Snapshot) {
        if (this.random() < this.dropRate) continue;
        if (!this.replica) throw new Error('snapshot before welcome');
        const view = this.replica.apply(m.message); // throws on a bad delta or checksum mismatch
        const expected =
          m.message.tick === now ? viewNow(this.playerId) : this.expectedViews.get(m.message.tick);
        expect(expected).toBeDefined();
        expect(new Map(view.entities)).toEqual(expected);
        this.appliedTicks.push(m.message.tick);
        appliedNow.push(m.message.tick);
        this.applied++;
      }
    }
    return appliedNow;
  }
}

/** What the server's world says this client should see now. */
function serverView(room: ArenaRoom, playerId: number): Map<number, EntityRecord> {
  const player = room.world.players.get(playerId);
  const view = new Map<number, EntityRecord>();
  if (!player) return view;
  const halfW = (WORLD.viewWidth * POSITION_SCALE) / 2;
  const halfH = (WORLD.viewHeight * POSITION_SCALE) / 2;
  // A brute-force scan of every entity: independent of the grid and of sync/.
  for (const e of [...room.world.players.values(), ...room.world.pellets.values()]) {
    if (Math.abs(e.x - player.x) <= halfW && Math.abs(e.y - player.y) <= halfH)
      view.set(e.id, toEntityRecord(e));
  }
  return view;
}

describe('delta snapshots against acknowledged baselines (property)', () => {
  it('after every applied snapshot, the replica equals the server view field for field', () => {
    let totalApplied = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.array(opArb, { minLength: 20, maxLength: 120 }),
        (seed, ops) => {
          const { room, clock } = createTestRoom({
            ...WORLD,
            pelletCount: 60,
            eatPellets: true,
            scoreEveryMs: 500,
            checksums: true,
            seed,
            slowConsumerMs: 600_000,
            maxMessagesPerSec: 1000,
            messageBurst: 1000,
          });
          let rngState = seed;
          const random = (): number => {
            rngState = (Math.imul(rngState, 1664525) + 1013904223) >>> 0;
            return rngState / 2 ** 32;
          };
          const clients: SimClient[] = [];
          let tick = 0;
          const pick = (i: number): SimClient | undefined =>
            clients[i % Math.max(1, clients.length)];
          const runTick = (): void => {
            for (const c of clients) {
              c.sendInput();
              c.beforeTick();
            }
            clock.spend(1000 / 30);
            room.tick(++tick);
            const viewNow = (playerId: number): Map<number, EntityRecord> =>
              serverView(room, playerId);
            for (const c of clients) {
              c.read(tick, viewNow);
              // Kept for a stalled client that reads this tick's frame later.
              if (c.playerId >= 0) c.expectedViews.set(tick, serverView(room, c.playerId));
              c.expectedViews.delete(tick - 100);
            }
          };
          for (const op of ops) {
            switch (op.kind) {
              case 'join':
                if (clients.length < 6)
                  clients.push(new SimClient(room, op.dropRate, op.ackDelay, random));
                break;
              case 'leave': {
                const c = pick(op.client);
                if (c) {
                  c.connection.hangUp();
                  clients.splice(clients.indexOf(c), 1);
                }
                break;
              }
              case 'reconnect':
                pick(op.client)?.reconnect();
                break;
              case 'input': {
                const c = pick(op.client);
                if (c) c.moveDir = op.moveDir;
                break;
              }
              case 'teleport': {
                const c = pick(op.client);
                const player = c ? room.world.players.get(c.playerId) : undefined;
                if (player)
                  room.world.teleport(
                    player,
                    op.fx * room.world.maxX,
                    op.fy * room.world.maxY,
                    tick + 1,
                  );
                break;
              }
              case 'stall': {
                const c = pick(op.client);
                if (c) c.stalledTicks = op.ticks;
                break;
              }
              case 'pelletNear': {
                const c = pick(op.client);
                const player = c ? room.world.players.get(c.playerId) : undefined;
                const gone = [...room.world.pellets.values()][op.dx & 31];
                if (!player || !gone) break;
                // Takes effect in the next tick, like anything the simulation does between ticks.
                room.world.removePellet(gone, tick + 1);
                room.world.spawnPellet(tick + 1, { x: player.x + op.dx, y: player.y + op.dy });
                break;
              }
              case 'ticks':
                for (let i = 0; i < op.count; i++) runTick();
                break;
            }
          }
          // Everyone reads again and nobody drops: every client must converge to the current tick.
          for (const c of clients) {
            c.stalledTicks = 0;
            c.dropRate = 0;
          }
          for (let i = 0; i < 50; i++) runTick();
          for (const c of clients) totalApplied += c.applied;
          // Every client still connected converged: its last applied view is the current tick's.
          for (const c of clients) expect(c.replica?.latest?.tick).toBe(tick);
        },
      ),
      { numRuns: 60 },
    );
    expect(totalApplied).toBeGreaterThan(1000);
  });
});
