import type { TouchPadState } from '../game/game-module.js';
import type { Point } from '../game/geometry.js';
import { isMoveKey } from '../game/input-mapping.js';
import { onFocusLost } from './dom.js';
import { isTextField } from './input-devices.js';
import { StickTracker } from './touch-stick.js';

/**
 * Dead zone of a drag on the button, as a fraction of its radius: larger than the stick's, so a
 * thumb that rolls a little while it presses does not point anywhere.
 */
const BUTTON_DEAD_ZONE = 0.4;
/** Least gap between a floating stick and the edge of the screen, CSS pixels. */
const EDGE_MARGIN_PX = 6;

/** One finger on one control: which pointer, and where it touched down (client pixels). */
interface Grip {
  pointerId: number;
  centrePx: Point;
}

/**
 * The on-screen controls of a touch device, for any game: a stick that appears under the left
 * thumb wherever it touches the left half of the screen (and rests bottom-left, faint, to show
 * where it is), and a button bottom-right that is held, and may be dragged to point. Each is
 * driven by Pointer Events of one finger, captured, so the other thumb and a finger on the game
 * surface stay apart; the page never scrolls or zooms under them (touch-action: none).
 *
 * Shown on a touch device: a coarse pointer at load, or the first touch seen; hidden again when
 * a mouse clicks or a movement key is pressed (a tablet with a keyboard and a mouse). Events:
 * 'change' when what a game reads changed (at once, so the controls go out without waiting for a
 * frame), 'shownchange' when the controls appear or go.
 */
export class TouchPad extends EventTarget {
  readonly #root: HTMLElement;
  readonly #zone: HTMLElement;
  readonly #base: HTMLElement;
  readonly #knob: HTMLElement;
  readonly #button: HTMLElement;
  readonly #buttonKnob: HTMLElement;
  readonly #stick = new StickTracker();
  readonly #fire = new StickTracker(BUTTON_DEAD_ZONE);
  readonly #abort = new AbortController();
  #stickGrip: Grip | null = null;
  #buttonGrip: Grip | null = null;
  #isShown = false;
  /** Whether the player last used a touch screen (rather than a mouse or keys). */
  #isTouchDevice = false;
  /** Whether what is played uses the pad (a spectator, or a game without touch controls, does not). */
  #isWanted = true;

