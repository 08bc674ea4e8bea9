/**
 * Every figure, on every page, for a lecture hall (SPEC F21): export as SVG (vector) as well
 * as PNG, both at presentation size (1920 px wide), and a full view that fills the window
 * under the page's top bar (its controls stay in reach), left with the same button or Esc.
 *
 * Plotly figures get two toolbar buttons through Plotly's global plot config; the
 * playground's canvas figures (boundary, network diagram) use ``toggle`` and their own
 * export buttons (playground.js); pictures (an <img>, components.picture) get PNG, SVG and
 * full-view buttons under them, handled here. Nothing here touches the elements Dash draws,
 * only classes.
 */
(function (root) {
  "use strict";
  const modules = root.neuralModules = root.neuralModules || {};
  const WIDTH = 1920;  // presentation width of every export, in pixels
  const ICONS = {
    // a down arrow over a tray
    svg: { width: 1000, height: 1000, path: "M450 80h100v480l160-160 70 70-280 280-280-280 70-70 160 160zM120 820h760v100H120z" },
    // four corners pointing out
    full: { width: 1000, height: 1000, path: "M80 80h320v100H180v220H80zM600 80h320v320H820V180H600zM80 600h100v220h220v100H80zM820 600h100v320H600V820h220z" },
  };
  let full = null;  // the figure in full view: { box, graph, size } (one at a time)

  /** The figure as laid out on the screen, and the scale that makes it 1920 px wide. */
  function presentationSize(graph) {
    const shown = modules.plotlyView.size(graph);
    return { width: shown.width, height: shown.height, scale: WIDTH / shown.width };
  }

  function fileName(graph) { return modules.plotlyView.exportName(graph); }

  /**
   * What a figure's export draws: the graph itself, or, when see-through graphs are laid over it
   * (the landscape's path over its contour: class overlay-pair), its traces and theirs together.
   */
  function exportFigure(graph) {
    const pair = graph.closest(".overlay-pair");
    const overlays = pair ? Array.from(pair.querySelectorAll(".js-plotly-plot")).filter((g) => g !== graph) : [];
    if (!overlays.length) return graph;
    return { data: graph.data.concat(...overlays.map((overlay) => overlay.data)), layout: graph.layout };
  }

  /** Download a Plotly figure as SVG or PNG: its screen layout, 1920 px wide (Plotly scales it). */
  function download(graph, format) {
    const size = presentationSize(graph);
    return root.Plotly.downloadImage(exportFigure(graph), { format: format, width: size.width, height: size.height,
      scale: size.scale, filename: fileName(graph) });
  }

  function downloadSVG(graph) { return download(graph, "svg"); }

  function plotIn(box) { return box.classList.contains("js-plotly-plot") ? box : box.querySelector(".js-plotly-plot"); }

  /** Let figures measure their boxes again (Plotly's responsive graphs listen for this). */
  function resized() { root.dispatchEvent(new Event("resize")); }

  /** The way out, on top of the figure (outside the elements Dash draws). */
  function leaveButton(top) {
    const button = document.createElement("button");
    button.id = "figure-full-leave";
    button.className = "figure-full-leave";
    button.textContent = "leave full view (Esc)";
    button.style.top = top + 6 + "px";
    button.addEventListener("click", leave);
    document.body.appendChild(button);
  }

  function enter(box) {
    const bar = document.querySelector(".page .topbar");
    const top = bar ? Math.max(0, bar.getBoundingClientRect().bottom) : 0;
    box.style.setProperty("--full-top", top + "px");
    box.classList.add("figure-full");
    leaveButton(top);
    const graph = plotIn(box);
    full = { box: box, graph: graph, size: null };
    if (graph && graph.layout && (graph.layout.height || graph.layout.width)) {
      // A figure of fixed size: give it the window's, and its own back on leaving.
      full.size = { width: graph.layout.width || null, height: graph.layout.height || null };
      root.Plotly.relayout(graph, { width: box.clientWidth - 24, height: box.clientHeight - 24 });
    }
    resized();
  }

  function leave() {
    if (!full) return;
    const left = full;
    full = null;
    left.box.classList.remove("figure-full");
    const button = document.getElementById("figure-full-leave");
    if (button) button.remove();
    if (left.size && left.graph && document.body.contains(left.graph)) root.Plotly.relayout(left.graph, left.size);
    resized();
  }

  /** Full view of ``box`` (a figure or its wrapper) on, or off when it is the one shown. */
  function toggle(box) {
    const same = full && full.box === box;
    leave();
    if (!same) enter(box);
  }

  document.addEventListener("keydown", (event) => { if (event.key === "Escape" && full) leave(); });

  const BUTTONS = [
    // Shown only where graphs are laid over each other (style.css), in place of Plotly's camera.
    { name: "png-with-overlay", title: "Download as PNG, with the path (1920 px wide)", icon: ICONS.svg,
      click: (graph) => download(graph, "png") },
    { name: "svg", title: "Download as SVG (vector, 1920 px wide)", icon: ICONS.svg, click: downloadSVG },
    { name: "full-view", title: "Full view (Esc to leave)", icon: ICONS.full,
      click: (graph) => toggle(graph.closest(".dash-graph") || graph) },
  ];

  /** After Dash draws a figure (Plotly.newPlot or react), lecture mode sizes its text (lecture.js). */
  function followLectureMode(Plotly) {
    for (const name of ["newPlot", "react"]) {
      const draw = Plotly[name];
      if (typeof draw !== "function" || draw.followsLecture) continue;
      Plotly[name] = function () {
        return draw.apply(this, arguments).then((graph) => {
          if (modules.lecture) modules.lecture.fitFigure(graph);
          return graph;
        });
      };
      Plotly[name].followsLecture = true;
    }
  }

  function configure(Plotly) {
    if (Plotly) followLectureMode(Plotly);
    if (Plotly && Plotly.Icons && Plotly.Icons.camera) BUTTONS[0].icon = Plotly.Icons.camera;  // a PNG, as Plotly's own
    if (Plotly && Plotly.setPlotConfig) Plotly.setPlotConfig({ modeBarButtonsToAdd: BUTTONS });
  }

  // dcc.Graph loads Plotly on demand, after this file: configure it the moment it arrives,
  // before any figure is drawn with it.
  if (root.Plotly) {
    configure(root.Plotly);
  } else {
    let plotly;
    Object.defineProperty(root, "Plotly", {
      configurable: true, enumerable: true,
      get: () => plotly,
      set: (value) => { plotly = value; configure(value); },
    });
  }

  // ------------------------------------------------------------------ pictures (an <img> as a figure)

  /** A picture at presentation size: PNG (its pixels kept sharp) or SVG holding that picture. */
  function downloadPicture(box, format) {
    const image = box.querySelector("img");
    if (!image || !image.naturalWidth) return false;  // nothing drawn yet
    const width = image.naturalWidth, height = image.naturalHeight;
    const outHeight = Math.round(height * WIDTH / width), name = box.dataset.name || "picture";
    const save = modules.drawing.save;
    if (format === "svg") {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${outHeight}" ` +
        `viewBox="0 0 ${width} ${height}"><image width="${width}" height="${height}" preserveAspectRatio="none" ` +
        `style="image-rendering: pixelated" href="${image.src}"/></svg>`;
      save("data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg), name + ".svg");
      return true;
    }
    const canvas = document.createElement("canvas");
    canvas.width = WIDTH; canvas.height = outHeight;
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = false;  // a weight map's pixels, not a blur
    context.drawImage(image, 0, 0, WIDTH, outHeight);
    save(canvas.toDataURL("image/png"), name + ".png");
    return true;
  }

  // One listener for every picture's buttons (components.picture), whichever page drew them.
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-picture]");
    const box = button && button.closest(".picture-figure");
    if (!box) return;
    const action = button.dataset.picture;
    if (action === "full") toggle(box);
    else downloadPicture(box, action);
  });

  modules.figureTools = {
    downloadSVG: downloadSVG, downloadPicture: downloadPicture, toggle: toggle, leave: leave,
    presentationSize: presentationSize,
    shown: () => (full ? full.box : null), WIDTH: WIDTH,
  };
})(window);
