import type { RoomSummary } from '@tickwire/protocol';

/** One row of the leaderboard as shown. */
export interface LeaderRow {
  rank: number;
  name: string;
  score: number;
  isSelf: boolean;
}

/** The leaderboard's lines from a summary: its ranked entries, the own one marked. */
export function leaderRows(summary: RoomSummary, selfId: number | null): LeaderRow[] {
  return summary.leaders.map((leader, index) => ({
    rank: index + 1,
    // A game's label may be empty: the row still needs a name.
    name: leader.name === '' ? '(no name)' : leader.name,
    score: leader.score,
    isSelf: leader.id === selfId,
  }));
}

/** "12 playing · 1 watching": who is in the room. */
export function onlineText(summary: RoomSummary): string {
  const playing = `${summary.playersOnline} playing`;
  return summary.spectators > 0 ? `${playing} · ${summary.spectators} watching` : playing;
}

/**
 * The room panel: players online and the top ten, from the room summary the server sends once a
 * second. Rewritten only when the summary or the own id changed.
 */
export class Leaderboard {
  readonly #element: HTMLElement;
  readonly #online: HTMLElement;
  readonly #list: HTMLOListElement;
  #shown: RoomSummary | null = null;
  #shownSelf: number | null = null;

  constructor(element: HTMLElement) {
    this.#element = element;
    const doc = element.ownerDocument;
    const title = doc.createElement('h2');
    title.textContent = 'Leaderboard';
    this.#online = doc.createElement('p');
    this.#online.className = 'online';
    this.#list = doc.createElement('ol');
    element.replaceChildren(title, this.#online, this.#list);
  }

  /** Shows `summary` (null: hides the panel, e.g. before the first one or after leaving). */
  show(summary: RoomSummary | null, selfId: number | null): void {
    if (summary === this.#shown && selfId === this.#shownSelf) return;
    this.#shown = summary;
    this.#shownSelf = selfId;
    this.#element.hidden = summary === null;
    if (summary === null) return;
    this.#online.textContent = onlineText(summary);
    const doc = this.#element.ownerDocument;
    this.#list.replaceChildren(
      ...leaderRows(summary, selfId).map((row) => {
        const item = doc.createElement('li');
        if (row.isSelf) item.className = 'self';
        const name = doc.createElement('span');
        name.className = 'name';
        name.textContent = row.name;
        const score = doc.createElement('span');
        score.className = 'score';
        score.textContent = String(row.score);
        item.append(name, score);
        return item;
      }),
    );
  }
}
