/*
 * The playground's play and step (page "/"): the app's run loop (runner.js) on the training
 * route, with what the playground adds: the cost history and its chart, the epoch and timing
 * labels, a single step's picture, and "back to before this run" after a divergence.
 *
 * A run's state lives here while it goes (the network and trainer of the last answer, the cost
 * history so far); the sliders and the cost curve follow in the page 2.5 times a second, and the
 * session gets the state in one change after a step or a pause (one source: "playground-play").
 */
(function (modules) {
  "use strict";

  const contract = () => window.playgroundContract;
  const ID = () => contract().ids.playground;
  const page = () => modules.playground;  // render, shown, session, counters, setProps, onPage
  const byId = (id) => document.getElementById(id);
  const SOURCE = "playground-play";
  const HISTORY_LENGTH = 2000;
  const FOLLOW_MS = 400;
  const labels = { timing: {}, estimated: {} };
  let runner = null, runStart = null, lastFollow = 0, pushed = 0, plotted = 0, lastMeasured = 0;

  /** A copy of a cost history with fresh arrays (Dash compares stores by reference). */
  function copyHistory(h) {
    return { epoch: h.epoch.slice(), train: h.train.slice(), test: h.test.slice(),
      diverged_at: h.diverged_at === undefined ? null : h.diverged_at };
  }

  function epochOf(training) {
    const h = training.history;
    return h.epoch.length ? h.epoch[h.epoch.length - 1] : 0;
  }

  /** The epoch and the time per step of both gradient methods: plain text, straight into the page. */
  function writeLabels(epoch) {
    const label = byId(ID().epoch_label);
    if (label) label.textContent = "epoch " + +epoch.toFixed(2);
    const timing = byId(ID().timing);
    if (!timing) return;
    const ms = (method) => {
      const v = labels.timing[method];
      return v === undefined ? "–" : (labels.estimated[method] ? "≈ " : "") + +v.toPrecision(3) + " ms";
    };
    timing.textContent = "backprop " + ms("backprop") + "\nfinite diff. " + ms("finite_differences");
  }

  /** The times per step no longer describe the network: forget them (a new network, another method). */
  function forgetTiming() {
    labels.timing = {};
    labels.estimated = {};
  }

  /** While playing: the sliders and the cost curve follow 2.5 times a second, straight in the page. */
  function follow(state) {
    const now = performance.now();
    if (now - lastFollow < FOLLOW_MS) return;
    lastFollow = now;
    modules.playgroundSliders.follow(state.network);
    const graph = document.querySelector("#" + ID().cost_graph + " .js-plotly-plot");
    const fresh = pushed - plotted;
    if (graph && window.Plotly && fresh > 0) {
      if (graph.layout && graph.layout.annotations && graph.layout.annotations.length) {
        // The empty chart's fixed axes and its "the cost appears here": the curve takes over.
        window.Plotly.relayout(graph, { "xaxis.autorange": true, "yaxis.autorange": true, annotations: [] });
      }
      const h = state.history, start = Math.max(h.epoch.length - fresh, 0);
      const epochs = h.epoch.slice(start);
      window.Plotly.extendTraces(graph, { x: [epochs, epochs.slice()], y: [h.train.slice(start), h.test.slice(start)] },
        [0, 1], HISTORY_LENGTH);
      plotted = pushed;
      page().counters.costCurve++;
    }
  }

  // ------------------------------------------------------------------ the run loop's page

  /**
   * The state a run continues from: the session's network, points and training; after a change
   * of the session under a run (``previous``), its trainer and history stay unless the change
   * brought training of its own (a new network or data set starts a new run).
   */
  function start(previous) {
    const session = page().session();
    if (!session || !page().shown) return null;
    const sizes = modules.maths.dense(session.network).layer_sizes;
    if (sizes[sizes.length - 1] < session.data.class_names.length) return null;  // not yet consistent
    if ((session.data.task === "regression") !== (modules.maths.dense(session.network).task === "regression")) return null;
    const keep = previous && !page().changedParts().includes("training");
    const training = keep ? { trainer: previous.trainer, history: previous.history } : session.training;
    return { network: session.network, data: session.data, trainer: training.trainer,
      history: copyHistory(training.history) };
  }

  /**
   * The training route's body for a run's state: train ``steps`` batches (null: to the end of the
   * epoch) with these settings; ``timeBoth``: time the other gradient method too. Pure (the
   * contract's test builds it under Node).
   */
  function trainingBody(state, settings, steps, timeBoth) {
    const trainer = { epoch: state.trainer.epoch, position: state.trainer.position };
    // Another optimizer's memory does not fit this one: a run under a new optimizer starts its memory afresh.
    const memory = state.trainer.memory;
    if (memory && memory.optimizer === settings.optimizer) trainer.memory = memory;
    return { network: state.network, data: state.data, settings: settings, trainer: trainer, batches: steps,
      time_both: timeBoth };
  }

  function body(state, steps) {
    // Timing the other gradient method costs a little: once a second is plenty.
    const measure = performance.now() - lastMeasured > 1000;
    if (measure) lastMeasured = performance.now();
    const request = trainingBody(state, page().session().settings, steps, measure);
    // An exercise's locked and hidden weights stay where the teacher put them while the rest trains.
    const held = modules.exercise && modules.exercise.held();
    return held ? Object.assign(request, held) : request;
  }

  function next(state, answer) {
    const h = copyHistory(state.history);
    if (answer.start && h.epoch.length === 0) {  // a new run: the curve starts at the untrained cost
      h.epoch.push(0); h.train.push(answer.start.train_cost); h.test.push(answer.start.test_cost);
    }
    h.epoch.push(answer.epoch); h.train.push(answer.train_cost); h.test.push(answer.test_cost);
    if (answer.diverged) h.diverged_at = answer.epoch;  // the cost chart marks it as an event
    while (h.epoch.length > HISTORY_LENGTH) { h.epoch.shift(); h.train.shift(); h.test.shift(); }
    return { network: answer.network, data: state.data, trainer: answer.trainer, history: h };
  }

  function apply(answer, state) {
    const after = next(state, answer);
    pushed += answer.start && state.history.epoch.length === 0 ? 2 : 1;  // history points added
    Object.assign(labels.timing, answer.timing);
    for (const method of Object.keys(answer.timing)) labels.estimated[method] = answer.timing_estimated.includes(method);
    const before = page().shown && page().shown.net;
    page().paint(answer.network);
    writeLabels(answer.epoch);
    page().counters.trainingFrames++;
    if (answer.batch && before) page().showStep(before, answer.batch);
    follow(after);
    if (answer.diverged) offerUndo();
  }

  function ends(answer) {
    return answer.diverged ? "Training " + answer.diverged + ". Lower the learn rate and press play again." : null;
  }

  function commit(state) {
    const parts = { network: state.network, training: { trainer: state.trainer, history: copyHistory(state.history) } };
    page().remember(parts);
    modules.session.change(SOURCE, parts);
  }

  function gapMs() {
    const speed = page().session().settings.play_speed;  // epochs a second; 0: as fast as the server answers
    return speed ? 1000 / speed : 0;
  }

  /** The message line under the play line: an error unless ``kind`` says otherwise (messages.js). */
  function say(text, kind) {
    page().setProps(ID().train_message, { children: kind ? modules.messages.said(text, kind) : text });
  }

  function showPlaying(on) { page().setProps(ID().play, { children: on ? "pause" : "play" }); }

  function loop() {
    if (!runner) {
      runner = modules.runner.create({
        route: "train", start: start, body: body, next: next, apply: apply, ends: ends, commit: commit,
        changed: (since) => page().changedSince(since), mark: () => page().revision(), gapMs: gapMs,
        held: () => modules.playgroundSliders.dragging(), showPlaying: showPlaying, say: say,
        onPage: () => page().onPage(),
      });
    }
    return runner;
  }

  // ------------------------------------------------------------------ back to before a run

  /*
   * A diverged run leaves weights far from anything useful (the last ones under the limit, often
   * 1e5 in size): the run's start is kept, so one click brings back the weights, the epoch and
   * the cost curve from before it.
   */
  function rememberRun() {
    const session = page().session();
    runStart = session ? { network: session.network, training: session.training } : null;
    page().setProps(ID().undo_run, { hidden: true });
  }

  function offerUndo() {
    if (!runStart) return;
    page().setProps(ID().undo_run, { hidden: false, children: "back to epoch " + +epochOf(runStart.training).toFixed(2) +
      ", before this run" });
  }

  function forgetRun() {
    runStart = null;
    page().setProps(ID().undo_run, { hidden: true });
  }

  /** Put the run's start back into the session: the page redraws from it. */
  function undoRun() {
    const started = runStart;
    if (!started || loop().busy) return;
    page().remember({ network: started.network, training: started.training });
    modules.session.change(SOURCE, { network: started.network, training: started.training });
    pushed = plotted = 0;  // the cost graph is drawn afresh from the history put back
    writeLabels(epochOf(started.training));
    forgetRun();
    say("Back to epoch " + +epochOf(started.training).toFixed(2) + ": the weights from before that run. " +
      "Lower the learn rate and press play.", "info");
  }

  /** The session changed, not by a run: the labels follow it, and what described the old one goes. */
  function adopted(training, parts) {
    pushed = plotted = 0;  // the cost graph is drawn afresh from the session's history
    writeLabels(epochOf(training));
    if (parts.includes("network") || parts.includes("data")) {
      forgetRun();  // a new network or a loaded state: "back to before this run" no longer applies
      say("");
    }
  }

  modules.playgroundPlay = {
    toggle: () => { if (!loop().playing) rememberRun(); loop().toggle(); },
    step: () => { if (!loop().playing) { rememberRun(); loop().step(1); } },
    pause: () => loop().pause(),
    get playing() { return loop().playing; },
    undoRun: undoRun, adopted: adopted, writeLabels: writeLabels, forgetTiming: forgetTiming, say: say,
    copyHistory: copyHistory, trainingBody: trainingBody,
  };
})(window.neuralModules = window.neuralModules || {});
