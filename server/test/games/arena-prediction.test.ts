import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MessageId,
  NO_DIRECTION,
  POSITION_SCALE,
  PLAYER_PROTOCOL_VERSION,
  Predictor,
  Replica,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  type EntityRecord,
  type Motion,
  type Reconciliation,
  type Welcome,
} from '@tickwire/protocol';
import { arena } from '../../../games/arena/server.js';
import { playerIn } from './arena-support.js';
import { applyMovement, type ArenaControls } from '../../../games/arena/shared.js';
import { MemoryConnection } from '../../src/transport/memory.js';
import { createTestRoom, gatewayOf } from '../../src/room/test-support.js';

// The client's predictor (protocol/src/sim/prediction.ts), with the arena's movement rule
// (games/arena/shared.ts) and the schema's constants, against the real room running the arena:
// inputs go in through the socket callbacks, snapshots come out as bytes and are applied to a
// Replica, exactly as a browser sees them. Small world, so players run into the walls (the
// clamp) often.

const WORLD = { worldWidth: 300, worldHeight: 200, viewWidth: 400, viewHeight: 300 };

interface PlannedInput {
  /** Tick the client tags the input with. */
  tick: number;
  moveDir: number;
  /** Ticks after its tag that it reaches the server (0 = on time). */
  lateBy: number;
}

function motionOf(record: EntityRecord): Motion {
  return {
    x: record.x as number,
    y: record.y as number,
    vx: record.vx as number,
    vy: record.vy as number,
  };
}

interface Run {
  /** The schema constant the rule ran with (wire units per tick). */
  playerSpeed: number;
  reconciliations: Reconciliation[];
  finalPredicted: { x: number; y: number };
  finalServer: { x: number; y: number };
}

function play(inputs: readonly PlannedInput[], ticks: number, snapshotLagTicks: number): Run {
  const { room } = createTestRoom(arena, { ...WORLD, pelletCount: 0, checksums: true });
  const connection = new MemoryConnection(gatewayOf(room));
  connection.deliver(
    encodeHello({ protocolVersion: PLAYER_PROTOCOL_VERSION, name: 'predictor', resumeToken: null }),
  );
  let welcome: Welcome | null = null;
  let replica: Replica | null = null;
  let predictor: Predictor<ArenaControls> | null = null;
  const inFlight: { arrivesAt: number; frame: Uint8Array }[] = [];
  const toClient: { arrivesAt: number; frame: Uint8Array }[] = [];
  const run: Run = {
    playerSpeed: room.schema.constants.playerSpeed as number,
    reconciliations: [],
    finalPredicted: { x: 0, y: 0 },
    finalServer: { x: 0, y: 0 },
  };
  let seq = 0;
  // A WebSocket is a TCP stream: nothing sent later arrives earlier.
  let lastArrival = 0;

  for (let tick = 1; tick <= ticks; tick++) {
    // The client acts at the start of `tick`'s interval: it sends what it tags with tick + 1.
    if (predictor?.hasState) {
      predictor.advanceTo(tick);
      for (const input of inputs.filter((i) => i.tick === tick + 1)) {
        seq++;
        const controls: ArenaControls = { moveDir: input.moveDir, aim: 0, buttons: 0 };
        predictor.addInput(seq, controls, input.tick);
        lastArrival = Math.max(lastArrival, input.tick + input.lateBy);
        inFlight.push({
          arrivesAt: lastArrival,
          frame: encodeInput(room.schema, { seq, ackTick: replica?.tick ?? 0, controls }),
        });
      }
    }
    // Frames that reach the server before this tick's step (in the order they were sent).
    for (const message of inFlight.filter((m) => m.arrivesAt <= tick)) {
      connection.deliver(message.frame);
    }
    inFlight.splice(0, inFlight.length, ...inFlight.filter((m) => m.arrivesAt > tick));

    room.tick(tick);

    for (const frame of connection.drain()) {
      toClient.push({ arrivesAt: tick + snapshotLagTicks, frame });
    }
    for (const { frame } of toClient.filter((m) => m.arrivesAt <= tick)) {
      const message = decodeServerMessage(frame, welcome?.schema ?? null);
      if (message.id === MessageId.Welcome) {
        welcome = message.message;
        const { schema } = welcome;
        replica = new Replica({
          schema,
          worldWidth: welcome.worldWidth,
          worldHeight: welcome.worldHeight,
        });
        // The rule and the constants a browser has: the shared module and the Welcome's schema.
        const playerSpeed = schema.constants.playerSpeed as number;
        predictor = new Predictor<ArenaControls>({
          applyInput: (m, controls) => applyMovement(m, controls, { playerSpeed }),
          maxX: welcome.worldWidth * POSITION_SCALE,
          maxY: welcome.worldHeight * POSITION_SCALE,
        });
      } else if (message.id === MessageId.Snapshot && replica && predictor && welcome) {
        const view = replica.apply(message.message);
        const self = view.entities.get(welcome.playerId);
        if (self?.kind !== 'player') throw new Error('own player not in view');
        const reconciliation = predictor.reconcile(
          view.tick,
          message.message.inputAck,
          motionOf(self),
        );
        if (reconciliation) run.reconciliations.push(reconciliation);
      }
    }
    toClient.splice(0, toClient.length, ...toClient.filter((m) => m.arrivesAt > tick));
  }
  if (!predictor || !welcome) throw new Error('never joined');
  // Let every input land and every snapshot arrive: nothing is in flight any more.
  const endTick = ticks + 10 + snapshotLagTicks;
  for (let tick = ticks + 1; tick <= endTick; tick++) {
    predictor.advanceTo(tick);
    for (const message of inFlight.filter((m) => m.arrivesAt <= tick))
      connection.deliver(message.frame);
    inFlight.splice(0, inFlight.length, ...inFlight.filter((m) => m.arrivesAt > tick));
    room.tick(tick);
    const frames = connection.drain();
    for (const frame of frames) {
      const message = decodeServerMessage(frame, welcome.schema);
      if (message.id !== MessageId.Snapshot || !replica) continue;
      const view = replica.apply(message.message);
      const self = view.entities.get(welcome.playerId);
      if (self?.kind === 'player') {
        predictor.reconcile(view.tick, message.message.inputAck, motionOf(self));
      }
    }
  }
  const player = playerIn(room, welcome.playerId);
  if (player?.kind !== 'player') throw new Error('player gone');
  const state = predictor.state;
  expect(state.tick).toBe(endTick);
  run.finalPredicted = { x: state.x, y: state.y };
  run.finalServer = { x: player.x, y: player.y };
  return run;
}

