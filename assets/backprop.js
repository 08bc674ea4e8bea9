/*
 * Backprop in slow motion (page "/backprop", SPEC F27): the session's next mini-batch step,
 * walked frame by frame: forward (layer by layer), cost, backward (layer by layer, from the
 * output), update. The page asks its route ("backprop") for every frame of the step at once, as
 * it is drawn, for another point of the batch, or for the next batch; ‹ › and the keys → ← (keys.js,
 * bound to the page's root element only) walk the frames the answer holds, with no server round
 * trip. *apply this step* hands the session the network and trainer after the step, and the cost
 * curve's new point, as the playground's step does (one change, source "backprop-apply").
 */
(function (modules) {
  "use strict";

  const ID = () => window.playgroundContract.ids.backprop;
  const SOURCE = "backprop-apply";
  const HISTORY_LENGTH = 2000;  // the cost curve's points the session keeps (as the playground's run)
  const state = {
    page: null, session: null, answer: null, frame: 0, point: 0,
    position: null,  // a batch skipped to without applying: {epoch, position} to step from
    applied: false, asked: 0, revisions: null,
  };

  function revisions() {
    if (!state.revisions) state.revisions = modules.session.tracker([SOURCE], ["network", "data", "settings", "training"]);
    return state.revisions;
  }

  function setProps(id, props) {
    if (state.page && state.page.isConnected) window.dash_clientside.set_props(id, props);
  }

  function say(text, kind) { setProps(ID().message, { children: modules.messages.said(text, kind || "error") }); }

  /**
   * The step route's body: the session's network, points and settings, and its trainer (at
   * ``at``, a batch skipped to, when given); another optimizer's memory does not go (pure: the
   * contract's test may build it under Node).
   */
  function stepBody(session, point, at) {
    const settings = session.settings, kept = session.training.trainer;
    const trainer = at ? { epoch: at.epoch, position: at.position } : { epoch: kept.epoch, position: kept.position };
    if (kept.memory && kept.memory.optimizer === settings.optimizer) trainer.memory = kept.memory;
    return { network: session.network, data: session.data, settings: settings, trainer: trainer, point: point };
  }

  /** The session's training after the step: its trainer, and the cost curve with the step's point. */
  function trainingAfter(training, answer) {
    const old = training.history;
    const history = { epoch: old.epoch.slice(), train: old.train.slice(), test: old.test.slice() };
    if (old.diverged_at !== undefined && old.diverged_at !== null) history.diverged_at = old.diverged_at;
    if (answer.start && history.epoch.length === 0) {  // a run's first step: the curve starts untrained
      history.epoch.push(0); history.train.push(answer.start.train_cost); history.test.push(answer.start.test_cost);
    }
    history.epoch.push(answer.after.epoch); history.train.push(answer.after.train_cost);
    history.test.push(answer.after.test_cost);
    while (history.epoch.length > HISTORY_LENGTH) { history.epoch.shift(); history.train.shift(); history.test.shift(); }
    return { trainer: answer.trainer, history: history };
  }

  // ------------------------------------------------------------------ showing a frame

  function element(type, children, props) {
    return { type: type, namespace: "dash_html_components", props: Object.assign({ children: children }, props || {}) };
  }

  /** The frame's numbers as a table (text only, never markup). */
  function table(frame) {
    const head = element("Thead", element("Tr", frame.header.map((text) => element("Th", text))));
    const body = element("Tbody", frame.rows.map((row) => element("Tr", row.map((text) => element("Td", text)))));
    return [head, body];
  }

  function show() {
    const answer = state.answer;
    if (!answer) return;
    const frames = answer.frames, frame = frames[state.frame];
    // The diagram's height is the figure's own at 720p, grown with the text in lecture mode (backprop.css).
    const height = frame.figure.layout.height;
    setProps(ID().diagram, { figure: frame.figure,
      style: { height: height + "px", "--lecture-height": (height / 7.2).toFixed(2) + "vh" } });
    setProps(ID().title, { children: `${frame.stage} · ${frame.title}` });
    setProps(ID().caption, { children: frame.caption });
    setProps(ID().where, { children: (frame.where ? frame.where + " · " : "") + `${state.frame + 1} of ${frames.length}` });
    setProps(ID().numbers, { children: table(frame) });
    [ID().stage_1, ID().stage_2, ID().stage_3, ID().stage_4].forEach((id, k) => {
      const on = frame.stage === k + 1;
      setProps(id, { className: on ? "stage-button active" : "stage-button", "aria-current": on ? "step" : "false" });
    });
    setProps(ID().back, { disabled: state.frame === 0 });
    setProps(ID().forward, { disabled: state.frame === frames.length - 1 });
    setProps(ID().check, { children: answer.check.text });
    setProps(ID().batch, { children: answer.batch_text });
    setProps(ID().apply, { disabled: state.applied || !answer.network });
    if (state.page) state.page.dataset.frame = String(state.frame);  // what the tests wait for
  }

  function go(frame) {
    if (!state.answer) return;
    state.frame = Math.max(0, Math.min(frame, state.answer.frames.length - 1));
    show();
  }

  // ------------------------------------------------------------------ asking for the step

  async function ask() {
    if (!state.session) return;
    const asked = ++state.asked;
    setProps(ID().apply, { disabled: true });
    if (state.page) state.page.dataset.ready = "false";
    try {
      const answer = await modules.runner.post("backprop", stepBody(state.session, state.point, state.position));
      if (asked !== state.asked) return;  // a newer question is on its way
      state.answer = answer;
      state.applied = false;
      state.point = answer.point;
      state.frame = Math.min(state.frame, answer.frames.length - 1);
      setProps(ID().point, { options: answer.points.map((label, k) => ({ label: label, value: k })), value: answer.point });
      say(answer.diverged || "", "warning");
      show();
    } catch (error) {
      if (asked !== state.asked) return;
      state.answer = null;
      say(String(error.message || error));
    } finally {
      if (asked === state.asked && state.page) state.page.dataset.ready = "true";
    }
  }

  /** A new step from the session as it is now, from stage 1. */
  function restart() {
    state.position = null;
    state.frame = 0;
    ask();
  }

  function apply() {
    const answer = state.answer;
    if (!answer || !answer.network || state.applied) return;
    const parts = { network: answer.network, training: trainingAfter(state.session.training, answer) };
    state.session = Object.assign({}, state.session, parts);  // the next batch goes on from it at once
    state.position = null;
    state.applied = true;
    modules.session.change(SOURCE, parts);
    setProps(ID().apply, { disabled: true });
    say(`Applied: the playground's network has the new weights, at epoch ${+answer.epoch.toFixed(2)}.`, "success");
  }

  function nextBatch() {
    const answer = state.answer;
    // Not applied: the same weights, on the batch after this one; applied: the session has moved on.
    state.position = answer && !state.applied ? { epoch: answer.trainer.epoch, position: answer.trainer.position } : null;
    state.frame = 0;
    say("", "info");
    ask();
  }

  function choosePoint(value) {
    if (value === null || value === undefined || value === state.point) return;
    state.point = value;
    ask();  // the same batch (the position it was taken from), another point's numbers
  }

  modules.backprop = { stepBody: stepBody, trainingAfter: trainingAfter, get frame() { return state.frame; },
    get answer() { return state.answer; } };
  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.backprop = Object.assign({}, window.dash_clientside.backprop, {
    /** The page was drawn: bind its keys and ask for the session's next step. */
    mount: function (_mounted, network, data, settings, training) {
      state.session = { network: network, data: data, settings: settings, training: training };
      const page = document.getElementById(ID().page);
      if (page && page !== state.page) {
        state.page = page;
        modules.keys.bind(page, { ArrowRight: ID().forward, ArrowLeft: ID().back });
        page.addEventListener("click", (event) => {
          const stage = event.target.closest && event.target.closest("[data-stage]");
          if (stage && state.answer) go(state.answer.frames.findIndex((f) => f.stage === Number(stage.dataset.stage)));
        });
        page.focus({ preventScroll: true });
        state.point = 0;
        state.applied = false;
        restart();
      }
      return window.dash_clientside.no_update;
    },
    /** The session changed: keep it; a change not this page's own (another tab's page, a load) starts afresh. */
    adopt: function (revision, network, data, settings, training) {
      state.session = { network: network, data: data, settings: settings, training: training };
      if (revisions().adopt(revision) && state.page && state.page.isConnected) restart();
    },
    back: function (clicks) { if (clicks) go(state.frame - 1); },
    forward: function (clicks) { if (clicks) go(state.frame + 1); },
    nextBatch: function (clicks) { if (clicks) nextBatch(); },
    apply: function (clicks) { if (clicks) apply(); },
    point: function (value) { choosePoint(value); },
  });
})(window.neuralModules = window.neuralModules || {});
