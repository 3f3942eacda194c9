#!/usr/bin/env node
// @ts-check
// The minimal bot on the command line, for any tickwire game:
//   node bots/minimal/bot.js --url ws://localhost:8080/ws --name minimal --turn moveDir
// Prints what happens (welcome with the game's kinds, kicks, resyncs, the close code) and a
// status line every second. Exits 0 when it leaves on its own (Ctrl-C, --seconds), 1 when the
// server or network ended it.

import { parseArgs } from 'node:util';
import { runMinimalBot } from './minimal-bot.js';

const usage = `Usage: node bots/minimal/bot.js [options]
  --url URL               server endpoint (default ws://localhost:8080/ws)
  --name NAME             player name, 1..16 characters (default minimal)
  --seconds N             leave after N seconds (default: run until Ctrl-C)
  --set NAME=VALUE        hold the game's input field NAME at VALUE (repeatable); fields not
                          set are sent at the schema's default, e.g. --set buttons=1
  --turn NAME             turn the angle input field NAME (0..255) by a bit more than a quarter
                          turn every --turn-every-ms, back towards the middle near an edge,
                          e.g. --turn moveDir in the arena
  --turn-every-ms N       (default 1500)
  --input-hz N            Inputs per second, 1..30 (default 20)
  --status-every-ms N     status line period, 0 = none (default 1000)
  --protocol-version N    version sent in the bot's version-2 Hello (default 2; others are
                          refused: 4002, or 4000 for 3, whose Hello has a 5th element)
  --help`;

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`${message}\n${usage}`);
  return process.exit(2);
}

/** @param {string} flag @param {string} raw */
function integer(flag, raw) {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0) {
    return fail(`${flag}: expected a non-negative integer, got "${raw}"`);
  }
  return n;
}

function readArgs() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string', default: 'ws://localhost:8080/ws' },
        name: { type: 'string', default: 'minimal' },
        seconds: { type: 'string' },
        set: { type: 'string', multiple: true, default: [] },
        turn: { type: 'string' },
        'turn-every-ms': { type: 'string', default: '1500' },
        'input-hz': { type: 'string', default: '20' },
        'status-every-ms': { type: 'string', default: '1000' },
        'protocol-version': { type: 'string', default: '2' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const args = readArgs();
if (args.help) {
  console.log(usage);
  process.exit(0);
}

const seconds = args.seconds === undefined ? null : integer('--seconds', args.seconds);
const statusEveryMs = integer('--status-every-ms', args['status-every-ms']);
const inputHz = integer('--input-hz', args['input-hz']);
const protocolVersion = integer('--protocol-version', args['protocol-version']);
const turnEveryMs = integer('--turn-every-ms', args['turn-every-ms']);
/** @type {Record<string, number>} */
const held = {};
for (const setting of args.set) {
  const match = /^([A-Za-z][A-Za-z0-9_-]*)=(-?\d+)$/.exec(setting);
  if (!match) fail(`--set ${setting}: expected NAME=INTEGER`);
  else held[/** @type {string} */ (match[1])] = Number(match[2]);
}
const turned = args.turn ?? null;
const stamp = () => new Date().toISOString().slice(11, 23);

let heading = 0;
let lastTurnMs = -Infinity;

/**
 * The Input's fields: the held ones, and the turned one. Which fields exist is the game's
 * business: a name it does not have ends the session with a clear error.
 * @param {import('./minimal-bot.js').DecideContext} context
 * @returns {Record<string, number>}
 */
function decide({ welcome, self, nowMs }) {
  if (turned === null) return held;
  if (self && nowMs - lastTurnMs >= turnEveryMs) {
    lastTurnMs = nowMs;
    // Every kind has x and y in wire units (a quarter of a world unit).
    const [maxX, maxY] = [welcome.worldWidth * 4, welcome.worldHeight * 4];
    const [dx, dy] = [maxX / 2 - Number(self.x), maxY / 2 - Number(self.y)];
    if (Math.abs(dx) > maxX * 0.375 || Math.abs(dy) > maxY * 0.375) {
      // Angles grow clockwise with y down: atan2 in screen coordinates gives exactly that.
      heading = (Math.round((Math.atan2(dy, dx) * 256) / (2 * Math.PI)) + 256) % 256;
    } else {
      heading = (heading + 83) % 256;
    }
  }
  return { ...held, [turned]: heading };
}

/** @type {ReturnType<typeof runMinimalBot>} */
let bot;
try {
  bot = runMinimalBot({
    url: args.url,
    name: args.name,
    inputHz,
    protocolVersion,
    decide,
    log: (line) => console.log(`${stamp()} ${line}`),
  });
} catch (error) {
  // A bad option or URL; trouble with the server or the network is reported by the bot instead.
  fail(error instanceof Error ? error.message : String(error));
}

let isLeaving = false;
const leave = () => {
  isLeaving = true;
  void bot.close();
};
process.once('SIGINT', leave);
process.once('SIGTERM', leave);
if (seconds !== null) setTimeout(leave, seconds * 1000);
const status =
  statusEveryMs > 0
    ? setInterval(() => console.log(`${stamp()} ${bot.statusLine()}`), statusEveryMs)
    : null;

// The bot has already logged the close code, the Kick's reason and any error.
const closed = await bot.closed;
if (status) clearInterval(status);
if (bot.welcome()) console.log(`${stamp()} ${bot.statusLine()}`);
process.exit(isLeaving && closed.error === null ? 0 : 1);
