import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_ALLOWED_ORIGINS,
  formatOriginPolicy,
  parseOriginPolicy,
  type OriginPolicy,
} from './net/origin-policy.js';

/** Everything an operator can set. Units are in the names. */
export interface ServerConfig {
  host: string;
  port: number;
  /** Built client to serve; empty string to serve none. */
  staticDir: string;
  /** Which game the room runs (a name from games/server.ts). */
  game: string;
  /** Simulation rate: the world steps and inputs are applied this many times a second. */
  tickHz: number;
  /**
   * Snapshot rate: every client is sent its snapshot on every (tickHz / sendHz)-th tick, the
   * ticks whose number is a multiple of that ratio. null: every tick (sendHz = tickHz). Must
   * divide tickHz (see sendIntervalTicks).
   */
  sendHz: number | null;
  /** Ticks run back to back at most when the loop is late. */
  maxCatchUpTicks: number;
  worldWidth: number;
  worldHeight: number;
  viewWidth: number;
  viewHeight: number;
  playerSpeedUnitsPerSec: number;
  playerRadius: number;
  pelletCount: number;
  eatPellets: boolean;
  /** Passive score: +1 every this many ms alive; 0 = off. */
  scoreEveryMs: number;
  maxPlayers: number;
  /** Spectators a room takes (version 4); more are closed with SpectatorsFull (4017). */
  maxSpectators: number;
  seed: number;
  /**
   * 'delta': each client gets its area of interest as a delta from its acknowledged baseline.
   * 'broadcast': the benchmark's baseline: one full snapshot of the whole world per tick, encoded
   * once and sent to everyone.
   */
  snapshotMode: 'delta' | 'broadcast';
  /** Send a view checksum with every snapshot (tests, debugging, the benchmark's desync count). */
  checksums: boolean;
  /** Start even when uWebSockets.js fell back to its slow ws-based emulation. */
  allowUwsFallback: boolean;
  /** Largest client frame accepted: longer ones are closed with FrameTooLarge. */
  maxFrameBytes: number;
  /** uWS's own limit: above it uWS cuts the TCP connection with no close frame. */
  maxPayloadBytes: number;
  maxBackpressureBytes: number;
  /** A client with more than this many bytes still unsent gets no snapshot this tick. */
  snapshotSkipBytes: number;
  /**
   * Per-client byte budget, bytes a second on average (sync/send-budget.ts): what does not fit
   * enters the view or is updated later, by priority. 0 = unlimited.
   */
  maxBytesPerClientS: number;
  /** A client skipped continuously for this long is closed with SlowConsumer. */
  slowConsumerMs: number;
  idleTimeoutSeconds: number;
  handshakeTimeoutMs: number;
  /** Client messages per second allowed on average, and the burst above it. */
  maxMessagesPerSec: number;
  messageBurst: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * How long a disconnected player's entity waits for its client to come back with the resume
   * token from its Welcome. 0 removes it at once.
   */
  resumeGraceMs: number;
  /**
   * Players one address keeps waiting for a resume at once (an IPv4 address, or an IPv6 /64):
   * when it already has this many, its next dropped player is removed at once. 0: none kept.
   */
  maxDetachedPerIp: number;
  /** Open connections in total: a connection over it is closed with TooManyConnections. */
  maxConnections: number;
  /** Open connections from one address (as maxDetachedPerIp): over it, TooManyConnectionsFromAddress. */
  maxConnectionsPerIp: number;
  /**
   * Connections that have not sent Hello yet: when a new one would pass it, the one that has waited
   * longest is closed with TooManyConnections, so idle connections cannot keep newcomers out.
   */
  maxPendingConnections: number;
  /**
   * Browser pages (by their Origin header) allowed to open a WebSocket; others are closed with
   * OriginNotAllowed. Requests with no Origin (bots, tools) are always allowed.
   */
  allowedOrigins: OriginPolicy;
  /**
   * The operator port (node:http): /healthz and /metrics for HTTP/1.0 health checkers and
   * scrapers kept off the public port. null: none, and /metrics is served on the game port.
   */
  adminPort: number | null;
  /** Address the operator port listens on; '' = the same as host. */
  adminHost: string;
  /**
   * A Hello without a seat joins this process's default room (a room of `game`, kept while the
   * process runs). Off: every player needs a seat from matchmaking (else SeatRequired, 4015).
   */
  directJoin: boolean;
  /** A room matchmaking created is disposed after staying empty this long. */
  roomEmptyMs: number;
  /** Rooms one process holds at most (the default room included). */
  maxRooms: number;
  /** How long a seat from matchmaking stays valid. */
  seatTtlMs: number;
  /**
   * Matchmaking requests one address may make a second (bursts of 3 times that), and joins by an
   * unknown code 20 a minute; 0 = no limit (behind a proxy that limits per client itself).
   */
  matchRequestsPerSec: number;
  /** Redis for the cluster registry (redis://host:port); '' = in this process (one process). */
  redisUrl: string;
  /**
   * The WebSocket URL players reach this process at, behind a proxy or on another machine
   * (ws(s)://host[:port]/ws); '' = the host name the player used for matchmaking, and --port.
   */
  publicUrl: string;
  /** Server processes `npm start` runs, each on its own port from --port up; 0 = one per core. */
  workers: number;
  /** SIGTERM: players are moved off and the process exits 0 within this long. */
  drainMs: number;
  /** Player authentication for matchmaking: a shared HS256 secret, a JWKS URL, or neither. */
  authSecret: string;
  authJwksUrl: string;
  authIssuer: string;
  authAudience: string;
  /** Simulated bad network on every connection, each way (development and tests only). */
  simLatencyMs: number;
  simJitterMs: number;
  simLossPercent: number;
  /**
   * The one plain line naming the URLs (local, LAN), printed on stderr once the server listens:
   * 'auto' prints it only when stderr is a terminal, so a log collector reading the output gets
   * the JSON lines alone.
   */
  banner: 'auto' | 'on' | 'off';
}

