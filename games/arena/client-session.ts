// The arena in play on the client: how keyboard, mouse and touch become its controls (fire
// latched until an Input carries it), the prediction of the own player (the shared movement rule)
// and of the own shots until the server's take over, and the HUD. No PixiJS here (client.ts
// draws): this half runs, and is tested, in Node.
import {
  constantsOf,
  NO_DIRECTION,
  POSITION_SCALE,
  clamp,
  type CompiledSchema,
  type Controls,
  type EntityRecord,
  type Input,
  type Motion,
  type ViewState,
} from '@tickwire/protocol';
import {
  numberField,
  type GameContext,
  type GameSession,
  type InputState,
  type Present,
  type RenderEntity,
} from '../../client/src/game/game-module.js';
import { aimTowards, moveDirFromKeys } from '../../client/src/game/input-mapping.js';
import {
  arenaSpec,
  FIRE,
  applyMovement,
  isUrgentChange,
  projectileSpawn,
  type ArenaConstants,
  type ArenaControls,
} from './shared.js';

/** The game in one line, before the controls: what a newcomer is here to do. */
const GOAL = 'Eat the yellow pellets and shoot the others to top the leaderboard.';
/** The key that fires (KeyboardEvent.code), and the mouse button ('Mouse0': primary). */
const FIRE_KEY = 'Space';
const FIRE_BUTTON = 'Mouse0';
/** Presses of a finger on the game itself (not on the touch controls): it fires there. */
const WORLD_TOUCH = 'Touch';
/**
 * A hand-over offset (local shot -> the server's) is worked off by half every this many ms, and
 * never faster than half a shot's speed, so a shot never seems to jump forwards or back.
 */
const GLIDE_HALF_LIFE_MS = 40;

/** The arena's constants from the schema the server sent (its values, not this build's). */
export function arenaConstants(schema: CompiledSchema): ArenaConstants {
  return constantsOf(arenaSpec, schema);
}

function arenaControls(c: Readonly<Controls>): ArenaControls {
  return { moveDir: c['moveDir'] ?? NO_DIRECTION, aim: c['aim'] ?? 0, buttons: c['buttons'] ?? 0 };
}

/**
 * An offset (wire units) that decays to nothing, so a correction slides instead of jumping: by
 * half every GLIDE_HALF_LIFE_MS, and never faster than `maxWirePerMs`.
 */
class Glide {
  readonly #x: number;
  readonly #y: number;
  readonly #length: number;
  readonly #atMs: number;
  readonly #maxWirePerMs: number;

  constructor(x: number, y: number, atMs: number, maxWirePerMs: number) {
    this.#x = x;
    this.#y = y;
    this.#length = Math.hypot(x, y);
    this.#atMs = atMs;
    this.#maxWirePerMs = maxWirePerMs;
  }

