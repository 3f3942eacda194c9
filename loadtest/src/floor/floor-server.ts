// The floor's ONE file that imports uWebSockets.js: a bare server with none of tickwire's server
// code on its path (no gateway, rooms, sync or transport), so that what it costs is what any
// server on uWS pays to hold these clients. The bench runs it beside tickwire (bench/main.ts).
import uWS from 'uWebSockets.js';
import {
  CloseCode,
  MessageId,
  ProtocolError,
  SERVED_SUBPROTOCOLS,
  SUBPROTOCOL,
  SUPPORTED_PROTOCOL_VERSIONS,
  WEBSOCKET_PATH,
  decodeHandshakeMessage,
} from '@tickwire/protocol';
import { systemClock, systemSchedule } from '../../../server/src/loop/clock.js';
import { createTickLoop } from '../../../server/src/loop/tick-loop.js';
import type { WelcomeWriter } from './arena-welcome.js';
import { createFloorFrame } from './floor-frame.js';
import { FloorMetrics, emptyCounters, type FloorCounters } from './floor-metrics.js';

export interface FloorOptions {
  host: string;
  /** 0: a free port. */
  port: number;
  tickHz: number;
  /** Frames go out on every `sendIntervalTicks`-th tick, as the server's snapshots (--send-hz). */
  sendIntervalTicks: number;
  /** Size of the one frame every client is sent each send tick. */
  frameBytes: number;
  /** As the server's: most ticks run back to back when late, older ones are skipped. */
  maxCatchUpTicks: number;
  /** The server's uWS options and skip threshold, so both hold their clients alike. */
  maxPayloadBytes: number;
  maxBackpressureBytes: number;
  idleTimeoutSeconds: number;
  snapshotSkipBytes: number;
  /** The game its Welcome names (the metrics' `game` label). */
  game: string;
  welcome: WelcomeWriter;
}

export interface FloorServer {
  readonly port: number;
  readonly counters: Readonly<FloorCounters>;
  /** Stops ticking, closes the listen socket and every client (1001, going away). */
  stop(): void;
}

interface Peer {
  /** 'hello': waits for its Hello; 'joining': Welcomed at the next tick; then 'playing'. */
  phase: 'hello' | 'joining' | 'playing';
  isOpen: boolean;
  protocolVersion: number;
  /** A send returned other than 1 since the buffer was last seen empty (as transport/uws.ts). */
  mayBuffer: boolean;
}

type Socket = uWS.WebSocket<Peer>;

const SENT_DROPPED = 2;
/** send() wrote the frame through: nothing of it waits in uWS. */
const SENT = 1;

/**
 * Starts the floor: clients join with a Hello and get a real Welcome at the next tick; then every
 * tick, at the fixed step of the server's own loop, every joined client is sent the tick's one
 * frame (createFloorFrame). Client messages are read and counted, nothing more.
 */
