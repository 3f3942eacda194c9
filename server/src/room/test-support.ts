// Test support (not shipped: only tests import it): rooms and games on a manual clock, and the
// in-memory client side of the protocol.
import {
  MessageId,
  PLAYER_PROTOCOL_VERSION,
  Replica,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  type CompiledSchema,
  type Controls,
  type EntityRecord,
  type GameSpec,
  type ServerMessage,
  type Snapshot,
  type Welcome,
} from '@tickwire/protocol';
import { DEFAULT_CONFIG, type ServerConfig } from '../config.js';
import type { Game } from '../game/game.js';
import { createGameInstance, type GameInstance } from '../game/game-instance.js';
import { ManualClock } from '../loop/clock.js';
import { createLogger } from '../log.js';
import { MemoryConnection } from '../transport/memory.js';
import type { Connection, ConnectionHandler } from '../transport/types.js';
import { Room } from './room.js';
import type { TickTimingSink } from './tick-timings.js';
import { Gateway } from '../rooms/gateway.js';

/** The gateway in front of each test room: what TestPeer connects through when given a room. */
const gateways = new WeakMap<object, Gateway>();

/** A room's test gateway: direct joins to it, no seats, handshake timeouts on the room's clock. */
export function gatewayOf(room: object): Gateway {
  const gateway = gateways.get(room);
  if (!gateway) throw new Error('not a test room: create it with createTestRoom');
  return gateway;
}

/** The server configuration tests start from: the defaults, serving no files. */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { ...DEFAULT_CONFIG, staticDir: '', ...overrides };
}

/** A Room running `game` on a manual clock with no loop running: tests call room.tick themselves. */
export function createTestRoom<G extends GameSpec>(
  game: Game<G>,
  overrides: Partial<ServerConfig> = {},
  tickTimings?: TickTimingSink,
): { room: Room<G>; clock: ManualClock; logs: string[]; gateway: Gateway } {
  const clock = new ManualClock(0);
  const logs: string[] = [];
  const config = testConfig(overrides);
  const log = createLogger('debug', (line) => logs.push(line));
  const room = new Room<G>({ config, game, clock, schedule: clock.schedule, log, tickTimings });
  const gateway = new Gateway({
    config,
    clock,
    schedule: clock.schedule,
    log,
    rooms: {
      defaultRoom: room as unknown as Room,
      byResumeToken: (token) => (room.holdsResumeToken(token) ? (room as unknown as Room) : null),
      forSeat: () => null,
      seatClaimed: () => {},
    },
    seats: null,
    pongSource: room,
  });
  gateway.start();
  gateways.set(room, gateway);
  return { room, clock, logs, gateway };
}

/** A game's world, logic and sync state without a room (no sessions, no sockets). */
export function createTestGame<G extends GameSpec>(
  game: Game<G>,
  overrides: Partial<ServerConfig> = {},
): GameInstance<G> & { problems: string[] } {
  const problems: string[] = [];
  const instance = createGameInstance(game, testConfig(overrides), (_field, problem) => {
    problems.push(problem);
  });
  return Object.assign(instance, { problems });
}

/**
 * The client side of one in-memory connection: decodes what the server sent with the schema of
 * its Welcome, and sends Hello and Inputs encoded with it.
 */
export class TestPeer {
  readonly connection: MemoryConnection;
  welcome: Welcome | null = null;
  #seq = 0;

  /**
   * `to`: a test room (reached through its gateway) or any handler. `remoteAddress`: where the
   * server sees this client connect from (default: 'memory').
   */
  constructor(
    to: ConnectionHandler | Pick<Room, 'holdsResumeToken'>,
    remoteAddress: string | null = null,
  ) {
    const handler = 'onOpen' in to ? to : gatewayOf(to);
    this.connection = new MemoryConnection(
      remoteAddress === null ? handler : fromAddress(handler, remoteAddress),
    );
  }

  get schema(): CompiledSchema {
    if (!this.welcome) throw new Error('no Welcome yet');
    return this.welcome.schema;
  }

  get playerId(): number {
    if (!this.welcome) throw new Error('no Welcome yet');
    return this.welcome.playerId;
  }

  hello(
    name = 'p',
    resumeToken: string | null = null,
    protocolVersion = PLAYER_PROTOCOL_VERSION,
  ): void {
    this.connection.deliver(encodeHello({ protocolVersion, name, resumeToken }));
  }

  /** Sends an Input with the next seq; controls not given are at their schema default. */
  input(controls: Controls, ackTick = 0): void {
    this.connection.deliver(encodeInput(this.schema, { seq: ++this.#seq, ackTick, controls }));
  }

  /** Every frame sent since the last call, decoded (a Welcome sets the schema for what follows). */
  messages(): ServerMessage[] {
    return this.connection.drain().map((frame) => {
      const m = decodeServerMessage(frame, this.welcome?.schema ?? null);
      if (m.id === MessageId.Welcome) this.welcome = m.message;
      return m;
    });
  }

  snapshots(): Snapshot[] {
    return snapshotsOf(this.messages());
  }
}

/**
 * A TestPeer that applies every snapshot to a Replica (which throws on a bad delta or a
 * checksum mismatch) and keeps them, as a real client does.
 */
export class ReplicaPeer extends TestPeer {
  replica: Replica | null = null;
  readonly applied: Snapshot[] = [];

  /** Applies what the server sent; returns the snapshots applied. */
  read(): Snapshot[] {
    const applied: Snapshot[] = [];
    for (const m of this.messages()) {
      if (m.id === MessageId.Welcome) {
        const { schema, worldWidth, worldHeight } = m.message;
        this.replica = new Replica({ schema, worldWidth, worldHeight });
      } else if (m.id === MessageId.Snapshot) {
        if (!this.replica) throw new Error('a Snapshot before the Welcome');
        this.replica.apply(m.message);
        applied.push(m.message);
      }
    }
    this.applied.push(...applied);
    return applied;
  }

  /** An entity in the latest applied view, or undefined when it is not in view. */
  entity(id: number): EntityRecord | undefined {
    return this.replica?.latest?.entities.get(id);
  }

  /** Sends an Input acknowledging the latest applied view. */
  override input(controls: Controls, ackTick = this.replica?.tick ?? 0): void {
    super.input(controls, ackTick);
  }
}

export function snapshotsOf(list: readonly ServerMessage[]): Snapshot[] {
  return list.flatMap((m) => (m.id === MessageId.Snapshot ? [m.message] : []));
}

/**
 * `handler` as seen through connections from `remoteAddress`: every memory connection reaches it
 * as a view with that address (the same view each time), for the per-address limits.
 */
function fromAddress(handler: ConnectionHandler, remoteAddress: string): ConnectionHandler {
  const views = new WeakMap<Connection, Connection>();
  const view = (real: Connection): Connection => {
    let seen = views.get(real);
    if (!seen) {
      seen = {
        id: real.id,
        remoteAddress,
        get isOpen() {
          return real.isOpen;
        },
        send: (frame) => real.send(frame),
        bufferedBytes: () => real.bufferedBytes(),
        close: (code, reason) => real.close(code, reason),
      };
      views.set(real, seen);
    }
    return seen;
  };
  return {
    onOpen: (real) => handler.onOpen(view(real)),
    onMessage: (real, frame, isBinary) => handler.onMessage(view(real), frame, isBinary),
    onClose: (real, code) => handler.onClose(view(real), code),
  };
}
