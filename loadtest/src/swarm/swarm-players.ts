import type { MetricSink } from '../scenario/metrics.js';
import { ScenarioPlayer, type PlayerClose, type PlayerProblem } from '../scenario/player.js';
import type { LoadSettings } from '../scenario/plans.js';
import { isInShare } from '../scenario/shares.js';
import { SwarmInputClock } from './input-clock.js';
import { connectPlayer, type JoinTarget, type PlayerLink } from './node-socket.js';
import { seatSource, type SeatSource } from './seats.js';

/**
 * One generator's players, from the seat to the close: each joins through matchmaking (or
 * straight to a process), plays on the shared input clock, drops and resumes when the storm takes
 * it, and leaves when told. Swarm decides how many play and when the storms come; this decides
 * how each gets there.
 */

export interface SwarmPlayersOptions {
  settings: LoadSettings;
  /** This generator of `count`: its players' global indices (see Slot.index). */
  generator: { index: number; count: number };
  /** Players stand still (the caller ticks them at IDLE_INPUT_HZ). */
  isIdle: boolean;
  random: () => number;
  metrics: MetricSink;
  onProblem?: (message: string) => void;
  nowMs: () => number;
}

/** Joins (matchmaking request + connect + Welcome) one generator has under way at most. */
const MAX_JOINS_IN_FLIGHT = 100;
/** After a failed join or a kick, new joins wait this long (a refusing server is not hammered). */
const JOIN_BACKOFF_MS = 1000;
/** A join (or resume) with no Welcome this long after its connect fails. */
const JOIN_TIMEOUT_MS = 15_000;
/** At the end, players that have not closed this long after leaving are dropped. */
const LEAVE_TIMEOUT_MS = 3000;

/**
 * A player's index among all the run's players, from its number in generator `index` of `count`:
 * the generators interleave, so while each holds its share of N players (shareOf, numbers from
 * 0) their indices are exactly 0..N-1, as k6's VUs number theirs (vu-players.ts).
 */
export function playerIndex(number: number, generator: { index: number; count: number }): number {
  return number * generator.count + generator.index;
}

class Slot {
  readonly player: ScenarioPlayer;
  /** The player's number in this generator: the lowest free when it was made (from 0). */
  readonly number: number;
  /** Among all the run's players (playerIndex): the verifying share and the storms go by it. */
  readonly index: number;
  link: PlayerLink | null = null;
  /** The process the player joined (a resume goes back there). */
  url: string | null = null;
  isLeaving = false;
  /** Why matchmaking last refused it (it was asked again), while it waits for a seat. */
  lastRefusal: string | null = null;
  /** When the storm dropped it (it resumes when its connection has closed), or null. */
  droppedAtMs: number | null = null;

  constructor(player: ScenarioPlayer, number: number, index: number) {
    this.player = player;
    this.number = number;
    this.index = index;
  }

  tick(nowMs: number): void {
    this.player.tick(nowMs);
  }
}

export class SwarmPlayers {
  readonly #o: SwarmPlayersOptions;
  readonly #seats: SeatSource;
  /** Every player not yet gone: joining, playing, dropped and resuming, leaving. */
  readonly #slots = new Set<Slot>();
  readonly #clock = new SwarmInputClock();
  /** Numbers of players gone, ascending: a new player takes the lowest (k6 reuses its VUs). */
  readonly #freeNumbers: number[] = [];
  #nextNumber = 0;
  #joinsInFlight = 0;
  #joinsPausedUntilMs = 0;
  #isStopping = false;
  #hasToldRefusal = false;
  /** Causes of failed joins told so far. */
  readonly #toldJoinFailures = new Set<string>();

  constructor(options: SwarmPlayersOptions) {
    this.#o = options;
    const { url, game, token } = options.settings;
    this.#seats = seatSource(url, game, token);
  }

  /** Starts ticking the players at `inputHz`. */
  start(inputHz: number): void {
    this.#clock.start(inputHz, this.#o.nowMs);
  }

