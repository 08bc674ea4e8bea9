/*
 * What a room's projector draws (assets/room.js decides when): a network's boundary on the room's
 * training points, a predict round's vote chart, a run's cost line. Each takes plain data and
 * draws or returns a figure, nothing else: no polling, no page state.
 *
 * The boundary is the playground's class map (maths.js's grid, drawing.js's colours) painted on a
 * canvas with the points over it, so it costs one forward pass over the grid, no server round trip.
 */
(function (modules) {
  "use strict";

  const maths = () => modules.maths;
  const draw = () => modules.drawing;
  const contract = () => window.playgroundContract;
  // As the playground: at most about this many multiply-adds a map (a big network gets fewer cells).
  const GRID_WORK = 12e6, MOST_CELLS = 100, FEWEST_CELLS = 40;
  const MARGIN = 0.1;  // the plane shows the points' range and a tenth of it on each side (plots/plane.py)

  /** The plane's range on each axis: the points' own and a margin, as the playground's. */
  function planeRange(points) {
    if (!points.length) return [[0, 1], [0, 1]];
    return [0, 1].map((axis) => {
      const values = points.map((p) => p[axis]);
      let low = Math.min(...values), high = Math.max(...values);
      const width = high > low ? high - low : 1;
      return [low - MARGIN * width, high + MARGIN * width];
    });
  }

  function cellsFor(net) {
    const sizes = maths().dense(net).layer_sizes;
    let work = 0;
    for (let l = 1; l < sizes.length; l++) work += sizes[l - 1] * sizes[l];
    return Math.max(FEWEST_CELLS, Math.min(MOST_CELLS, Math.floor(Math.sqrt(GRID_WORK / Math.max(work, 1)))));
  }

  /** A regression's colour scale runs from −range to +range: the largest |target| (as the playground's). */
  function valueRange(labels) {
    let largest = 0;
    for (const y of labels) largest = Math.max(largest, Math.abs(y));
    return largest > 0 ? largest : 1;
  }

  /**
   * Draw ``net``'s boundary over the plane of ``data``'s training points on ``canvas``, at the
   * canvas's size on the screen: the class map (a regression: its values), then the points.
   */
  function boundary(canvas, net, data) {
    const box = canvas.getBoundingClientRect(), ratio = window.devicePixelRatio || 1;
    if (!net || !data || !box.width) return false;
    const [xRange, yRange] = planeRange(data.train_inputs);
    const grid = maths().evaluateGrid(net, xRange, yRange, cellsFor(net));
    const map = document.createElement("canvas");
    const regression = data.task === "regression", range = valueRange(data.train_labels);
    if (grid.values) draw().paintImage(map, grid.resolution, (s, out) => draw().nodeColour(grid.values[s] / range, out));
    else draw().paintImage(map, grid.resolution, (s, out) => draw().classColour(grid.predicted[s], grid.confidence[s], out));
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = true;  // the cells blend as the playground's stretched map does
    context.drawImage(map, 0, 0, canvas.width, canvas.height);
    // The points: each class's colour ringed in white; a regression's its value's, ringed in dark grey
    // (a value near 0 is white itself).
    const radius = Math.max(2.5, canvas.width / 110), colour = [0, 0, 0];
    const toX = (x) => ((x - xRange[0]) / (xRange[1] - xRange[0])) * canvas.width;
    const toY = (y) => (1 - (y - yRange[0]) / (yRange[1] - yRange[0])) * canvas.height;
    context.lineWidth = Math.max(1, radius / (regression ? 4 : 2.5));
    context.strokeStyle = regression ? "#444" : "white";
    data.train_inputs.forEach((point, k) => {
      const label = data.train_labels[k];
      const fill = regression ? draw().nodeColour(label / range, colour) : null;
      context.fillStyle = fill ? `rgb(${fill.join(",")})` : contract().class_colours[label % contract().class_colours.length];
      context.beginPath();
      context.arc(toX(point[0]), toY(point[1]), radius, 0, 2 * Math.PI);
      context.fill();
      context.stroke();
    });
    return true;
  }

  const BASE_LAYOUT = { margin: { l: 10, r: 10, t: 44, b: 10 }, paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)", showlegend: false, font: { size: 15 } };

  // Plotly reads a few HTML tags in its labels: an answer is shown as the text it is (SPEC: never as markup).
  const asText = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  /** A vote's bars: one per answer, its count on it (``counts`` null: the vote has not started). */
  function voteFigure(title, options, counts) {
    const values = counts || options.map(() => 0);
    options = options.map(asText);
    const total = values.reduce((sum, n) => sum + n, 0);
    return {
      data: [{ type: "bar", orientation: "h", y: options, x: values, text: values.map(String),
        textposition: "outside", cliponaxis: false, marker: { color: contract().class_colours[0] }, hoverinfo: "x+y" }],
      layout: Object.assign({}, BASE_LAYOUT, {
        title: { text: `${title} · ${total} vote${total === 1 ? "" : "s"}`, x: 0, xanchor: "left" },
        xaxis: { visible: false, range: [0, Math.max(1, ...values) * 1.15] },  // room for the counts beside the bars
        yaxis: { autorange: "reversed", automargin: true, ticksuffix: " " },
      }),
    };
  }

  /** A run's cost line, train and test over its epochs, with a dot at frame ``at`` (the one shown now). */
  function costFigure(run, at) {
    const line = (name, values, colour) => ({ type: "scatter", mode: "lines", name: name, x: run.epochs, y: values,
      line: { color: colour, width: 3 } });
    const colours = contract().class_colours;
    return {
      data: [
        line("train cost", run.train_cost, colours[0]),
        line("test cost", run.test_cost, colours[1]),
        { type: "scatter", mode: "markers", x: [run.epochs[at]], y: [run.test_cost[at]], marker: { size: 14, color: "#222" },
          hoverinfo: "skip", showlegend: false },
      ],
      layout: Object.assign({}, BASE_LAYOUT, {
        margin: { l: 10, r: 10, t: 10, b: 10 }, showlegend: true,
        legend: { orientation: "h", x: 1, xanchor: "right", y: 1, yanchor: "top", bgcolor: "rgba(255,255,255,0.7)" },
        xaxis: { title: { text: "epoch" }, automargin: true },
        yaxis: { title: { text: "cost" }, automargin: true, type: "log" },
      }),
    };
  }

  modules.roomFigures = { boundary: boundary, planeRange: planeRange, voteFigure: voteFigure, costFigure: costFigure };
})(window.neuralModules = window.neuralModules || {});
