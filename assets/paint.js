/*
 * What a run's answer shows, applied to the page (the 1-D descent's and the landscape's walks).
 *
 * The server's figure builders decide what to draw (each page's figures.py); an
 * answer carries it as paint:
 *
 *     {"props":   {id: {prop: value}},              set on a component as a callback would (text, marks, figures)
 *      "restyle": [{"graph": id, "update": {...}, "traces": [1, 2]}]}   Plotly.restyle: a path moved, fast
 *
 * A change with ``"extend": true`` appends its points to the traces instead (Plotly.extendTraces,
 * keeping the last ``max``), and one with ``"draw": false`` only puts them in the figure's data:
 * they are drawn with the next change drawn (one redraw for two changes; a 3-D redraw is slow).
 *
 * Text is set as a prop (shown as text, never as markup). A restyled figure's Dash prop lags
 * behind what is drawn until the run hands its state to the session, which draws it in full.
 */
(function (modules) {
  "use strict";

  function graphOf(id) { return document.querySelector("#" + CSS.escape(id) + " .js-plotly-plot"); }

  function apply(paint) {
    if (!paint) return;
    for (const [id, props] of Object.entries(paint.props || {})) {
      if (document.getElementById(id)) window.dash_clientside.set_props(id, props);
    }
    for (const change of paint.restyle || []) {
      const graph = graphOf(change.graph);
      if (!graph || !graph.data || !window.Plotly) continue;
      if (change.draw === false) held(graph, change);
      else if (change.extend) window.Plotly.extendTraces(graph, change.update, change.traces, change.max);
      else window.Plotly.restyle(graph, change.update, change.traces);
    }
  }

  /** A change put in the figure's data without drawing it. */
  function held(graph, change) {
    change.traces.forEach((trace, k) => {
      for (const [key, values] of Object.entries(change.update)) {
        const all = (change.extend ? Array.from(graph.data[trace][key] || []) : []).concat(values[k]);
        graph.data[trace][key] = change.max ? all.slice(-change.max) : all;
      }
    });
  }

  modules.paint = { apply: apply };
})(window.neuralModules = window.neuralModules || {});
