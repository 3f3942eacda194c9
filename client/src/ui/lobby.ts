import type { RoomInfo, RoomListing } from '@tickwire/protocol';
import { requireElement } from './dom.js';

export interface LobbyEvents {
  /** The player picked another game: list its rooms. */
  onGameChange(game: string): void;
  onRefresh(): void;
  onCreatePrivate(): void;
  onJoinRoom(room: RoomInfo): void;
}

/**
 * The lobby part of the join screen: which game (from the server's list), a button that creates
 * a private room, and the public rooms with their player counts, each with a Join button. Quick
 * play is the join screen's main button. Plain DOM; the requests are made by main.ts.
 */
export class Lobby {
  readonly #container: HTMLElement;
  readonly #gameRow: HTMLElement;
  readonly #gameSelect: HTMLSelectElement;
  readonly #roomList: HTMLUListElement;
  readonly #note: HTMLElement;
  readonly #events: LobbyEvents;

  constructor(doc: Document, events: LobbyEvents) {
    this.#events = events;
    this.#container = requireElement(doc, 'lobby', HTMLElement);
    this.#gameRow = requireElement(doc, 'game-row', HTMLElement);
    this.#gameSelect = requireElement(doc, 'game-select', HTMLSelectElement);
    this.#roomList = requireElement(doc, 'room-list', HTMLUListElement);
    this.#note = requireElement(doc, 'room-list-note', HTMLElement);
    this.#gameSelect.addEventListener('change', () => events.onGameChange(this.#gameSelect.value));
    requireElement(doc, 'refresh-rooms', HTMLButtonElement).addEventListener('click', () =>
      events.onRefresh(),
    );
    requireElement(doc, 'create-button', HTMLButtonElement).addEventListener('click', () =>
      events.onCreatePrivate(),
    );
  }

  /** The game chosen; null until the server has said which games it runs. */
  get game(): string | null {
    return this.#gameSelect.value === '' ? null : this.#gameSelect.value;
  }

  setVisible(isVisible: boolean): void {
    this.#container.hidden = !isVisible;
    if (!isVisible) this.#gameRow.hidden = true;
  }

  showLoading(): void {
    this.#note.textContent = 'Loading the rooms…';
  }

  /** The server's games (the choice shows only when there are several) and the public rooms. */
  showListing(listing: RoomListing): void {
    this.#showGames(listing.games, listing.game);
    const items = listing.rooms.map((room) => this.#roomItem(room));
    this.#roomList.replaceChildren(...items);
    this.#note.textContent =
      listing.rooms.length === 0
        ? `No public ${listing.game} rooms yet: Quick play starts one.`
        : 'Quick play picks the fullest room that has a seat.';
  }

  /** The rooms could not be listed (the server is down, or has no matchmaking). */
  showListingProblem(message: string): void {
    this.#roomList.replaceChildren();
    this.#note.textContent = `Cannot list the rooms: ${message}`;
  }

  #showGames(games: readonly string[], current: string): void {
    const chosen = this.game ?? current;
    const known = [...this.#gameSelect.options].map((o) => o.value);
    if (known.join('\n') !== games.join('\n')) {
      this.#gameSelect.replaceChildren(
        ...games.map((game) => {
          const option = this.#gameSelect.ownerDocument.createElement('option');
          option.value = game;
          option.textContent = game;
          return option;
        }),
      );
    }
    this.#gameSelect.value = games.includes(chosen) ? chosen : current;
    this.#gameRow.hidden = games.length < 2;
  }

  #roomItem(room: RoomInfo): HTMLLIElement {
    const doc = this.#roomList.ownerDocument;
    const item = doc.createElement('li');
    item.dataset['roomId'] = room.id;
    const label = doc.createElement('span');
    label.textContent = `${room.game} · ${room.players} / ${room.capacity} players`;
    label.title = `room ${room.id}`;
    const join = doc.createElement('button');
    join.type = 'button';
    join.className = 'secondary small';
    join.textContent = room.players >= room.capacity ? 'Full' : 'Join';
    join.disabled = room.players >= room.capacity;
    join.addEventListener('click', () => this.#events.onJoinRoom(room));
    item.append(label, join);
    return item;
  }
}
