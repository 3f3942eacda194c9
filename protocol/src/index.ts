// The public surface of @tickwire/protocol: named exports only, types kept apart.

export { MessageId, CloseCode, SPECTATOR_PLAYER_ID } from './wire/ids.js';
export {
  PROTOCOL_VERSION,
  PLAYER_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  SUBPROTOCOL,
  PLAYER_SUBPROTOCOL,
  subprotocolOf,
  SERVED_SUBPROTOCOLS,
  LEGACY_SUBPROTOCOLS,
  WEBSOCKET_PATH,
} from './wire/version.js';
export {
  MAX_ENTITY_ID,
  MAX_WIRE_POSITION,
  MAX_WIRE_VELOCITY,
  MAX_BASELINE_AGE,
} from './wire/limits.js';
export { ProtocolError } from './wire/errors.js';
export { packFrame, unpackFrame } from './wire/codec.js';
export { MsgpackWriter } from './wire/msgpack-writer.js';

export {
  MAX_NAME_LENGTH,
  MAX_TOKEN_LENGTH,
  MAX_SEAT_LENGTH,
  HelloFlag,
  helloRole,
  encodeHello,
  decodeHello,
  decodeHandshakeMessage,
  encodeInput,
  decodeInput,
  encodePing,
  decodePing,
  encodeResync,
  decodeResync,
  encodeWatch,
  decodeWatch,
  decodeClientMessage,
} from './messages/client.js';
export type {
  Hello,
  HelloRole,
  Input,
  Controls,
  Ping,
  Resync,
  Watch,
  ClientMessage,
  HandshakeMessage,
} from './messages/client.js';

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
export { MAX_LEADERS, encodeSummary, decodeSummary, ranksBefore } from './messages/summary.js';
export type { RoomSummary, Leader } from './messages/summary.js';

export {
  encodeSnapshot,
  peekSnapshotHead,
  peekSnapshotTick,
  writeEntityRecord,
  writeEntityUpdate,
  updateValueCount,
  writeSnapshotHead,
} from './messages/snapshot.js';
export type { Snapshot, EntityRecord, EntityUpdate, EntitySource } from './messages/snapshot.js';
export { fieldsOfUpdate, updateFromFields } from './messages/update-fields.js';

export { defineGame } from './schema/define.js';
export { constantsOf } from './schema/constants.js';
export type {
  GameSpec,
  KindSpec,
  FieldSpec,
  Motion as MotionKind,
  KindName,
  EntityOf,
  AnyEntityOf,
  InputOf,
  ConstantsOf,
} from './schema/define.js';
export {
  int,
  uint8,
  uint16,
  uint32,
  quarter,
  angle8,
  flags,
  string,
} from './schema/field-types.js';
export type { FieldType, NumericFieldType, StringFieldType } from './schema/field-types.js';
export { compileSchema } from './schema/schema.js';
export { compileGame, toWireSchema } from './schema/to-wire.js';
export { readWireSchema } from './schema/read-schema.js';
export type {
  CompiledSchema,
  CompiledKind,
  CompiledField,
  CompiledInputField,
} from './schema/schema.js';
export type {
  WireSchema,
  WireKind,
  WireField,
  WireGroup,
  WireInputField,
} from './schema/wire-schema.js';

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

export { entityHash, addToChecksum, viewChecksum } from './replica/checksum.js';
export {
  EntityTable,
  FIELD_BASE,
  SLOT_EXPIRES,
  SLOT_KIND,
  strideOf,
} from './replica/entity-table.js';
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
export type { ConnectionOptions, SyncTarget, TrafficCounters } from './client/connection.js';
export { watchFor } from './client/watch-target.js';
export type { WatchTarget } from './client/watch-target.js';
export {
  ReconnectingConnection,
  backoffDelayMs,
  isRetryableClose,
} from './client/reconnecting-connection.js';
export type {
  ReconnectOptions,
  ReconnectingConnectionOptions,
  RematchTarget,
} from './client/reconnecting-connection.js';
export type {
  ClosedStatus,
  ConnectionPhase,
  ConnectionStatus,
  ReconnectingStatus,
} from './client/connection-status.js';
export {
  Matchmaker,
  MatchmakingError,
  UNREACHABLE_STATUS,
  isHttpUrl,
  isRetryableMatchmakingError,
  matchmakingUrlFor,
  webSocketUrlFor,
} from './client/matchmaking.js';
export type {
  CreateRoomRequest,
  FetchLike,
  FetchRequestInit,
  FetchResponseLike,
  JoinRoomRequest,
  MatchAnswer,
  MatchmakerOptions,
  RoomInfo,
  RoomListing,
} from './client/matchmaking.js';
export { createRematch } from './client/rematch.js';
export type { RematchOptions } from './client/rematch.js';
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
export { directionTowards, distanceSquared, nearestOfKind, worldBounds } from './sdk/steering.js';
export type { WirePoint } from './sdk/steering.js';
export { closeCodeName, describeClose } from './sdk/close-description.js';
