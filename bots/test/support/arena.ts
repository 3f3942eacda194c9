// Arena fixtures for the bots' tests: a Welcome of the real arena with a default server's
// constants (the golden vectors' arenaSchema) and views built by the real Replica. Records are
// protocol/src/testing/records.ts's: its test arena lays them out as the arena does.
import { Replica, type EntityRecord, type ViewState, type Welcome } from '@tickwire/protocol';
import { fullSnapshot, welcomeRecord } from '../../../protocol/src/testing/records.js';
import { arenaSchema } from '../../../protocol/test-vectors/schemas.js';

/** A Welcome for player 1 in a 1500 x 1000 world at 30 Hz, playing the arena; override any field. */
export function arenaWelcome(fields: Partial<Welcome> = {}): Welcome {
  return welcomeRecord({
    playerId: 1,
    serverTick: 0,
    serverTimeMs: 0,
    worldWidth: 1500,
    worldHeight: 1000,
    viewWidth: 3200,
    viewHeight: 2200,
    resumeToken: 't',
    schema: arenaSchema,
    ...fields,
  });
}

/** The view the real Replica builds from a full snapshot of `records`. */
export function viewOf(welcome: Welcome, records: EntityRecord[], tick = 1): ViewState {
  return new Replica(welcome).apply(fullSnapshot(tick, records));
}
