// What a recorded session promises to contain (README.md). record-session.ts refuses to write a
// recording that lacks any of it, and the tests check the committed file against the same list.
import type { SessionFile, SessionSnapshot } from './vector-files.js';

/** What the session lacks of its promises: nothing, for a good recording. */
export function checkCoverage(session: SessionFile, playerId: number): string[] {
  const missing: string[] = [];
  const shots = session.snapshots;
  const byTick = new Map(shots.map((s) => [s.tick, s]));
  const isPlayerAt = (tick: number, id: number): boolean =>
    byTick.get(tick)?.state.some((e) => e.id === id && e.kind === 0) ?? false;
  const need = (ok: boolean, what: string): void => {
    if (!ok) missing.push(what);
  };
  const deltas = shots.filter((s) => s.baselineAge > 0);
  const removedPlayer = (s: SessionSnapshot, id: number): boolean =>
    isPlayerAt(s.tick - s.baselineAge, id);
  need(shots[0]?.baselineAge === 0, 'the first snapshot is full');
  need(
    shots.some((s, i) => i > 0 && s.baselineAge === 0),
    'a full snapshot after the first (Resync)',
  );
  need(
    shots.some(
      (s, i) => i > 0 && s.baselineAge > 0 && s.tick - s.baselineAge < (shots[i - 1]?.tick ?? 0),
    ),
    'a delta against an older baseline than the previous tick',
  );
  need(
    deltas.some((s) => s.baselineAge >= 10),
    'a delta against a baseline at least 10 ticks old',
  );
  need(
    deltas.some((s) => s.entered.some((id) => id !== playerId && isPlayerAt(s.tick, id))),
    'another player entering in a delta',
  );
  need(
    deltas.some((s) => s.removed.some((id) => removedPlayer(s, id))),
    'a player leaving the view',
  );
  need(
    deltas.some((s) => s.entered.some((id) => !isPlayerAt(s.tick, id))),
    'a pellet entering in a delta',
  );
  need(
    deltas.some((s) => s.removed.some((id) => !removedPlayer(s, id))),
    'a pellet leaving the view',
  );
  need(
    deltas.some((s) => s.updated.some((u) => u.id === playerId && u.mask & 1)),
    'the recording player changing motion',
  );
  need(
    deltas.some((s) => s.updated.some((u) => u.id !== playerId && u.mask & 1)),
    'the other player changing motion',
  );
  need(
    deltas.some((s) => s.updated.some((u) => u.mask & 2)),
    'an aim update',
  );
  return missing;
}
