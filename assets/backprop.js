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

  /**
   * The frame's numbers as a table (text only, never markup); stage 4's rows end with each
   * weight's slider, its thumb where the weight was (the glide moves it to where it goes).
   */
  function table(frame, moves) {
    const header = moves ? frame.header.concat(["slider"]) : frame.header;
    const head = element("Thead", element("Tr", header.map((text) => element("Th", text))));
    const body = element("Tbody", frame.rows.map((row, k) => element("Tr", row.map((text) => element("Td", text))
      .concat(moves ? [element("Td", slider(moves[k]), { className: "glide" })] : []))));
    return [head, body];
  }

  // ------------------------------------------------------------------ stage 4: the glide

  const GLIDE_MS = 1000;  // the sliders glide and the boundary follows in about a second
  const glide = { token: 0 };

  /**
   * Every weight and bias of the step in the table's order (layer by layer, W row by row, then b),
   * with its layer's slider range ±range: the largest |w| before or after, and a little room.
   */
  function moves(answer) {
    const made = [];
    answer.layers.forEach((layer) => {
      const pairs = [];
      layer.weights_before.forEach((row, i) => row.forEach((w, j) => pairs.push([w, layer.weights_after[i][j]])));
      layer.biases_before.forEach((b, j) => pairs.push([b, layer.biases_after[j]]));
      let range = 1e-12;
      pairs.forEach(([b, a]) => { range = Math.max(range, Math.abs(b || 0), Math.abs(a || 0)); });
      pairs.forEach(([before, after]) => made.push({ before: before, after: after, range: 1.1 * range }));
    });
    return made;
  }

  /** Where a value sits on its slider, 0…100 % (a number that is not finite: at the end of its side). */
  function place(value, range) {
    if (value === null || !Number.isFinite(value)) return 100;
    return Math.max(0, Math.min(100, 50 + 50 * value / range));
  }

  function slider(move) {
    const at = (value) => ({ left: place(value, move.range).toFixed(3) + "%" });
    return element("Div", [
      element("Div", null, { className: "glide-zero", style: at(0) }),
      element("Div", null, { className: "glide-start", style: at(move.before) }),
      element("Div", null, { className: "glide-thumb", style: at(move.before) }),
    ], { className: "glide-track" });
  }

  /** The boundary's figure with the heatmap at the glide's frame ``index`` (the last: the answer's own). */
  function boundaryAt(answer, index, token, withBefore) {
    const figure = answer.boundary.figure;
    const data = figure.data.map((trace, k) => (k === 0 ? Object.assign({}, trace, { z: answer.boundary.glide[index] }) : trace))
      .filter((trace) => withBefore || trace.type !== "contour");
    return { data: data, layout: Object.assign({}, figure.layout, { meta: "glide-" + token }) };
  }

  const ease = (p) => (p < 0.5 ? 2 * p * p : 1 - 2 * (1 - p) * (1 - p));

  /**
   * Stage 4 drawn: the sliders glide from each weight's value before the step to after it, and
   * the boundary follows (the heatmap through the network at w(t) = w_before + t·(w_after −
   * w_before), t = 0 … 1, frames the route computed), in GLIDE_MS; at the end the figure is the
   * answer's own (the network after the step) and the page's ``data-glide`` is "done".
   */
  function startGlide(answer, token) {
    const page = state.page, frames = answer.boundary.glide, made = moves(answer);
    let started = null, shown = 0, drawn = 1;  // the boundary's frames drawn (the first, before the step)
    if (page) page.dataset.glide = "running";
    const thumbsOf = () => document.querySelectorAll("#" + ID().numbers + " .glide-thumb");
    function tick(now) {
      if (token !== glide.token || !page || !page.isConnected) return;
      const graph = document.querySelector("#" + ID().boundary + " .js-plotly-plot"), thumbs = thumbsOf();
      if (!graph || !graph.layout || graph.layout.meta !== "glide-" + token || thumbs.length !== made.length) {
        requestAnimationFrame(tick);  // not drawn yet: the glide starts once both are on the page
        return;
      }
      if (started === null) started = now;
      const p = Math.min((now - started) / GLIDE_MS, 1), t = ease(p);
      thumbs.forEach((thumb, k) => {
        const move = made[k], value = p === 1 ? move.after : move.before + t * (move.after - move.before);
        thumb.style.left = place(value, move.range).toFixed(3) + "%";
      });
      const index = p === 1 ? frames.length - 1 : Math.round(t * (frames.length - 1));
      if (index !== shown) {
        window.Plotly.restyle(graph, { z: [frames[index]] }, [0]);
        shown = index;
        drawn++;
      }
      if (p < 1) {
        requestAnimationFrame(tick);
        return;
      }
      thumbs.forEach((thumb, k) => { thumb.dataset.value = String(made[k].after); });
      page.dataset.glideFrames = String(drawn);
      page.dataset.glideMs = String(Math.round(now - started));
      page.dataset.glide = "done";  // what the tests wait for
    }
    requestAnimationFrame(tick);
  }

  /** The boundary: stage 4 only, gliding from before the step to after it. */
  function showBoundary(answer, stage4) {
    const token = ++glide.token;
    if (state.page) delete state.page.dataset.glide;
    if (!stage4) {
      setProps(ID().boundary, { style: { display: "none" } });
      return;
    }
    setProps(ID().boundary, { figure: boundaryAt(answer, 0, token, true), style: {} });
    startGlide(answer, token);
  }

  function show() {
    const answer = state.answer;
    if (!answer) return;
    const frames = answer.frames, frame = frames[state.frame];
    // The diagram's height is the figure's own at 720p, grown with the text in lecture mode (backprop.css).
    // Stage 4 shows the sliders and the boundary in the diagram's place (its edges' moves are the sliders').
    const height = frame.figure.layout.height, stage4 = frame.stage === 4;
    setProps(ID().diagram, stage4 ? { style: { display: "none" } } : { figure: frame.figure,
      style: { height: height + "px", "--lecture-height": (height / 7.2).toFixed(2) + "vh" } });
    setProps(ID().title, { children: `${frame.stage} · ${frame.title}` });
    setProps(ID().caption, { children: frame.caption });
    setProps(ID().where, { children: (frame.where ? frame.where + " · " : "") + `${state.frame + 1} of ${frames.length}` });
    setProps(ID().numbers, { children: table(frame, stage4 ? moves(answer) : null) });
    showBoundary(answer, stage4);
    [ID().stage_1, ID().stage_2, ID().stage_3, ID().stage_4].forEach((id, k) => {
      const on = frame.stage === k + 1;
      setProps(id, { className: on ? "stage-button active" : "stage-button", "aria-current": on ? "step" : "false" });
    });
    setProps(ID().back, { disabled: state.frame === 0 });
    setProps(ID().forward, { disabled: state.frame === frames.length - 1 });
    setProps(ID().check, { children: answer.check.text });
    setProps(ID().batch, { children: answer.batch_text });
    setProps(ID().apply, { disabled: state.applied || !answer.network });
    if (state.page) {
      state.page.dataset.shownStage = String(frame.stage);  // the stylesheet's: stage 4's columns
      state.page.dataset.frame = String(state.frame);  // what the tests wait for
    }
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
