import { explainClose } from './net/close-messages.js';
import { Connection } from './net/connection.js';
import type { ClosedStatus } from './net/connection-status.js';
import { resolveServerUrl } from './net/server-url.js';
import { worldToScreen } from './game/camera.js';
import { GameState } from './game/game-state.js';
import type { Frame } from './game/game-state.js';
import { aimTowards } from './game/input-mapping.js';
import { ArenaRenderer } from './render/arena-renderer.js';
import { KeyboardMouseControls } from './ui/controls.js';
import { requireElement } from './ui/dom.js';
import { JoinScreen } from './ui/join-screen.js';
import { StatusLine } from './ui/status-line.js';
import { debugSnapshot, installDebugHook } from './debug/debug-hook.js';

/** Wires the pieces: join screen -> connection -> game state -> renderer, and input back. */
async function main(): Promise<void> {
  const statusLine = new StatusLine(requireElement(document, 'status', HTMLElement));
  const state = new GameState();
  let renderer: ArenaRenderer;
  try {
    renderer = await ArenaRenderer.create(requireElement(document, 'arena', HTMLElement));
  } catch (error) {
    statusLine.showProblem(
      `This browser cannot draw the game (WebGL unavailable): ${String(error)}`,
    );
    throw error;
  }

  let connection: Connection | null = null;
  let lastFrame: Frame = state.frame(performance.now(), renderer.viewport);
  let aim = 0;

  const controls = new KeyboardMouseControls(window, renderer.canvas, (moveDir) => {
    connection?.setControls({ moveDir, aim });
  });

  const joinScreen = new JoinScreen(document, (name) => {
    const server = resolveServerUrl(window.location);
    if (!server.ok) {
      statusLine.showProblem(server.error);
      joinScreen.show({ title: 'Bad server address', message: server.error });
      return;
    }
    connection?.close();
    state.clear();
    joinScreen.hide();
    connection = new Connection({
      url: server.url,
      name,
      WebSocket,
      sync: state,
      onStatus: (status) => {
        statusLine.show(status);
        if (status.phase === 'closed' && !isPlayerLeaving(status)) {
          joinScreen.show(explainClose(status));
        }
      },
    });
    connection.open();
  });

  renderer.onFrame((nowMs) => {
    lastFrame = state.frame(nowMs, renderer.viewport);
    renderer.draw(lastFrame);
    const mouse = controls.mouseScreen;
    if (lastFrame.self && mouse) {
      aim = aimTowards(worldToScreen(lastFrame.camera, lastFrame.self), mouse, aim);
    }
    connection?.setControls({ moveDir: controls.moveDir, aim });
  });

  installDebugHook(window, {
    snapshot: () =>
      debugSnapshot(
        connection?.status.phase ?? 'idle',
        state.playerId,
        state.latestView,
        lastFrame.camera,
      ),
  });

  statusLine.show({ phase: 'idle' });
  joinScreen.show(null);
}

function isPlayerLeaving(status: ClosedStatus): boolean {
  return status.isClientInitiated && status.closeCode === 1000;
}

main().catch((error: unknown) => {
  console.error('tickwire: the client failed to start', error);
});
