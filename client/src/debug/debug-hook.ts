import { POSITION_SCALE } from '@tickwire/protocol';
import type { ConnectionPhase, TrafficCounters, ViewState } from '@tickwire/protocol';
import type { Camera } from '../game/camera.js';
import type { RenderEntity } from '../game/game-module.js';
import type { NetcodeFigures } from '../game/game-state.js';

/**
 * One entity of the latest applied snapshot: x, y in world units, then the kind's declared
 * fields as the server sent them (and `ticksLeft` for kinds with a lifetime). The built-in
 * velocity is left out.
 */
export interface TickwireDebugEntity {
  id: number;
  /** Kind name, as the schema declares it. */
  kind: string;
  x: number;
  y: number;
  [field: string]: number | string;
}

/** One entity as the last frame drew it, in world units. */
export interface TickwireDebugRendered {
  /** Below 0 for the game's local predictions (a shot the server has not confirmed yet). */
  id: number;
  kind: string;
  x: number;
  y: number;
  isSelf: boolean;
}

/** What the screen shows: world point at the centre, zoom, and the viewport in CSS pixels. */
export interface TickwireDebugCamera {
  x: number;
  y: number;
  zoom: number;
  viewportWidth: number;
  viewportHeight: number;
}

/** Frame timing over the last second: time between frames and our own work per frame. */
export interface TickwireDebugFrames {
  fps: number;
  meanIntervalMs: number;
  /** Main-thread time per frame, ms: game state, scene update and PixiJS's render call. */
  meanWorkMs: number;
  maxWorkMs: number;
  /** Display objects alive in the renderer's pool (in use and spare). */
  pooledViews: number;
  /** Display objects ever created. */
  createdViews: number;
  /** Most display objects in use at once. */
  peakViewsInUse: number;
}

export interface TickwireDebugSnapshot {
  status: ConnectionPhase;
  /** Own entity id; null before Welcome. */
  playerId: number | null;
  /** Tick of the latest applied snapshot; 0 before the first. */
  tick: number;
  /** The latest applied view, as the server sent it. */
  entities: TickwireDebugEntity[];
  /** What the last frame drew: interpolated others, the predicted own player. */
  rendered: TickwireDebugRendered[];
  /** performance.now() of the last frame. */
  frameAtMs: number;
  camera: TickwireDebugCamera;
  netcode: NetcodeFigures;
  traffic: TrafficCounters;
  reconnects: number;
  frames: TickwireDebugFrames;
}

/** The hook browser tests read through `window.__tickwire`. */
export interface TickwireDebugHook {
  snapshot(): TickwireDebugSnapshot;
  /** Drops the connection as a network failure would (it then reconnects). */
  dropConnection(): void;
}

declare global {
  interface Window {
    __tickwire?: TickwireDebugHook;
  }
}

export interface DebugSources {
  status: ConnectionPhase;
  playerId: number | null;
  view: ViewState | null;
  rendered: readonly RenderEntity[];
  frameAtMs: number;
  camera: Camera;
  netcode: NetcodeFigures;
  traffic: TrafficCounters;
  reconnects: number;
  frames: TickwireDebugFrames;
}

/** A plain-data copy of the client's state, safe to hand across `page.evaluate`. */
export function debugSnapshot(s: DebugSources): TickwireDebugSnapshot {
  const entities: TickwireDebugEntity[] = [];
  for (const record of s.view?.entities.values() ?? []) {
    const entity: TickwireDebugEntity = { id: record.id, kind: record.kind, x: 0, y: 0 };
    for (const [name, value] of Object.entries(record)) {
      if (name === 'x' || name === 'y') entity[name] = (value as number) / POSITION_SCALE;
      else if (name !== 'vx' && name !== 'vy' && name !== 'id' && name !== 'kind') {
        entity[name] = value;
      }
    }
    entities.push(entity);
  }
  return {
    status: s.status,
    playerId: s.playerId,
    tick: s.view?.tick ?? 0,
    entities,
    rendered: s.rendered.map((e) => ({ id: e.id, kind: e.kind, x: e.x, y: e.y, isSelf: e.isSelf })),
    frameAtMs: s.frameAtMs,
    camera: {
      x: s.camera.x,
      y: s.camera.y,
      zoom: s.camera.zoom,
      viewportWidth: s.camera.viewport.widthPx,
      viewportHeight: s.camera.viewport.heightPx,
    },
    netcode: s.netcode,
    traffic: { ...s.traffic },
    reconnects: s.reconnects,
    frames: s.frames,
  };
}

export function installDebugHook(target: Window, hook: TickwireDebugHook): void {
  target.__tickwire = hook;
}
