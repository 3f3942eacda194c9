import type { MetricName, MetricSink } from '../scenario/metrics.js';
import { IDLE_INPUT_HZ, ScenarioPlayer, type PlayerProblem } from '../scenario/player.js';
import { seededRandom } from '../scenario/random-walk.js';
import type { Snapshot, ViewState } from '@tickwire/protocol';
import { startInputClock, type InputClock } from '../swarm/input-clock.js';
import { connectPlayer, type PlayerLink } from '../swarm/node-socket.js';
import { seatSource, type SeatSource } from '../swarm/seats.js';
import { countChangedEntities } from './changed-entities.js';

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
  /** Inputs per second per walking client (idle ones send IDLE_INPUT_HZ). */
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
  /**
   * Players stand still (every input field at its default) and send IDLE_INPUT_HZ inputs a
   * second: how many idle connections a server holds.
   */
  idle?: boolean;
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

/** A client that has no Welcome this long after its connect fails the fleet's connect/grow. */
const JOIN_TIMEOUT_MS = 15_000;
/** At close, a client whose socket has not closed this long after leaving is dropped. */
const CLOSE_TIMEOUT_MS = 2000;

interface BenchClient {
  readonly player: ScenarioPlayer;
  readonly placement: Placement;
  readonly link: PlayerLink;
}

/**
 * N protocol clients in one process, driven as BENCHMARKS.md says: random-walk inputs at 20 Hz,
 * bytes counted from what arrived, every decoding client decoding every snapshot by the
 * Welcome's schema and applying it to a replica (a checksum mismatch or a bad delta counts as a
 * desync). Each client is the load tests' ScenarioPlayer on the swarm's Node socket driver and
 * input clock: the fleet only adds the bench's window counters.
 */
export class Fleet {
  readonly #options: FleetOptions;
  readonly #clients: BenchClient[] = [];
  /** Every player started, for the input clock (it skips those not playing). */
  readonly #players: ScenarioPlayer[] = [];
  readonly #random: () => number;
  readonly #seats: SeatSource;
  /** Clients started so far (joined or joining): the next one's index. */
  #started = 0;
  #inputClock: InputClock | null = null;
  #isMeasuring = false;
  /** close() was called: a client whose seat comes later does not connect. */
  #isClosed = false;
  window: FleetWindow = Fleet.#emptyWindow();
  disconnects = 0;
  decodeErrors = 0;
  desyncs = 0;
  /** Quick plays answered 503 (or not at all) and asked again. */
  matchRetries = 0;
  /** Closes the fleet did not ask for, by close code. */
  readonly closeCodes = new Map<number, number>();
  readonly errors: string[] = [];
  /** What the players measure, into the window (only while measuring) and the counters. */
  readonly #sink: MetricSink = {
    add: (metric: MetricName, value: number, tags?: Readonly<Record<string, string>>) => {
      switch (metric) {
        case 'tickwire_snapshots':
          if (this.#isMeasuring) this.window.snapshots += value;
          return;
        case 'tickwire_snapshot_bytes':
          if (this.#isMeasuring) this.window.bytes += value;
          return;
        case 'tickwire_snapshot_interval_ms':
          if (this.#isMeasuring) this.window.interArrivalMs.push(value);
          return;
        case 'tickwire_kicks': {
          this.disconnects += value;
          const code = Number(tags?.['code']);
          this.closeCodes.set(code, (this.closeCodes.get(code) ?? 0) + value);
          return;
        }
        default:
          // Desyncs and decode errors come by kind (onProblem); joins are connect/grow's.
          return;
      }
    },
  };
  readonly #onApplied = (
    snapshot: Snapshot,
    before: ViewState | null,
    after: ViewState,
    sizeBytes: number,
  ): void => {
    if (!this.#isMeasuring) return;
    const w = this.window;
    w.entityUpdates += countChangedEntities(before?.entities ?? null, after.entities);
    w.records += snapshot.entered.length + snapshot.updated.length + snapshot.removed.length;
    w.decodedBytes += sizeBytes;
  };
  readonly #onProblem = (message: string, kind: PlayerProblem): void => {
    if (kind === 'desync') this.desyncs++;
    else if (kind === 'unreadable') this.decodeErrors++;
    if (this.errors.length < 20) this.errors.push(message);
  };

  constructor(options: FleetOptions) {
    this.#options = options;
    this.#random = seededRandom(options.seed);
    this.#seats =
      options.matchmakingUrl === undefined
        ? seatSource(options.url, BENCH_GAME)
        : seatSource(options.matchmakingUrl, BENCH_GAME);
  }

  /** Clients that have joined (had their Welcome) and are still open. */
  get joinedClients(): number {
    let count = 0;
    for (const c of this.#clients) if (c.player.isPlaying) count++;
    return count;
  }

  /** Clients that decode and verify every snapshot, of those started so far. */
  get decodingClientCount(): number {
    return this.#clients.filter((c) => c.player.isVerifying).length;
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
    const inputHz = this.#options.idle === true ? IDLE_INPUT_HZ : this.#options.inputHz;
    this.#inputClock ??= startInputClock(this.#players, inputHz, () => performance.now());
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
    const player = new ScenarioPlayer(
      {
        name: `bench${index}`,
        isVerifying: isDecoding,
        isIdle: this.#options.idle ?? false,
        random: this.#random,
        metrics: this.#sink,
        onProblem: this.#onProblem,
        ...(isDecoding ? { onApplied: this.#onApplied } : {}),
      },
      performance.now(),
    );
    player.beginJoin(performance.now());
    const seat = await this.#seats
      .next(() => {
        this.matchRetries++;
      })
      .catch((error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        player.joinFailed(why);
        throw new Error(`client ${index}: ${why}`, { cause: error });
      });
    if (this.#isClosed) throw new Error(`client ${index}: the fleet closed before it connected`);
    const placement: Placement = { url: seat.url, roomId: seat.roomId };
    const link = connectPlayer(player, seat, {
      joinTimeoutMs: JOIN_TIMEOUT_MS,
      nowMs: () => performance.now(),
    });
    this.#clients.push({ player, placement, link });
    this.#players.push(player);
    await link.joined.catch((error: unknown) => {
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(
        `client ${index} did not join: ${why} (${placement.url}, room ${placement.roomId ?? 'default'})`,
        { cause: error },
      );
    });
    const game = player.welcome?.schema.game;
    if (game !== BENCH_GAME)
      throw new Error(`client ${index} joined game ${game}, not ${BENCH_GAME}`);
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
    this.#isClosed = true;
    this.#inputClock?.stop();
    this.#inputClock = null;
    await Promise.all(
      this.#clients.map(async ({ player, link }) => {
        if (!player.isPlaying) {
          link.abandon();
          return;
        }
        player.leave();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          link.closed,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
          }),
        ]);
        clearTimeout(timer);
        link.abandon();
      }),
    );
  }
}
