/*
 * The playground page's browser module (page "/"): it binds to the page's root element only.
 *
 * - Drawing: the class map, the network diagram with node heatmaps and the cost readouts are
 *   painted from the session's stores with maths.js and drawing.js.
 * - Dragging a weight slider (playground-sliders.js): the page follows the pointer itself and
 *   repaints every view on each move; the value goes to the session when the mouse is released.
 * - Play and step (playground-play.js): the app's run loop on the training route.
 * - Shortcuts (space: play/pause, s: step) reach the page only while it is shown (keys.js).
 *
 * The session as this page last heard of it (``session()``) comes with every change of its
 * stores (the ``adopt`` callback, on the session's revision). Ids and routes come from Python.
 */
(function (modules) {
  "use strict";

  const contract = () => window.playgroundContract;
  const ID = () => contract().ids.playground;
  const maths = () => modules.maths;
  const draw = () => modules.drawing;
  const play = () => modules.playgroundPlay;
  const byId = (id) => document.getElementById(id);
  // ``look``: the page's view settings as the session keeps them (session-view-playground).
  const mirror = { session: null, revisions: null, look: null };
  let page = null; // the root element the module is bound to

  function shown() { return !!(page && page.isConnected); }

  function setProps(id, props) {
    if (shown() && window.dash_clientside && window.dash_clientside.set_props) window.dash_clientside.set_props(id, props);
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

  // One class map costs cells × the network's multiply-adds per point: at most about this many, so
  // a drag or a frame of play stays within a few display frames on a big network.
  const GRID_WORK = 12e6, FEWEST_CELLS = 40;
  function multiplyAdds(net) {
    const sizes = maths().dense(net).layer_sizes;
    let total = 0;
    for (let l = 1; l < sizes.length; l++) total += sizes[l - 1] * sizes[l];
    return total;
  }

  /**
   * The class map's grid for this network and view: the page's resolution (100 × 100), fewer
   * cells for a big network (6 hidden layers of 32: 47 × 47; up to 8 hidden of 8 keeps 100).
   */
  function gridFor(net, view) {
    const fits = Math.floor(Math.sqrt(GRID_WORK / Math.max(multiplyAdds(net), 1)));
    const resolution = Math.max(FEWEST_CELLS, Math.min(view.resolution || 100, fits));
    return maths().evaluateGrid(net, view.x_range, view.y_range, resolution);
  }

  // Each node's heatmap: 24 × 24 cells, or TensorFlow Playground's 10 × 10 when there are many nodes.
  function diagramResolution(net) {
    const sizes = maths().dense(net).layer_sizes;
    return sizes.reduce((total, size) => total + size, 0) > 40 ? 10 : 24;
  }

  function drawDiagram(net, view) {
    const diagram = byId(ID().network_canvas);
    if (diagram) {
      draw().drawDiagram(diagram, net, maths().evaluateGrid(net, view.x_range, view.y_range, diagramResolution(net)));
    }
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

  function boundaryGraph() { return document.querySelector("#" + ID().boundary_graph + " .js-plotly-plot"); }

  /**
   * Draw every live view for this network and data. ``options.grid``: the class map's grid,
   * already computed (a drag computes it from the last one); ``options.diagramLater``: the
   * diagram a moment later. Returns the grid (false while the page is not there).
   */
  function render(net, data, view, penalty, options) {
    options = options || {};
    const graphDiv = boundaryGraph();
    const canvas = byId(ID().boundary_canvas);
    if (!net || !data || !view || !view.x_range || !canvas) return false;
    api.shown = { net: net, data: data, view: view, penalty: penalty, look: mirror.look };
    clearStep();  // a step's picture lasts until anything else is drawn
    const grid = options.grid || gridFor(net, view);
    // Discretized (TensorFlow Playground's "discretize output"): every cell its class's colour
    // as at full confidence, one colour a class; else shaded by how confident the network is.
    const hard = !!(mirror.look && mirror.look.discretize);
    // A big network's coarser map is smoothed as it is stretched (the page's own 100 × 100 stays crisp).
    canvas.style.imageRendering = grid.resolution < 100 ? "auto" : "";
    if (grid.values) {
      // A regression: each cell the network's value on the diverging scale of the points' colour
      // bar (orange −, white 0, blue +); discretized, only its sign.
      const range = valueRange(data);
      draw().paintImage(canvas, grid.resolution, hard ? (s, out) => draw().nodeColour(Math.sign(grid.values[s]), out)
        : (s, out) => draw().nodeColour(grid.values[s] / range, out));
    } else {
      draw().paintImage(canvas, grid.resolution, hard ? (s, out) => draw().classColour(grid.predicted[s], 1, out)
        : (s, out) => draw().classColour(grid.predicted[s], grid.confidence[s], out));
    }
    if (graphDiv && !graphDiv.playgroundClicks && graphDiv.on) {
      graphDiv.addEventListener("click", onPlaneClick);
      // Plotly lays the plot out again when the window or the figure changes: follow it.
      graphDiv.on("plotly_afterplot", () => draw().placeUnderPlot(graphDiv, canvas));
      graphDiv.playgroundClicks = true;
    }
    if (!draw().placeUnderPlot(graphDiv, canvas)) {
      clearTimeout(render.retry); // the graph is still loading: try again shortly
      render.retry = setTimeout(() => render(net, data, view, penalty), 100);
    }
    if (options.diagramLater) diagramSoon(net, view);
    else {
      diagramPending = null;
      drawDiagram(net, view);
    }
    const train = maths().evaluateCosts(net, data.train_inputs, data.train_labels, penalty.l2, penalty.l1);
    const test = maths().evaluateCosts(net, data.test_inputs, data.test_labels, penalty.l2, penalty.l1);
    draw().writeReadouts(byId(ID().readouts), train, test);
    counters.renders++;
    notePainted(performance.now());
    return grid;
  }

  const ranges = new WeakMap();
  /**
   * A regression's colour scale runs from −range to +range: the largest |target| of its points
   * (figures.py's colour bar uses the same, so a cell and a point of one value share a colour).
   */
  function valueRange(data) {
    if (!ranges.has(data)) {
      let largest = 0;
      for (const y of data.train_labels.concat(data.test_labels)) largest = Math.max(largest, Math.abs(y));
      ranges.set(data, largest > 0 ? largest : 1);
    }
    return ranges.get(data);
  }

  /** Paint another network over the points shown (a training answer, a slider held). */
  function paint(net, options) {
    const current = api.shown;
    if (!current) return false;
    if (!shown()) { api.shown = Object.assign({}, current, { net: net }); return false; }
    return render(net, current.data, current.view, current.penalty, options);
  }

  // ------------------------------------------------------------------ one step, shown

  const BEFORE_COLOUR = [35, 35, 35];
  let stepShown = false;

  /**
   * After a single step: the points of its mini-batch in full colour (the others faded) and
   * the boundary from before the step marked over the new class map, until anything else
   * is drawn.
   */
  function showStep(before, batch) {
    const current = api.shown, graphDiv = boundaryGraph(), canvas = byId(ID().boundary_canvas);
    if (!current || !graphDiv || !graphDiv.data || !canvas) return;
    const marked = draw().markBoundary(canvas, gridFor(before, current.view), BEFORE_COLOUR);
    // The first traces are the training points, one per class, in the data's order (figures.py).
    const inBatch = new Set(batch), labels = current.data.train_labels, classes = current.data.class_names.length;
    const regression = current.data.task === "regression";  // one trace of training points, in their order
    const selected = graphDiv.data.map((trace, t) => {
      const picks = [];
      if (regression && t === 0) picks.push(...batch);
      else if (t < classes) {
        let position = 0;
        labels.forEach((label, index) => { if (label === t) { if (inBatch.has(index)) picks.push(position); position++; } });
      }
      return picks;
    });
    window.Plotly.restyle(graphDiv, { selectedpoints: selected });
    stepShown = true;
    setProps(ID().step_note, { children: "one step: the " + batch.length + " points of its mini-batch in full colour; " +
      (marked ? "the dark line is the boundary before the step" : "before it, the boundary was off the plane") });
  }

  function clearStep() {
    if (!stepShown) return;
    stepShown = false;
    const graphDiv = boundaryGraph();
    if (graphDiv && graphDiv.data) window.Plotly.restyle(graphDiv, { selectedpoints: graphDiv.data.map(() => null) });
    setProps(ID().step_note, { children: "" });
  }

  // ------------------------------------------------------------------ clicks on the plane

  /** A click on the plane: remove the point under the mouse (within 8 px), else add one there. */
  function onPlaneClick(event) {
    const graphDiv = event.currentTarget, current = api.shown;
    const at = modules.plotlyView.dataAt(graphDiv, event);
    if (!at || !current) return;
    let nearest = null, best = 8;
    for (const part of ["train", "test"]) {
      current.data[part + "_inputs"].forEach((p, index) => {
        const pixel = at.area.toPixels(p[0], p[1]);
        const distance = Math.hypot(pixel[0] - at.px, pixel[1] - at.py);
        if (distance <= best) { best = distance; nearest = { part: part, index: index }; }
      });
    }
    setProps(ID().plane_click, { data: { x: at.x, y: at.y, remove: nearest, time: Date.now() } });
  }

  // ------------------------------------------------------------------ the session, as this page knows it

  /**
   * The session's revisions as the run loop sees them: new settings go into the next request as
   * they are; a new network, new points or a new run change what a run continues from (the run
   * loop drops an answer made moot by them). Its own changes are "playground-play".
   */
  function revisions() {
    if (!mirror.revisions) mirror.revisions = modules.session.tracker(["playground-play"], ["network", "data", "training"]);
    return mirror.revisions;
  }

  /** Take the session's stores in (a change of the session, or the page drawn). */
  function adopt(revision, network, data, settings, training) {
    mirror.session = { network: network, data: data, settings: settings, training: training };
    if (!revisions().adopt(revision)) return;
    const parts = revisions().parts();
    play().adopted(training, parts);
    if (parts.includes("network")) play().forgetTiming();
  }

  /** Bind to the page's (new) root element: pointer, click and key handlers live on it alone. */
  function mount(network, data, settings, training, view, look) {
    const element = byId(ID().page);
    if (!element || element === page) return;
    page = element;
    mirror.look = look;
    mirror.session = { network: network, data: data, settings: settings, training: training };
    const sliders = modules.playgroundSliders;  // the weight sliders' fast path (playground-sliders.js)
    page.addEventListener("pointerdown", sliders.onPointerDown, true);
    page.addEventListener("pointermove", sliders.onPointerMove, true);
    // Chromium hands pointermove over at the start of the next frame, after the input arrived;
    // pointerrawupdate comes as soon as it arrives, so the boundary is drawn before that frame
    // (a move seen twice has one value: the second changes nothing).
    page.addEventListener("pointerrawupdate", sliders.onPointerMove, true);
    page.addEventListener("pointerup", sliders.endDrag, true);
    page.addEventListener("pointercancel", sliders.endDrag, true);
    modules.keys.bind(page, { " ": ID().play, s: ID().step });
    if (!mount.resizes) {
      // The diagram's sizes (its names' font: lecture mode's is larger) follow the window.
      window.addEventListener("resize", () => { if (shown() && api.shown) diagramSoon(api.shown.net, api.shown.view); });
      mount.resizes = true;
    }
    page.focus({ preventScroll: true });
    play().writeLabels(training.history.epoch.length ? training.history.epoch[training.history.epoch.length - 1] : 0);
    render(network, data, view, penaltyOf(settings));
    takeLink();
  }

  /**
   * A shared link: hand its #fragment to the page's loader, once (a reload must not load it over
   * later work): when the page is drawn, and when a link is pasted into a tab showing the page
   * (only the #fragment changes: no page load).
   */
  function takeLink() {
    if (!shown() || !window.location.hash.startsWith("#" + contract().share_prefix)) return;
    setProps(ID().link, { data: window.location.hash });
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  window.addEventListener("hashchange", takeLink);

  /** The settings' regularisation, as the readouts add it to the cost (a link without L1: none). */
  function penaltyOf(settings) { return { l2: settings.l2, l1: settings.l1 || 0 }; }

  const api = {
    render: render, paint: paint, gridFor: gridFor, showStep: showStep, renderLog: renderLog, counters: counters,
    shown: null, setProps: setProps, onPage: shown,
    session: () => mirror.session,
    /** Parts the page handed the session itself (a run's end): the next run starts from them. */
    remember: (parts) => { mirror.session = Object.assign({}, mirror.session, parts); },
    revision: () => revisions().mark(),
    changedSince: (since) => revisions().changed(since),
    changedParts: () => revisions().parts(),
  };
  modules.playground = api;

  // ------------------------------------------------------------------ Dash callbacks

  const noUpdate = () => window.dash_clientside.no_update;

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.playground = Object.assign({}, window.dash_clientside.playground, {
    mount: function (_mounted, network, data, settings, training, view, look) {
      mount(network, data, settings, training, view, look);
      return noUpdate();
    },

    /** Repaint for a new network (a slider let go, a step, a load), new points or new settings. */
    render: function (net, data, settings, view, look) {
      mirror.look = look;
      const current = api.shown;
      // What is on screen already (the run loop painted it, a drag drew it): nothing to redraw.
      const same = current && current.net === net && current.data === data && current.view === view &&
        current.penalty.l2 === settings.l2 && current.penalty.l1 === (settings.l1 || 0) && current.look === look;
      if (!modules.playgroundSliders.dragging() && !same && shown()) render(net, data, view, penaltyOf(settings));
    },

    adopt: function (revision, network, data, settings, training) { adopt(revision, network, data, settings, training); },

    play: function (clicks) { if (clicks) play().toggle(); },

    step: function (clicks) { if (clicks) play().step(); },

    /** After a divergence: back to the weights, epoch and cost curve from before the run. */
    undoRun: function (clicks) { if (clicks) play().undoRun(); },

    /** The learning controls → the session's settings (one change); the run loop reads them each request. */
    settings: function (logLearnRate, batchSize, optimizer, momentum, l2, l1, gradient, weightSeed, speedMark, marks, stored) {
      const label = marks && marks[speedMark];
      const next = Object.assign({}, stored, { learn_rate: modules.learnRate.fromExponent(logLearnRate), batch_size: batchSize,
        optimizer: optimizer, momentum: momentum, l2: typeof l2 === "number" && l2 >= 0 ? l2 : stored.l2,
        l1: typeof l1 === "number" && l1 >= 0 ? l1 : (stored.l1 || 0),
        gradient: gradient, weight_seed: Number.isInteger(weightSeed) && weightSeed >= 0 ? weightSeed : stored.weight_seed,
        play_speed: !label || label === "max" ? 0 : Number(label) });
      const same = Object.keys(next).every((key) => next[key] === stored[key]);
      if (same) return noUpdate();
      // A message about the old settings (a refused method, a divergence) no longer applies.
      if (next.gradient !== stored.gradient || next.learn_rate !== stored.learn_rate) play().say("");
      if (next.gradient !== stored.gradient) play().forgetTiming();
      return modules.session.made("playground-settings", { settings: next });
    },

    learnRateLabel: function (exponent, optimizer) {
      const value = modules.learnRate.fromExponent(exponent);
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
      const graph = boundaryGraph();
      if (clicked(ID().export_boundary)) draw().downloadBoundary("decision-boundary", byId(ID().boundary_canvas), graph, "png");
      if (clicked(ID().export_boundary_svg)) draw().downloadBoundary("decision-boundary", byId(ID().boundary_canvas), graph, "svg");
      if (clicked(ID().full_boundary)) modules.figureTools.toggle(byId(ID().boundary_wrapper));
      for (const [id, save] of [[ID().export_network, "downloadDiagramPNG"], [ID().export_network_svg, "downloadDiagramSVG"]]) {
        if (!clicked(id) || !api.shown) continue;
        const view = api.shown.view;
        draw()[save]("network", byId(ID().network_canvas), api.shown.net,
          maths().evaluateGrid(api.shown.net, view.x_range, view.y_range, 24));
      }
    },
  });
})(window.neuralModules = window.neuralModules || {});