  /** Joined and not leaving; the rest not leaving are joining or resuming. */
  counts(): { playing: number; joining: number } {
    let playing = 0;
    let joining = 0;
    for (const s of this.#slots) {
      if (s.isLeaving) continue;
      if (s.player.isPlaying) playing++;
      else joining++;
    }
    return { playing, joining };
  }

  /** Players that will play on: not leaving. */
  get stayingCount(): number {
    let n = 0;
    for (const s of this.#slots) if (!s.isLeaving) n++;
    return n;
  }

  /** Starts up to `count` joins, as many as the cap on joins in flight and the backoff allow. */
  join(count: number, nowMs: number): void {
    if (this.#isStopping || nowMs < this.#joinsPausedUntilMs) return;
    const room = MAX_JOINS_IN_FLIGHT - this.#joinsInFlight;
    for (let i = Math.min(room, count); i > 0; i--) this.#join(nowMs);
  }

  /**
   * `count` players leave, the highest numbers first (k6 stops its highest VUs first); players
   * still joining or resuming are left alone (the caller asks again once they play).
   */
  leave(count: number): void {
    const playing = [...this.#slots]
      .filter((s) => !s.isLeaving && s.player.isPlaying && s.droppedAtMs === null)
      .sort((a, b) => b.number - a.number)
      .slice(0, count);
    for (const slot of playing) {
      slot.isLeaving = true;
      slot.player.leave();
    }
  }

  /**
   * Storm number `storm`: the players whose `index + storm` falls in `share` (the rule k6's
   * vu-players.ts applies, storms numbered from 1) drop at once; each resumes once closed.
   */
  storm(storm: number, share: number, nowMs: number): void {
    for (const slot of this.#slots) {
      if (!slot.player.isPlaying || slot.isLeaving || slot.droppedAtMs !== null) continue;
      if (!isInShare(slot.index + storm, share)) continue;
      slot.droppedAtMs = nowMs;
      slot.player.drop();
    }
  }

  #takeNumber(): number {
    return this.#freeNumbers.shift() ?? this.#nextNumber++;
  }

  #releaseNumber(n: number): void {
    let i = this.#freeNumbers.length;
    while (i > 0 && (this.#freeNumbers[i - 1] as number) > n) i--;
    this.#freeNumbers.splice(i, 0, n);
  }

  #join(nowMs: number): void {
    const n = this.#takeNumber();
    const index = playerIndex(n, this.#o.generator);
    const name = `g${this.#o.generator.index}p${n}`;
    const player = new ScenarioPlayer(
      {
        name,
        isVerifying: isInShare(index, this.#o.settings.verifyShare),
        isIdle: this.#o.isIdle,
        random: this.#o.random,
        metrics: this.#o.metrics,
        onProblem: (message, kind) => this.#onPlayerProblem(name, message, kind),
      },
      nowMs,
    );
    const slot = new Slot(player, n, index);
    this.#add(slot);
    this.#joinsInFlight++;
    player.beginJoin(nowMs);
    this.#seats
      .next((refusal) => this.#onRefused(slot, refusal.message))
      .then(
        (seat) => {
          if (this.#isStopping) {
            this.#joinsInFlight--;
            this.#remove(slot);
            return;
          }
          slot.url = seat.url;
          this.#connect(slot, seat);
        },
        (error: unknown) => {
          this.#joinsInFlight--;
          this.#remove(slot);
          if (this.#isStopping) return;
          player.joinFailed(error instanceof Error ? error.message : String(error));
          this.#joinsPausedUntilMs = this.#o.nowMs() + JOIN_BACKOFF_MS;
        },
      );
  }

  /**
   * Matchmaking refused (503, 429) or did not answer, and will be asked again. The first refusal
   * is told at once: an unreachable server would otherwise say nothing until quick play gives up.
   */
  #onRefused(slot: Slot, message: string): void {
    slot.lastRefusal = message;
    if (this.#hasToldRefusal) return;
    this.#hasToldRefusal = true;
    this.#o.onProblem?.(`no seat yet: ${message} (quick play asks again for up to 15 s)`);
  }

  /**
   * Failed joins come in crowds with one cause (a server down, full or mute): each cause is told
   * once, at once, without the player's name; tickwire_join_failures counts every failure.
   * Other problems are told as they are.
   */
  #onPlayerProblem(name: string, message: string, kind: PlayerProblem): void {
    if (kind !== 'join-failed') {
      this.#o.onProblem?.(message);
      return;
    }
    const prefix = `${name}: `;
    const cause = message.startsWith(prefix) ? message.slice(prefix.length) : message;
    if (this.#toldJoinFailures.has(cause)) return;
    this.#toldJoinFailures.add(cause);
    this.#o.onProblem?.(`join failed: ${cause}`);
  }

  /** Connects a player that has begun its join (or resume); counted in flight until it settles. */
  #connect(slot: Slot, target: JoinTarget): void {
    const link = connectPlayer(slot.player, target, {
      joinTimeoutMs: JOIN_TIMEOUT_MS,
      nowMs: this.#o.nowMs,
      onClose: (close) => this.#onClosed(slot, close),
    });
    slot.link = link;
    link.joined.then(
      () => {
        this.#joinsInFlight--;
      },
      () => {
        this.#joinsInFlight--;
        this.#remove(slot);
        if (!this.#isStopping) this.#joinsPausedUntilMs = this.#o.nowMs() + JOIN_BACKOFF_MS;
      },
    );
  }

  #onClosed(slot: Slot, close: PlayerClose): void {
    const droppedAtMs = slot.droppedAtMs;
    slot.droppedAtMs = null;
    if (droppedAtMs !== null && close.byPlayer && !this.#isStopping && slot.url !== null) {
      // The storm: back to the same process with the resume token (tokens are per process),
      // timed from the drop.
      this.#joinsInFlight++;
      slot.player.beginJoin(droppedAtMs, true);
      this.#connect(slot, { url: slot.url, seat: null });
      return;
    }
    // The server closed it: a new player takes its place (the run holds its target), after the
    // same pause as k6's refill (vu-players.ts), so a server that kicks is not hammered.
    if (!close.byPlayer && !this.#isStopping)
      this.#joinsPausedUntilMs = Math.max(
        this.#joinsPausedUntilMs,
        this.#o.nowMs() + JOIN_BACKOFF_MS,
      );
    this.#remove(slot);
  }

  #add(slot: Slot): void {
    this.#slots.add(slot);
    this.#clock.add(slot);
  }

  /** A no-op once removed. */
  #remove(slot: Slot): void {
    if (!this.#slots.delete(slot)) return;
    this.#clock.remove(slot);
    this.#releaseNumber(slot.number);
  }

  /** The run is over: every player leaves; resolves once all have closed (or been dropped). */
  async leaveAll(): Promise<void> {
    this.#isStopping = true;
    const closing: Promise<void>[] = [];
    for (const slot of [...this.#slots]) {
      const link = slot.link;
      if (slot.player.isPlaying && link !== null) {
        slot.isLeaving = true;
        slot.player.leave();
        closing.push(link.closed);
        continue;
      }
      // Still waiting for a seat or a Welcome: the run is over without it, which is a failed
      // join (else a server that seats nobody would pass every threshold).
      if (slot.player.phase === 'joining') {
        const missing = link === null ? 'no seat' : 'no Welcome';
        const refused = slot.lastRefusal === null ? '' : ` (matchmaking: ${slot.lastRefusal})`;
        slot.player.joinFailed(`${missing} by the end of the run${refused}`);
      }
      link?.abandon();
    }
    let timer: NodeJS.Timeout | null = null;
    await Promise.race([
      Promise.all(closing),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LEAVE_TIMEOUT_MS);
      }),
    ]);
    if (timer) clearTimeout(timer);
    for (const slot of [...this.#slots]) slot.link?.abandon();
    this.#clock.stop();
  }
}
