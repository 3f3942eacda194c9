import { EntityKind, POSITION_SCALE } from '@tickwire/protocol';
import type { ViewState } from '@tickwire/protocol';
import type { Camera } from '../game/camera.js';
import type { ConnectionPhase } from '../net/connection-status.js';

/** One entity of the latest applied snapshot, in world units. */
export interface TickwireDebugEntity {
  id: number;
  kind: EntityKind;
  x: number;
  y: number;
  /** Players only. */
  name?: string;
}

/** What the screen shows: world point at the centre, zoom, and the viewport in CSS pixels. */
export interface TickwireDebugCamera {
  x: number;
  y: number;
  zoom: number;
  viewportWidth: number;
  viewportHeight: number;
}

export interface TickwireDebugSnapshot {
  status: ConnectionPhase;
  /** Own entity id; null before Welcome. */
  playerId: number | null;
  /** Tick of the latest applied snapshot; 0 before the first. */
  tick: number;
  entities: TickwireDebugEntity[];
  camera: TickwireDebugCamera;
}

/** The hook browser tests read through `window.__tickwire`. */
export interface TickwireDebugHook {
  snapshot(): TickwireDebugSnapshot;
}

declare global {
  interface Window {
    __tickwire?: TickwireDebugHook;
  }
}

/** A plain-data copy of the client's state, safe to hand across `page.evaluate`. */
export function debugSnapshot(
  status: ConnectionPhase,
  playerId: number | null,
  view: ViewState | null,
  camera: Camera,
): TickwireDebugSnapshot {
  const entities: TickwireDebugEntity[] = [];
  for (const entity of view?.entities.values() ?? []) {
    const x = entity.x / POSITION_SCALE;
    const y = entity.y / POSITION_SCALE;
    entities.push(
      entity.kind === EntityKind.Player
        ? { id: entity.id, kind: entity.kind, x, y, name: entity.name }
        : { id: entity.id, kind: entity.kind, x, y },
    );
  }
  return {
    status,
    playerId,
    tick: view?.tick ?? 0,
    entities,
    camera: {
      x: camera.x,
      y: camera.y,
      zoom: camera.zoom,
      viewportWidth: camera.viewport.widthPx,
      viewportHeight: camera.viewport.heightPx,
    },
  };
}

export function installDebugHook(target: Window, hook: TickwireDebugHook): void {
  target.__tickwire = hook;
}
