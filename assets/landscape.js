/*
 * The landscape page's browser module (page "/landscape"): its shortcuts, bound to the page's
 * root element only (s: one step, space: play or pause), and clicks on the contour (the walk
 * starts where it was clicked). The walk itself steps on the server
 * (playground/app/pages/landscape); ids come from Python's contract.
 */
(function () {
  "use strict";

  const ID = window.playgroundContract.ids.landscape;
  let page = null;

  function onKey(event) {
    const typing = event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const button = event.key === " " ? ID.play : event.key === "s" ? ID.step : null;
    if (button && document.getElementById(button)) {
      event.preventDefault();
      document.getElementById(button).click();
    }
  }

  /** A click on the contour (its see-through path graph is on top): start the walk there. */
  function onContourClick(event) {
    const graph = event.target.closest && event.target.closest("#" + ID.path_graph + " .js-plotly-plot");
    const layout = graph && graph._fullLayout;
    if (!layout || !layout.xaxis) return;
    const box = graph.getBoundingClientRect();
    const px = event.clientX - box.left - layout.xaxis._offset, py = event.clientY - box.top - layout.yaxis._offset;
    if (px < 0 || py < 0 || px > layout.xaxis._length || py > layout.yaxis._length) return;
    window.dash_clientside.set_props(ID.click, { data: { x: layout.xaxis.p2d(px), y: layout.yaxis.p2d(py),
      time: Date.now() } });
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.landscape = Object.assign({}, window.dash_clientside.landscape, {
    /** Bind to the page's (new) root element. */
    mount: function () {
      const element = document.getElementById(ID.page);
      if (element && element !== page) {
        page = element;
        page.addEventListener("keydown", onKey);
        page.addEventListener("click", onContourClick);
        page.focus({ preventScroll: true });
      }
      return window.dash_clientside.no_update;
    },
  });
})();
