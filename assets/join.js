/*
 * A student's phone in a room (page /join, /join/<code>; SPEC F28, docs/rooms.md).
 *
 * - Before a seat: the room's code (/join), then a nickname → POST students. The seat (token and
 *   nickname) is kept in localStorage under the room's code, with the student's network of this
 *   round: a reload, or a phone that lost the connection, keeps both.
 * - Seated: the room's description is asked for every 1.5 s with its ETag (an unchanged room is a
 *   bodiless 304); what the teacher pushes is applied: the learn rate, a lock, held weights, a new
 *   network, data or round (the student's network starts again from the room's), a closed room.
 * - Each round's part: hand-tune (sliders → submit), predict (a vote, the run played back, a second
 *   vote), train (a network within limits → train, train more). The server scores; the page shows
 *   what it said, and the rank from /me.
 *
 * The API's client is rooms-api.js (looked up when called: it loads after this file); the plane and
 * a run's playback are plane-canvas.js (as the projector's), the controls join-controls.js, the words
 * join-text.js. The server's messages are shown as text.
 */
(function (modules) {
  "use strict";

  const contract = () => window.playgroundContract;
  const ID = () => contract().ids.join;
  const SETTINGS = () => contract().settings.join;
  const rooms = () => modules.roomsApi;
  const planes = () => modules.planeCanvas;
  const controls = () => modules.joinControls;
  const says = () => modules.joinText;
  const byId = (id) => document.getElementById(id);
  const STORAGE = "playground-room-";  // + the room's code: {token, nickname, round, network, choice, trained, result}
  const FRAME_MS = 600;  // a run's frame played back

  let page = null;
  let state = fresh("");

  function fresh(code) {
    return { code: code, seat: null, room: null, etag: null, key: null, plane: null, net: null, grid: null,
      choice: null, trainedChoice: null, result: null, me: null, votes: {}, busy: false, offline: false,
      timer: null, polls: 0, playback: null, played: null, stopRun: null };
  }

  function shown() { return !!(page && page.isConnected); }
  function text(id, value) { const e = byId(ID()[id]); if (e && e.textContent !== value) e.textContent = value; }
  function show(id, on) { const e = byId(ID()[id]); if (e) e.hidden = !on; }
  function say(message, kind) { modules.messages.sayIn(byId(ID().message), message || "", kind || "error"); }

  // ------------------------------------------------------------------ the seat, kept on the phone

  function stored() {
    try { return JSON.parse(window.localStorage.getItem(STORAGE + state.code)) || {}; } catch (error) { return {}; }
  }

  function store(changes) {
    try { window.localStorage.setItem(STORAGE + state.code, JSON.stringify(Object.assign(stored(), changes))); } catch (error) { /* private mode: this page only */ }
  }

  /** A round as the phone keeps it: its id and the room's network and points (a push of either is a new round). */
  function roundKey(room) {
    const source = JSON.stringify([room.round.id, room.network, room.data]);
    let hash = 5381;
    for (let k = 0; k < source.length; k++) hash = (hash * 33 + source.charCodeAt(k)) | 0;
    return room.round.id + ":" + (hash >>> 0).toString(36);
  }

  function sections(which) {
    show("enter", which === "enter");
    show("seat", which === "seat");
    show("room", which === "room");
  }

  function seatLost() {
    state.seat = null;
    state.result = state.me = null;  // a removed student's entries went with them
    store({ token: null, nickname: null, result: null });
    sections("seat");
    say("You are no longer in this room (the teacher may have removed you): join again with a nickname.", "warning");
  }

  /** A refused request: the server's sentence; a lost seat asks for a nickname again. */
  function refused(answer) {
    if (answer.status === 401 || (answer.status === 404 && state.room && !state.room.closed)) return seatLost();
    say(answer.body && answer.body.error ? answer.body.error : "the server refused (" + answer.status + ")");
  }

  // ------------------------------------------------------------------ the room's description, polled

  async function poll() {
    clearTimeout(state.timer);
    const mine = state;
    if (!shown()) return;
    const answer = await rooms().describe(mine.code, mine.etag);
    if (state !== mine || !shown()) return;  // the page was left or drawn anew meanwhile
    mine.offline = answer.status === 0;
    if (answer.status === 200) {
      mine.etag = answer.etag;
      apply(answer.body);
    } else if (answer.status === 404) {
      sections("enter");  // another code, perhaps
      say(answer.body.error || "There is no room with this code (it may have expired).");
      return;  // a room that is gone comes back no more
    } else if (!answer.ok && answer.status !== 0) {
      say(answer.body.error);
    }
    render();
    if (mine.room && mine.room.closed) return;
    // /me every third poll too: the rank moves as others submit, and a student the teacher removed
    // is told so (a removal changes no room version).
    const again = ++mine.polls % 3 === 0;
    if (mine.seat && (answer.status === 200 || again)) await refreshMe(mine);
    if (state === mine) mine.timer = setTimeout(poll, SETTINGS().poll_seconds * 1000);
  }

  /** The teacher's room as it is now: a new round (or network, or points) starts the student's network again. */
  function apply(room) {
    const held = (r) => JSON.stringify([r.settings.held_layers, r.settings.held_weights]);
    const before = state.room;
    state.room = room;
    state.plane = planes().planeOf(room.data.train_inputs.concat(room.data.test_inputs || []));
    const key = roundKey(room);
    if (key !== state.key) startRound(key);
    else if (before && held(before) !== held(room)) setNetwork(state.net);
  }

  function startRound(key) {
    const room = state.room, saved = stored(), ours = saved.round === key;
    state.key = key;
    state.choice = (ours && saved.choice) || controls().firstChoice(room.network, room.round);
    state.trainedChoice = ours ? saved.trained || null : null;
    state.result = ours ? saved.result || null : null;
    state.votes = {};
    state.playback = null;
    if (!ours) store({ round: key, network: null, choice: null, trained: null, result: null });
    state.me = null;  // the best and the rank were of the round before
    setNetwork(ours && saved.network ? saved.network : room.network);
  }

  /** The student's network from now on (held parameters kept at the room's values). */
  function setNetwork(net) {
    state.net = controls().keepHeld(net, state.room.network, state.room.settings);
    state.grid = null;
    const sliders = byId(ID().sliders);
    if (sliders && sliders.dataset.shape) controls().setSliders(sliders, state.net, SETTINGS().slider_range);
  }

  async function refreshMe(mine) {
    const answer = await rooms().me(mine.code, mine.seat.token);
    if (state !== mine || !mine.seat) return;
    if (answer.status === 401 || answer.status === 404) return seatLost();
    if (!answer.ok) return;
    mine.me = answer.body;
    const votes = answer.body.votes || {};
    if (votes && typeof votes === "object") for (const phase of Object.keys(votes)) if (votes[phase] !== null) mine.votes[phase] = votes[phase];
    render();
  }

  // ------------------------------------------------------------------ drawing the room

  function render() {
    const room = state.room;
    if (!room || !shown()) return;
    const round = room.round, kind = round.kind, settings = room.settings;
    const acting = !!state.seat && !room.closed && !settings.locked && round.state !== "ended" && !state.busy;
    const touching = !room.closed && !settings.locked;  // an ended round's sliders may still be played with
    if (!state.seat && room.closed) {  // no seat to take: said before a nickname is typed in vain
      show("seat", false);
      say("This room is closed: ask for the next one's code.", "info");
    }
    text("seat_title", "Room " + state.code);
    text("who", "room " + state.code + (state.seat ? " · " + state.seat.nickname : ""));
    // A predict round's run trains at its own rate (the room's unless the teacher set one): the one to predict with.
    text("learn_rate", "learn rate " + says().number(kind === "predict" && round.learn_rate ? round.learn_rate : settings.learn_rate));
    text("notice", says().notice(room, state.offline));
    text("task", says().task(room));
    text("axes", "across: " + room.data.feature_names[0] + " · up: " + room.data.feature_names[1]);
    byId(ID().room).dataset.kind = kind;  // join.css keeps the plane in sight while a hand-tune's sliders scroll
    show("tune", kind === "hand-tune");
    show("predict", kind === "predict");
    show("train", kind === "train");
    show("submit", kind === "hand-tune");
    byId(ID().submit).disabled = !acting;
    if (kind === "hand-tune") {
      const sliders = byId(ID().sliders);
      controls().drawSliders(sliders, state.net, settings, SETTINGS().slider_range);
      sliders.querySelectorAll(".join-slider").forEach((row) => { row.querySelector("input").disabled = row.classList.contains("held") || !touching; });
      byId(ID().reset).disabled = !touching;
    } else if (kind === "predict") renderPredict(round, acting);
    else if (kind === "train") renderTrain(round, settings, acting);
    text("score", says().score(state.result, state.me));
    paint();
  }

  function renderPredict(round, acting) {
    const phase = round.phase || "before";
    text("question", round.question || "");
    controls().drawOptions(byId(ID().options), round.options || [], state.votes[phase]);
    byId(ID().options).querySelectorAll("button").forEach((button) => { button.disabled = !acting; });
    text("voted", says().voted(round, state.votes, acting));
    show("run", !!round.run);
    if (round.run && state.played !== state.key) playRun();
  }

  function renderTrain(round, settings, acting) {
    text("limits", says().limits(round));
    controls().drawTrainChoice(byId(ID().layers), byId(ID().activations), state.choice, round, acting);
    const box = byId(ID().train_learn_rate);
    if (box.dataset.pushed !== String(settings.learn_rate)) {  // the teacher's rate, pre-filled (and again when pushed)
      box.dataset.pushed = String(settings.learn_rate);
      box.value = String(settings.learn_rate);
    }
    byId(ID().train_go).disabled = !acting;
    byId(ID().train_more).disabled = !acting || state.trainedChoice !== JSON.stringify(state.choice);
  }

  /** The network shown (a run's frame while one plays back) over the room's points, and its readout. */
  function paint() {
    const room = state.room, canvas = byId(ID().boundary);
    if (!room || !canvas || !state.net) return;
    const net = state.playback ? state.playback.net : state.net;
    const grid = state.playback || !state.grid ? planes().grid(net, state.plane) : state.grid;
    if (!state.playback) state.grid = grid;
    planes().drawPlane(canvas, net, room.data, state.plane, { grid: grid });
    text("readout", says().readout(net, room.data));
  }

  // ------------------------------------------------------------------ a predict round's run, played back

  function playRun() {
    const run = state.room.round.run;
    if (!run || !run.networks || !run.networks.length) return;
    state.played = state.key;
    const mine = state, last = (run.epochs || []).length ? run.epochs[run.epochs.length - 1] : run.networks.length - 1;
    if (mine.stopRun) mine.stopRun();  // a replay: the last playing stops
    mine.stopRun = planes().playBack(run, FRAME_MS, (k, epoch, end) => {
      mine.playback = { net: run.networks[k] };
      text("frame", "the teacher's run: epoch " + epoch + " of " + last + (end && run.diverged ? " · it diverged" : ""));
      planes().costLine(byId(ID().cost), run, epoch);
      paint();
    }, () => state === mine && shown() && mine.room.round.run);
  }

  // ------------------------------------------------------------------ what the student does

  async function act(request, done) {
    if (state.busy) return;
    const mine = state;
    mine.busy = true;
    render();
    const answer = await request();
    mine.busy = false;
    if (state !== mine) return;
    if (answer.ok) { say(""); done(answer.body); } else refused(answer);
    render();
  }

  function submit() {
    act(() => rooms().submit(state.code, state.seat.token, state.net), (body) => {
      state.result = body;
      store({ result: body });
    });
  }

  function train(more) {
    const rate = Number(String(byId(ID().train_learn_rate).value).replace(",", "."));
    if (!(rate > 0)) return say("The learn rate is a number above 0, such as 0.3.");
    const choice = state.choice, request = { hidden: choice.hidden, activation: choice.activation, learn_rate: rate };
    if (more) request.continue = true;
    act(() => rooms().train(state.code, state.seat.token, request), (body) => {
      state.result = body;
      state.trainedChoice = JSON.stringify(choice);
      setNetwork(body.network);
      store({ result: body, trained: state.trainedChoice, network: state.net });
    });
  }

  function vote(choice) {
    act(() => rooms().vote(state.code, state.seat.token, choice), (body) => { state.votes[body.phase] = body.choice; });
  }

  function reset() {
    setNetwork(state.room.network);
    store({ network: null });
    render();
  }

  async function enterCode() {
    const code = String(byId(ID().code_box).value || "").toUpperCase().replace(/[^0-9A-Z]/g, "");
    if (code.length !== 5) return say("A room's code has 5 letters and digits, as the projector shows it.");
    const answer = await rooms().describe(code);
    if (answer.ok) window.location.assign("/join/" + code);
    else say(answer.body.error || "There is no room with this code.");
  }

  async function takeSeat() {
    const nickname = String(byId(ID().nickname).value || "").trim();
    if (!nickname) return say("Choose a nickname first: the room sees it beside your score.");
    const mine = state, answer = await rooms().join(mine.code, nickname);
    if (state !== mine) return;
    if (!answer.ok) return refused(answer);
    mine.seat = { token: answer.body.student_token, nickname: answer.body.nickname || nickname };
    store({ token: mine.seat.token, nickname: mine.seat.nickname });
    say("");
    sections("room");
    render();
    refreshMe(mine);
  }

  // ------------------------------------------------------------------ the page's events (one handler each, on its root)

  function onSubmit(event) {
    event.preventDefault();  // a form here never loads a page
    if (event.target.id === ID().enter) enterCode();
    else if (event.target.id === ID().seat) takeSeat();
  }

  function onClick(event) {
    const button = event.target.closest && event.target.closest("button");
    if (!button || button.disabled || button.form || !state.room) return;  // a form's button: onSubmit
    const what = button.dataset.join;
    if (what === "vote") return vote(Number(button.dataset.choice));
    if (what === "layers" || what === "width" || what === "activation") {
      state.choice = controls().changeChoice(state.choice, button, state.room.round);
      store({ choice: state.choice });
      return render();
    }
    const actions = { [ID().submit]: submit, [ID().reset]: reset, [ID().train_go]: () => train(false),
      [ID().train_more]: () => train(true), [ID().replay]: playRun };
    if (actions[button.id]) actions[button.id]();
  }

  /** A slider moved (each step of a drag, or its keys): that one parameter changes and the plane follows at once. */
  function onInput(event) {
    if (event.target.type === "range") sliderMoved(event.target);
  }

  function sliderMoved(input) {
    if (!state.net || state.playback) return;
    const { address, value } = controls().sliderMoved(input);
    const before = state.grid || planes().grid(state.net, state.plane);
    state.net = controls().withValue(state.net, address, value);
    // Only the nodes after the moved parameter are worked out again (maths.evaluateGridEdited): a drag's repaint.
    state.grid = modules.maths.evaluateGridEdited(before, state.net, address[1], address[0] === "W" ? address[3] : address[2]);
    paint();
  }

  /** A slider let go: the network is kept on the phone (a reload finds it). */
  function onChange(event) {
    if (event.target.type === "range" && state.net) store({ network: state.net });
  }

  // A finger on a slider's row (join-controls.js): sideways drags it, up or down scrolls the page.
  function onPointerMove(event) {
    const input = controls().dragMove(event);
    if (input) sliderMoved(input);
  }

  function onPointerEnd(event) {
    if (controls().dragEnd(event) && state.net) store({ network: state.net });
  }

  function mount(code) {
    const element = byId(ID().page);
    if (!element || element === page) return;
    page = element;
    clearTimeout(state.timer);
    state = fresh(code || "");
    for (const [name, handler] of [["submit", onSubmit], ["click", onClick], ["input", onInput], ["change", onChange],
      ["pointerdown", controls().dragStart], ["pointermove", onPointerMove], ["pointerup", onPointerEnd], ["pointercancel", onPointerEnd]]) {
      page.addEventListener(name, handler);
    }
    if (!state.code) return sections("enter");
    const saved = stored();
    if (saved.token) state.seat = { token: saved.token, nickname: saved.nickname };
    sections(state.seat ? "room" : "seat");
    text("seat_title", "Room " + state.code);
    poll();
  }

  // A turned phone or lecture mode changes the plane's size: drawn again at it.
  window.addEventListener("resize", () => { if (shown()) paint(); });

  modules.join = { state: () => state, poll: poll };

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.join = {
    mount: function (_mounted, code) {
      mount(code);
      return window.dash_clientside.no_update;
    },
  };
})(window.neuralModules = window.neuralModules || {});
