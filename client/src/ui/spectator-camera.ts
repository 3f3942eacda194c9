import { POSITION_SCALE, clamp } from '@tickwire/protocol';
import type { RoomSummary, WatchTarget } from '@tickwire/protocol';
import type { WorldSize } from '../game/camera.js';
import type { Point } from '../game/geometry.js';
import { moveAxesFromKeys } from '../game/input-mapping.js';

/**
 * What follows the next player, and the previous one, by KeyboardEvent.code or InputDevices'
 * press source (a click or a tap on the game follows the next one too). The movement keys
 * (game/input-mapping.ts) move the free camera.
 */
const NEXT_SOURCES = ['KeyE', 'BracketRight', 'Mouse0', 'Touch'] as const;
const PREVIOUS_SOURCES = ['KeyQ', 'BracketLeft'] as const;

/** The spectator's controls, shown on the status line while watching. */
export const SPECTATOR_HELP =
  'E, ] or a click: next player · Q or [: previous · WASD or arrows: free camera.';
/** The same on a touch screen, which has only taps. */
export const SPECTATOR_TOUCH_HELP = 'Tap: follow the next player.';

/** Free camera speed, world units per second. */
const PAN_UNITS_PER_SEC = 900;
/** A free camera moving sends Watch at most this often (the server's input rate is 20 Hz). */
const WATCH_INTERVAL_MS = 100;

/** The input a spectator camera reads: keys held, and presses so far of each source. */
export interface SpectatorInput {
  readonly keysDown: ReadonlySet<string>;
  pressCount(source: string): number;
}

/** What the camera looks at this frame. */
export interface SpectatorView {
  /**
   * Where to centre the screen, in world units: the free camera, or where the followed player
   * was last seen. A followed player drawn this frame takes over (GameState.setFollow).
   */
  target: Point;
  /** The entity followed, or null for the free camera. */
  followId: number | null;
  /** Watch to send now (the target changed), or null. */
  watch: WatchTarget | null;
}

/**
 * A spectator's camera: it follows a player, cycling through the room summary's leaders (next /
 * previous), or moves freely, within the world, with the movement keys. The server is told with
 * Watch where to centre the spectator's view.
 */
export class SpectatorCamera {
  readonly #world: WorldSize;
  #followId: number | null = null;
  /** The free camera, world units; while following, where the followed player was last seen. */
  #at: Point;
  /** Presses of NEXT_SOURCES then PREVIOUS_SOURCES as last read (null before the first read). */
  #presses: number[] | null = null;
  #sent: WatchTarget | null = null;
  #sentAtMs = -Infinity;

  /** Starts as a free camera at the world's centre. */
  constructor(world: WorldSize) {
    this.#world = world;
    this.#at = { x: world.width / 2, y: world.height / 2 };
  }

  /**
   * One frame: reads the keys, moves or switches the camera, and says where to look and what to
   * tell the server. `lookedAt`: where the screen was centred last frame (a followed player as
   * drawn, world units); `summary`: the room's leaders, the players to cycle through.
   */
  update(
    input: SpectatorInput,
    lookedAt: Point,
    summary: RoomSummary | null,
    dtMs: number,
    nowMs: number,
  ): SpectatorView {
    const leaders = summary?.leaders ?? [];
    const step = this.#readSteps(input);
    if (step !== 0 && leaders.length > 0) {
      const at = leaders.findIndex((leader) => leader.id === this.#followId);
      const from = at === -1 ? (step > 0 ? -1 : 0) : at;
      const next = leaders[(((from + step) % leaders.length) + leaders.length) % leaders.length];
      if (next) {
        this.#followId = next.id;
        // Where the summary last saw it, until the frame draws it.
        this.#at = { x: next.x / POSITION_SCALE, y: next.y / POSITION_SCALE };
      }
    } else if (this.#followId !== null) {
      this.#at = lookedAt;
    }
    const pan = moveAxesFromKeys(input.keysDown);
    if (pan.x !== 0 || pan.y !== 0) {
      // Panning lets go of the followed player, from where it was.
      this.#followId = null;
      const distance = (PAN_UNITS_PER_SEC * dtMs) / 1000 / Math.hypot(pan.x, pan.y);
      this.#at = {
        x: clamp(this.#at.x + pan.x * distance, 0, this.#world.width),
        y: clamp(this.#at.y + pan.y * distance, 0, this.#world.height),
      };
    }
    const next: WatchTarget =
      this.#followId !== null
        ? { followId: this.#followId }
        : {
            x: Math.round(this.#at.x * POSITION_SCALE),
            y: Math.round(this.#at.y * POSITION_SCALE),
          };
    return { target: this.#at, followId: this.#followId, watch: this.#watchToSend(next, nowMs) };
  }

  /** Next (+1) and previous (-1) presses since the last frame, summed. */
  #readSteps(input: SpectatorInput): number {
    const counts = [...NEXT_SOURCES, ...PREVIOUS_SOURCES].map((s) => input.pressCount(s));
    const seen = this.#presses;
    this.#presses = counts;
    // The first frame only learns the counts: older presses do not count.
    if (seen === null) return 0;
    let step = 0;
    counts.forEach((count, i) => {
      step += (i < NEXT_SOURCES.length ? 1 : -1) * (count - (seen[i] as number));
    });
    return step;
  }

  /** `next` when it differs from what was sent (a moving free camera: at most every 100 ms). */
  #watchToSend(next: WatchTarget, nowMs: number): WatchTarget | null {
    const sent = this.#sent;
    if (sent !== null && sameWatch(sent, next)) return null;
    const isFollowChange = 'followId' in next || (sent !== null && 'followId' in sent);
    if (!isFollowChange && nowMs - this.#sentAtMs < WATCH_INTERVAL_MS) return null;
    this.#sent = next;
    this.#sentAtMs = nowMs;
    return next;
  }
}

function sameWatch(a: WatchTarget, b: WatchTarget): boolean {
  if ('followId' in a) return 'followId' in b && a.followId === b.followId;
  return !('followId' in b) && a.x === b.x && a.y === b.y;
}

/** The HUD line while watching: who the camera follows, or that it is free. */
export function spectatorHudText(view: SpectatorView | null, summary: RoomSummary | null): string {
  if (view === null) return '';
  if (view.followId === null) return 'Watching · free camera';
  const leaders = summary?.leaders ?? [];
  const at = leaders.findIndex((leader) => leader.id === view.followId);
  const leader = leaders[at];
  return leader === undefined
    ? 'Watching a player'
    : `Watching ${leader.name === '' ? 'a player' : leader.name} · ${at + 1} of ${leaders.length}`;
}
