/*
 * The one place that reads Plotly's private fields (every page's code asks here instead).
 *
 * Plotly has no public call for where a graph's plot area lies on the screen, for turning a
 * pixel into data coordinates, or for the size and font it laid a figure out at; its own
 * ``_fullLayout`` (the layout after defaults and autosize) and ``_context`` (the plot's
 * config) hold them. tests/test_browser_contract.py pins what this file reads from a real
 * graph in Chromium, so a Plotly upgrade that moves them fails there, not in a lecture.
 */
(function (root) {
  "use strict";

  const modules = root.neuralModules = root.neuralModules || {};

  /** Where a graph's plot area lies inside it (pixels), with both axes' pixel ↔ data mappings; null before layout. */
  function plotArea(graph) {
    const layout = graph && graph._fullLayout;
    const x = layout && layout.xaxis, y = layout && layout.yaxis;
    if (!x || !y || !x._length) return null;
    return {
      left: x._offset, top: y._offset, width: x._length, height: y._length,
      toData: (px, py) => [x.p2d(px), y.p2d(py)],  // pixels from the plot area's top-left corner
      toPixels: (dx, dy) => [x.d2p(dx), y.d2p(dy)],
    };
  }

  /** The point of the plot area under a mouse event, in data coordinates; null outside it. */
  function dataAt(graph, event) {
    const area = plotArea(graph);
    if (!area) return null;
    const box = graph.getBoundingClientRect();
    const px = event.clientX - box.left - area.left, py = event.clientY - box.top - area.top;
    if (px < 0 || py < 0 || px > area.width || py > area.height) return null;
    return { px: px, py: py, x: area.toData(px, py)[0], y: area.toData(px, py)[1], area: area };
  }

  /** The size a figure was laid out at (pixels). */
  function size(graph) {
    const layout = (graph && graph._fullLayout) || {};
    return { width: layout.width || graph.clientWidth || 960, height: layout.height || graph.clientHeight || 540 };
  }

  /** The font sizes a figure was laid out with: its text's, and its legend's (null without one). */
  function fontSizes(graph) {
    const layout = graph && graph._fullLayout;
    if (!layout || !layout.font) return null;
    return { font: layout.font.size, legend: layout.legend && layout.legend.font ? layout.legend.font.size : null };
  }

  /** The names of a graph's layout parts that have text of their own: its 2-D axes (and which are
   * logarithmic) and its 3-D scenes. */
  function subplots(graph) {
    const layout = (graph && graph._fullLayout) || {}, names = Object.keys(layout);
    const axes = names.filter((n) => /^[xy]axis\d*$/.test(n));
    return { axes: axes, logAxes: axes.filter((n) => layout[n].type === "log"),
      scenes: names.filter((n) => /^scene\d*$/.test(n)) };
  }

  /** A trace as drawn (its defaults filled in): its type, its points' size and its line's width. */
  function traceSizes(graph, k) {
    const full = ((graph && graph._fullData) || [])[k] || {};
    return { type: full.type || "", marker: (full.marker || {}).size, line: (full.line || {}).width };
  }

  /** The file name a graph's config gives its exports. */
  function exportName(graph) {
    const options = (graph && graph._context && graph._context.toImageButtonOptions) || {};
    return options.filename || "figure";
  }

  modules.plotlyView = { plotArea: plotArea, dataAt: dataAt, size: size, fontSizes: fontSizes, exportName: exportName,
    subplots: subplots, traceSizes: traceSizes };
})(window);
