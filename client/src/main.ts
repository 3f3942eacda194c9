import { ReconnectingConnection, emptyTraffic } from '@tickwire/protocol';
import type { ClosedStatus, RoomInfo, WebSocketConstructor } from '@tickwire/protocol';
import { explainClose } from './net/close-messages.js';
import { resolveJoinMode, shareLinkFor } from './net/server-url.js';
import type { JoinMode } from './net/server-url.js';
import { linkConditionsFromSearch, simulatedWebSocket } from './net/simulated-network.js';
import { GameState } from './game/game-state.js';
import type { Frame } from './game/game-state.js';
import { CounterRate, WindowedSeries } from './netcode/net-stats.js';
import type { GameDrawing } from './render/entity-drawing.js';
import { createFallbackDrawing } from './render/fallback-drawing.js';
import { GameRenderer } from './render/game-renderer.js';
import { playerColor } from './render/palette.js';
import { requireElement } from './ui/dom.js';
import { HudLine } from './ui/hud-line.js';
import { Leaderboard } from './ui/leaderboard.js';
import { Minimap, minimapScene } from './ui/minimap.js';
import {
  SPECTATOR_HELP,
  SPECTATOR_TOUCH_HELP,
  SpectatorCamera,
  spectatorHudText,
} from './ui/spectator-camera.js';
import { InputDevices } from './ui/input-devices.js';
import { TouchPad } from './ui/touch-pad.js';
import { JoinFlow } from './ui/join-flow.js';
import type { GameTarget } from './ui/join-flow.js';
import { NetGraph } from './ui/net-graph.js';
import { ShareBox } from './ui/share-box.js';
import { StatusLine } from './ui/status-line.js';
import { debugSnapshot, installDebugHook } from './debug/debug-hook.js';
import type { TickwireDebugFrames } from './debug/debug-hook.js';
// The one place the client names games: their client modules, by schema game name.
import { clientGames } from '../../games/client.js';

/** Key that shows and hides the net graph (KeyboardEvent.code). */
const NET_GRAPH_KEY = 'Backquote';

/**
 * Wires the pieces: join screen (lobby, matchmaking) -> connection -> game state -> renderer,
 * and input back. The game itself (drawing, controls, prediction rule, HUD) is the module the
 * Welcome's schema names.
 */
