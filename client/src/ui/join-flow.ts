import { Matchmaker, MatchmakingError, createRematch } from '@tickwire/protocol';
import type { JoinRoomRequest, MatchAnswer, RematchTarget, RoomInfo } from '@tickwire/protocol';
import { explainMatchmakingError } from '../net/close-messages.js';
import type { CloseExplanation } from '../net/close-messages.js';
import type { JoinMode } from '../net/server-url.js';
import { JoinScreen } from './join-screen.js';
import { Lobby } from './lobby.js';
import type { StatusLine } from './status-line.js';

/** Where to connect once the player has chosen, and how to come back after a restart. */
export interface GameTarget {
  url: string;
  name: string;
  /** The seat from matchmaking; null for a direct join (`?server=`). */
  seat: string | null;
  /** The room matchmaking seated the player in; null for a direct join. */
  room: RoomInfo | null;
  /** A new seat after 4015/4016 (see createRematch); null for a direct join. */
  rematch: (() => Promise<RematchTarget>) | null;
  /** Watch the room without a player (a spectator: no entity, a free or following camera). */
  spectate: boolean;
}

export interface JoinFlowOptions {
  doc: Document;
  mode: JoinMode;
  statusLine: StatusLine;
  /** The player chose: connect. */
  onStart(target: GameTarget): void;
  /** Matchmaking moved the player to another room (after the server restarted). */
  onRoomChange(room: RoomInfo): void;
}

/**
 * From the join screen to a game. In the lobby (the default), the main button (and Enter) is
 * quick play of the chosen game; the room list joins a public room, "Create private room" makes
 * one with a share link; a share link's page (`?room=CODE`) joins that room. Each gets a seat
 * from the matchmaking of the server that served the page. With `?server=` the button joins
 * that WebSocket URL directly, without the lobby.
 */
export class JoinFlow {
  readonly #options: JoinFlowOptions;
  readonly #screen: JoinScreen;
  readonly #lobby: Lobby;
  readonly #matchmaker: Matchmaker | null;
  #isBusy = false;
  /** Which listing is current: an older answer arriving late is dropped. */
  #listingRequest = 0;

  constructor(options: JoinFlowOptions) {
    this.#options = options;
    const { doc, mode } = options;
    this.#screen = new JoinScreen(
      doc,
      (name) => this.#onSubmit(name, false),
      (name) => this.#onSubmit(name, true),
    );
    this.#lobby = new Lobby(doc, {
      onGameChange: (game) => void this.#refresh(game),
      onRefresh: () => void this.#refresh(this.#lobby.game ?? undefined),
      onCreatePrivate: () => this.#withName((name) => this.#createPrivate(name)),
      onJoinRoom: (room) =>
        this.#withName((name) =>
          this.#matchmake(name, { roomId: room.id }, 'Joining the room…', false),
        ),
    });
    this.#matchmaker = mode.kind === 'lobby' ? new Matchmaker(mode.matchmakingUrl) : null;
    const invite = doc.getElementById('invite-line');
    const lobbyLink = doc.getElementById('lobby-link');
    const code = mode.kind === 'lobby' ? mode.roomCode : null;
    if (code !== null) {
      this.#screen.setLabels({ first: `Join room ${code}`, again: `Rejoin room ${code}` });
      if (invite) {
        invite.textContent = `You are invited to the private room ${code}.`;
        invite.hidden = false;
      }
      if (lobbyLink) lobbyLink.hidden = false;
    } else if (mode.kind === 'lobby') {
      this.#screen.setLabels({ first: 'Quick play', again: 'Quick play' });
    }
    this.#lobby.setVisible(mode.kind === 'lobby' && code === null);
  }

  /** Shows the join screen, with why the last game ended (or why joining failed). */
  show(problem: CloseExplanation | null, hasPlayed = problem !== null): void {
    this.#screen.show(problem, hasPlayed);
    const mode = this.#options.mode;
    if (mode.kind === 'lobby' && mode.roomCode === null) {
      void this.#refresh(this.#lobby.game ?? undefined);
    }
  }

  hide(): void {
    this.#screen.hide();
  }

  /** The main button (a player) or "Watch without playing" (`spectate`): the same way in. */
  #onSubmit(name: string, spectate: boolean): void {
    const mode = this.#options.mode;
    if (mode.kind === 'direct') {
      this.#options.onStart({
        url: mode.url,
        name,
        seat: null,
        room: null,
        rematch: null,
        spectate,
      });
      return;
    }
    if (mode.roomCode !== null) {
      void this.#matchmake(
        name,
        { code: mode.roomCode },
        `Joining room ${mode.roomCode}…`,
        spectate,
      );
      return;
    }
    void this.#matchmake(
      name,
      null,
      spectate ? 'Finding a game to watch…' : 'Finding a game…',
      spectate,
    );
  }

  #withName(then: (name: string) => void): void {
    if (this.#isBusy) return;
    const name = this.#screen.readName();
    if (name !== null) then(name);
  }

  #createPrivate(name: string): void {
    void this.#matchmake(name, 'create', 'Creating a private room…', false);
  }

  /**
   * Gets a seat (quick play for null, a new private room for 'create', else the room asked
   * for) and starts the game with it; a refusal goes back to the join screen, explained.
   */
  async #matchmake(
    name: string,
    request: JoinRoomRequest | 'create' | null,
    progress: string,
    spectate: boolean,
  ): Promise<void> {
    const matchmaker = this.#matchmaker;
    if (matchmaker === null || this.#isBusy) return;
    this.#setBusy(true);
    this.#options.statusLine.showProgress(progress);
    const game = this.#lobby.game ?? undefined;
    let answer: MatchAnswer;
    try {
      if (request === null) answer = await matchmaker.quickPlay(game);
      else if (request === 'create') answer = await matchmaker.create({ game, isPrivate: true });
      else answer = await matchmaker.join(request);
    } catch (error) {
      this.#setBusy(false);
      if (!(error instanceof MatchmakingError)) throw error;
      const problem = explainMatchmakingError(error);
      this.#options.statusLine.showProblem(`${problem.title}: ${problem.message}`);
      this.show(problem, false);
      return;
    }
    this.#setBusy(false);
    // A restarted server sends the player back here: the same room when it still exists (a
    // private room by its code, a listed room by its id), else quick play of the same game.
    const room: JoinRoomRequest | null =
      answer.room.code !== null
        ? { code: answer.room.code }
        : request !== null && request !== 'create'
          ? request
          : null;
    const rematch = createRematch(matchmaker, {
      room,
      game: answer.room.game,
      onAnswer: (next) => this.#options.onRoomChange(next.room),
    });
    this.#options.onStart({
      url: answer.url,
      name,
      seat: answer.seat,
      room: answer.room,
      rematch,
      spectate,
    });
  }

  async #refresh(game: string | undefined): Promise<void> {
    const matchmaker = this.#matchmaker;
    if (matchmaker === null) return;
    const request = ++this.#listingRequest;
    this.#lobby.showLoading();
    try {
      const listing = await matchmaker.listRooms(game);
      if (request === this.#listingRequest) this.#lobby.showListing(listing);
    } catch (error) {
      if (!(error instanceof MatchmakingError)) throw error;
      if (request === this.#listingRequest) this.#lobby.showListingProblem(error.message);
    }
  }

  #setBusy(isBusy: boolean): void {
    this.#isBusy = isBusy;
    this.#screen.setBusy(isBusy);
  }
}