  /** `root`: an empty element of the page; the pad builds its controls inside it. */
  constructor(target: Window, root: HTMLElement) {
    super();
    const doc = root.ownerDocument;
    const part = (className: string, ...children: HTMLElement[]): HTMLElement => {
      const element = doc.createElement('div');
      element.className = className;
      element.append(...children);
      return element;
    };
    this.#root = root;
    this.#knob = part('touch-knob');
    this.#base = part('touch-stick', this.#knob);
    this.#zone = part('touch-zone', this.#base);
    this.#buttonKnob = part('touch-knob');
    this.#button = part('touch-button', this.#buttonKnob);
    root.classList.add('touch-pad');
    root.setAttribute('aria-hidden', 'true');
    root.hidden = true;
    root.replaceChildren(this.#zone, this.#button);

    const options = { signal: this.#abort.signal };
    for (const [element, grip] of [
      [this.#zone, 'stick'],
      [this.#button, 'button'],
    ] as const) {
      element.addEventListener('pointerdown', (event) => this.#onDown(grip, event), options);
      element.addEventListener('pointermove', (event) => this.#onMove(grip, event), options);
      for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'] as const) {
        element.addEventListener(type, (event) => this.#onUp(grip, event), options);
      }
    }
    // A long press MUST NOT open a menu or select text, nor a quick second tap zoom (iOS
    // Safari honours touch-action only partly): the touches on the controls are the game's.
    root.addEventListener('contextmenu', (event) => event.preventDefault(), options);
    root.addEventListener('touchstart', (event) => event.preventDefault(), {
      ...options,
      passive: false,
    });

    // Which kind of device is in use, from what the player last touched or pressed.
    target.addEventListener(
      'pointerdown',
      (event) => {
        if (event.pointerType === 'touch') this.#setTouchDevice(true);
        else if (event.pointerType === 'mouse') this.#setTouchDevice(false);
      },
      { ...options, capture: true },
    );
    target.addEventListener(
      'keydown',
      (event) => {
        if (isMoveKey(event.code) && !isTextField(event.target)) this.#setTouchDevice(false);
      },
      options,
    );
    onFocusLost(target, () => this.#releaseAll(), options);
    this.#setTouchDevice(target.matchMedia('(pointer: coarse)').matches);
  }

  /**
   * Whether what is played now uses the pad: not a spectator, nor a game without touch controls.
   * The pad shows on a touch device only while it is wanted.
   */
  setWanted(isWanted: boolean): void {
    this.#isWanted = isWanted;
    this.#show(this.#isTouchDevice && isWanted);
  }

  /** Whether a touch device is in use: the player last touched the screen. */
  get isTouchDevice(): boolean {
    return this.#isTouchDevice;
  }

  get isShown(): boolean {
    return this.#isShown;
  }

  get state(): TouchPadState {
    return { isShown: this.#isShown, stick: this.#stick.state, button: this.#fire.state };
  }

  dispose(): void {
    this.#abort.abort();
  }

  #onDown(control: 'stick' | 'button', event: PointerEvent): void {
    if (event.pointerType === 'mouse' || this.#gripOf(control) !== null) return;
    event.preventDefault();
    const element = control === 'stick' ? this.#zone : this.#button;
    try {
      element.setPointerCapture(event.pointerId);
    } catch {
      // The pointer is already gone (released before this ran): its pointerup follows.
    }
    const touchedPx = { x: event.clientX, y: event.clientY };
    let centrePx = touchedPx;
    if (control === 'stick') {
      centrePx = this.#placeStick(touchedPx);
      this.#stickGrip = { pointerId: event.pointerId, centrePx };
    } else {
      this.#buttonGrip = { pointerId: event.pointerId, centrePx };
      this.#button.classList.add('is-held');
    }
    const offsetPx = { x: touchedPx.x - centrePx.x, y: touchedPx.y - centrePx.y };
    this.#trackerOf(control).press(offsetPx, this.#radiusOf(control));
    this.#drawKnob(control, offsetPx);
    this.dispatchEvent(new Event('change'));
  }

  #onMove(control: 'stick' | 'button', event: PointerEvent): void {
    const grip = this.#gripOf(control);
    if (grip?.pointerId !== event.pointerId) return;
    const offsetPx = { x: event.clientX - grip.centrePx.x, y: event.clientY - grip.centrePx.y };
    this.#drawKnob(control, offsetPx);
    if (this.#trackerOf(control).move(offsetPx, this.#radiusOf(control))) {
      this.dispatchEvent(new Event('change'));
    }
  }

  #onUp(control: 'stick' | 'button', event: PointerEvent): void {
    if (this.#gripOf(control)?.pointerId !== event.pointerId) return;
    if (this.#release(control)) this.dispatchEvent(new Event('change'));
  }

  /** Lets go of a control: the stick goes back to rest. Returns whether its state changed. */
  #release(control: 'stick' | 'button'): boolean {
    if (control === 'stick') {
      this.#stickGrip = null;
      this.#base.classList.remove('is-held');
      this.#base.style.removeProperty('left');
      this.#base.style.removeProperty('top');
      this.#base.style.removeProperty('bottom');
    } else {
      this.#buttonGrip = null;
      this.#button.classList.remove('is-held');
    }
    this.#drawKnob(control, { x: 0, y: 0 });
    return this.#trackerOf(control).release();
  }

  #releaseAll(): void {
    const isChanged = [this.#release('stick'), this.#release('button')].some(Boolean);
    if (isChanged) this.dispatchEvent(new Event('change'));
  }

  /**
   * Moves the stick under the thumb, kept whole on screen; returns its centre (client pixels).
   * Near an edge the centre is off the thumb, which then already pushes away from that edge.
   */
  #placeStick(touchedPx: Point): Point {
    const radiusPx = this.#radiusOf('stick');
    const screen = this.#root.getBoundingClientRect();
    const zone = this.#zone.getBoundingClientRect();
    const inset = radiusPx + EDGE_MARGIN_PX;
    const centrePx = {
      x: clamp(touchedPx.x, screen.left + inset, screen.right - inset),
      y: clamp(touchedPx.y, screen.top + inset, screen.bottom - inset),
    };
    this.#base.classList.add('is-held');
    this.#base.style.left = `${centrePx.x - zone.left - radiusPx}px`;
    this.#base.style.top = `${centrePx.y - zone.top - radiusPx}px`;
    this.#base.style.bottom = 'auto';
    return centrePx;
  }

  /** The knob follows the finger, up to the rim. */
  #drawKnob(control: 'stick' | 'button', offsetPx: Point): void {
    const radiusPx = this.#radiusOf(control);
    const distancePx = Math.hypot(offsetPx.x, offsetPx.y);
    const scale = distancePx > radiusPx ? radiusPx / distancePx : 1;
    const knob = control === 'stick' ? this.#knob : this.#buttonKnob;
    knob.style.transform = `translate(${offsetPx.x * scale}px, ${offsetPx.y * scale}px)`;
  }

  #radiusOf(control: 'stick' | 'button'): number {
    return (control === 'stick' ? this.#base : this.#button).offsetWidth / 2;
  }

  #gripOf(control: 'stick' | 'button'): Grip | null {
    return control === 'stick' ? this.#stickGrip : this.#buttonGrip;
  }

  #trackerOf(control: 'stick' | 'button'): StickTracker {
    return control === 'stick' ? this.#stick : this.#fire;
  }

  #setTouchDevice(isTouchDevice: boolean): void {
    this.#isTouchDevice = isTouchDevice;
    this.#show(isTouchDevice && this.#isWanted);
  }

  #show(isShown: boolean): void {
    if (isShown === this.#isShown) return;
    this.#isShown = isShown;
    this.#root.hidden = !isShown;
    // The layout makes room for the controls (style.css, "Touch controls").
    this.#root.ownerDocument.documentElement.classList.toggle('has-touch-pad', isShown);
    if (!isShown) this.#releaseAll();
    this.dispatchEvent(new Event('shownchange'));
    this.dispatchEvent(new Event('change'));
  }
}

function clamp(value: number, min: number, max: number): number {
  return min > max ? (min + max) / 2 : Math.min(Math.max(value, min), max);
}