async function main(): Promise<void> {
  const statusLine = new StatusLine(
    requireElement(document, 'status', HTMLElement),
    requireElement(document, 'status-details', HTMLElement),
  );
  const hudLine = new HudLine(requireElement(document, 'hud', HTMLElement));
  const leaderboard = new Leaderboard(requireElement(document, 'leaderboard', HTMLElement));
  const minimap = new Minimap(requireElement(document, 'minimap', HTMLCanvasElement));
  const search = new URLSearchParams(window.location.search);
  const netGraph = new NetGraph(
    requireElement(document, 'net-graph', HTMLElement),
    search.get('netgraph') === '1',
  );
  const state = new GameState(clientGames);
  let renderer: GameRenderer;
  try {
    renderer = await GameRenderer.create(requireElement(document, 'game', HTMLElement));
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
  /** Schema fingerprint of the game the renderer draws; null before the first Welcome. */
  let drawnFingerprint: number | null = null;
  const touchPad = new TouchPad(window, requireElement(document, 'touch-pad', HTMLElement));
  /** Set while watching without playing; made at the first frame that knows the world. */
  let isSpectating = false;
  let spectator: SpectatorCamera | null = null;
  /** The controls for this device, which the status line shows a while after joining. */
  const helpText = (): string => {
    if (isSpectating) return touchPad.isTouchDevice ? SPECTATOR_TOUCH_HELP : SPECTATOR_HELP;
    return (
      (touchPad.isShown ? state.session?.touchHelpText : undefined) ?? state.session?.helpText ?? ''
    );
  };
  touchPad.addEventListener('shownchange', () => {
    if (connection?.status.phase === 'connected') {
      statusLine.show(connection.status, performance.now(), helpText());
    }
  });

  // Controls are read on every device change and sent at once (the game decides which changes
  // are urgent); they are drawn on the next frame: neither waits for the other.
  const devices = new InputDevices(
    window,
    renderer.canvas,
    () => {
      if (!isSpectating) connection?.setControls(state.readControls(devices, performance.now()));
    },
    touchPad,
  );
  window.addEventListener('keydown', (event) => {
    if (event.code === NET_GRAPH_KEY && !event.repeat) netGraph.toggle();
  });

  const gameElement = requireElement(document, 'game', HTMLElement);
  const shareBox = new ShareBox(document);
  const showRoom = (room: RoomInfo | null): void => {
    shareBox.show(room?.code ? shareLinkFor(window.location, room.code) : null);
  };
  const joined = resolveJoinMode(window.location);
  if (!joined.ok) statusLine.showProblem(joined.error);
  // A bad ?room= or ?server= is reported, and the page offers the lobby instead.
  const mode: JoinMode = joined.ok
    ? joined.mode
    : { kind: 'lobby', matchmakingUrl: window.location.origin, roomCode: null };

  const startGame = (target: GameTarget): void => {
    connection?.close();
    state.clear();
    joinFlow.hide();
    showRoom(target.room);
    statusLine.setPlayerName(target.spectate ? '' : target.name);
    isSpectating = target.spectate;
    spectator = null;
    connection = new ReconnectingConnection({
      url: target.url,
      seat: target.seat,
      name: target.name,
      WebSocket: socketClass,
      sync: state,
      // The room panel's players online and leaderboard (protocol version 4's Summary).
      summary: true,
      spectate: target.spectate,
      ...(target.rematch ? { rematch: target.rematch } : {}),
      isUrgentChange: (sent, now) => state.isUrgentChange(sent, now),
      onWarning: (message) => console.warn(`tickwire: ${message}`),
      onStatus: (status) => {
        if (status.phase === 'connected') {
          // The pad is for a player of a game with touch controls: not for a spectator.
          touchPad.setWanted(!isSpectating && state.session?.touchHelpText !== undefined);
        }
        statusLine.show(status, performance.now(), helpText());
        // The world on screen is stale until the connection is back: dim it meanwhile.
        gameElement.classList.toggle(
          'is-dimmed',
          status.phase === 'reconnecting' ||
            status.phase === 'connecting' ||
            status.phase === 'handshaking',
        );
        if (status.phase === 'closed') {
          showRoom(null);
          if (!isPlayerLeaving(status)) joinFlow.show(explainClose(status));
        }
      },
    });
    connection.open();
  };
  const joinFlow = new JoinFlow({
    doc: document,
    mode,
    statusLine,
    onStart: startGame,
    onRoomChange: showRoom,
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

  /** Gives the renderer the drawing of the game the Welcome named, when that game changed. */
  const useGameDrawing = (): void => {
    const context = state.context;
    if (!context || context.schema.fingerprint === drawnFingerprint) return;
    drawnFingerprint = context.schema.fingerprint;
    let drawing: GameDrawing | null = null;
    try {
      drawing = state.game?.createDrawing(context) ?? null;
    } catch (error) {
      console.warn(`tickwire: the ${context.schema.game} module cannot draw this schema`, error);
    }
    renderer.setDrawing(drawing ?? createFallbackDrawing(context.schema));
  };

  let workStartMs = 0;
  renderer.onFrame(
    (nowMs) => {
      workStartMs = performance.now();
      const dtMs = lastFrameAtMs > 0 ? nowMs - lastFrameAtMs : 0;
      if (lastFrameAtMs > 0) frameIntervals.add(dtMs, nowMs);
      lastFrameAtMs = nowMs;
      useGameDrawing();
      if (isSpectating) {
        const world = lastFrame.world;
        if (spectator === null && world !== null) spectator = new SpectatorCamera(world);
        const view =
          spectator?.update(devices, state.cameraTarget, state.summary, dtMs, nowMs) ?? null;
        if (view) state.setCameraTarget(view.target, view.followId);
        if (view?.watch) connection?.watch(view.watch);
        lastFrame = state.frame(nowMs, renderer.viewport);
        renderer.draw(lastFrame, nowMs);
        hudLine.show(spectatorHudText(view, state.summary));
      } else {
        const controls = state.readControls(devices, nowMs);
        lastFrame = state.frame(nowMs, renderer.viewport);
        renderer.draw(lastFrame, nowMs);
        devices.setView(lastFrame.camera, lastFrame.self);
        connection?.setControls(controls);
        hudLine.show(state.session?.hudText(state.selfRecord) ?? '');
      }
      leaderboard.show(state.summary, state.playerId);
      minimap.draw(nowMs, () => minimapScene(lastFrame, state.summary, playerColor));

      statusLine.refresh(nowMs, helpText());
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
          tickHz: figures.tickHz,
          sendHz: figures.sendHz,
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

  if (joined.ok) statusLine.show({ phase: 'idle' });
  hudLine.show('');
  joinFlow.show(joined.ok ? null : { title: 'Bad page address', message: joined.error }, false);
}

function isPlayerLeaving(status: ClosedStatus): boolean {
  return status.isClientInitiated && status.closeCode === 1000;
}

main().catch((error: unknown) => {
  console.error('tickwire: the client failed to start', error);
});
