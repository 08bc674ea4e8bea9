/*
 * The playground's play loop (page "/"): play and step post the session's state to the
 * engine's training route and paint each answer; the sliders, the cost curve and the labels
 * follow in the page; the Dash stores catch up after a step or a pause. Part of the
 * playground page module (playground.js), whose render, setProps and shown it uses.
 */
(function () {
  "use strict";

  const contract = window.playgroundContract;
  const ID = contract.ids.playground;
  const STORES = contract.stores;
  const page = () => window.playground;  // render, shown, onPage, counters, setProps
  const byId = (id) => document.getElementById(id);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const setProps = (id, props) => page().setProps(id, props);
  /*
   * Play runs as a loop in the browser: post the session's state to the engine, paint the
   * answer, post again. Each frame costs one small request (a few ms of training) and one
   * paint, with no Dash callback in between; the sliders, the cost curve and the labels
   * follow in the page 4 times a second, and the Dash stores are brought up to date after
   * a step or a pause (or when the page is left).
   */
  const HISTORY_LENGTH = 2000;
  const session = {
    playing: false, busy: false, settings: {}, trainer: {},
    history: { epoch: [], train: [], test: [] }, lastFollow: 0, timing: null, epoch: 0,
    pushed: 0, plotted: 0, // history points ever added, and how many of them the cost curve shows
  };

  /** A copy of a cost history with fresh arrays (Dash compares stores by reference). */
  function copyHistory(h) {
    return { epoch: h.epoch.slice(), train: h.train.slice(), test: h.test.slice(), diverged_at: h.diverged_at };
  }

  function writeLabels() {
    // Plain text no callback reads: written straight into the page on every frame.
    const epoch = byId(ID.epoch_label);
    if (epoch) epoch.textContent = "epoch " + +session.epoch.toFixed(2);
    const timing = byId(ID.timing);
    if (timing && session.timing) {
      // An estimate (finite differences timed on a sample of a large network's parameters) says so.
      const ms = (method) => {
        const v = session.timing[method];
        return v === undefined ? "–" : ((session.estimated || {})[method] ? "≈ " : "") + +v.toPrecision(3) + " ms";
      };
      timing.textContent = "backprop " + ms("backprop") + "\nfinite diff. " + ms("finite_differences");
    }
  }

  /**
   * While playing: sliders and cost curve follow 2.5 times a second, straight in the page. The
   * curve gets only its new points (one Plotly redraw costs 20–30 ms here, so not every frame).
   */
  const FOLLOW_MS = 400;
  function followTraining() {
    const now = performance.now();
    if (now - session.lastFollow < FOLLOW_MS) return;
    session.lastFollow = now;
    if (page().shown) window.playgroundSliders.follow(page().shown.net);
    const graph = document.querySelector("#" + ID.cost_graph + " .js-plotly-plot");
    const fresh = session.pushed - session.plotted;
    if (graph && window.Plotly && fresh > 0) {
      if (graph.layout && graph.layout.annotations && graph.layout.annotations.length) {
        // The empty chart's fixed axes and its "the cost appears here": the curve takes over.
        window.Plotly.relayout(graph, { "xaxis.autorange": true, "yaxis.autorange": true, annotations: [] });
      }
      const h = session.history, start = Math.max(h.epoch.length - fresh, 0);
      const epochs = h.epoch.slice(start);
      window.Plotly.extendTraces(graph, { x: [epochs, epochs.slice()], y: [h.train.slice(start), h.test.slice(start)] },
        [0, 1], HISTORY_LENGTH);
      session.plotted = session.pushed;
      page().counters.costCurve++;
    }
  }

  /** Hand the session back to the Dash stores (one page-wide React pass each): after a step or a pause. */
  function syncToDash() {
    if (page().shown) setProps(STORES.network, { data: page().shown.net });
    session.synced = { trainer: session.trainer, history: copyHistory(session.history) };
    setProps(STORES.training, { data: session.synced });
  }

  function stopPlaying(message) {
    session.playing = false;
    setProps(ID.playing, { data: false });
    setProps(ID.play, { children: "play" });
    if (message) setProps(ID.train_message, { children: message });
  }

  /** Post one training request: the network and trainer state to continue from. */
  async function postTraining(net, data, trainer, batches) {
    // Timing the other gradient method costs a little: once a second is plenty.
    const measure = performance.now() - (session.lastMeasured || 0) > 1000;
    if (measure) session.lastMeasured = performance.now();
    const body = JSON.stringify({ network: net, data: data, trainer: trainer, settings: session.settings,
      batches: batches, time_both: measure });
    // A busy server (429: its pool for large requests is full) is not an error: wait and ask again.
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(contract.routes.train, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: body });
      const result = await response.json().catch(() => ({ error: "the server's answer was not readable" }));
      if (response.status === 429 && attempt < 20) {
        await sleep(100 + 50 * attempt);
        continue;
      }
      if (!response.ok) throw new Error(result.error || "training failed");
      return result;
    }
  }

  /** Take a training result into the session and paint it. */
  function applyResult(result, current) {
    session.trainer = result.trainer;
    session.timing = Object.assign({}, session.timing, result.timing);
    session.estimated = session.estimated || {};
    for (const method of Object.keys(result.timing)) {
      session.estimated[method] = (result.timing_estimated || []).includes(method);
    }
    session.epoch = result.epoch;
    const h = session.history;
    if (result.start && h.epoch.length === 0) {  // a new run: the curve starts at the untrained cost
      h.epoch.push(0); h.train.push(result.start.train_cost); h.test.push(result.start.test_cost);
      session.pushed++;
    }
    h.epoch.push(result.epoch); h.train.push(result.train_cost); h.test.push(result.test_cost);
    session.pushed++;
    if (h.epoch.length > HISTORY_LENGTH) { h.epoch.shift(); h.train.shift(); h.test.shift(); }
    if (page().onPage()) page().render(result.network, current.data, current.view);
    else page().shown = { net: result.network, data: current.data, view: current.view };
    writeLabels();
    page().counters.trainingFrames++;
    if (result.diverged) {
      h.diverged_at = result.epoch;  // the cost chart marks it as an event
      stopPlaying("Training " + result.diverged + ". Lower the learn rate and press play again.");
      offerUndo();
    }
  }

  // ------------------------------------------------------------------ back to before a run

  /*
   * A diverged run leaves weights far from anything useful (the last ones under the limit,
   * often 1e5 in size): the run's start is kept, so one click brings back the weights, the
   * epoch and the cost curve from before it.
   */
  function rememberRun(net) {
    session.runStart = { net: net, trainer: session.trainer, epoch: session.epoch, history: copyHistory(session.history) };
    setProps(ID.undo_run, { hidden: true });
  }

  function offerUndo() {
    if (!session.runStart) return;
    setProps(ID.undo_run, { hidden: false, children: "back to epoch " + +session.runStart.epoch.toFixed(2) +
      ", before this run" });
  }

  function forgetRun() {
    session.runStart = null;
    setProps(ID.undo_run, { hidden: true });
  }

  /** Put the run's start back into the session's stores: the page redraws from them. */
  function undoRun() {
    const start = session.runStart;
    if (!start || session.busy) return;
    setProps(STORES.network, { data: start.net });
    setProps(STORES.training, { data: { trainer: start.trainer, history: start.history } });
    forgetRun();
    setProps(ID.train_message, { children: "Back to epoch " + +start.epoch.toFixed(2) +
      ": the weights from before that run. Lower the learn rate and press play." });
  }

  /**
   * What the page shows, once it is consistent: after a new data set with more classes the
   * page briefly holds the old network until its output layer is rebuilt (a server
   * callback), and training that pair would fail.
   */
  async function settledView() {
    for (let tries = 0; tries < 40; tries++) {
      const current = page().shown;
      const sizes = current.net.layer_sizes;
      if (sizes[sizes.length - 1] >= current.data.class_names.length) return current;
      await sleep(50);
    }
    return page().shown;
  }

  /** Did anything but the play loop replace the network, the data or the training state? */
  function changedSince(view) {
    const current = page().shown;
    return session.restarted || current.net !== view.net || current.data !== view.data;
  }

  async function trainOnce(batches) {
    if (!page().shown) return null;
    session.busy = true;
    session.restarted = false;
    try {
      const current = await settledView();
      rememberRun(current.net);
      const result = await postTraining(current.net, current.data, session.trainer, batches);
      if (!changedSince(current)) applyResult(result, current);
      return result;
    } catch (error) {
      stopPlaying(String(error.message || error));
      return null;
    } finally {
      session.busy = false;
    }
  }

  /**
   * Send the next play request no sooner than the play speed allows (one epoch a request),
   * and not while a weight slider is held: the dragged value wins, and play goes on from it.
   */
  async function paced(send) {
    const gap = 1000 / (session.speed || Infinity);
    const wait = (session.lastSent || 0) + gap - performance.now();
    if (wait > 0) await sleep(wait);
    while (window.playgroundSliders.dragging() && session.playing) await sleep(50);
    session.lastSent = performance.now();
    return send();
  }

  /**
   * Play: the next request goes out as soon as an answer arrives, before that answer is
   * painted, so the server trains while the browser draws. A change made on the page
   * meanwhile (a new layer, another data set, reset, a loaded state) wins: the answer is
   * dropped and training carries on from what the page shows. Leaving the page pauses.
   */
  async function playLoop() {
    setProps(ID.train_message, { children: "" });
    session.busy = true;
    session.restarted = false;
    try {
      let sentFrom = await settledView();
      rememberRun(sentFrom.net);
      let pending = postTraining(sentFrom.net, sentFrom.data, session.trainer, null);
      while (pending) {
        let result = null;
        try {
          result = await pending;
        } catch (error) {
          if (!changedSince(sentFrom)) throw error;  // else the request was moot anyway
        }
        if (!page().onPage()) session.playing = false;
        if (!result || changedSince(sentFrom)) {
          session.restarted = false;
          sentFrom = await settledView();
          pending = session.playing ? paced(() => postTraining(sentFrom.net, sentFrom.data, session.trainer, null)) : null;
          continue;
        }
        const current = page().shown;
        pending = session.playing && !result.diverged
          ? paced(() => postTraining(result.network, current.data, result.trainer, null)) : null;
        applyResult(result, current);
        sentFrom = page().shown;  // what the request just sent continues from
        followTraining();
      }
    } catch (error) {
      stopPlaying(String(error.message || error));
    } finally {
      session.busy = false;
      syncToDash();
    }
  }

  window.playgroundPlay = {
    session: session, writeLabels: writeLabels, syncToDash: syncToDash, trainOnce: trainOnce, playLoop: playLoop,
    undoRun: undoRun, forgetRun: forgetRun, copyHistory: copyHistory,
  };
})();