export async function startFloorServer(o: FloorOptions): Promise<FloorServer> {
  const counters = emptyCounters();
  const metrics = new FloorMetrics(o.game, counters);
  const frameFor = createFloorFrame(o.frameBytes, o.sendIntervalTicks);
  const joining: Socket[] = [];
  const playing = new Set<Socket>();
  /** Clients welcomed so far: the next one's player id is 1 + this, within 1..65535. */
  let welcomed = 0;
  const app = uWS.App();

  const sendFrame = (ws: Socket, frame: Uint8Array): void => {
    // As the server: skip a client whose send buffer is over the threshold, long before uWS
    // would drop (a drop can corrupt the stream in v20.30, shared/NETCODE.md).
    const peer = ws.getUserData();
    if (peer.mayBuffer) {
      const bufferedBytes = ws.getBufferedAmount();
      if (bufferedBytes > o.snapshotSkipBytes) {
        counters.snapshotsSkipped++;
        return;
      }
      if (bufferedBytes === 0) peer.mayBuffer = false;
    }
    const status = ws.send(frame, true, false);
    if (status !== SENT) peer.mayBuffer = true;
    if (status === SENT_DROPPED) {
      counters.snapshotsDropped++;
      close(ws, CloseCode.SlowConsumer, 'send buffer overflow');
      return;
    }
    counters.snapshotsSent++;
    counters.bytesSent += frame.byteLength;
  };

  const loop = createTickLoop({
    clock: systemClock,
    schedule: systemSchedule,
    tickHz: o.tickHz,
    maxCatchUpTicks: o.maxCatchUpTicks,
    onTick: (tick) => {
      const startMs = systemClock.nowMs();
      metrics.tickStarted(startMs);
      counters.ticksSkipped = loop.stats.skippedTicks;
      counters.ticks++;
      // As the server's room: joins and frames on send ticks only; the others do nothing here.
      if (tick % o.sendIntervalTicks !== 0) {
        metrics.tickFinished(startMs, systemClock.nowMs());
        return;
      }
      const frame = frameFor(tick);
      for (const ws of joining) {
        const peer = ws.getUserData();
        if (!peer.isOpen) continue;
        // Welcome first, then this tick's frame: its tick is Welcome.serverTick.
        const welcome = o.welcome(1 + (welcomed++ % 0xffff), peer.protocolVersion, tick);
        if (ws.send(welcome, true, false) === SENT_DROPPED) {
          close(ws, CloseCode.SlowConsumer, 'send buffer overflow');
          continue;
        }
        peer.phase = 'playing';
        playing.add(ws);
      }
      joining.length = 0;
      for (const ws of playing) sendFrame(ws, frame);
      metrics.tickFinished(startMs, systemClock.nowMs());
    },
    onError: (error, tick) => log('tick failed', { tick, error: String(error) }),
  });

  app.ws<Peer>(WEBSOCKET_PATH, {
    compression: uWS.DISABLED,
    maxPayloadLength: o.maxPayloadBytes,
    maxBackpressure: o.maxBackpressureBytes,
    closeOnBackpressureLimit: 0,
    idleTimeout: o.idleTimeoutSeconds,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      // req is stack-allocated: MUST copy everything needed out of it here, synchronously.
      const key = req.getHeader('sec-websocket-key');
      const offered = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      const protocols = offered.split(',').map((p) => p.trim());
      const known = SERVED_SUBPROTOCOLS.find((p) => protocols.includes(p));
      if (known === undefined) {
        res.writeStatus('400 Bad Request').end(`offer the WebSocket subprotocol ${SUBPROTOCOL}`);
        return;
      }
      const peer: Peer = { phase: 'hello', isOpen: true, protocolVersion: 0, mayBuffer: false };
      res.upgrade<Peer>(peer, key, known, extensions, context);
    },
    message: (ws, message) => {
      counters.messagesReceived++;
      const peer = ws.getUserData();
      // Inputs and Pings of a joined client: read, counted, nothing else (that is the floor).
      if (peer.phase !== 'hello') return;
      // `message` is freed when this callback returns: decoded synchronously.
      onHandshake(ws, peer, new Uint8Array(message));
    },
    close: (ws) => {
      const peer = ws.getUserData();
      peer.isOpen = false;
      playing.delete(ws);
    },
  });

  const onHandshake = (ws: Socket, peer: Peer, frame: Uint8Array): void => {
    let decoded;
    try {
      decoded = decodeHandshakeMessage(frame);
    } catch (error) {
      const code = error instanceof ProtocolError ? error.closeCode : CloseCode.MalformedFrame;
      close(ws, code, error instanceof Error ? error.message : 'unreadable frame');
      return;
    }
    if (decoded.id === MessageId.Ping) return;
    if (decoded.id !== MessageId.Hello) {
      close(ws, CloseCode.HandshakeViolation, 'a message before Hello');
      return;
    }
    const version = decoded.message.protocolVersion;
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      close(ws, CloseCode.UnsupportedVersion, `protocol version ${version} is not supported`);
      return;
    }
    peer.phase = 'joining';
    peer.protocolVersion = version;
    joining.push(ws);
  };

  app.get('/metrics', (res) => {
    // Answered later: uWS requires onAborted first, and res must not be touched after an abort.
    let isAborted = false;
    res.onAborted(() => {
      isAborted = true;
    });
    void metrics.render().then(
      ({ contentType, body }) => {
        if (isAborted) return;
        res.cork(() => {
          res.writeStatus('200 OK').writeHeader('Content-Type', contentType).end(body);
        });
      },
      (error: unknown) => {
        if (!isAborted) res.cork(() => res.writeStatus('500 Internal Server Error').end());
        log('metrics failed', { error: String(error) });
      },
    );
  });
  app.any('/*', (res) => {
    res.writeStatus('404 Not Found').end('the floor serves /ws and GET /metrics');
  });

  const token = await new Promise<uWS.us_listen_socket | false>((resolve) =>
    app.listen(o.host, o.port, resolve),
  );
  if (token === false) throw new Error(`the floor cannot listen on ${o.host}:${o.port}`);
  loop.start();
  return {
    port: uWS.us_socket_local_port(token),
    counters,
    stop: () => {
      loop.stop();
      uWS.us_listen_socket_close(token);
      for (const ws of [...joining, ...playing]) close(ws, 1001, 'the floor is stopping');
    },
  };
}

function close(ws: Socket, code: number, reason: string): void {
  const peer = ws.getUserData();
  if (!peer.isOpen) return;
  peer.isOpen = false;
  // Close frames carry at most 123 bytes of reason.
  ws.end(code, reason.slice(0, 100));
}

function log(msg: string, fields: Record<string, unknown>): void {
  process.stderr.write(JSON.stringify({ level: 'error', msg, ...fields }) + '\n');
}