const moveDirArb = fc.oneof(fc.constant(NO_DIRECTION), fc.integer({ min: 0, max: 255 }));

/** Inputs at increasing ticks from 12 on (the client has joined and seen a snapshot by then). */
function inputsArb(lateBy: fc.Arbitrary<number>): fc.Arbitrary<PlannedInput[]> {
  return fc
    .array(fc.record({ gap: fc.integer({ min: 0, max: 6 }), moveDir: moveDirArb, lateBy }), {
      minLength: 1,
      maxLength: 40,
    })
    .map((steps) => {
      let tick = 12;
      return steps.map((s) => {
        tick += s.gap;
        return { tick, moveDir: s.moveDir, lateBy: s.lateBy };
      });
    });
}

describe('prediction against the real room', () => {
  it('replaying inputs reproduces the server position exactly when every input arrives on time', () => {
    fc.assert(
      fc.property(inputsArb(fc.constant(0)), fc.integer({ min: 1, max: 8 }), (inputs, lag) => {
        const run = play(inputs, 200, lag);
        // Every snapshot after the first: the tick was predicted, and predicted exactly.
        const measured = run.reconciliations.filter((r) => r.errorWire !== null);
        expect(measured.length).toBeGreaterThan(150);
        for (const r of measured) {
          expect(r.errorWire).toBe(0);
          expect([r.correctionX, r.correctionY]).toEqual([0, 0]);
        }
        expect(run.finalPredicted).toEqual(run.finalServer);
      }),
      { numRuns: 40 },
    );
  });

  it('a late input shows as an error and a correction, and the prediction converges on the server', () => {
    fc.assert(
      fc.property(inputsArb(fc.integer({ min: 0, max: 3 })), (inputs) => {
        const run = play(inputs, 200, 3);
        const errors = run.reconciliations.map((r) => r.errorWire ?? 0);
        // An input applied k ticks late moves the player k ticks at the wrong velocity: at most
        // twice the speed on each axis per tick.
        const maxLate = Math.max(...inputs.map((i) => i.lateBy));
        for (const e of errors) {
          expect(e).toBeLessThanOrEqual(2 * run.playerSpeed * Math.SQRT2 * maxLate);
        }
        if (maxLate === 0) for (const e of errors) expect(e).toBe(0);
        expect(run.finalPredicted).toEqual(run.finalServer);
      }),
      { numRuns: 40 },
    );
  });
});