export const DEFAULT_CONFIG: ServerConfig = {
  host: '0.0.0.0',
  port: 8080,
  staticDir: fileURLToPath(new URL('../../client/dist', import.meta.url)),
  game: 'arena',
  tickHz: 30,
  sendHz: null,
  maxCatchUpTicks: 5,
  worldWidth: 4000,
  worldHeight: 4000,
  viewWidth: 1600,
  viewHeight: 1000,
  playerSpeedUnitsPerSec: 200,
  playerRadius: 20,
  pelletCount: 1000,
  eatPellets: true,
  scoreEveryMs: 0,
  maxPlayers: 4000,
  maxSpectators: 100,
  seed: 1,
  snapshotMode: 'delta',
  checksums: false,
  allowUwsFallback: false,
  maxFrameBytes: 1024,
  maxPayloadBytes: 4096,
  maxBackpressureBytes: 1024 * 1024,
  snapshotSkipBytes: 64 * 1024,
  maxBytesPerClientS: 0,
  slowConsumerMs: 10_000,
  idleTimeoutSeconds: 32,
  handshakeTimeoutMs: 5000,
  maxMessagesPerSec: 60,
  messageBurst: 120,
  logLevel: 'info',
  resumeGraceMs: 15_000,
  maxDetachedPerIp: 8,
  maxConnections: 10_000,
  maxConnectionsPerIp: 5_000,
  maxPendingConnections: 1_000,
  allowedOrigins: parseOriginPolicy(DEFAULT_ALLOWED_ORIGINS),
  adminPort: null,
  adminHost: '',
  directJoin: true,
  roomEmptyMs: 30_000,
  maxRooms: 100,
  seatTtlMs: 10_000,
  matchRequestsPerSec: 10,
  redisUrl: '',
  publicUrl: '',
  workers: 1,
  drainMs: 10_000,
  authSecret: '',
  authJwksUrl: '',
  authIssuer: '',
  authAudience: '',
  simLatencyMs: 0,
  simJitterMs: 0,
  simLossPercent: 0,
  banner: 'auto',
};

type Parser = (raw: string, name: string) => unknown;

const int =
  (min: number, max: number): Parser =>
  (raw, name) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`${name}: expected an integer in ${min}..${max}, got "${raw}"`);
    }
    return n;
  };
