import WebSocket from 'ws';
import { countChangedEntities } from './changed-entities.js';
import { quickPlayWithRetry } from './quick-play.js';
import {
  Matchmaker,
  MessageId,
  POSITION_SCALE,
  PROTOCOL_VERSION,
  ProtocolError,
  Replica,
  ReplicaError,
  SUBPROTOCOL,
  decodeServerMessage,
  encodeHello,
  encodeInput,
  peekSnapshotTick,
  type Welcome,
} from '@tickwire/protocol';
import {
  createRandomWalk,
  seededRandom,
  stepRandomWalk,
  type RandomWalk,
} from '../scenario/random-walk.js';

/** Counters over the measurement window, summed over clients. */
export interface FleetWindow {
  bytes: number;
  snapshots: number;
  /** Visible entities that changed between consecutive views (see countChangedEntities). */
  entityUpdates: number;
  /** Records carried (entered + updated + removed) by decoded snapshots. */
  records: number;
  /** Payload bytes of the decoded snapshots (the denominator's sample for bytes per update). */
  decodedBytes: number;
  interArrivalMs: number[];
}

/**
 * Where the clients play: straight into one server's default room (`url`, the bench's one-room
 * scenario), or wherever matchmaking seats them (`matchmakingUrl`, an http base of any process
 * of a cluster): each client asks for a quick play of BENCH_GAME, connects to the answer's `url`
 * and sends the seat in its Hello.
 */
export type FleetTarget =
  { url: string; matchmakingUrl?: undefined } | { matchmakingUrl: string; url?: undefined };

export type FleetOptions = FleetTarget & {
  clients: number;
  /** Inputs per second per client. */
  inputHz: number;
  /**
   * Clients that decode, apply and verify every snapshot. The rest count bytes and acknowledge
   * each snapshot's tick read from its header, so the server does the same work for them.
   */
  decodingClients: number;
  /**
   * Every how many clients one decodes (default 1: the first `decodingClients` do). Matchmaking
   * fills rooms one after another, so a stride spreads the verified clients over the rooms.
   */
  decodingStride?: number;
  seed: number;
};

/** Where one client landed: the process (its WebSocket URL) and, through matchmaking, the room. */
export interface Placement {
  url: string;
  /** null in direct mode (the server's default room). */
  roomId: string | null;
}

/**
 * The game BENCHMARKS.md's scenario runs. The fleet decodes by the Welcome's schema, but its
 * inputs are this game's controls (moveDir, aim, buttons).
 */
export const BENCH_GAME = 'arena';

class BenchClient {
  readonly ws: WebSocket;
  readonly walk: RandomWalk;
  readonly isDecoding: boolean;
  readonly placement: Placement;
  welcome: Welcome | null = null;
  replica: Replica | null = null;
  /** Newest snapshot tick received, for clients that do not decode. */
  receivedTick = 0;
  seq = 0;
  lastArrivalMs = -1;
  isClosedByUs = false;

