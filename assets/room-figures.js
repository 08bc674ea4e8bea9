/*
 * What a room's projector draws (assets/room.js decides when): a network's boundary on the room's
 * training points, a predict round's vote chart, a run's cost line. Each takes plain data and
 * draws or returns a figure, nothing else: no polling, no page state.
 *
 * The boundary is the playground's class map painted on a canvas with the points over it
 * (plane-canvas.js, as a student's phone draws it), so it costs one forward pass over the grid,
 * no server round trip.
 */
(function (modules) {
  "use strict";

  const planes = () => modules.planeCanvas;
  const contract = () => window.playgroundContract;
  // The projector's points: a 110th of the canvas's width (2.5 of its pixels at least), ringed by a
  // 2.5th of that (a regression's, in dark grey, by a 4th), 1 pixel at least.
  const POINTS = (width, ratio, regression) => {
    const radius = Math.max(2.5, width / 110);
    return { radius: radius, ring: Math.max(1, radius / (regression ? 4 : 2.5)), grey: "#444" };
  };

  /**
   * Draw ``net``'s boundary over the plane of ``data``'s training points on ``canvas``, at the
   * canvas's size on the screen: the class map (a regression: its values), then the points.
   */
  function boundary(canvas, net, data) {
    const plane = data && planes().planeOf(data.train_inputs);
    // The cells blend as the playground's stretched map does.
    return !!planes().drawPlane(canvas, net, data, plane, { smooth: true, points: POINTS });
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

  modules.roomFigures = { boundary: boundary, voteFigure: voteFigure, costFigure: costFigure };
})(window.neuralModules = window.neuralModules || {});
