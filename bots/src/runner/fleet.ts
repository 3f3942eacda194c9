import { connect, describeClose } from '@tickwire/protocol';
import type { Bot, WebSocketConstructor } from '@tickwire/protocol';
import { asPlayer, isArena } from '../examples/arena.js';
import { EXAMPLE_BOTS } from '../examples/kinds.js';
import type { ExampleKind } from '../examples/kinds.js';
import { botName, kindOf } from './options.js';
import type { RunnerOptions } from './options.js';

export interface FleetOptions extends Omit<RunnerOptions, 'seconds'> {
  WebSocket: WebSocketConstructor;
  onWarning?: (botName: string, message: string) => void;
  random?: () => number;
}

/** Sums over the fleet at one moment. Traffic and snapshots count every connection so far. */
export interface FleetTotals {
  /** Bots whose connect has been started (the rest wait for their stagger slot). */
  started: number;
  connecting: number;
  connected: number;
  reconnecting: number;
  closed: number;
  snapshots: number;
  checksumsVerified: number;
  /** Checksum mismatches and invalid deltas: each is a bug somewhere, followed by a resync. */
  replicaErrors: number;
  missingBaselines: number;
  bytesIn: number;
  bytesOut: number;
  reconnects: number;
}

export interface FleetReport {
  totals: FleetTotals;
  count: number;
  joined: number;
  /** Bots of each kind, and the sum of their scores in their last view. */
  byKind: Map<ExampleKind, { bots: number; score: number }>;
  /** Bots that could not join, joined another game, or lost the game for good after joining. */
  problems: FleetProblem[];
}

export interface FleetProblem {
  botName: string;
  /** What happened, with the close code and the server's reason. */
  problem: string;
}

interface FleetMember {
  bot: Bot;
  kind: ExampleKind;
}

/**
 * A swarm of example bots on one server (through its matchmaking for an http URL), connecting
 * `staggerMs` apart.
 */
export class Fleet {
  readonly #options: FleetOptions;
  readonly #members: FleetMember[] = [];
  readonly #problems: FleetProblem[] = [];
  readonly #pending = new Set<ReturnType<typeof setTimeout>>();
  #joined = 0;
  #isClosing = false;

  constructor(options: FleetOptions) {
    this.#options = options;
  }

  start(): void {
    for (let i = 0; i < this.#options.count; i++) {
      const timer = setTimeout(() => {
        this.#pending.delete(timer);
        this.#add(i);
      }, i * this.#options.staggerMs);
      this.#pending.add(timer);
    }
  }

  /** True once every bot has started and is closed for good. */
  get isFinished(): boolean {
    return (
      this.#pending.size === 0 &&
      this.#members.length === this.#options.count &&
      this.#members.every((m) => m.bot.status.phase === 'closed')
    );
  }

  totals(): FleetTotals {
    const totals: FleetTotals = {
      started: this.#members.length,
      connecting: 0,
      connected: 0,
      reconnecting: 0,
      closed: 0,
      snapshots: 0,
      checksumsVerified: 0,
      replicaErrors: 0,
      missingBaselines: 0,
      bytesIn: 0,
      bytesOut: 0,
      reconnects: 0,
    };
    for (const { bot } of this.#members) {
      const phase = bot.status.phase;
      if (phase === 'connected' || phase === 'reconnecting' || phase === 'closed') totals[phase]++;
      else totals.connecting++;
      const traffic = bot.traffic;
      const counters = bot.replicaCounters;
      totals.snapshots += traffic.snapshotsApplied;
      totals.bytesIn += traffic.bytesIn;
      totals.bytesOut += traffic.bytesOut;
      totals.checksumsVerified += counters.checksumsVerified;
      totals.replicaErrors += counters.checksumMismatches + counters.invalidDeltas;
      totals.missingBaselines += counters.missingBaselines;
      totals.reconnects += bot.reconnects;
    }
    return totals;
  }

  report(): FleetReport {
    const byKind = new Map<ExampleKind, { bots: number; score: number }>();
    for (const { bot, kind } of this.#members) {
      const entry = byKind.get(kind) ?? { bots: 0, score: 0 };
      entry.bots++;
      entry.score += asPlayer(bot.self)?.score ?? 0;
      byKind.set(kind, entry);
    }
    return {
      totals: this.totals(),
      count: this.#options.count,
      joined: this.#joined,
      byKind,
      problems: [...this.#problems],
    };
  }

  /** Cancels the connects still waiting and closes every bot (each leaves with 1000). */
  close(): void {
    this.#isClosing = true;
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
    for (const { bot } of this.#members) bot.close();
  }

  #add(index: number): void {
    if (this.#isClosing) return;
    const { url, game, name, kind, WebSocket, onWarning, random } = this.#options;
    const bot = connect(url, {
      name: botName(name, index),
      WebSocket,
      ...(game !== null ? { game } : {}),
      onWarning: (message, b) => onWarning?.(b.name, message),
    });
    const botKind = kindOf(kind, index);
    EXAMPLE_BOTS[botKind](bot, random);
    this.#members.push({ bot, kind: botKind });
    let isWrongGame = false;
    bot.welcomed.then(
      (welcome) => {
        const game = welcome.schema.game;
        if (isArena(welcome)) {
          this.#joined++;
          return;
        }
        // The examples only know the arena's kinds and input: standing idle in another game
        // would look like a working bot. Say so, and leave.
        isWrongGame = true;
        this.#problems.push({
          botName: bot.name,
          problem: `the server runs the game ${game}; the example bots play the arena`,
        });
        bot.close();
      },
      () => {},
    );
    void bot.closed.then((status) => {
      // Bots this runner closes are not a problem, whatever phase they were in.
      if (isWrongGame || (status.isClientInitiated && this.#isClosing)) return;
      // After failed reconnects the last attempt has not joined, but the bot had.
      const what = bot.welcome === null ? 'did not join' : 'lost its game';
      this.#problems.push({ botName: bot.name, problem: `${what}: ${describeClose(status)}` });
    });
  }
}