  constructor(placement: Placement, walk: RandomWalk, isDecoding: boolean) {
    this.ws = new WebSocket(placement.url, [SUBPROTOCOL], { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.placement = placement;
    this.walk = walk;
    this.isDecoding = isDecoding;
  }
}

/**
 * N protocol clients in one process, driven as BENCHMARKS.md says: random-walk inputs at 20 Hz,
 * bytes counted from what arrived, every decoding client decoding every snapshot by the
 * Welcome's schema and applying it to a replica (a checksum mismatch or a bad delta counts as a
 * desync).
 */
export class Fleet {
  readonly #options: FleetOptions;
  readonly #clients: BenchClient[] = [];
  readonly #random: () => number;
  /** Where a client's seat comes from (see FleetTarget). */
  readonly #seats: { directUrl: string } | { matchmaker: Matchmaker };
  /** Clients started so far (joined or joining): the next one's index. */
  #started = 0;
  #inputTimer: NodeJS.Timeout | null = null;
  #isMeasuring = false;
  window: FleetWindow = Fleet.#emptyWindow();
  disconnects = 0;
  decodeErrors = 0;
  desyncs = 0;
  /** Quick plays answered 503 (or not at all) and asked again. */
  matchRetries = 0;
  /** Closes the fleet did not ask for, by close code. */
  readonly closeCodes = new Map<number, number>();
  readonly errors: string[] = [];

  constructor(options: FleetOptions) {
    this.#options = options;
    this.#random = seededRandom(options.seed);
    this.#seats =
      options.matchmakingUrl === undefined
        ? { directUrl: options.url }
        : { matchmaker: new Matchmaker(options.matchmakingUrl) };
  }

  /** Clients that have joined (had their Welcome) and are still open. */
  get joinedClients(): number {
    let count = 0;
    for (const c of this.#clients) if (c.welcome && c.ws.readyState === WebSocket.OPEN) count++;
    return count;
  }

  /** Clients that decode and verify every snapshot, of those started so far. */
  get decodingClientCount(): number {
    return this.#clients.filter((c) => c.isDecoding).length;
  }

  /** Where every client started so far landed. */
  placements(): Placement[] {
    return this.#clients.map((c) => c.placement);
  }

  static #emptyWindow(): FleetWindow {
    return {
      bytes: 0,
      snapshots: 0,
      entityUpdates: 0,
      records: 0,
      decodedBytes: 0,
      interArrivalMs: [],
    };
  }

  /**
   * Connects and joins every client, `batch` at a time. Inputs (which carry the acks) start at
   * once: a client that joined but never acknowledges gets full snapshots, which would bury the
   * generator while the rest are still joining.
   */
  connect(batch = 50): Promise<void> {
    return this.grow(this.#options.clients, batch);
  }

  /**
   * Starts clients until `total` have been started, `batch` at a time (through matchmaking: a
   * batch's quick plays run together), for a ramp in steps. Rejects when a client cannot join.
   */
  async grow(total: number, batch = 50): Promise<void> {
    this.#startInputs();
    while (this.#started < total) {
      const joins: Promise<void>[] = [];
      const end = Math.min(total, this.#started + batch);
      for (; this.#started < end; this.#started++) joins.push(this.#startOne(this.#started));
      await Promise.all(joins);
    }
  }

  async #startOne(index: number): Promise<void> {
    const stride = this.#options.decodingStride ?? 1;
    const isDecoding =
      index % stride === 0 && Math.floor(index / stride) < this.#options.decodingClients;
    const seats = this.#seats;
    if ('directUrl' in seats) {
      return this.#connectOne(index, { url: seats.directUrl, roomId: null }, null, isDecoding);
    }
    const answer = await quickPlayWithRetry(seats.matchmaker, BENCH_GAME, () => {
      this.matchRetries++;
    }).catch((error: unknown) => {
      throw new Error(
        `client ${index}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    });
    return this.#connectOne(
      index,
      { url: answer.url, roomId: answer.room.id },
      answer.seat,
      isDecoding,
    );
  }

  #connectOne(
    index: number,
    placement: Placement,
    seat: string | null,
    isDecoding: boolean,
  ): Promise<void> {
    const client = new BenchClient(
      placement,
      createRandomWalk(this.#random, performance.now()),
      isDecoding,
    );
    this.#clients.push(client);
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new Error(`client ${index} did not join within 15 s`)),
        15_000,
      );
      client.ws.once('open', () => {
        client.ws.send(
          encodeHello({
            protocolVersion: PROTOCOL_VERSION,
            name: `bench${index}`,
            resumeToken: null,
            seat,
          }),
        );
      });
      client.ws.once('error', (error) => {
        clearTimeout(timeout);
        reject(error);
      });
      client.ws.on('close', (code, reason) => {
        if (client.isClosedByUs) return;
        this.disconnects++;
        this.closeCodes.set(code, (this.closeCodes.get(code) ?? 0) + 1);
        const why = `closed by the server with ${code}${reason.length > 0 ? ` (${reason.toString()})` : ''}`;
        this.#note(`client ${index} ${why}`);
        // Closed before its Welcome: it will never join (a no-op once joined).
        clearTimeout(timeout);
        reject(
          new Error(
            `client ${index} ${why} before its Welcome (${placement.url}, room ${placement.roomId ?? 'default'})`,
          ),
        );
      });
      client.ws.on('message', (data: Buffer) => {
        this.#onFrame(client, data);
        if (!client.welcome) return;
        clearTimeout(timeout);
        const game = client.welcome.schema.game;
        if (game === BENCH_GAME) resolve();
        else reject(new Error(`client ${index} joined game ${game}, not ${BENCH_GAME}`));
      });
    });
  }

  #note(error: string): void {
    if (this.errors.length < 20) this.errors.push(error);
  }

  #onFrame(client: BenchClient, data: Buffer): void {
    const nowMs = performance.now();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (client.welcome && !client.isDecoding) {
      const tick = peekSnapshotTick(bytes);
      if (tick > 0) {
        client.receivedTick = tick;
        this.#count(client, nowMs, bytes.byteLength, -1);
      }
      return;
    }
    let message;
    try {
      message = decodeServerMessage(bytes, client.welcome?.schema ?? null);
    } catch (error) {
      this.decodeErrors++;
      this.#note(error instanceof ProtocolError ? error.message : String(error));
      return;
    }
    if (message.id === MessageId.Welcome) {
      client.welcome = message.message;
      client.replica = new Replica({
        schema: message.message.schema,
        worldWidth: message.message.worldWidth,
        worldHeight: message.message.worldHeight,
      });
      return;
    }
    if (message.id !== MessageId.Snapshot || !client.replica) return;
    const s = message.message;
    const previous = client.replica.latest?.entities ?? null;
    let changed = -1;
    try {
      changed = countChangedEntities(previous, client.replica.apply(s).entities);
    } catch (error) {
      if (!(error instanceof ReplicaError)) throw error;
      this.desyncs++;
      this.#note(`${error.code}: ${error.message}`);
      client.replica.reset();
    }
    const records = s.entered.length + s.updated.length + s.removed.length;
    this.#count(client, nowMs, bytes.byteLength, changed, records);
  }

  /** `changed` < 0: not decoded (or not applied), so only bytes and timing count. */
  #count(
    client: BenchClient,
    nowMs: number,
    byteLength: number,
    changed: number,
    records = 0,
  ): void {
    if (this.#isMeasuring) {
      const w = this.window;
      w.bytes += byteLength;
      w.snapshots++;
      if (changed >= 0) {
        w.entityUpdates += changed;
        w.records += records;
        w.decodedBytes += byteLength;
      }
      if (client.lastArrivalMs >= 0) w.interArrivalMs.push(nowMs - client.lastArrivalMs);
    }
    client.lastArrivalMs = nowMs;
  }

  /** Sends inputs in 5 staggered groups so the server does not get N messages at one instant. */
  #startInputs(): void {
    if (this.#inputTimer) return;
    const groups = 5;
    const periodMs = 1000 / this.#options.inputHz / groups;
    let group = 0;
    this.#inputTimer = setInterval(() => {
      const nowMs = performance.now();
      for (let i = group; i < this.#clients.length; i += groups)
        this.#sendInput(this.#clients[i] as BenchClient, nowMs);
      group = (group + 1) % groups;
    }, periodMs);
  }

  #sendInput(client: BenchClient, nowMs: number): void {
    const welcome = client.welcome;
    if (!welcome || client.ws.readyState !== WebSocket.OPEN) return;
    const me = client.replica?.latest?.entities.get(welcome.playerId);
    const x = me?.x;
    const y = me?.y;
    const maxX = welcome.worldWidth * POSITION_SCALE;
    const maxY = welcome.worldHeight * POSITION_SCALE;
    const heading = stepRandomWalk(
      client.walk,
      this.#random,
      nowMs,
      typeof x === 'number' ? x : maxX / 2,
      typeof y === 'number' ? y : maxY / 2,
      {
        maxX,
        maxY,
        margin: 100 * POSITION_SCALE,
      },
    );
    client.ws.send(
      // The arena's input (games/arena/shared.ts); buttons stay 0: bench clients never fire
      // (BENCHMARKS.md's scenario has no projectiles).
      encodeInput(welcome.schema, {
        seq: ++client.seq,
        ackTick: client.isDecoding ? (client.replica?.tick ?? 0) : client.receivedTick,
        controls: { moveDir: heading, aim: heading, buttons: 0 },
      }),
    );
  }

  startMeasuring(): void {
    this.window = Fleet.#emptyWindow();
    this.#isMeasuring = true;
  }

  stopMeasuring(): FleetWindow {
    this.#isMeasuring = false;
    return this.window;
  }

  async close(): Promise<void> {
    if (this.#inputTimer) clearInterval(this.#inputTimer);
    this.#inputTimer = null;
    await Promise.all(
      this.#clients.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.isClosedByUs = true;
            if (c.ws.readyState === WebSocket.CLOSED) return resolve();
            c.ws.once('close', () => resolve());
            c.ws.close();
            setTimeout(() => {
              c.ws.terminate();
              resolve();
            }, 2000).unref();
          }),
      ),
    );
  }
}
