/*
 * A room's projector (page "/room/<code>"; playground/app/pages/room): the browser module that
 * keeps the page live from the room's HTTP API (docs/rooms.md, through rooms-api.js).
 *
 * - Every second it asks for the board (public: counts, the ranking, a predict round's votes);
 *   every other second for the room itself, with its ETag (unchanged: a bodiless 304), for the
 *   round, the settings and the points the boundaries are drawn on.
 * - With the teacher's token (the link's #teacher=, kept in this computer's localStorage by the
 *   room's code and taken off the address bar, so the projected address does not show it and the
 *   room's page opened again on this computer has it) the page also shows the
 *   gallery of every submitted boundary and the best one large, and the teacher's controls; each
 *   click goes straight to the API, and its answer (or its error) is said on the message line.
 * - A predict round's run is played back once when it arrives (its frames and the cost line).
 *
 * It binds to the page's root element only and stops polling when the page is left.
 */
(function (modules) {
  "use strict";

  const ID = () => window.playgroundContract.ids.room;
  const api = () => modules.roomsApi;  // loaded after this file: looked up when used
  const figures = () => modules.roomFigures;
  const byId = (id) => document.getElementById(id);
  const BOARD_EVERY = 1000, ROOM_EVERY = 2000, GALLERY_EVERY = 2000, FRAME_EVERY = 500;  // ms
  const TOP = 10;  // the board shows the top ten
  const MANY_TILES = 48;  // a gallery of more is drawn smaller (room.css)
  const KIND_NAMES = { "hand-tune": "hand-tune", predict: "predict, then run", train: "train race" };
  const state = { page: null, code: "", token: "", room: null, etag: null, board: null, galleryKey: "",
    galleryAsked: 0, bestKey: "", best: null, votesKey: "", runKey: "", playing: null, generation: 0, closing: 0,
    resized: null };

  function say(text, kind) { modules.messages.sayIn(byId(ID().message), text, kind || "info"); }

  function setText(id, text) {
    const element = byId(id);
    if (element && element.textContent !== text) element.textContent = text;
  }

  function setFigure(id, figure) { window.dash_clientside.set_props(id, { figure: figure }); }

  // ------------------------------------------------------------------ the teacher's token

  /** The teacher's token: from the link's #teacher= (then kept on this computer, off the address bar). */
  function teacherToken(code) {
    const key = "room-teacher-" + code, match = window.location.hash.match(/teacher=([^&]+)/);
    if (match) {
      try { localStorage.setItem(key, decodeURIComponent(match[1])); } catch (error) { /* private mode */ }
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      return decodeURIComponent(match[1]);
    }
    try { return localStorage.getItem(key) || ""; } catch (error) { return ""; }
  }

  // ------------------------------------------------------------------ polling

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const current = (generation) => generation === state.generation && state.page && state.page.isConnected;

  /** Ask for the board every second and the room every other, while this page is shown. */
  async function poll(generation) {
    for (let tick = 0; current(generation); tick++) {
      const started = Date.now();
      if (tick % (ROOM_EVERY / BOARD_EVERY) === 0) await refreshRoom();
      if (!current(generation)) return;
      await refreshBoard();
      if (state.token && Date.now() - state.galleryAsked >= GALLERY_EVERY) await refreshGallery();
      await sleep(Math.max(50, BOARD_EVERY - (Date.now() - started)));
    }
  }

  async function refreshRoom() {
    const answer = await api().describe(state.code, state.etag);
    if (answer.status === 304) return;
    if (answer.status === 404) state.generation++;  // no such room (or it expired): nothing more to ask
    if (!answer.ok) { say(answer.body.error, "error"); return; }
    state.etag = answer.etag;
    adoptRoom(answer.body);
  }

  async function refreshBoard() {
    const answer = await api().board(state.code);
    if (answer.ok) showBoard(answer.body);
  }

  /** The gallery, when the board changed since it was last asked for (it is the largest answer). */
  async function refreshGallery() {
    const board = state.board;
    const key = board ? board.version + JSON.stringify(board.entries.map((e) => [e.nickname, e.submissions])) : "";
    if (key === state.galleryKey) return;
    state.galleryAsked = Date.now();
    const answer = await api().gallery(state.code, state.token);
    if (!answer.ok) { if (answer.status === 401 || answer.status === 403) say(answer.body.error, "error"); return; }
    state.galleryKey = key;
    showGallery(answer.body);
  }

  // ------------------------------------------------------------------ the room and its round

  /** The room's description (polled, or a teacher's action answered with it): round, settings, points. */
  function adoptRoom(room) {
    state.room = room;
    const page = state.page, round = room.round || {}, settings = room.settings || {};
    page.dataset.kind = round.kind || "";
    page.dataset.state = room.closed ? "closed" : round.state || "";
    page.dataset.phase = round.phase || "";
    page.toggleAttribute("data-locked", !!settings.locked);
    page.toggleAttribute("data-run", !!round.run);
    const parts = [KIND_NAMES[round.kind] || round.kind, "round " + round.id, room.closed ? "room closed" : round.state];
    if (round.kind === "predict" && !room.closed) parts.push(round.phase === "after" ? "after the run" : "voting");
    if (settings.locked && !room.closed) parts.push("phones locked");
    setText(ID().round_line, parts.filter(Boolean).join(" · "));
    setText(ID().question, round.kind === "predict" ? round.question || "" : "");
    const lock = byId(ID().lock);
    if (lock) {
      lock.textContent = settings.locked ? "unlock the phones" : "lock the phones";
      lock.setAttribute("aria-pressed", settings.locked ? "true" : "false");
    }
    const rate = byId(ID().learn_rate);
    if (rate && settings.learn_rate !== undefined) rate.placeholder = "now " + settings.learn_rate;
    if (room.closed) say("This room is closed: the board stays as it ended.", "info");
    if (round.kind === "predict" && round.run) {
      const key = round.id + ":" + round.run.epochs.length + ":" + round.run.epochs[round.run.epochs.length - 1];
      if (key !== state.runKey) { state.runKey = key; playRun(); }
    }
    if (state.board) showVotes(state.board);
  }

  // ------------------------------------------------------------------ the board

  function score(entry, metric) {
    return metric === "test_cost" ? "cost " + Number(entry.test_cost).toPrecision(3)
      : Math.round(100 * entry.test_accuracy) + " %";
  }

  /** The counts and the top ten (rows kept and rewritten in place: a click on one never misses). */
  function showBoard(board) {
    state.board = board;
    const predict = board.round && board.round.kind === "predict";  // a predict round's entries are votes
    setText(ID().counts, `${board.joined} joined · ${board.submitted} ${predict ? "voted" : "submitted"}`);
    const list = byId(ID().board);
    if (!list) return;
    const entries = board.entries.slice(0, TOP);
    while (list.children.length < entries.length) list.appendChild(boardRow());
    while (list.children.length > entries.length) list.lastChild.remove();
    entries.forEach((entry, k) => {
      const row = list.children[k];
      row.querySelector(".room-rank").textContent = entry.rank;
      row.querySelector(".room-nickname").textContent = entry.nickname;  // text, never markup
      row.querySelector(".room-score").textContent = score(entry, board.metric);
      row.querySelector(".room-remove").dataset.nickname = entry.nickname;
      row.querySelector(".room-remove").title = "remove " + entry.nickname + " from the room";
      row.querySelector(".room-remove").setAttribute("aria-label", "remove " + entry.nickname);
    });
    list.dataset.empty = entries.length ? "" : "nobody has submitted yet";
    showVotes(board);
  }

  function boardRow() {
    const row = document.createElement("li");
    for (const name of ["room-rank", "room-nickname", "room-score"]) {
      const part = document.createElement("span");
      part.className = name;
      row.appendChild(part);
    }
    const remove = document.createElement("button");
    remove.className = "room-remove";
    remove.textContent = "✕";
    row.appendChild(remove);
    return row;
  }

  /** A predict round's votes, before and after the run, as bars (drawn again only when they change). */
  function showVotes(board) {
    const votes = board.votes, round = state.room && state.room.round;
    if (!votes || !round || round.kind !== "predict") return;
    const key = JSON.stringify(votes) + round.phase;
    if (key === state.votesKey) return;
    state.votesKey = key;
    setFigure(ID().votes_before, figures().voteFigure("before the run", votes.options, votes.before));
    setFigure(ID().votes_after, figures().voteFigure("after the run", votes.options,
      round.phase === "after" ? votes.after : null));
  }

  // ------------------------------------------------------------------ the gallery and the best boundary

  /** Every submitted boundary, a small picture each with its nickname, in the gallery's order. */
  function showGallery(gallery) {
    const box = byId(ID().gallery);
    if (!box) return;
    const tiles = new Map(Array.from(box.children).map((tile) => [tile.dataset.nickname, tile]));
    const ordered = gallery.entries.map((entry) => {
      let tile = tiles.get(entry.nickname);
      if (!tile) {
        tile = document.createElement("figure");
        tile.className = "room-tile";
        tile.dataset.nickname = entry.nickname;
        tile.append(document.createElement("img"), document.createElement("figcaption"));
        tile.lastChild.textContent = entry.nickname;
        tile.title = entry.nickname;  // the whole of a long nickname the caption cuts short
        tile.firstChild.alt = "the boundary of " + entry.nickname;
      }
      if (tile.firstChild.getAttribute("src") !== entry.picture) tile.firstChild.src = entry.picture;
      return tile;
    });
    box.replaceChildren(...ordered);
    box.toggleAttribute("data-many", ordered.length > MANY_TILES);
    setText(ID().gallery_count, "(" + gallery.entries.length + ")");
    const best = gallery.best;
    const key = best ? best.nickname + JSON.stringify(best.network) : "";
    if (key === state.bestKey || !state.room) return;
    state.bestKey = key;
    state.best = best;
    drawBest();
  }

  /** The best boundary, large (again when the window's size changes: it is drawn at its box's size). */
  function drawBest() {
    const best = state.best, canvas = byId(ID().best_canvas);
    if (!canvas || !state.room) return;
    setText(ID().best_caption, best ? "best boundary: " + best.nickname : "best boundary: none yet");
    if (best) figures().boundary(canvas, best.network, state.room.data);
    else canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  }

  // ------------------------------------------------------------------ a predict round's run, played back

  function playRun() {
    const run = state.room.round.run, key = state.runKey;
    if (state.playing) state.playing();  // a replay: the last playing stops
    state.playing = modules.planeCanvas.playBack(run, FRAME_EVERY, (k, epoch, last) => {
      figures().boundary(byId(ID().run_canvas), run.networks[k], state.room.data);
      setFigure(ID().run_cost, figures().costFigure(run, k));
      const cost = run.test_cost[k];
      const costText = cost === null ? "" : ` · test cost ${cost < 1e5 ? cost.toPrecision(3) : cost.toExponential(2)}`;
      setText(ID().run_caption, `the run: epoch ${epoch}${costText}` + (last && run.diverged ? " · it diverged" : ""));
    }, () => state.page && state.page.isConnected && state.runKey === key);  // not left, nor a new run
  }

  // ------------------------------------------------------------------ the teacher's controls

  const valueOf = (id) => { const element = byId(id); return element ? element.value.trim() : ""; };
  const numberOf = (id) => (valueOf(id) === "" ? NaN : Number(valueOf(id)));

  /** The new round the form describes (kind, and the question and answers or the race's limits). */
  function roundFromForm() {
    const checked = document.querySelector(`#${ID().kind} input:checked`);
    const kind = checked ? checked.value : "hand-tune";
    if (kind === "predict") {
      const options = Array.from(document.querySelectorAll(`#${ID().options} input`)).map((b) => b.value.trim()).filter(Boolean);
      return { kind: kind, question: valueOf(ID().question_input), options: options,
        learn_rate: numberOf(ID().round_learn_rate), epochs: numberOf(ID().epochs) };
    }
    if (kind === "train") {
      const activations = Array.from(document.querySelectorAll(`#${ID().activations} input:checked`)).map((b) => b.value);
      return { kind: kind, max_hidden_layers: numberOf(ID().max_layers), max_width: numberOf(ID().max_width),
        activations: activations };
    }
    return { kind: kind };
  }

  /** Send a teacher's action; say what came of it; take a room description in at once. */
  async function act(request, done) {
    const answer = await request;
    if (!answer.ok) { say(answer.body.error, "error"); return null; }
    say(done, "success");
    if (answer.body && answer.body.round) { state.etag = null; adoptRoom(answer.body); }
    refreshBoard();
    return answer.body;
  }

  function onClick(event) {
    const button = event.target.closest && event.target.closest("button");
    if (!button || !state.page.contains(button)) return;
    const code = state.code, token = state.token, id = button.id;
    if (id === ID().replay) { if (state.room && state.room.round.run) playRun(); return; }
    if (!token) return;
    if (button.classList.contains("room-remove")) {
      const nickname = button.dataset.nickname;
      act(api().remove(code, token, nickname), nickname + " was removed from the room");
    } else if (id === ID().end_round) {
      act(api().round(code, token, { action: "end" }), "the round has ended");
    } else if (id === ID().run_round) {
      act(api().round(code, token, { action: "run" }), "the run is shown: students may vote again");
    } else if (id === ID().push_learn_rate) {
      const rate = numberOf(ID().learn_rate);
      if (!(rate > 0 && Number.isFinite(rate))) { say("Type a learn rate above 0 first.", "error"); return; }
      act(api().settings(code, token, { learn_rate: rate }), `learn rate ${rate} pushed to every phone`);
    } else if (id === ID().lock) {
      const locked = !(state.room && state.room.settings && state.room.settings.locked);
      act(api().settings(code, token, { locked: locked }), locked ? "the phones are locked" : "the phones are unlocked");
    } else if (id === ID().start_round) {
      const round = roundFromForm();
      act(api().round(code, token, round), "a new " + KIND_NAMES[round.kind] + " round has started").then((room) => {
        if (room) byId(ID().new_round).open = false;
      });
    } else if (id === ID().close) {
      closeRoom(button);
    }
  }

  /** Closing takes two clicks (no dialog on a projector): the first asks, the second closes. */
  function closeRoom(button) {
    if (Date.now() - state.closing > 4000) {
      state.closing = Date.now();
      button.textContent = "really close? click again";
      setTimeout(() => { button.textContent = "close the room"; }, 4000);
      return;
    }
    state.closing = 0;
    button.textContent = "close the room";
    act(api().close(state.code, state.token), "the room is closed");
  }

  // ------------------------------------------------------------------ binding to the page

  function mount(room) {
    const page = byId(ID().page);
    if (!page || page === state.page || !room || !room.code) return;
    Object.assign(state, { page: page, code: room.code, token: teacherToken(room.code), room: null, etag: null,
      board: null, galleryKey: "", bestKey: "", best: null, votesKey: "", runKey: "", generation: state.generation + 1 });
    page.toggleAttribute("data-teacher", !!state.token);
    page.addEventListener("click", onClick);
    // The host and the path on a line each if need be (a break inside the code would misread).
    const parts = byId(ID().join_link).children;
    parts[0].textContent = window.location.host;
    parts[1].textContent = "/join/" + room.code;
    byId(ID().qr).src = api().qrUrl(room.code);
    if (!mount.resizes) {  // lecture mode and a new window size change the boxes: draw the boundary again
      window.addEventListener("resize", () => {
        clearTimeout(state.resized);
        state.resized = setTimeout(() => { if (state.page && state.page.isConnected) drawBest(); }, 150);
      });
      mount.resizes = true;
    }
    poll(state.generation);
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.room = Object.assign({}, window.dash_clientside.room, {
    mount: function (_mounted, room) {
      mount(room);
      return window.dash_clientside.no_update;
    },
  });
})(window.neuralModules = window.neuralModules || {});
