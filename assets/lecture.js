/**
 * Lecture mode (SPEC F21): big text, thick lines, big points and slider thumbs, for a room
 * looking at a projector. On every page: the navigation bar's button, the L key (anywhere
 * but in a text box), or a link with ?lecture=1 (a prepared link opens in it; ?lecture=0 does
 * not). It stays on while the class moves between pages (this tab's sessionStorage).
 *
 * How big: text at 3 % of the window's height, never under 22 px (the projection rule: a
 * viewer six screen heights away reads text of 3 % of the image's height; 32 px at 1080p, 22 px
 * at 720p). The page's text is CSS (body.lecture in style.css, the same rule in vh); a Plotly
 * figure's is set through Plotly itself, so it lays its ticks, legends and annotations out for
 * that size, and its points and lines grow with it (figures.js calls ``fitFigure`` after every
 * figure Dash draws; a resize fits them again).
 */
(function (modules) {
  "use strict";
  const STORAGE = "playground-lecture";
  const GROWTH = { marker: 1.6, line: 2 };  // a point's size and a line's width in lecture mode, times their own
  // WebGL draws a 3-D scene's tick labels bigger than their font size says, and more so as it
  // grows (measured: at 16 px their digits stand 16–18 px tall, as a 24 px 2-D label's do): this
  // share of the lecture size draws them at least as big as the page's text.
  const SCENE_TICKS = 0.6;
  let keyBound = false;

  // The sizes a figure had before lecture mode changed them: a layout or trace object → { path: value }.
  // Dash draws a new figure with new objects, whose own sizes are read afresh.
  const own = new WeakMap();

  function isOn() { return document.body.classList.contains("lecture"); }

  /**
   * Lecture mode's text size in CSS pixels: 3 % of the window's height, at least 22 of the
   * screen's own pixels (a page zoomed to 150 % needs 14.7 CSS pixels for them; style.css the same).
   */
  function textSize(height = window.innerHeight) {
    return Math.max(Math.ceil(0.03 * height), Math.round(22 / (window.devicePixelRatio || 1)));
  }

  function read(object, path) {
    return path.split(".").reduce((value, key) => (value == null ? undefined : value[key]), object);
  }

  /** The layout's text sizes lecture mode sets (every one the figure has), and its axes' margins. */
  function layoutChanges(graph, size) {
    const changes = { "font.size": size, "legend.font.size": size, "title.font.size": size,
      "hoverlabel.font.size": size };
    const parts = modules.plotlyView.subplots(graph);
    for (const name of parts.axes) {
      changes[name + ".tickfont.size"] = size;
      changes[name + ".title.font.size"] = size;
      changes[name + ".automargin"] = true;  // room for the bigger tick labels
    }
    // A log axis labels 2 and 5 in each decade at 3/4 size: one label a decade instead.
    for (const name of parts.logAxes) changes[name + ".dtick"] = 1;
    for (const name of parts.scenes) {
      for (const axis of ["xaxis", "yaxis", "zaxis"]) {
        changes[`${name}.${axis}.tickfont.size`] = Math.ceil(SCENE_TICKS * size);
        changes[`${name}.${axis}.title.font.size`] = size;
        changes[`${name}.${axis}.nticks`] = 4;  // big tick labels on a 3-D axis: fewer, or they overlap
      }
    }
    ((graph.layout || {}).annotations || []).forEach((note, k) => { changes[`annotations[${k}].font.size`] = size; });
    // A figure of fixed height grows with the text beyond 22 px (laid out as at 1280×720, only bigger).
    const kept = own.get(graph.layout), height = kept ? kept.height : (graph.layout || {}).height;
    if (height) changes.height = Math.round(height * Math.max(1, size / 22));
    return changes;
  }

  /** One trace's changes: its text and colour bar at the lecture size, its points and lines grown. */
  function traceChanges(graph, k, size) {
    const trace = graph.data[k], drawn = modules.plotlyView.traceSizes(graph, k);
    const changes = { "textfont.size": size, "colorbar.tickfont.size": size, "colorbar.title.font.size": size };
    const marker = drawn.marker, scatter = /^scatter/.test(drawn.type);
    if (scatter && marker != null) {
      changes["marker.size"] = Array.isArray(marker) ? marker.map((s) => s * GROWTH.marker) : marker * GROWTH.marker;
    }
    if (scatter && drawn.line) changes["line.width"] = drawn.line * GROWTH.line;
    // Plotly shrinks a bar's label to fit beside it: at lecture size it keeps its size, above the axes if need be.
    if (drawn.type === "bar") Object.assign(changes, { constraintext: "none", cliponaxis: false });
    if (!trace.text && !trace.texttemplate) delete changes["textfont.size"];
    return changes;
  }

  /** Set ``changes`` on ``object`` (one layout or one trace), keeping its own values the first time. */
  function remember(object, changes) {
    const kept = own.get(object);
    if (kept) {
      // Already in lecture mode: only text and height follow the window's size; points and lines grew once.
      for (const path of Object.keys(changes)) if (!/font\.size$|^height$/.test(path)) delete changes[path];
      return changes;
    }
    const values = {};
    for (const path of Object.keys(changes)) {
      const value = read(object, path.replace(/\[(\d+)\]/g, ".$1"));
      values[path] = value === undefined ? null : value;  // null: Plotly's own default again
    }
    own.set(object, values);
    return changes;
  }

  /** Lecture-sized text, points and lines for one Plotly figure, or (lecture mode off) its own back. */
  function fitFigure(graph) {
    if (!window.Plotly || !graph || !modules.plotlyView.fontSizes(graph) || !graph.data) return;
    const on = isOn(), size = textSize();
    const layout = graph.layout || {};
    let layoutUpdate = {};
    const traceUpdate = {}, traces = [];
    if (on) {
      if (own.has(layout) && (layout.font || {}).size === size) return;  // fitted at this size
      layoutUpdate = remember(layout, layoutChanges(graph, size));
      graph.data.forEach((trace, k) => {
        const changes = remember(trace, traceChanges(graph, k, size));
        if (Object.keys(changes).length) add(traceUpdate, traces, graph.data.length, k, changes);
      });
    } else {
      if (!own.has(layout)) return;  // never fitted (or given back)
      layoutUpdate = own.get(layout);
      own.delete(layout);
      graph.data.forEach((trace, k) => {
        if (!own.has(trace)) return;
        add(traceUpdate, traces, graph.data.length, k, own.get(trace));
        own.delete(trace);
      });
    }
    window.Plotly.update(graph, traceUpdate, layoutUpdate, traces.length ? traces : undefined);
  }

  /** Put one trace's changes into a Plotly.update of several traces (one value per trace listed). */
  function add(update, traces, count, k, changes) {
    traces.push(k);
    for (const path of Object.keys(changes)) {
      if (!update[path]) update[path] = [];
      update[path][traces.length - 1] = changes[path];
    }
    for (const path of Object.keys(update)) update[path].length = traces.length;  // undefined: this trace keeps it
  }

  function fitAll() { document.querySelectorAll(".js-plotly-plot").forEach(fitFigure); }

  function set(on) {
    document.body.classList.toggle("lecture", on);
    try { sessionStorage.setItem(STORAGE, on ? "1" : "0"); } catch (error) { /* private mode: this page only */ }
    const button = document.getElementById("lecture-toggle");
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    fitAll();
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

  // A new window height is a new text size (the projector plugged in, a window moved to it).
  window.addEventListener("resize", () => { if (isOn()) fitAll(); });

  modules.lecture = {
    isOn: isOn,
    set: set,
    fitFigure: fitFigure,
    textSize: textSize,
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
