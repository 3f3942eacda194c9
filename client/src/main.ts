import { ReconnectingConnection, emptyTraffic } from '@tickwire/protocol';
import type { ClosedStatus, WebSocketConstructor } from '@tickwire/protocol';
import { explainClose } from './net/close-messages.js';
import { resolveServerUrl } from './net/server-url.js';
import { linkConditionsFromSearch, simulatedWebSocket } from './net/simulated-network.js';
import { worldToScreen } from './game/camera.js';
import { GameState } from './game/game-state.js';
import type { Frame } from './game/game-state.js';
import { aimTowards } from './game/input-mapping.js';
import { CounterRate, WindowedSeries } from './netcode/net-stats.js';
import { ArenaRenderer } from './render/arena-renderer.js';
import { KeyboardMouseControls } from './ui/controls.js';
import { requireElement } from './ui/dom.js';
import { JoinScreen } from './ui/join-screen.js';
import { NetGraph } from './ui/net-graph.js';
import { StatusLine } from './ui/status-line.js';
import { debugSnapshot, installDebugHook } from './debug/debug-hook.js';
import type { TickwireDebugFrames } from './debug/debug-hook.js';

/** Key that shows and hides the net graph (KeyboardEvent.code). */
const NET_GRAPH_KEY = 'Backquote';

/** Wires the pieces: join screen -> connection -> game state -> renderer, and input back. */
async function main(): Promise<void> {
  const statusLine = new StatusLine(requireElement(document, 'status', HTMLElement));
  const search = new URLSearchParams(window.location.search);
  const netGraph = new NetGraph(
    requireElement(document, 'net-graph', HTMLElement),
    search.get('netgraph') === '1',
  );
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

  const network = linkConditionsFromSearch(window.location.search);
  if (!network.ok) statusLine.showProblem(network.error);
  const simulated = network.ok ? network.conditions : null;
  const socketClass: WebSocketConstructor = simulated
    ? simulatedWebSocket(WebSocket, simulated)
    : WebSocket;

  let connection: ReconnectingConnection | null = null;
  let lastFrame: Frame = state.frame(performance.now(), renderer.viewport);
  let lastFrameAtMs = 0;
  let aim = 0;

  const controls = new KeyboardMouseControls(window, renderer.canvas, (moveDir) => {
    // Drawn on the next frame, sent now: neither waits for the other.
    state.setControls({ moveDir, aim });
    connection?.setControls({ moveDir, aim });
  });
  window.addEventListener('keydown', (event) => {
    if (event.code === NET_GRAPH_KEY && !event.repeat) netGraph.toggle();
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
    connection = new ReconnectingConnection({
      url: server.url,
      name,
      WebSocket: socketClass,
      sync: state,
      onWarning: (message) => console.warn(`tickwire: ${message}`),
      onStatus: (status) => {
        statusLine.show(status, performance.now());
        if (status.phase === 'closed' && !isPlayerLeaving(status)) {
          joinScreen.show(explainClose(status));
        }
      },
    });
    connection.open();
  });

  const frameIntervals = new WindowedSeries(1000);
  const frameWork = new WindowedSeries(1000);
  const bytesIn = new CounterRate(1000);
  const bytesOut = new CounterRate(1000);
  const frameFigures = (nowMs: number): TickwireDebugFrames => {
    const views = renderer.entityViewStats;
    return {
      fps: frameIntervals.ratePerSecond(nowMs),
      meanIntervalMs: frameIntervals.mean(nowMs),
      meanWorkMs: frameWork.mean(nowMs),
      maxWorkMs: frameWork.max(nowMs),
      pooledViews: views.pooled,
      createdViews: views.created,
      peakViewsInUse: views.peakInUse,
    };
  };

  let workStartMs = 0;
  renderer.onFrame(
    (nowMs) => {
      workStartMs = performance.now();
      if (lastFrameAtMs > 0) frameIntervals.add(nowMs - lastFrameAtMs, nowMs);
      lastFrameAtMs = nowMs;
      state.setControls({ moveDir: controls.moveDir, aim });
      lastFrame = state.frame(nowMs, renderer.viewport);
      renderer.draw(lastFrame);
      const mouse = controls.mouseScreen;
      if (lastFrame.self && mouse) {
        aim = aimTowards(worldToScreen(lastFrame.camera, lastFrame.self), mouse, aim);
      }
      connection?.setControls({ moveDir: controls.moveDir, aim });

      if (connection?.status.phase === 'reconnecting') statusLine.show(connection.status, nowMs);
      const traffic = connection?.traffic;
      const inPerSecond = bytesIn.update(traffic?.bytesIn ?? 0, nowMs);
      const outPerSecond = bytesOut.update(traffic?.bytesOut ?? 0, nowMs);
      if (netGraph.isVisible) {
        const figures = state.figures(nowMs);
        netGraph.show({
          fps: frameIntervals.ratePerSecond(nowMs),
          frameMs: frameIntervals.mean(nowMs),
          rttMs: figures.rttMs,
          rttJitterMs: figures.rttJitterMs,
          kbInPerSecond: inPerSecond / 1000,
          kbOutPerSecond: outPerSecond / 1000,
          snapshotsPerSecond: figures.snapshotsPerSecond,
          snapshotJitterMs: figures.snapshotJitterMs,
          interpolationDelayMs: figures.interpolationDelayMs,
          predictionErrorLast: figures.predictionErrorLast,
          predictionErrorMax: figures.predictionErrorMax,
          predictionLeadMs: figures.predictionLeadMs,
          reconnects: connection?.reconnects ?? 0,
          phase: connection?.status.phase ?? 'idle',
          simulated,
        });
      }
    },
    () => frameWork.add(performance.now() - workStartMs, performance.now()),
  );

  installDebugHook(window, {
    snapshot: () => {
      const nowMs = performance.now();
      return debugSnapshot({
        status: connection?.status.phase ?? 'idle',
        playerId: state.playerId,
        view: state.latestView,
        rendered: lastFrame.entities,
        frameAtMs: lastFrameAtMs,
        camera: lastFrame.camera,
        netcode: state.figures(nowMs),
        traffic: connection?.traffic ?? emptyTraffic(),
        reconnects: connection?.reconnects ?? 0,
        frames: frameFigures(nowMs),
      });
    },
    dropConnection: () => connection?.abort(),
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