  at(nowMs: number): { x: number; y: number } {
    if (this.#length === 0) return { x: 0, y: 0 };
    const elapsedMs = Math.max(0, nowMs - this.#atMs);
    const halved = this.#length * 2 ** (-elapsedMs / GLIDE_HALF_LIFE_MS);
    const capped = this.#length - this.#maxWirePerMs * elapsedMs;
    const keep = Math.max(halved, capped) / this.#length;
    return { x: this.#x * keep, y: this.#y * keep };
  }
}

const STILL = new Glide(0, 0, 0, 0);

/** An own shot drawn before the server's projectile for it is in the view. */
interface LocalShot {
  readonly id: number;
  /**
   * Seq of the Input that carries the press; null until it goes out (the connection keeps to the
   * input rate, so that can be a frame or two after the press).
   */
  seq: number | null;
  /** The server tick it should spawn in (the step that applies that Input). */
  tick: number;
  /** Its motion at the end of tick - 1 (the spawn point: a shot moves in its spawn tick). */
  motion: Motion;
  glide: Glide;
  fields: Readonly<Record<string, number | string>>;
}

/**
 * The controls and own-shot prediction of an arena player. A fire press is latched until an
 * Input carries it, and fire is held in Inputs for that Input's tick (the server applies the
 * newest Input of a tick: a release in the same tick would drop the press). Each own shot is
 * drawn from the moment its press is read, where the server will spawn it, and handed over to
 * the server's projectile once the server has applied its Input (see #scan).
 */
export class ArenaSession implements GameSession {
  readonly helpText = `${GOAL} WASD or arrow keys move, the mouse aims, click or Space fires.`;
  readonly touchHelpText = `${GOAL} Left thumb: move and aim · right button: fire (drag it to aim).`;
  readonly applyInput: (m: Motion, controls: Readonly<Controls>) => void;
  readonly #c: ArenaConstants;
  readonly #playerId: number;
  readonly #lifetimeTicks: number;
  readonly #maxX: number;
  readonly #maxY: number;
  /** Fastest a hand-over glides: half a shot's speed, in wire units per ms. */
  readonly #glideWirePerMs: number;
  #aim = 0;
  /** Fire presses seen so far (null before the first read: older presses do not count). */
  #seenPresses: number | null = null;
  /** A press not yet carried by an Input: kept so a tap between two Inputs still fires. */
  #isFireLatched = false;
  /** Fire stays held in Inputs until this tick: a release tagged for the tick of the press would replace it. */
  #fireHeldUntilTick = -Infinity;
  /** Tick of the newest own shot, for the cooldown the server applies. */
  #lastShotTick = -Infinity;
  #nextLocalId = -1;
  /** Local shots, oldest first. */
  #shots: LocalShot[] = [];
  /** The own shots of the newest view, drawn in the present, and the view they came from. */
  #ownShots: EntityRecord[] = [];
  #scannedView: ViewState | null = null;
  /** The own hp in the last view scanned: a rise is a respawn. */
  #lastHp: number | null = null;
  /** Hand-over offsets of the own server shots, by id: every own shot seen has one. */
  readonly #glides = new Map<number, Glide>();

  constructor(context: GameContext) {
    const c = arenaConstants(context.schema);
    this.#c = c;
    this.#playerId = context.playerId;
    this.#lifetimeTicks = context.schema.kindByName.get('projectile')?.lifetimeTicks ?? 0;
    this.#maxX = context.worldWidth * POSITION_SCALE;
    this.#maxY = context.worldHeight * POSITION_SCALE;
    this.#glideWirePerMs = (c.projectileSpeed * context.tickHz) / 2 / 1000;
    this.applyInput = (m, controls) => applyMovement(m, arenaControls(controls), c);
  }

  isUrgentChange(sent: Readonly<Controls>, now: Readonly<Controls>): boolean {
    return isUrgentChange(sent, now);
  }

  /**
   * Desktop: keys move, the mouse aims, its button or Space fires. Touch (twin-stick): the stick
   * moves and aims along the movement; the button fires along the aim, and dragged it aims by
   * itself (to shoot back while running away); a finger on the game aims at that spot and fires.
   */
  controls(input: InputState, present: Present): Controls {
    const pad = input.touchPad;
    const presses =
      input.pressCount(FIRE_BUTTON) +
      input.pressCount(FIRE_KEY) +
      input.pressCount(WORLD_TOUCH) +
      (pad?.button.presses ?? 0);
    if (this.#seenPresses !== null && presses > this.#seenPresses) this.#isFireLatched = true;
    this.#seenPresses = presses;
    const [worldTouch] = input.touches;
    const isFireHeld =
      (input.mouseButtons & 1) !== 0 ||
      input.keysDown.has(FIRE_KEY) ||
      worldTouch !== undefined ||
      pad?.button.isHeld === true;
    const isFiring = isFireHeld || this.#isFireLatched || present.tick < this.#fireHeldUntilTick;

    const stick = pad?.stick;
    const button = pad?.button;
    const hasStick = stick !== undefined && stick.direction !== NO_DIRECTION;
    const moveDir = hasStick ? stick.direction : moveDirFromKeys(input.keysDown);
    const self = input.self;
    if (self && worldTouch) {
      this.#aim = aimTowards(self, worldTouch, this.#aim);
    } else if (button?.isHeld && button.angle !== NO_DIRECTION) {
      this.#aim = button.angle;
    } else if (stick && stick.angle !== NO_DIRECTION) {
      this.#aim = stick.angle;
    } else if (self && input.pointer && pad?.isShown !== true) {
      // The mouse where it was last: not while the touch controls are in use.
      this.#aim = aimTowards(self, input.pointer, this.#aim);
    }
    return { moveDir, aim: this.#aim, buttons: isFiring ? FIRE : 0 };
  }

  onInputSent(input: Readonly<Input>, tick: number, present: Present): void {
    const { buttons, aim } = arenaControls(input.controls);
    if ((buttons & FIRE) === 0) return;
    this.#isFireLatched = false;
    this.#fireHeldUntilTick = Math.max(this.#fireHeldUntilTick, tick);
    const isCool = tick - this.#lastShotTick >= this.#c.fireCooldownTicks;
    const waiting = this.#shots.find((shot) => shot.seq === null);
    if (waiting) {
      // The shot drawn at the press now has its Input: it moves to that Input's tick and aim.
      if (isCool) {
        waiting.seq = input.seq;
        this.#retime(waiting, tick, aim, present);
        this.#lastShotTick = tick;
      } else {
        this.#shots = this.#shots.filter((shot) => shot !== waiting);
      }
      return;
    }
    if (isCool && this.#spawn(input.seq, tick, aim, present)) this.#lastShotTick = tick;
  }

  isPredicted(record: EntityRecord): boolean {
    return record.kind === 'projectile' && record['owner'] === this.#playerId;
  }

  predict(present: Present): readonly RenderEntity[] {
    if (present.view !== this.#scannedView) this.#scan(present);
    // A press the connection has not sent yet (it keeps to the input rate): drawn at once all
    // the same, for the tick an Input sent now lands in.
    if (this.#isFireLatched && !this.#shots.some((shot) => shot.seq === null)) {
      const tick = Math.floor(present.tick) + 1;
      if (tick - this.#lastShotTick >= this.#c.fireCooldownTicks) {
        this.#spawn(null, tick, this.#aim, present);
      }
    }
    const out: RenderEntity[] = [];
    const viewTick = present.view?.tick ?? 0;
    for (const record of this.#ownShots) {
      if (present.tick >= viewTick + numberField(record, 'ticksLeft')) continue;
      const at = present.extrapolate(record, present.tick);
      // The server removes a shot that reaches the edge: the present is ahead of its news.
      if (this.#isAtEdge(at)) continue;
      const offset = (this.#glides.get(record.id) ?? STILL).at(present.nowMs);
      out.push(shotEntity(record.id, at.x + offset.x, at.y + offset.y, record));
    }
    this.#shots = this.#shots.filter((shot) => {
      const at = this.#shotAt(shot, present);
      const isOver = present.tick >= shot.tick + this.#lifetimeTicks;
      if (isOver || this.#isAtEdge(at)) return false;
      out.push(shotEntity(shot.id, at.x, at.y, shot.fields));
      return true;
    });
    return out;
  }

  #isAtEdge(at: { x: number; y: number }): boolean {
    return at.x <= 0 || at.y <= 0 || at.x >= this.#maxX || at.y >= this.#maxY;
  }

  hudText(self: EntityRecord | null): string {
    if (!self) return '';
    const hp = numberField(self, 'hp');
    return `hp ${hp} / ${this.#c.maxHp} · score ${numberField(self, 'score')}`;
  }

  /**
   * A new view: its own shots are drawn from now on. Each one new to the view takes over from
   * the oldest local shot whose Input the server has applied (the view's inputAck covers it), and
   * glides from where that one was drawn onto its own position. A local shot whose Input the
   * server applied and that found no shot of the server's was refused by the server (or hit at
   * once): it goes. Matching by Input seq, not by tick, keeps this right when the clock estimate
   * is off. A respawn (hp back up) restarts the cooldown, as the server does.
   */
  #scan(present: Present): void {
    const view = present.view;
    this.#scannedView = view;
    const ownShots: EntityRecord[] = [];
    const table = view?.entities;
    for (let i = 0; table && i < table.count; i++) {
      if (table.kindAt(i).name !== 'projectile') continue;
      const record = table.recordAt(i);
      if (record['owner'] === this.#playerId) ownShots.push(record);
    }
    const viewTick = view?.tick ?? 0;
    const spawnTick = (r: EntityRecord): number =>
      viewTick + numberField(r, 'ticksLeft') - this.#lifetimeTicks;
    const entered = ownShots
      .filter((r) => !this.#glides.has(r.id))
      .sort((a, b) => spawnTick(a) - spawnTick(b));
    for (const record of entered) {
      const local = this.#shots.find((s) => s.seq !== null && s.seq <= present.inputAck);
      let glide = STILL;
      if (local) {
        this.#shots = this.#shots.filter((s) => s !== local);
        const drawn = this.#shotAt(local, present);
        const at = present.extrapolate(record, present.tick);
        glide = this.#glide(drawn.x - at.x, drawn.y - at.y, present.nowMs);
      }
      this.#glides.set(record.id, glide);
      this.#lastShotTick = Math.max(this.#lastShotTick, spawnTick(record));
    }
    this.#shots = this.#shots.filter((s) => s.seq === null || s.seq > present.inputAck);
    for (const id of this.#glides.keys()) {
      if (!ownShots.some((r) => r.id === id)) this.#glides.delete(id);
    }
    this.#ownShots = ownShots;

    const self = view?.entities.get(this.#playerId);
    const hp = self ? numberField(self, 'hp') : null;
    if (hp !== null && this.#lastHp !== null && hp > this.#lastHp) {
      this.#lastShotTick = Math.max(this.#lastShotTick, viewTick);
    }
    this.#lastHp = hp;
  }

  #spawn(seq: number | null, tick: number, aim: number, present: Present): LocalShot | null {
    const motion = this.#spawnMotion(tick, aim, present);
    if (!motion) return null;
    const shot: LocalShot = {
      id: this.#nextLocalId--,
      seq,
      tick,
      motion,
      glide: STILL,
      fields: this.#shotFields(motion),
    };
    this.#shots.push(shot);
    return shot;
  }

  /** Moves a local shot to another tick and aim, sliding from where it was drawn. */
  #retime(shot: LocalShot, tick: number, aim: number, present: Present): void {
    const motion = this.#spawnMotion(tick, aim, present);
    const isSame =
      tick === shot.tick && motion?.vx === shot.motion.vx && motion.vy === shot.motion.vy;
    if (!motion || isSame) return;
    const before = this.#shotAt(shot, present);
    shot.tick = tick;
    shot.motion = motion;
    shot.fields = this.#shotFields(motion);
    shot.glide = STILL;
    const after = this.#shotAt(shot, present);
    shot.glide = this.#glide(before.x - after.x, before.y - after.y, present.nowMs);
  }

  /** The fields a local shot is drawn with: those of the projectile the server will spawn. */
  #shotFields(motion: Motion): Readonly<Record<string, number | string>> {
    return { owner: this.#playerId, vx: motion.vx, vy: motion.vy };
  }

  #glide(x: number, y: number, nowMs: number): Glide {
    return new Glide(x, y, nowMs, this.#glideWirePerMs);
  }

  /** Where the server will spawn a shot fired in `tick`: from the own player at tick - 1. */
  #spawnMotion(tick: number, aim: number, present: Present): Motion | null {
    const self = present.selfAt(tick - 1);
    return self ? projectileSpawn({ x: self.x, y: self.y, aim }, this.#c) : null;
  }

  /** A local shot at the present, wire units: the server's integer motion, glide added. */
  #shotAt(shot: LocalShot, present: Present): { x: number; y: number } {
    const ticks = present.tick - (shot.tick - 1);
    const offset = shot.glide.at(present.nowMs);
    const m = shot.motion;
    return {
      x: clamp(m.x + m.vx * ticks, 0, this.#maxX) + offset.x,
      y: clamp(m.y + m.vy * ticks, 0, this.#maxY) + offset.y,
    };
  }
}

function shotEntity(
  id: number,
  xWire: number,
  yWire: number,
  fields: Readonly<Record<string, number | string>>,
): RenderEntity {
  return {
    id,
    kind: 'projectile',
    x: xWire / POSITION_SCALE,
    y: yWire / POSITION_SCALE,
    isSelf: false,
    fields,
  };
}
