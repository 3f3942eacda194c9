// What a recorded session promises to contain (README.md). record-session.ts refuses to write a
// recording that lacks any of it, and the tests check the committed file against the same list.
// The session is of the arena: groups motion 1, aim 2, hp 4, score 8.
import type { SessionFile, SessionSnapshot } from './vector-files.js';

type State = SessionSnapshot['state'];

const MOTION = 1;
const AIM = 2;
const HP = 4;
const SCORE = 8;

/** What the session lacks of its promises: nothing, for a good recording. */
export function checkCoverage(session: SessionFile, playerId: number): string[] {
  const missing: string[] = [];
  const shots = session.snapshots;
  const byTick = new Map(shots.map((s) => [s.tick, s]));
  const stateAt = (tick: number): State => byTick.get(tick)?.state ?? [];
  const find = (state: State, id: number): Record<string, unknown> | undefined =>
    state.find((e) => e.id === id);
  const kindAt = (tick: number, id: number): unknown => find(stateAt(tick), id)?.kind;
  const baseOf = (s: SessionSnapshot): number => s.tick - s.baselineAge;
  const need = (ok: boolean, what: string): void => {
    if (!ok) missing.push(what);
  };
  const deltas = shots.filter((s) => s.baselineAge > 0);
  /** An id of the baseline that is gone from the new view without being listed as removed. */
  const silentlyGone = (s: SessionSnapshot): Record<string, unknown>[] =>
    stateAt(baseOf(s)).filter(
      (e) => !s.removed.includes(e.id as number) && !find(s.state, e.id as number),
    );

  need(shots[0]?.baselineAge === 0, 'the first snapshot is full');
  need(
    shots.some((s, i) => i > 0 && s.baselineAge === 0),
    'a full snapshot after the first (Resync)',
  );
  need(
    shots.some((s, i) => i > 0 && s.baselineAge > 0 && baseOf(s) < (shots[i - 1]?.tick ?? 0)),
    'a delta against an older baseline than the previous tick',
  );
  need(
    deltas.some((s) => s.baselineAge >= 10),
    'a delta against a baseline at least 10 ticks old',
  );
  need(
    deltas.some((s) => s.entered.some((id) => id !== playerId && kindAt(s.tick, id) === 'player')),
    'another player entering in a delta',
  );
  need(
    deltas.some((s) => s.removed.some((id) => kindAt(baseOf(s), id) === 'player')),
    'a player leaving the view',
  );
  need(
    deltas.some((s) => s.entered.some((id) => kindAt(s.tick, id) === 'pellet')),
    'a pellet entering in a delta',
  );
  need(
    deltas.some((s) => s.removed.some((id) => kindAt(baseOf(s), id) === 'pellet')),
    'a pellet leaving the view',
  );
  need(
    deltas.some((s) => s.updated.some((u) => u.id === playerId && u.mask & MOTION)),
    'the recording player changing motion',
  );
  need(
    deltas.some((s) => s.updated.some((u) => u.id !== playerId && u.mask & MOTION)),
    'the other player changing motion',
  );
  need(
    deltas.some((s) => s.updated.some((u) => u.mask & AIM)),
    'an aim update',
  );
  need(
    deltas.some((s) =>
      s.entered.some((id) => {
        const e = find(s.state, id);
        return e?.kind === 'projectile' && typeof e.ticksLeft === 'number';
      }),
    ),
    'a projectile entering in a delta, with its ticksLeft',
  );
  need(
    deltas.some((s) =>
      s.state.some((e) => {
        const before = find(stateAt(baseOf(s)), e.id as number);
        return (
          e.kind === 'projectile' &&
          before !== undefined &&
          (before.x !== e.x || before.y !== e.y) &&
          !s.updated.some((u) => u.id === e.id)
        );
      }),
    ),
    'a projectile moving by extrapolation alone (no update)',
  );
  need(
    deltas.some((s) =>
      silentlyGone(s).some(
        (e) => e.kind === 'projectile' && (e.ticksLeft as number) <= s.baselineAge,
      ),
    ),
    'a projectile whose lifetime ended, gone without being listed as removed',
  );
  need(
    deltas.every((s) => silentlyGone(s).every((e) => (e.ticksLeft as number) <= s.baselineAge)),
    'nothing but an expired entity leaving without being listed',
  );
  need(
    deltas.some((s) => {
      const base = stateAt(baseOf(s));
      const isHit = s.updated.some((u) => u.id === playerId && u.mask & HP);
      return (
        isHit &&
        s.removed.some((id) => {
          const shot = find(base, id);
          return shot?.kind === 'projectile' && (shot.ticksLeft as number) > s.baselineAge;
        })
      );
    }),
    "a projectile removed before its lifetime ended, in the snapshot where the recording player's hp drops (a hit)",
  );
  need(
    deltas.some((s) => s.updated.some((u) => u.id !== playerId && u.mask & SCORE)),
    "the other player's score changing",
  );
  return missing;
}
