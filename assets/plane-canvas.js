/*
 * A network's plane on a canvas, as a room's pages draw it (the projector's best boundary and its
 * run, assets/room-figures.js; a student's phone, assets/join.js): the class map under the room's
 * training points, a run played back frame by frame, and a run's cost line.
 *
 * The numbers are the playground's: maths.js (the one browser mirror of the engine) evaluates the
 * grid, drawing.js colours it as the playground does (a class's colour, lighter where the network
 * is unsure; a regression's value orange − white 0 blue +). The points are drawn on the same
 * canvas (no Plotly graph), so a drag repaints one canvas and nothing else. Each page keeps its
 * own look as options (smoothing, the points' sizes) and may hand in a grid it already has (a
 * slider's drag: maths.evaluateGridEdited on the last one).
 */
(function (modules) {
  "use strict";

  const maths = () => modules.maths;
  const draw = () => modules.drawing;
  // The playground's plane: the points' range plus 10 % (playground/plots/plane.py plane_range),
  // at up to 100 × 100 cells, fewer for a big network (as the playground: about 12 M multiply-adds).
  const MARGIN = 0.1, MOST_CELLS = 100, FEWEST_CELLS = 40, GRID_WORK = 12e6;

  /** The plane ``points`` lie on: their range on each axis plus 10 % of its width. */
  function planeOf(points) {
    if (!points.length) return { x: [0, 1], y: [0, 1] };
    const range = (axis) => {
      let low = Infinity, high = -Infinity;
      for (const p of points) { low = Math.min(low, p[axis]); high = Math.max(high, p[axis]); }
      const width = high > low ? high - low : 1;
      return [low - MARGIN * width, high + MARGIN * width];
    };
    return { x: range(0), y: range(1) };
  }

  function resolutionFor(net) {
    const sizes = maths().dense(net).layer_sizes;
    let work = 0;
    for (let l = 1; l < sizes.length; l++) work += sizes[l - 1] * sizes[l];
    return Math.max(FEWEST_CELLS, Math.min(MOST_CELLS, Math.floor(Math.sqrt(GRID_WORK / Math.max(work, 1)))));
  }

  /** The network over the plane's grid (maths.evaluateGrid). */
  function grid(net, plane) {
    return maths().evaluateGrid(net, plane.x, plane.y, resolutionFor(net));
  }

  const valueRanges = new WeakMap();
  /** A regression's colour scale: ±(largest |target|), as the playground's. */
  function valueRange(data) {
    if (!valueRanges.has(data)) {
      let largest = 0;
      for (const y of data.train_labels) largest = Math.max(largest, Math.abs(y));
      valueRanges.set(data, largest > 0 ? largest : 1);
    }
    return valueRanges.get(data);
  }

  /** The canvas's drawing buffer at its laid-out size (sharp on a phone's 2 or 3 device pixels a CSS pixel). */
  function fitCanvas(canvas) {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio)), height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    return { context: canvas.getContext("2d"), ratio: ratio, width: canvas.clientWidth, height: canvas.clientHeight };
  }

  // The points unless a page says otherwise (a phone's): a 90th of the plane's width and 3 CSS pixels at
  // least, ringed 1.5 CSS pixels wide.
  const POINTS = (width, ratio) => ({ radius: Math.max(3 * ratio, width / 90), ring: 1.5 * ratio, grey: "#555" });
  let tile = null;  // the class map at one pixel a cell, stretched onto the canvas

  /**
   * Draw ``net``'s class map (a regression: its values) over ``plane`` on ``canvas`` at its laid-out
   * size, then ``data``'s training points: each class's colour ringed in white, a regression's its
   * value's ringed in grey (a value near 0 is white itself). Options:
   * - grid: the map's grid already worked out (a drag's), else the network's over the plane;
   * - smooth: the map blended as it is stretched; else only a big network's coarser map is
   *   (as the playground's: its 100 × 100 cells crisp);
   * - points(width, ratio, regression): the points' radius, ring width and a regression's ring
   *   colour, in the canvas's own pixels (``width`` of them across, ``ratio`` a CSS pixel).
   * Returns the grid drawn, or null while the canvas is not laid out.
   */
  function drawPlane(canvas, net, data, plane, options) {
    if (!canvas || !canvas.clientWidth || !net || !data) return null;
    options = options || {};
    const cells = options.grid || grid(net, plane);
    const { context, ratio } = fitCanvas(canvas), width = canvas.width, height = canvas.height;
    tile = tile || document.createElement("canvas");
    const regression = !!cells.values, span = valueRange(data);
    draw().paintImage(tile, cells.resolution, regression
      ? (s, out) => draw().nodeColour(cells.values[s] / span, out)
      : (s, out) => draw().classColour(cells.predicted[s], cells.confidence[s], out));
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, width, height);
    context.imageSmoothingEnabled = !!options.smooth || cells.resolution < MOST_CELLS;
    context.drawImage(tile, 0, 0, width, height);
    const { radius, ring, grey } = (options.points || POINTS)(width, ratio, regression);
    const toX = (x) => ((x - plane.x[0]) / (plane.x[1] - plane.x[0])) * width;
    const toY = (y) => height - ((y - plane.y[0]) / (plane.y[1] - plane.y[0])) * height;
    const colours = window.playgroundContract.class_colours, rgb = [0, 0, 0];
    context.lineWidth = ring;
    context.strokeStyle = regression ? grey : "white";
    data.train_inputs.forEach((p, s) => {
      const label = data.train_labels[s];
      context.fillStyle = regression ? "rgb(" + draw().nodeColour(label / span, rgb).join(",") + ")" : colours[label % colours.length];
      context.beginPath();
      context.arc(toX(p[0]), toY(p[1]), radius, 0, 2 * Math.PI);
      context.fill();
      context.stroke();
    });
    return cells;
  }

  // ------------------------------------------------------------------ a run, played back

  /** The run's epoch of frame k (its ≤ 12 networks spread evenly over the epochs run). */
  function frameEpoch(run, k) {
    const epochs = run.epochs || [], frames = run.networks.length;
    if (!epochs.length) return k;
    return epochs[Math.round((k * (epochs.length - 1)) / Math.max(frames - 1, 1))];
  }

  /**
   * Play a run back (a predict round's answer: its frames, a network and its costs each): ``show(k,
   * epoch, last)`` for frame k, one frame every ``every`` ms, while ``going()`` holds (the page is
   * shown, the run is still this one). Returns a function that stops it (a replay starts again).
   */
  function playBack(run, every, show, going) {
    let timer = null;
    const frames = run && run.networks ? run.networks.length : 0;
    const next = (k) => {
      if (!going()) return;
      const last = k === frames - 1;
      show(k, frameEpoch(run, k), last);
      if (!last) timer = setTimeout(() => next(k + 1), every);
    };
    if (frames) next(0);
    return () => clearTimeout(timer);
  }

  /**
   * A run's cost over its epochs (train solid, test dashed), up to the epoch ``upTo`` marked by a
   * line: a predict round's answer played back. Costs past 1e6 or not finite (a divergence) are
   * drawn at the top edge.
   */
  function costLine(canvas, run, upTo) {
    if (!canvas || !canvas.clientWidth) return;
    const { context, ratio, width, height } = fitCanvas(canvas);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const epochs = run.epochs || [], series = [[run.train_cost || [], "#23344a", []], [run.test_cost || [], "#c05a00", [6, 4]]];
    const finite = (v) => typeof v === "number" && isFinite(v) && Math.abs(v) < 1e6;
    let top = 0;
    for (const [values] of series) for (const v of values) if (finite(v)) top = Math.max(top, v);
    top = top > 0 ? top * 1.05 : 1;
    const last = epochs.length ? epochs[epochs.length - 1] : 1, first = epochs.length ? epochs[0] : 0;
    const toX = (e) => 4 + ((e - first) / Math.max(last - first, 1e-9)) * (width - 8);
    const toY = (v) => (finite(v) ? height - 4 - (v / top) * (height - 8) : 4);
    context.strokeStyle = "#ccc"; context.lineWidth = 1; context.setLineDash([]);
    context.strokeRect(0.5, 0.5, width - 1, height - 1);
    for (const [values, colour, dash] of series) {
      context.strokeStyle = colour; context.lineWidth = 2.5; context.setLineDash(dash);
      context.beginPath();
      values.forEach((v, k) => {
        if (k >= epochs.length || epochs[k] > upTo) return;
        if (k === 0) context.moveTo(toX(epochs[k]), toY(v)); else context.lineTo(toX(epochs[k]), toY(v));
      });
      context.stroke();
    }
    context.setLineDash([]);
    context.strokeStyle = "#888"; context.lineWidth = 1;
    context.beginPath(); context.moveTo(toX(upTo), 0); context.lineTo(toX(upTo), height); context.stroke();
  }

  modules.planeCanvas = { planeOf: planeOf, grid: grid, drawPlane: drawPlane, playBack: playBack, costLine: costLine };
})(window.neuralModules = window.neuralModules || {});