const bool: Parser = (raw, name) => {
  if (['1', 'true', 'yes', 'on', ''].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name}: expected true or false, got "${raw}"`);
};
const text: Parser = (raw) => raw;
/** A game's name as its declaration gives it (GameSpec.name). */
const gameName: Parser = (raw, name) => {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(raw)) {
    throw new Error(
      `${name}: expected a game name (lower-case letters, digits, '-'), got "${raw}"`,
    );
  }
  return raw;
};
/** '' (none), or a URL with one of `schemes` (e.g. 'ws:', 'wss:'). */
const urlOf =
  (...schemes: string[]): Parser =>
  (raw, name) => {
    if (raw === '') return raw;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`${name}: "${raw}" is not a URL`);
    }
    if (!schemes.includes(url.protocol)) {
      const names = schemes.map((scheme) => `${scheme}//`).join(' or ');
      throw new Error(`${name}: expected a ${names} URL, got "${raw}"`);
    }
    return raw;
  };
const oneOf =
  (...values: string[]): Parser =>
  (raw, name) => {
    if (!values.includes(raw)) throw new Error(`${name}: expected one of ${values.join(', ')}`);
    return raw;
  };

/** Each option: its flag, its environment variable, its config key(s) and how to parse it. */
interface OptionSpec {
  flag: string;
  env: string;
  help: string;
  /** A flag that may stand alone (meaning true), or take true/false as its value. */
  isBoolean: boolean;
  apply(config: ServerConfig, raw: string, name: string): void;
  /** The option's value in `config`, as typed on the command line. */
  show(config: ServerConfig): string;
}

function simple<K extends keyof ServerConfig>(
  key: K,
  flag: string,
  env: string,
  parse: Parser,
  help: string,
  show: (config: ServerConfig) => string = (config) => String(config[key]),
): OptionSpec {
  return {
    flag,
    env,
    help,
    isBoolean: parse === bool,
    apply: (config, raw, name) => {
      config[key] = parse(raw, name) as ServerConfig[K];
    },
    show,
  };
}

function size(
  keys: ['worldWidth', 'worldHeight'] | ['viewWidth', 'viewHeight'],
  flag: string,
  env: string,
  help: string,
): OptionSpec {
  return {
    flag,
    env,
    help,
    isBoolean: false,
    apply: (config, raw, name) => {
      const match = /^(\d+)x(\d+)$/.exec(raw);
      const [w, h] = [Number(match?.[1]), Number(match?.[2])];
      if (!match || w < 100 || h < 100 || w > 100_000 || h > 100_000) {
        throw new Error(
          `${name}: expected WIDTHxHEIGHT in world units (100..100000), got "${raw}"`,
        );
      }
      config[keys[0]] = w;
      config[keys[1]] = h;
    },
    show: (config) => `${config[keys[0]]}x${config[keys[1]]}`,
  };
}

