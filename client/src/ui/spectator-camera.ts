import { POSITION_SCALE } from '@tickwire/protocol';
import type { RoomSummary, WatchTarget } from '@tickwire/protocol';
import type { Point } from '../game/geometry.js';

/** The keys a spectator uses, by KeyboardEvent.code (and InputDevices' press sources). */
export const SpectatorKeys = {
  /** A click or a tap on the game follows the next player too. */
  next: ['KeyE', 'BracketRight', 'Mouse0', 'Touch'],
  previous: ['KeyQ', 'BracketLeft'],
  /** Pans the free camera (and stops following). */
  left: ['KeyA', 'ArrowLeft'],
  right: ['KeyD', 'ArrowRight'],
  up: ['KeyW', 'ArrowUp'],
  down: ['KeyS', 'ArrowDown'],
} as const;

/** The spectator's controls, shown on the status line while watching. */
export const SPECTATOR_HELP =
  'E, ] or a click: next player · Q or [: previous · WASD or arrows: free camera.';

/** Free camera speed, world units per second. */
const PAN_UNITS_PER_SEC = 900;
/** A free camera moving sends Watch at most this often (the server's input rate is 20 Hz). */
const WATCH_INTERVAL_MS = 100;

/** The input a spectator camera reads: keys held, and presses so far of each key. */
export interface SpectatorInput {
  readonly keysDown: ReadonlySet<string>;
  pressCount(code: string): number;
}

/** What the camera looked at this frame. */
export interface SpectatorView {
  /** Where the screen is centred, in world units. */
  target: Point;
  /** The entity followed, or null for the free camera. */
  followId: number | null;
  /** Watch to send now (the target changed), or null. */
  watch: WatchTarget | null;
}

/**
 * A spectator's camera: it follows a player, cycling through the room summary's leaders (next /
 * previous), or moves freely with the movement keys. The server is told with Watch where to
 * centre the spectator's view; the screen follows the followed entity as drawn.
 */
export class SpectatorCamera {
  #followId: number | null = null;
  #free: Point;
  #presses: Map<string, number> | null = null;
  #sent: WatchTarget | null = null;
  #sentAtMs = -Infinity;

  /** `start`: the free camera's first position (the world's centre), world units. */
  constructor(start: Point) {
    this.#free = start;
  }

  get followId(): number | null {
    return this.#followId;
  }

  /**
   * One frame: reads the keys, moves or switches the camera, and says what to draw around and
   * what to tell the server. `drawn`: positions of the entities drawn this frame (world units),
   * by id; `summary`: the room's leaders, the players to cycle through.
   */
  update(
    input: SpectatorInput,
    drawn: ReadonlyMap<number, Point>,
    summary: RoomSummary | null,
    dtMs: number,
    nowMs: number,
  ): SpectatorView {
    const step = this.#readSteps(input);
    const candidates = summary?.leaders.map((leader) => leader.id) ?? [];
    if (step !== 0 && candidates.length > 0) {
      const at = this.#followId === null ? -1 : candidates.indexOf(this.#followId);
      const from = at === -1 ? (step > 0 ? -1 : 0) : at;
      this.#followId =
        candidates[(from + step + candidates.length) % candidates.length] ?? this.#followId;
    }
    const pan = panDirection(input.keysDown);
    if (pan.x !== 0 || pan.y !== 0) {
      // Panning lets go of the followed player, from where it was.
      if (this.#followId !== null) this.#free = this.#followedAt(drawn, summary) ?? this.#free;
      this.#followId = null;
      const distance = (PAN_UNITS_PER_SEC * dtMs) / 1000;
      this.#free = { x: this.#free.x + pan.x * distance, y: this.#free.y + pan.y * distance };
    }
    if (this.#followId !== null) {
      const at = this.#followedAt(drawn, summary);
      if (at !== null) this.#free = at;
    }
    const next: WatchTarget =
      this.#followId !== null
        ? { followId: this.#followId }
        : {
            x: Math.round(this.#free.x * POSITION_SCALE),
            y: Math.round(this.#free.y * POSITION_SCALE),
          };
    return { target: this.#free, followId: this.#followId, watch: this.#watchToSend(next, nowMs) };
  }

  /** Next (+1) and previous (-1) presses since the last frame, summed. */
  #readSteps(input: SpectatorInput): number {
    const seen = this.#presses;
    const now = new Map<string, number>();
    let step = 0;
    for (const [direction, codes] of [
      [1, SpectatorKeys.next],
      [-1, SpectatorKeys.previous],
    ] as const) {
      for (const code of codes) {
        const count = input.pressCount(code);
        now.set(code, count);
        // The first frame only learns the counts: older presses do not count.
        if (seen !== null) step += direction * (count - (seen.get(code) ?? count));
      }
    }
    this.#presses = now;
    return step;
  }

  /** The followed entity as drawn, else its position in the summary, else null. */
  #followedAt(drawn: ReadonlyMap<number, Point>, summary: RoomSummary | null): Point | null {
    const id = this.#followId;
    if (id === null) return null;
    const point = drawn.get(id);
    if (point) return point;
    const leader = summary?.leaders.find((l) => l.id === id);
    return leader ? { x: leader.x / POSITION_SCALE, y: leader.y / POSITION_SCALE } : null;
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

/** The free camera's direction from the movement keys held (a unit vector, or zero). */
function panDirection(keys: ReadonlySet<string>): Point {
  const held = (codes: readonly string[]): number => (codes.some((c) => keys.has(c)) ? 1 : 0);
  const x = held(SpectatorKeys.right) - held(SpectatorKeys.left);
  const y = held(SpectatorKeys.down) - held(SpectatorKeys.up);
  const length = Math.hypot(x, y);
  return length === 0 ? { x: 0, y: 0 } : { x: x / length, y: y / length };
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
