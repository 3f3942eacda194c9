#!/usr/bin/env node
// @ts-check
// The minimal bot on the command line:
//   node bots/minimal/bot.js --url ws://localhost:8080/ws --name minimal
// Prints what happens (welcome, kicks, resyncs, the close code) and a status line every second.
// Exits 0 when it leaves on its own (Ctrl-C, --seconds), 1 when the server or network ended it.

import { parseArgs } from 'node:util';
import { runMinimalBot } from './minimal-bot.js';

const usage = `Usage: node bots/minimal/bot.js [options]
  --url URL               server endpoint (default ws://localhost:8080/ws)
  --name NAME             player name, 1..16 characters (default minimal)
  --seconds N             leave after N seconds (default: run until Ctrl-C)
  --input-hz N            Inputs per second, 1..30 (default 20)
  --status-every-ms N     status line period, 0 = none (default 1000)
  --protocol-version N    version sent in Hello (default 1; others are refused with 4002)
  --help`;

/** @param {string} flag @param {string} raw */
function integer(flag, raw) {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`${flag}: expected a non-negative integer, got "${raw}"\n${usage}`);
    process.exit(2);
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
        'input-hz': { type: 'string', default: '20' },
        'status-every-ms': { type: 'string', default: '1000' },
        'protocol-version': { type: 'string', default: '1' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return process.exit(2);
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
const stamp = () => new Date().toISOString().slice(11, 23);

/** @type {ReturnType<typeof runMinimalBot>} */
let bot;
try {
  bot = runMinimalBot({
    url: args.url,
    name: args.name,
    inputHz,
    protocolVersion,
    log: (line) => console.log(`${stamp()} ${line}`),
  });
} catch (error) {
  // A bad option or URL; trouble with the server or the network is reported by the bot instead.
  console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  process.exit(2);
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
await bot.closed;
if (status) clearInterval(status);
if (bot.welcome()) console.log(`${stamp()} ${bot.statusLine()}`);
process.exit(isLeaving ? 0 : 1);
