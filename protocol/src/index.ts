// The public surface of @tickwire/protocol: named exports only, types kept apart.

export { MessageId, CloseCode, EntityKind, UpdateField, Button } from './wire/ids.js';
export {
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  SUBPROTOCOL,
  WEBSOCKET_PATH,
} from './wire/version.js';
export { ProtocolError } from './wire/errors.js';
export { packFrame, unpackFrame } from './wire/codec.js';
export { MsgpackWriter } from './wire/msgpack-writer.js';

export {
  MAX_NAME_LENGTH,
  MAX_TOKEN_LENGTH,
  encodeHello,
  decodeHello,
  encodeInput,
  decodeInput,
  encodePing,
  decodePing,
  encodeResync,
  decodeResync,
  decodeClientMessage,
} from './messages/client.js';
export type { Hello, Input, Ping, Resync, ClientMessage } from './messages/client.js';

export {
  MAX_REASON_LENGTH,
  encodeWelcome,
  decodeWelcome,
  encodePong,
  decodePong,
  encodeKick,
  decodeKick,
  decodeSnapshot,
  decodeServerMessage,
} from './messages/server.js';
export type { Welcome, Pong, Kick, ServerMessage } from './messages/server.js';

export {
  MAX_ENTITY_ID,
  MAX_WIRE_POSITION,
  MAX_WIRE_VELOCITY,
  MAX_BASELINE_AGE,
  encodeSnapshot,
  peekSnapshotTick,
  updateMask,
  writeEntityRecord,
  writeEntityUpdate,
  writeSnapshotHead,
} from './messages/snapshot.js';
export type {
  Snapshot,
  EntityRecord,
  PlayerRecord,
  PelletRecord,
  EntityUpdate,
  MotionUpdate,
  UpdateSource,
} from './messages/snapshot.js';

export {
  POSITION_SCALE,
  ANGLE_BITS,
  ANGLE_STEPS,
  NO_DIRECTION,
  toWirePosition,
  fromWirePosition,
  toWireAngle,
  fromWireAngle,
} from './sim/quantize.js';
export {
  cosQ14,
  sinQ14,
  speedPerTick,
  velocityFor,
  clamp,
  extrapolateX,
  extrapolateY,
  steer,
  stepMotion,
  directionFromAxes,
} from './sim/movement.js';
export type { Velocity, Motion } from './sim/movement.js';
export { Predictor } from './sim/prediction.js';
export type {
  PredictorOptions,
  PredictedInput,
  PredictedState,
  Reconciliation,
} from './sim/prediction.js';

export {
  entityHash,
  playerHash,
  pelletHash,
  addToChecksum,
  viewChecksum,
} from './replica/checksum.js';
export { EntityTable, STRIDE } from './replica/entity-table.js';
export { Replica, ReplicaError } from './replica/replica.js';
export type { ReplicaErrorCode, ViewState, ReplicaOptions } from './replica/replica.js';

export {
  RETRANSMIT_DELAY_MS,
  SimulatedLink,
  DelayLine,
  isSimulating,
  validateLinkConditions,
} from './netsim/simulated-link.js';
export type { LinkConditions, ScheduleFn } from './netsim/simulated-link.js';

export { Connection, addTraffic, emptyTraffic } from './client/connection.js';
export type {
  ConnectionOptions,
  Controls,
  SyncTarget,
  TrafficCounters,
} from './client/connection.js';
export {
  ReconnectingConnection,
  backoffDelayMs,
  isRetryableClose,
} from './client/reconnecting-connection.js';
export type {
  ReconnectOptions,
  ReconnectingConnectionOptions,
} from './client/reconnecting-connection.js';
export type {
  ClosedStatus,
  ConnectionPhase,
  ConnectionStatus,
} from './client/connection-status.js';
export { globalNowMs, globalScheduler } from './client/environment.js';
export type {
  Scheduler,
  SocketCloseEvent,
  SocketMessageEvent,
  WebSocketConstructor,
  WebSocketLike,
} from './client/environment.js';

export { connect } from './sdk/bot.js';
export type { Bot, BotEvents, ConnectOptions } from './sdk/bot.js';
export type { ReplicaCounters } from './sdk/view-tracker.js';
export {
  directionTowards,
  distanceSquared,
  nearestPellet,
  nearestPlayer,
  worldBounds,
} from './sdk/steering.js';
export type { WirePoint } from './sdk/steering.js';
export { closeCodeName, describeClose } from './sdk/close-description.js';