export const OPTIONS: OptionSpec[] = [
  simple('port', '--port', 'PORT', int(0, 65535), 'TCP port (0 = any free port)'),
  simple('host', '--host', 'HOST', text, 'address to listen on'),
  simple(
    'staticDir',
    '--static',
    'STATIC_DIR',
    text,
    'built client directory to serve ("" = none)',
  ),
  simple('game', '--game', 'GAME', gameName, 'the game to run, by name (see games/server.ts)'),
  simple('tickHz', '--tick-hz', 'TICK_HZ', int(1, 240), 'simulation rate, ticks/s'),
  simple(
    'sendHz',
    '--send-hz',
    'SEND_HZ',
    int(1, 240),
    'snapshot rate, snapshots/s: must divide --tick-hz',
    (config) => (config.sendHz === null ? 'same as --tick-hz' : String(config.sendHz)),
  ),
  size(['worldWidth', 'worldHeight'], '--world', 'WORLD', 'world size, e.g. 4000x4000'),
  size(['viewWidth', 'viewHeight'], '--view', 'VIEW', 'area of interest, e.g. 1600x1000'),
  simple('pelletCount', '--pellets', 'PELLETS', int(0, 20_000), 'arena: number of pellets'),
  simple(
    'eatPellets',
    '--eat-pellets',
    'EAT_PELLETS',
    bool,
    'arena: players eat pellets they touch',
  ),
  simple(
    'scoreEveryMs',
    '--score-every-ms',
    'SCORE_EVERY_MS',
    int(0, 3_600_000),
    'arena: passive +1 score period (0 = off)',
  ),
  simple(
    'playerSpeedUnitsPerSec',
    '--speed',
    'PLAYER_SPEED',
    int(1, 5000),
    'arena: player speed, units/s',
  ),
  simple('maxPlayers', '--max-players', 'MAX_PLAYERS', int(1, 30_000), 'room capacity'),
  simple(
    'maxSpectators',
    '--max-spectators',
    'MAX_SPECTATORS',
    int(0, 30_000),
    'spectators a room takes (not players: --max-players does not count them)',
  ),
  simple('seed', '--seed', 'SEED', int(0, 0xffff_ffff), 'world random seed'),
  simple(
    'snapshotMode',
    '--snapshots',
    'SNAPSHOTS',
    oneOf('delta', 'broadcast'),
    'delta (per-client AOI deltas) or broadcast (full world, the baseline)',
  ),
  simple('checksums', '--checksums', 'CHECKSUMS', bool, 'send view checksums with snapshots'),
  simple(
    'allowUwsFallback',
    '--allow-uws-fallback',
    'ALLOW_UWS_FALLBACK',
    bool,
    'start on the slow ws emulation of uWS',
  ),
  simple(
    'snapshotSkipBytes',
    '--skip-bytes',
    'SNAPSHOT_SKIP_BYTES',
    int(1024, 64 * 1024 * 1024),
    'skip a client with this much unsent',
  ),
  simple(
    'maxBytesPerClientS',
    '--max-bytes-per-client-s',
    'MAX_BYTES_PER_CLIENT_S',
    (raw, name) => {
      const bytes = int(0, 1_000_000_000)(raw, name) as number;
      // Below this a snapshot's head alone (~10 B at 30 Hz) takes most of it.
      if (bytes > 0 && bytes < 500) {
        throw new Error(`${name}: expected 0 (unlimited) or at least 500 bytes/s, got "${raw}"`);
      }
      return bytes;
    },
    'per-client byte budget, bytes/s: entities enter and update by priority (0 = unlimited)',
  ),
  simple(
    'slowConsumerMs',
    '--slow-consumer-ms',
    'SLOW_CONSUMER_MS',
    int(100, 600_000),
    'close a client skipped this long',
  ),
  simple(
    'handshakeTimeoutMs',
    '--handshake-timeout-ms',
    'HANDSHAKE_TIMEOUT_MS',
    int(100, 600_000),
    'time allowed for Hello',
  ),
  simple(
    'maxMessagesPerSec',
    '--max-messages-per-sec',
    'MAX_MESSAGES_PER_SEC',
    int(1, 100_000),
    'client message rate limit',
  ),
  simple(
    'resumeGraceMs',
    '--resume-grace-ms',
    'RESUME_GRACE_MS',
    int(0, 3_600_000),
    'keep a disconnected player this long for its client to resume',
  ),
  simple(
    'maxDetachedPerIp',
    '--max-detached-per-ip',
    'MAX_DETACHED_PER_IP',
    int(0, 1_000_000),
    'dropped players one address keeps waiting for a resume',
  ),
  simple(
    'maxConnections',
    '--max-connections',
    'MAX_CONNECTIONS',
    int(1, 1_000_000),
    'open connections in total',
  ),
  simple(
    'maxConnectionsPerIp',
    '--max-connections-per-ip',
    'MAX_CONNECTIONS_PER_IP',
    int(1, 1_000_000),
    'open connections from one address (IPv6: one /64)',
  ),
  simple(
    'maxPendingConnections',
    '--max-pending-connections',
    'MAX_PENDING_CONNECTIONS',
    int(1, 1_000_000),
    'connections without Hello yet (the oldest is closed)',
  ),
  {
    flag: '--allowed-origins',
    env: 'ALLOWED_ORIGINS',
    help: 'browser origins allowed to connect, comma-separated: origins, self, localhost or *',
    isBoolean: false,
    apply: (config, raw, name) => {
      try {
        config.allowedOrigins = parseOriginPolicy(raw);
      } catch (error) {
        throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    },
    show: (config) => formatOriginPolicy(config.allowedOrigins),
  },
  {
    flag: '--admin-port',
    env: 'ADMIN_PORT',
    help: 'operator port for /healthz and /metrics (HTTP/1.0 too); moves /metrics off the game port',
    isBoolean: false,
    apply: (config, raw, name) => {
      config.adminPort = raw === 'off' ? null : (int(0, 65535)(raw, name) as number);
    },
    show: (config) => (config.adminPort === null ? 'off' : String(config.adminPort)),
  },
  {
    flag: '--admin-host',
    env: 'ADMIN_HOST',
    help: 'address the operator port listens on',
    isBoolean: false,
    apply: (config, raw) => {
      config.adminHost = raw;
    },
    show: (config) => config.adminHost || 'same as --host',
  },
  simple(
    'directJoin',
    '--direct-join',
    'DIRECT_JOIN',
    bool,
    'a Hello without a seat joins the default room (off: matchmaking only)',
  ),
  simple(
    'roomEmptyMs',
    '--room-empty-ms',
    'ROOM_EMPTY_MS',
    int(0, 86_400_000),
    'dispose a matchmade room empty this long',
  ),
  simple('maxRooms', '--max-rooms', 'MAX_ROOMS', int(1, 10_000), 'rooms one process holds'),
  simple(
    'seatTtlMs',
    '--seat-ttl-ms',
    'SEAT_TTL_MS',
    int(1000, 600_000),
    'how long a matchmaking seat stays valid',
  ),
  simple(
    'redisUrl',
    '--redis',
    'REDIS_URL',
    urlOf('redis:', 'rediss:'),
    'Redis for the cluster registry (redis://host:port); needed for several processes',
    (config) => config.redisUrl || 'none (registry in this process)',
  ),
  simple(
    'publicUrl',
    '--public-url',
    'PUBLIC_URL',
    urlOf('ws:', 'wss:'),
    'WebSocket URL players reach this process at (behind a proxy), e.g. wss://eu1.game.example/ws',
    (config) => config.publicUrl || 'the host players used, and --port',
  ),
  simple(
    'matchRequestsPerSec',
    '--match-requests-per-sec',
    'MATCH_REQUESTS_PER_SEC',
    int(0, 100_000),
    'matchmaking requests per second per address, bursts of 3x (0 = no limit)',
  ),
  {
    flag: '--workers',
    env: 'WORKERS',
    help: 'server processes, each on its own port from --port up (auto = one per core; >1 needs --redis)',
    isBoolean: false,
    apply: (config, raw, name) => {
      config.workers = raw === 'auto' ? 0 : (int(1, 256)(raw, name) as number);
    },
    show: (config) => (config.workers === 0 ? 'auto' : String(config.workers)),
  },
  simple(
    'drainMs',
    '--drain-ms',
    'DRAIN_MS',
    int(0, 3_600_000),
    'on SIGTERM, move players off and exit 0 within this long',
  ),
  simple(
    'authSecret',
    '--auth-secret',
    'AUTH_SECRET',
    text,
    'players must send a JWT signed with this HS256 secret (prefer the environment variable)',
    // Never printed: usage and logs show only whether one is set.
    (config) => (config.authSecret === '' ? 'none' : '(set)'),
  ),
  simple(
    'authJwksUrl',
    '--auth-jwks-url',
    'AUTH_JWKS_URL',
    urlOf('https:', 'http:'),
    'players must send a JWT signed by a key from this JWKS URL',
  ),
  simple('authIssuer', '--auth-issuer', 'AUTH_ISSUER', text, 'required JWT issuer (iss)'),
  simple('authAudience', '--auth-audience', 'AUTH_AUDIENCE', text, 'required JWT audience (aud)'),
  simple(
    'simLatencyMs',
    '--sim-latency-ms',
    'SIM_LATENCY_MS',
    int(0, 10_000),
    'simulated delay per frame, each way (testing)',
  ),
  simple(
    'simJitterMs',
    '--sim-jitter-ms',
    'SIM_JITTER_MS',
    int(0, 10_000),
    'simulated delay variation, ± ms (testing)',
  ),
  simple(
    'simLossPercent',
    '--sim-loss-percent',
    'SIM_LOSS_PERCENT',
    int(0, 100),
    'simulated packet loss, as TCP retransmission stalls (testing)',
  ),
  simple(
    'banner',
    '--banner',
    'BANNER',
    oneOf('auto', 'on', 'off'),
    'a plain line with the local and LAN URLs on stderr once listening (auto = when stderr is a terminal)',
  ),
  simple(
    'logLevel',
    '--log-level',
    'LOG_LEVEL',
    oneOf('debug', 'info', 'warn', 'error'),
    'log verbosity',
  ),
];

/**
 * Config from defaults, then environment variables, then command-line flags (`--flag value` or
 * `--flag=value`; a boolean flag alone means true). Throws with a clear message on anything invalid.
 */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ServerConfig {
  const config: ServerConfig = { ...DEFAULT_CONFIG };
  for (const option of OPTIONS) {
    const raw = env[option.env];
    if (raw !== undefined) option.apply(config, raw, option.env);
  }
  const flags = readFlags(argv);
  for (const { option, flag, raw } of flags) option.apply(config, raw, flag);
  // With player authentication on, a Hello without a seat (no token checked) would let anyone
  // in under any name: direct joins are off unless asked for explicitly.
  const isDirectJoinGiven =
    env['DIRECT_JOIN'] !== undefined || flags.some(({ option }) => option.flag === '--direct-join');
  if ((config.authSecret !== '' || config.authJwksUrl !== '') && !isDirectJoinGiven) {
    config.directJoin = false;
  }
  if (config.viewWidth > config.worldWidth * 4 || config.viewHeight > config.worldHeight * 4) {
    throw new Error('view is more than four times the world: check --view and --world');
  }
  sendIntervalTicks(config);
  return config;
}

/**
 * Ticks from one snapshot send to the next: tickHz / sendHz, 1 when sendHz is null. The room
 * sends on the ticks whose number is a multiple of it, so sends are evenly spaced in ticks (and
 * in server time) and every snapshot tick a client sees is a multiple of it (PROTOCOL.md 7.4).
 * Throws when sendHz is above tickHz or does not divide it: uneven gaps would make the
 * interpolation delay, which follows the send interval, wrong every other snapshot.
 */
export function sendIntervalTicks(config: Pick<ServerConfig, 'tickHz' | 'sendHz'>): number {
  const { tickHz, sendHz } = config;
  if (sendHz === null) return 1;
  if (!Number.isInteger(sendHz) || sendHz < 1 || sendHz > tickHz || tickHz % sendHz !== 0) {
    const divisors: number[] = [];
    for (let hz = tickHz; hz >= 1; hz--) if (tickHz % hz === 0) divisors.push(hz);
    const why =
      sendHz > tickHz
        ? 'is above the tick rate --tick-hz'
        : 'does not divide the tick rate --tick-hz';
    throw new Error(
      `--send-hz ${sendHz} ${why} ${tickHz}: snapshots go out on every (tick-hz / send-hz)-th ` +
        `tick, so choose one of ${divisors.join(', ')}`,
    );
  }
  return tickHz / sendHz;
}

/** One flag as given on the command line, with its value (`'true'` for a boolean flag alone). */
interface FlagValue {
  option: OptionSpec;
  flag: string;
  raw: string;
}

/**
 * Splits argv with node:util parseArgs, which handles `--flag value`, `--flag=value` and `--`.
 * Its tokens are read here rather than its `values`: strict mode would refuse `--eat-pellets false`
 * and `--eat-pellets=false` (a boolean there takes no value), which the server has always taken,
 * and its messages would not name the option as ours do.
 */
function readFlags(argv: readonly string[]): FlagValue[] {
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      OPTIONS.map((o) => [o.flag.slice(2), { type: o.isBoolean ? 'boolean' : 'string' }] as const),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const flags: FlagValue[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) continue;
    if (token.kind !== 'option') {
      const arg = token.kind === 'positional' ? token.value : '--';
      throw new Error(`unknown option ${arg} (try --help)`);
    }
    const option = OPTIONS.find((o) => o.flag === token.rawName);
    if (!option) throw new Error(`unknown option ${token.rawName} (try --help)`);
    let raw = token.value;
    if (raw === undefined && option.isBoolean) {
      // `--checksums false`: parseArgs leaves the word as a positional right after the flag.
      const next = tokens[i + 1];
      if (next?.kind === 'positional') {
        raw = next.value;
        i++;
      } else {
        raw = 'true';
      }
    }
    if (raw === undefined) throw new Error(`${option.flag} needs a value`);
    flags.push({ option, flag: option.flag, raw });
  }
  return flags;
}

export function usage(): string {
  const lines = OPTIONS.map((o) => {
    const fallback = o.flag === '--static' ? 'client/dist' : o.show(DEFAULT_CONFIG);
    return `  ${o.flag.padEnd(24)} ${o.env.padEnd(22)} ${o.help} (default: ${fallback})`;
  });
  return [
    'Usage: tickwire-server [options]',
    '',
    '  flag                     environment            meaning',
    ...lines,
  ].join('\n');
}
