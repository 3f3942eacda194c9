import WebSocket from 'ws';
import { countChangedEntities } from './changed-entities.js';
import {
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

export interface FleetOptions {
  url: string;
  clients: number;
  /** Inputs per second per client. */
  inputHz: number;
  /**
   * Clients that decode, apply and verify every snapshot. The rest count bytes and acknowledge
   * each snapshot's tick read from its header, so the server does the same work for them.
   */
  decodingClients: number;
  seed: number;
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
  welcome: Welcome | null = null;
  replica: Replica | null = null;
  /** Newest snapshot tick received, for clients that do not decode. */
  receivedTick = 0;
  seq = 0;
  lastArrivalMs = -1;
  isClosedByUs = false;

  constructor(url: string, walk: RandomWalk, isDecoding: boolean) {
    this.ws = new WebSocket(url, [SUBPROTOCOL], { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
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
  #inputTimer: NodeJS.Timeout | null = null;
  #isMeasuring = false;
  window: FleetWindow = Fleet.#emptyWindow();
  disconnects = 0;
  decodeErrors = 0;
  desyncs = 0;
  readonly errors: string[] = [];

  constructor(options: FleetOptions) {
    this.#options = options;
    this.#random = seededRandom(options.seed);
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
  async connect(batch = 50): Promise<void> {
    this.#startInputs();
    for (let i = 0; i < this.#options.clients; i += batch) {
      const joins: Promise<void>[] = [];
      for (let j = i; j < Math.min(this.#options.clients, i + batch); j++)
        joins.push(this.#connectOne(j));
      await Promise.all(joins);
    }
  }

  #connectOne(index: number): Promise<void> {
    const client = new BenchClient(
      this.#options.url,
      createRandomWalk(this.#random, performance.now()),
      index < this.#options.decodingClients,
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
          }),
        );
      });
      client.ws.once('error', (error) => {
        clearTimeout(timeout);
        reject(error);
      });
      client.ws.on('close', (code) => {
        if (!client.isClosedByUs) {
          this.disconnects++;
          this.#note(`client ${index} closed by the server with ${code}`);
        }
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
