/*
 * The playground page's browser module (page "/"): it binds to the page's root element only.
 *
 * - Drawing: the class map, the network diagram with node heatmaps and the cost readouts are
 *   painted from the session's network store with maths.js and drawing.js.
 * - Dragging a weight slider (playground-sliders.js): the page follows the pointer itself and
 *   repaints every view on each move; the value goes to Dash when the mouse is released.
 * - Play (playground-play.js): a loop posting the session's state to the engine's training
 *   route and painting the answer; the Dash stores catch up after a step or a pause.
 * - Shortcuts (space: play/pause, s: step) reach the page only while it is shown.
 *
 * Component ids and the route come from Python (window.playgroundContract).
 */
(function () {
  "use strict";

  const contract = window.playgroundContract;
  const ID = contract.ids.playground;
  const maths = () => window.neuralMaths;
  const draw = () => window.neuralDrawing;
  const STORES = contract.stores;  // the session's stores, at the app's root
  const byId = (id) => document.getElementById(id);
  const play = window.playgroundPlay;  // the play loop (playground-play.js)
  const session = play.session;
  let page = null; // the root element the module is bound to

  function shown() { return !!(page && page.isConnected); }

  function setProps(id, props) {
    const sessionStore = Object.values(STORES).indexOf(id) >= 0;
    if (!sessionStore && !shown()) return; // the page is gone: only the session's stores are left to tell
    if (window.dash_clientside && window.dash_clientside.set_props) window.dash_clientside.set_props(id, props);
  }

  // ------------------------------------------------------------------ rendering

  const renderLog = [];
  // How often each view refreshed (read by bench/playground_speed.py).
  const counters = { trainingFrames: 0, costCurve: 0, sliders: 0, renders: 0, paintedFrames: 0 };
  let framePending = false, drawnSinceFrame = 0;

  /** Count animation frames that painted a new boundary (several renders before one frame count once). */
  function notePainted(drawn) {
    drawnSinceFrame = drawn;
    if (framePending) return;
    framePending = true;
    requestAnimationFrame(() => {
      framePending = false;
      counters.paintedFrames++;
      renderLog.push({ drawn: drawnSinceFrame, painted: performance.now() });
      if (renderLog.length > 2000) renderLog.shift();
    });
  }

  /** The class map's grid for this network and view (the page's resolution, 100 × 100). */
  function gridFor(net, view) {
    return maths().evaluateGrid(net, view.x_range, view.y_range, view.resolution || 100);
  }

  function drawDiagram(net, view) {
    const diagram = byId(ID.network_canvas);
    if (diagram) draw().drawDiagram(diagram, net, maths().evaluateGrid(net, view.x_range, view.y_range, 24));
  }

  // During a drag the diagram is drawn just after the frame that shows the new boundary (at
  // most once a frame): the boundary under the hand appears first.
  let diagramPending = null;
  function diagramSoon(net, view) {
    const first = !diagramPending;
    diagramPending = { net: net, view: view };
    if (first) {
      setTimeout(() => {
        const pending = diagramPending;
        diagramPending = null;
        if (pending) drawDiagram(pending.net, pending.view);
      }, 0);
    }
  }

  /**
   * Draw every live view for this network and data. ``options.grid``: the class map's grid,
   * already computed (a drag computes it from the last one); ``options.diagramLater``: the
   * diagram a moment later. Returns the grid (false while the page is not there).
   */
  function render(net, data, view, options) {
    options = options || {};
    const graphDiv = boundaryGraph();
    const canvas = byId(ID.boundary_canvas);
    if (!net || !data || !canvas) return false;
    api.shown = { net: net, data: data, view: view };
    clearStep();  // a step's picture lasts until anything else is drawn
    const grid = options.grid || gridFor(net, view);
    draw().paintImage(canvas, grid.resolution, (s, out) => draw().classColour(grid.predicted[s], grid.confidence[s], out));
    if (graphDiv && !graphDiv.playgroundClicks && graphDiv.on) {
      graphDiv.addEventListener("click", onPlaneClick);
      // Plotly lays the plot out again when the window or the figure changes: follow it.
      graphDiv.on("plotly_afterplot", () => draw().placeUnderPlot(graphDiv, canvas));
      graphDiv.playgroundClicks = true;
    }
    if (!draw().placeUnderPlot(graphDiv, canvas)) {
      clearTimeout(render.retry); // the graph is still loading: try again shortly
      render.retry = setTimeout(() => render(net, data, view), 100);
    }
    if (options.diagramLater) diagramSoon(net, view);
    else {
      diagramPending = null;
      drawDiagram(net, view);
    }
    const train = maths().evaluateCosts(net, data.train_inputs, data.train_labels, view.l2);
    const test = maths().evaluateCosts(net, data.test_inputs, data.test_labels, view.l2);
    draw().writeReadouts(byId(ID.readouts), train, test);
    counters.renders++;
    notePainted(performance.now());
    return grid;
  }

  // ------------------------------------------------------------------ one step, shown

  const BEFORE_COLOUR = [35, 35, 35];
  let stepShown = false;

  function boundaryGraph() { return document.querySelector("#" + ID.boundary_graph + " .js-plotly-plot"); }

  /**
   * After a single step: the points of its mini-batch in full colour (the others faded) and
   * the boundary from before the step marked over the new class map, until anything else
   * is drawn.
   */
  function showStep(before, batch) {
    const current = api.shown, graphDiv = boundaryGraph(), canvas = byId(ID.boundary_canvas);
    if (!current || !graphDiv || !graphDiv.data || !canvas) return;
    const marked = draw().markBoundary(canvas, gridFor(before, current.view), BEFORE_COLOUR);
    // The first traces are the training points, one per class, in the data's order (figures.py).
    const inBatch = new Set(batch), labels = current.data.train_labels, classes = current.data.class_names.length;
    const selected = graphDiv.data.map((trace, t) => {
      const picks = [];
      if (t < classes) {
        let position = 0;
        labels.forEach((label, index) => { if (label === t) { if (inBatch.has(index)) picks.push(position); position++; } });
      }
      return picks;
    });
    window.Plotly.restyle(graphDiv, { selectedpoints: selected });
    stepShown = true;
    setProps(ID.step_note, { children: "one step: the " + batch.length + " points of its mini-batch in full colour; " +
      (marked ? "the dark line is the boundary before the step" : "before it, the boundary was off the plane") });
  }

  function clearStep() {
    if (!stepShown) return;
    stepShown = false;
    const graphDiv = boundaryGraph();
    if (graphDiv && graphDiv.data) window.Plotly.restyle(graphDiv, { selectedpoints: graphDiv.data.map(() => null) });
    setProps(ID.step_note, { children: "" });
  }

  // ------------------------------------------------------------------ clicks on the plane

  /** A click on the plane: remove the point under the mouse (within 8 px), else add one there. */
  function onPlaneClick(event) {
    const graphDiv = event.currentTarget, layout = graphDiv._fullLayout, current = api.shown;
    if (!layout || !current) return;
    const box = graphDiv.getBoundingClientRect();
    const px = event.clientX - box.left - layout.xaxis._offset, py = event.clientY - box.top - layout.yaxis._offset;
    if (px < 0 || py < 0 || px > layout.xaxis._length || py > layout.yaxis._length) return;
    let nearest = null, best = 8;
    for (const part of ["train", "test"]) {
      current.data[part + "_inputs"].forEach((p, index) => {
        const distance = Math.hypot(layout.xaxis.d2p(p[0]) - px, layout.yaxis.d2p(p[1]) - py);
        if (distance <= best) { best = distance; nearest = { part: part, index: index }; }
      });
    }
    setProps(ID.plane_click, { data: { x: layout.xaxis.p2d(px), y: layout.yaxis.p2d(py), remove: nearest,
      time: Date.now() } });
  }

  // ------------------------------------------------------------------ training (play loop)
  // ------------------------------------------------------------------ binding to the page

  /** Lecture shortcuts: space plays or pauses, s steps (not while typing in a field). */
  function onKey(event) {
    const typing = event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const button = event.key === " " ? ID.play : event.key === "s" ? ID.step : null;
    if (button && byId(button)) {
      event.preventDefault();
      byId(button).click();
    }
  }

  /** Bind to the page's (new) root element: pointer, click and key handlers live on it alone. */
  function mount() {
    const element = byId(ID.page);
    if (!element || element === page) return;
    page = element;
    const sliders = window.playgroundSliders;  // the weight sliders' fast path (playground-sliders.js)
    page.addEventListener("pointerdown", sliders.onPointerDown, true);
    page.addEventListener("pointermove", sliders.onPointerMove, true);
    // Chromium hands pointermove over at the start of the next frame, after the input arrived;
    // pointerrawupdate comes as soon as it arrives, so the boundary is drawn before that frame
    // (a move seen twice has one value: the second changes nothing).
    page.addEventListener("pointerrawupdate", sliders.onPointerMove, true);
    page.addEventListener("pointerup", sliders.endDrag, true);
    page.addEventListener("pointercancel", sliders.endDrag, true);
    page.addEventListener("keydown", onKey);
    page.focus({ preventScroll: true });
    // A shared link: hand its #fragment to the page's loader (see the share callbacks).
    if (window.location.hash.startsWith("#" + contract.share_prefix)) setProps(ID.link, { data: window.location.hash });
  }

  const api = {
    forward: (net, points) => maths().forward(net, points), evaluateGrid: (...args) => maths().evaluateGrid(...args),
    render: render, gridFor: gridFor, renderLog: renderLog, session: session, counters: counters, shown: null,
    setProps: setProps, onPage: shown,
  };
  window.playground = api;

  // ------------------------------------------------------------------ Dash callbacks

  const noUpdate = () => window.dash_clientside.no_update;

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.playground = Object.assign({}, window.dash_clientside.playground, {
      mount: function () { mount(); return noUpdate(); },

      /** Repaint for a new network (a committed slider, a training step, a load) or new data. */
      render: function (net, data, view) {
        const current = api.shown;
        // The play loop's own sync hands back what is already on screen: nothing to redraw.
        const same = current && current.net === net && current.data === data && current.view === view;
        if (!window.playgroundSliders.dragging() && !same) render(net, data, view || {});
        return noUpdate();
      },

      playSpeed: function (value, marks) {
        const label = marks && marks[value];
        session.speed = !label || label === "max" ? Infinity : Number(label);  // epochs a second
        return noUpdate();
      },

      togglePlay: function (clicks, playing) {
        // Only a real click: a loaded link draws the page body (and this button) anew, and Dash
        // then calls this with the new button's empty click count.
        if (!clicks) return [noUpdate(), noUpdate()];
        session.playing = !session.playing;
        if (session.playing && !session.busy) play.playLoop();
        return [session.playing, session.playing ? "pause" : "play"];
      },

      step: function (clicks) {
        // A page drawn anew (a loaded link) calls this with the new button's empty count: no step.
        if (!clicks || session.playing || session.busy) return noUpdate();
        setProps(ID.train_message, { children: "" });
        const before = api.shown && api.shown.net;
        play.trainOnce(1).then((result) => {
          if (result && result.batch && before) showStep(before, result.batch);
          play.syncToDash();
        });
        return noUpdate();
      },

      /** After a divergence: back to the weights, epoch and cost curve from before the run. */
      undoRun: function (clicks) {
        if (clicks) play.undoRun();
        return noUpdate();
      },

      /** The learning controls → the session's settings store (and the play loop's settings). */
      settings: function (logLearnRate, batchSize, optimizer, momentum, l2, gradient, dataSeed, weightSeed, stored) {
        session.settings = { learn_rate: Math.pow(10, logLearnRate), batch_size: batchSize, optimizer: optimizer,
          momentum: momentum, l2: l2 || 0, gradient: gradient, seed: weightSeed || 0 };
        const next = Object.assign({}, stored, { learn_rate: session.settings.learn_rate, batch_size: batchSize,
          optimizer: optimizer, momentum: momentum, l2: l2 || 0, gradient: gradient, data_seed: dataSeed,
          weight_seed: weightSeed });
        const same = stored && Object.keys(next).every((key) => next[key] === stored[key]);
        return same ? noUpdate() : next;
      },

      /** The stores changed (a reset, a loaded state, or our own sync): continue from them. */
      adopt: function (training) {
        if (!training || training === session.synced) return noUpdate();
        if (session.playing) session.restarted = true;  // the play loop starts over from it
        play.forgetRun();  // a new network or a loaded state: "back to before this run" no longer applies
        const history = training.history;
        session.trainer = training.trainer || {};
        session.history = play.copyHistory(history);
        session.pushed = session.plotted = 0; // the cost graph is drawn afresh from this history
        session.epoch = history.epoch.length ? history.epoch[history.epoch.length - 1] : 0;
        play.writeLabels();
        return noUpdate();
      },

      learnRateLabel: function (exponent, optimizer) {
        const value = Math.pow(10, exponent);
        const label = "learn rate " + (value >= 0.01 ? +value.toPrecision(3) : value.toExponential(2));
        // Adam and RMSProp step each weight by about the learn rate itself, whatever its slope:
        // the plain-SGD rates that suit the fruit throw them about, and they stall without diverging.
        const adaptive = { adam: "Adam", rmsprop: "RMSProp" }[optimizer];
        return adaptive && value > 1 ? label + " · large for " + adaptive + ": try 0.1" : label;
      },

      /** The boundary's and the diagram's buttons: PNG and SVG at 1920 px wide, full view. */
      figureButtons: function () {
        // A button drawn anew (a loaded or shared state redraws the page) fires with no clicks: not a click.
        const triggered = window.dash_clientside.callback_context.triggered || [];
        const clicked = (id) => triggered.some((t) => t.prop_id.startsWith(id + ".") && t.value);
        const graph = document.querySelector("#" + ID.boundary_graph + " .js-plotly-plot");
        if (clicked(ID.export_boundary)) draw().downloadBoundary("decision-boundary", byId(ID.boundary_canvas), graph, "png");
        if (clicked(ID.export_boundary_svg)) draw().downloadBoundary("decision-boundary", byId(ID.boundary_canvas), graph, "svg");
        if (clicked(ID.full_boundary)) window.figureTools.toggle(byId(ID.boundary_wrapper));
        for (const [id, save] of [[ID.export_network, "downloadDiagramPNG"], [ID.export_network_svg, "downloadDiagramSVG"]]) {
          if (!clicked(id) || !api.shown) continue;
          const view = api.shown.view;
          draw()[save]("network", byId(ID.network_canvas), api.shown.net,
            maths().evaluateGrid(api.shown.net, view.x_range, view.y_range, 24));
        }
        return noUpdate();
      },
  });
})();
