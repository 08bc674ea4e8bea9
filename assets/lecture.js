/**
 * Lecture mode (SPEC F21): big text, thick lines, big points and slider thumbs, for a room
 * looking at a projector. On every page: the navigation bar's button, the L key (anywhere
 * but in a text box), or a link with ?lecture=1 (a prepared link opens in it; ?lecture=0 does
 * not). It stays on while the class moves between pages (this tab's sessionStorage). The
 * page's look is CSS (body.lecture in style.css); a Plotly figure's text is set larger through
 * Plotly itself, so it lays its legends and ticks out for that size (figures.js calls
 * ``fitFigure`` after every figure Dash draws).
 */
(function (modules) {
  "use strict";
  const STORAGE = "playground-lecture";
  let keyBound = false;

  const CHART_FONT = 18;  // px: a figure's text in lecture mode

  function isOn() { return document.body.classList.contains("lecture"); }

  /** Lecture-sized text for one Plotly figure, or (lecture mode off) its own sizes back. */
  function fitFigure(graph) {
    const sizes = modules.plotlyView.fontSizes(graph);
    if (!window.Plotly || !sizes) return;
    if (isOn()) {
      if (sizes.font === CHART_FONT && (sizes.legend === null || sizes.legend === CHART_FONT)) return;
      const layout = graph.layout || {};
      graph.lectureFont = { "font.size": (layout.font || {}).size || null,
        "legend.font.size": ((layout.legend || {}).font || {}).size || null };
      window.Plotly.relayout(graph, { "font.size": CHART_FONT, "legend.font.size": CHART_FONT });
    } else if (graph.lectureFont) {
      const own = graph.lectureFont;
      delete graph.lectureFont;
      window.Plotly.relayout(graph, own);
    }
  }

  function set(on) {
    document.body.classList.toggle("lecture", on);
    try { sessionStorage.setItem(STORAGE, on ? "1" : "0"); } catch (error) { /* private mode: this page only */ }
    const button = document.getElementById("lecture-toggle");
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    document.querySelectorAll(".js-plotly-plot").forEach(fitFigure);
    // Figures and canvases measure their boxes: let them redraw at the new size.
    window.dispatchEvent(new Event("resize"));
  }

  function initial() {
    const flag = new URLSearchParams(window.location.search).get("lecture");
    if (flag === "1" || flag === "0") return flag === "1";
    try { return sessionStorage.getItem(STORAGE) === "1"; } catch (error) { return false; }
  }

  function onKey(event) {
    if (event.key !== "l" && event.key !== "L") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (modules.keys.typing(event.target)) return;
    set(!isOn());
  }

  modules.lecture = {
    isOn: isOn,
    set: set,
    fitFigure: fitFigure,
    /** The button's clientside callback: its first call (no clicks) applies the link or the tab's choice. */
    clicked: function (clicks) {
      if (!keyBound) {
        // The app's root element, not the document: the key belongs to this app alone.
        const root = document.querySelector(".app");
        if (root) { root.addEventListener("keydown", onKey); keyBound = true; }
      }
      set(clicks ? !isOn() : initial());
      return "lecture mode";
    },
  };
})(window.neuralModules = window.neuralModules || {});
