/*
 * The 2D playground's fast path: the small network evaluated in the browser.
 *
 * Dragging a weight slider must repaint the decision boundary within a frame or
 * two, and a round trip to the server costs more than that. So the browser runs
 * the same forward pass as the engine (playground/engine/network.py):
 *
 *     z = a_prev @ W + b,   a = activation(z)
 *
 * in float64, over a grid of the input plane, and paints the class map, the
 * node heatmaps, the network diagram and the cost readouts onto canvases.
 * Training itself always happens in the Python engine on the server.
 * tests/test_playground_browser.py checks these maths against the engine.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------ maths

  const sigmoid = (z) => 0.5 * (1 + Math.tanh(0.5 * z));
  const ACTIVATIONS = {
    step: (z) => (z > 0 ? 1 : 0),
    sigmoid: sigmoid,
    tanh: Math.tanh,
    relu: (z) => (z > 0 ? z : 0),
    leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
    elu: (z) => (z > 0 ? z : Math.expm1(z)),
    silu: (z) => z * sigmoid(z),
    linear: (z) => z,
  };

  /** Activations of every layer for n points given as flat [x1, x2, x1, x2, …]. */
  function forwardAll(net, points, n) {
    const layers = [points];
    let a = points;
    const names = net.activations.concat([net.output_activation]);
    for (let l = 0; l < net.weights.length; l++) {
      const b = net.biases[l];
      const nIn = net.weights[l].length, nOut = b.length;
      const W = new Float64Array(nIn * nOut); // flat, row-major: W[i * nOut + j]
      net.weights[l].forEach((row, i) => row.forEach((w, j) => { W[i * nOut + j] = w; }));
      const z = new Float64Array(n * nOut);
      for (let s = 0; s < n; s++) {
        for (let j = 0; j < nOut; j++) {
          let sum = b[j];
          for (let i = 0; i < nIn; i++) sum += a[s * nIn + i] * W[i * nOut + j];
          z[s * nOut + j] = sum;
        }
      }
      let out;
      if (names[l] === "softmax") {
        out = new Float64Array(n * nOut);
        for (let s = 0; s < n; s++) {
          let max = -Infinity, total = 0;
          for (let j = 0; j < nOut; j++) max = Math.max(max, z[s * nOut + j]);
          for (let j = 0; j < nOut; j++) total += out[s * nOut + j] = Math.exp(z[s * nOut + j] - max);
          for (let j = 0; j < nOut; j++) out[s * nOut + j] /= total;
        }
      } else {
        const f = ACTIVATIONS[names[l]];
        out = new Float64Array(n * nOut);
        for (let k = 0; k < out.length; k++) out[k] = f(z[k]);
      }
      layers.push(out);
      a = out;
    }
    return layers;
  }

  /** The outputs (n × n_out, row-major) of the network for points [[x1, x2], …]. */
  function forward(net, pointList) {
    const n = pointList.length;
    const flat = new Float64Array(n * 2);
    pointList.forEach((p, s) => { flat[2 * s] = p[0]; flat[2 * s + 1] = p[1]; });
    const out = forwardAll(net, flat, n).pop();
    const width = net.layer_sizes[net.layer_sizes.length - 1];
    const rows = [];
    for (let s = 0; s < n; s++) rows.push(Array.from(out.slice(s * width, (s + 1) * width)));
    return rows;
  }

  /** Predicted class and confidence (winner's lead over the runner-up) of each output row. */
  function classify(outputs, width, n, outputActivation) {
    const predicted = new Uint8Array(n), confidence = new Float64Array(n);
    const span = outputActivation === "tanh" ? 2 : 1;
    for (let s = 0; s < n; s++) {
      let best = 0, bestValue = -Infinity, second = -Infinity;
      for (let j = 0; j < width; j++) {
        const v = outputs[s * width + j];
        if (v > bestValue) { second = bestValue; bestValue = v; best = j; }
        else if (v > second) second = v;
      }
      predicted[s] = best;
      confidence[s] = width === 1 ? 1 : Math.min(Math.max((bestValue - second) / span, 0), 1);
    }
    return { predicted, confidence };
  }

  /** The network over a resolution × resolution grid of cell centres (rows: x2 ascending). */
  function evaluateGrid(net, xRange, yRange, resolution) {
    const n = resolution * resolution;
    const points = new Float64Array(2 * n);
    const dx = (xRange[1] - xRange[0]) / resolution, dy = (yRange[1] - yRange[0]) / resolution;
    for (let r = 0; r < resolution; r++) {
      for (let c = 0; c < resolution; c++) {
        const s = r * resolution + c;
        points[2 * s] = xRange[0] + dx * (c + 0.5);
        points[2 * s + 1] = yRange[0] + dy * (r + 0.5);
      }
    }
    const layers = forwardAll(net, points, n);
    const width = net.layer_sizes[net.layer_sizes.length - 1];
    const result = classify(layers[layers.length - 1], width, n, net.output_activation);
    result.layers = layers;
    result.resolution = resolution;
    return result;
  }

  /** Cost and accuracy exactly as the engine defines them (SPEC F5). */
  function evaluateCosts(net, inputs, labels, l2) {
    const n = labels.length;
    const width = net.layer_sizes[net.layer_sizes.length - 1];
    if (n === 0) return null;
    const flat = new Float64Array(2 * n);
    inputs.forEach((p, s) => { flat[2 * s] = p[0]; flat[2 * s + 1] = p[1]; });
    const layers = forwardAll(net, flat, n);
    const a = layers[layers.length - 1];
    let quadratic = 0, crossEntropy = 0, correct = 0;
    const { predicted } = classify(a, width, n, net.output_activation);
    const tiny = 1e-12;
    for (let s = 0; s < n; s++) {
      if (predicted[s] === labels[s]) correct++;
      for (let j = 0; j < width; j++) {
        const y = j === labels[s] ? 1 : 0, v = a[s * width + j];
        quadratic += (v - y) * (v - y);
        if (net.output_activation === "softmax") crossEntropy -= y * Math.log(Math.max(v, tiny));
        else crossEntropy -= y * Math.log(Math.max(v, tiny)) + (1 - y) * Math.log(Math.max(1 - v, tiny));
      }
    }
    let l2Term = 0;
    if (l2) net.weights.forEach((W) => W.forEach((row) => row.forEach((w) => { l2Term += w * w; })));
    l2Term *= 0.5 * (l2 || 0);
    const probabilities = net.output_activation === "softmax" || net.output_activation === "sigmoid";
    return {
      quadratic: quadratic / n,
      cross_entropy: probabilities ? crossEntropy / n : null,
      l2: l2Term,
      accuracy: correct / n,
    };
  }

  // ------------------------------------------------------------------ colours

  const CLASS_COLOURS = ["#1f77b4", "#e4572e", "#2ca02c", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e"];
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const mixWithWhite = (c, amount) => c.map((v) => Math.round(v + (255 - v) * amount));

  // Class k at confidence c: its colour mixed with white, 90 % (a tie) down to 35 % (certain).
  const PALETTE = CLASS_COLOURS.map((hex) => [mixWithWhite(rgb(hex), 0.9), mixWithWhite(rgb(hex), 0.35)]);

  function classColour(k, confidence, out) {
    const [light, dark] = PALETTE[k % PALETTE.length];
    const t = Math.min(confidence, 0.999);
    out = out || [0, 0, 0];
    for (let i = 0; i < 3; i++) out[i] = Math.round(light[i] + (dark[i] - light[i]) * t);
    return out;
  }

  /** Edge colour by sign (blue +, orange −) and width by |w| relative to the largest weight. */
  function edgeStyle(weight, largest) {
    const strength = largest > 0 ? Math.min(Math.abs(weight) / largest, 1) : 0;
    return {
      colour: weight >= 0 ? "rgba(31,119,180," + (0.25 + 0.75 * strength).toFixed(3) + ")"
        : "rgba(228,87,46," + (0.25 + 0.75 * strength).toFixed(3) + ")",
      width: 0.5 + 5.5 * strength,
    };
  }

  /** A node's activation mapped to −1…1 for its heatmap. */
  function nodeScale(name, values) {
    if (name === "sigmoid" || name === "softmax" || name === "step") return (v) => 2 * v - 1;
    if (name === "tanh") return (v) => v;
    let largest = 1e-12;
    for (const v of values) largest = Math.max(largest, Math.abs(v));
    return (v) => v / largest;
  }

  // ------------------------------------------------------------------ drawing

  /** Paint a resolution × resolution image; colourAt(s, out) writes cell s's RGB into out. */
  function paintImage(canvas, resolution, colourAt) {
    if (canvas.width !== resolution) canvas.width = resolution;
    if (canvas.height !== resolution) canvas.height = resolution;
    const context = canvas.getContext("2d");
    const image = context.createImageData(resolution, resolution);
    const colour = [0, 0, 0];
    for (let r = 0; r < resolution; r++) {
      for (let c = 0; c < resolution; c++) {
        colourAt(r * resolution + c, colour);
        const p = 4 * ((resolution - 1 - r) * resolution + c); // canvas rows run top-down
        image.data[p] = colour[0]; image.data[p + 1] = colour[1]; image.data[p + 2] = colour[2];
        image.data[p + 3] = 255;
      }
    }
    context.putImageData(image, 0, 0);
  }

  const POSITIVE = [31, 119, 180], NEGATIVE = [228, 87, 46];
  function nodeColour(v, out) {
    // −1 orange, 0 white, +1 blue, as the edges.
    const target = v >= 0 ? POSITIVE : NEGATIVE;
    const t = Math.min(Math.abs(v), 1);
    for (let i = 0; i < 3; i++) out[i] = Math.round(255 + (target[i] - 255) * t);
    return out;
  }

  /** Place the class-map canvas exactly under the Plotly plot area. */
  function placeUnderPlot(graphDiv, canvas) {
    const layout = graphDiv && graphDiv._fullLayout;
    if (!layout || !layout.xaxis || !layout.xaxis._length) return false;
    const style = canvas.style;
    style.left = layout.xaxis._offset + "px";
    style.top = layout.yaxis._offset + "px";
    style.width = layout.xaxis._length + "px";
    style.height = layout.yaxis._length + "px";
    return true;
  }

  function drawDiagram(canvas, net, grid) {
    const sizes = net.layer_sizes;
    const tallest = Math.max(...sizes);
    // Tall enough for a readable heatmap per node (at least 18 px) in the widest layer.
    const wanted = Math.max(300, tallest * 26 + 20) + "px";
    if (canvas.style.height !== wanted) canvas.style.height = wanted;  // a style change costs a layout
    const width = canvas.clientWidth || 360, height = canvas.clientHeight || 300;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio; canvas.height = height * ratio;
    const context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const box = Math.max(10, Math.min(36, (height - 20) / tallest - 8));
    const x = (l) => 20 + box / 2 + (l * (width - 40 - box)) / Math.max(sizes.length - 1, 1);
    const y = (l, i) => height / 2 + (i - (sizes[l] - 1) / 2) * (box + 8);
    let largest = 0;
    net.weights.forEach((W) => W.forEach((row) => row.forEach((w) => { largest = Math.max(largest, Math.abs(w)); })));
    for (let l = 0; l < net.weights.length; l++) {
      const W = net.weights[l];
      for (let i = 0; i < W.length; i++) {
        for (let j = 0; j < W[i].length; j++) {
          const style = edgeStyle(W[i][j], largest);
          context.strokeStyle = style.colour; context.lineWidth = style.width;
          context.beginPath();
          context.moveTo(x(l) + box / 2, y(l, i)); context.lineTo(x(l + 1) - box / 2, y(l + 1, j));
          context.stroke();
        }
      }
    }
    // Each node shows what it responds to over the input plane: a small heatmap.
    const names = ["linear"].concat(net.activations, [net.output_activation]);
    const tile = document.createElement("canvas");
    for (let l = 0; l < sizes.length; l++) {
      const values = grid.layers[l];
      for (let i = 0; i < sizes[l]; i++) {
        const n = grid.resolution * grid.resolution, stride = sizes[l];
        const column = new Float64Array(n);
        for (let s = 0; s < n; s++) column[s] = values[s * stride + i];
        const scale = nodeScale(names[l], column);
        paintImage(tile, grid.resolution, (s, out) => nodeColour(scale(column[s]), out));
        context.imageSmoothingEnabled = false;
        context.drawImage(tile, x(l) - box / 2, y(l, i) - box / 2, box, box);
        context.strokeStyle = "#555"; context.lineWidth = 1;
        context.strokeRect(x(l) - box / 2, y(l, i) - box / 2, box, box);
      }
    }
  }

  function formatCost(value) {
    if (value === null || value === undefined) return "–";
    return Math.abs(value) < 1e5 ? value.toFixed(4) : value.toExponential(3);
  }

  function writeReadouts(element, train, test) {
    if (!element || !train) return;
    const rows = [["train", train], ["test", test]].filter((row) => row[1]);
    const cells = rows.map(([name, r]) =>
      "<tr><th>" + name + "</th><td>" + formatCost(r.quadratic) + "</td><td>" + formatCost(r.cross_entropy) +
      "</td><td>" + (r.l2 ? formatCost(r.l2) : "–") + "</td><td>" + (100 * r.accuracy).toFixed(1) + " %</td></tr>");
    element.innerHTML = "<table class='readouts'><tr><th></th><th>quadratic cost</th><th>cross-entropy</th>" +
      "<th>L2 term</th><th>accuracy</th></tr>" + cells.join("") + "</table>";
  }

  // ------------------------------------------------------------------ clicks on the plane

  /** A click on the plane: remove the point under the mouse (within 8 px), else add one there. */
  function onPlaneClick(event) {
    const graphDiv = event.currentTarget, layout = graphDiv._fullLayout, shown = window.playground.shown;
    if (!layout || !shown) return;
    const box = graphDiv.getBoundingClientRect();
    const px = event.clientX - box.left - layout.xaxis._offset, py = event.clientY - box.top - layout.yaxis._offset;
    if (px < 0 || py < 0 || px > layout.xaxis._length || py > layout.yaxis._length) return;
    let nearest = null, best = 8;
    for (const part of ["train", "test"]) {
      shown.data[part + "_inputs"].forEach((p, index) => {
        const distance = Math.hypot(layout.xaxis.d2p(p[0]) - px, layout.yaxis.d2p(p[1]) - py);
        if (distance <= best) { best = distance; nearest = { part: part, index: index }; }
      });
    }
    setProps("plane-click", { data: { x: layout.xaxis.p2d(px), y: layout.yaxis.p2d(py), remove: nearest,
      time: Date.now() } });
  }

  // ------------------------------------------------------------------ rendering

  const renderLog = [];
  // How often each view refreshed (read by bench/playground_speed.py).
  const counters = { trainingFrames: 0, costCurve: 0, sliders: 0, renders: 0 };

  /** Draw every live view for this network and data. */
  function render(net, data, view) {
    const graphDiv = document.querySelector("#boundary-graph .js-plotly-plot");
    const canvas = document.getElementById("boundary-canvas");
    if (!net || !data || !canvas) return false;
    window.playground.shown = { net: net, data: data, view: view };
    const resolution = view.resolution || 100;
    const grid = evaluateGrid(net, view.x_range, view.y_range, resolution);
    paintImage(canvas, resolution, (s, out) => classColour(grid.predicted[s], grid.confidence[s], out));
    if (graphDiv && !graphDiv.playgroundClicks && graphDiv.on) {
      graphDiv.addEventListener("click", onPlaneClick);
      // Plotly lays the plot out again when the window or the figure changes: follow it.
      graphDiv.on("plotly_afterplot", () => placeUnderPlot(graphDiv, canvas));
      graphDiv.playgroundClicks = true;
    }
    if (!placeUnderPlot(graphDiv, canvas)) {
      // The graph is still loading: try again shortly.
      clearTimeout(render.retry);
      render.retry = setTimeout(() => render(net, data, view), 100);
    }
    const diagram = document.getElementById("network-canvas");
    if (diagram) drawDiagram(diagram, net, evaluateGrid(net, view.x_range, view.y_range, 24));
    const train = evaluateCosts(net, data.train_inputs, data.train_labels, view.l2);
    const test = evaluateCosts(net, data.test_inputs, data.test_labels, view.l2);
    writeReadouts(document.getElementById("readouts"), train, test);
    // For the latency benchmark: when the picture for these weights was drawn.
    const drawn = performance.now();
    counters.renders++;
    requestAnimationFrame(() => {
      renderLog.push({ drawn: drawn, painted: performance.now() });
      if (renderLog.length > 2000) renderLog.shift();
    });
    return true;
  }

  /** Copy the network with the sliders' current values written into it. */
  function withSliderValues(net, weightIds, weightValues, biasIds, biasValues) {
    const copy = { ...net, weights: net.weights.map((W) => W.map((row) => row.slice())),
      biases: net.biases.map((b) => b.slice()) };
    let changed = false;
    weightIds.forEach((id, k) => {
      const v = weightValues[k];
      if (v === null || v === undefined) return;
      // Sliders show 3 decimals: only a slider moved away from the weight's rounded value changes it.
      const row = copy.weights[id.layer - 1] && copy.weights[id.layer - 1][id.row];
      if (row && round(row[id.col]) !== v) { row[id.col] = v; changed = true; }
    });
    biasIds.forEach((id, k) => {
      const v = biasValues[k];
      if (v === null || v === undefined) return;
      const b = copy.biases[id.layer - 1];
      if (b && round(b[id.col]) !== v) { b[id.col] = v; changed = true; }
    });
    return { net: copy, changed: changed };
  }

  // ------------------------------------------------------------------ dragging a weight

  /*
   * The fast path of a drag. Letting the slider tell Dash about every mouse move costs a
   * React update of the whole page store per move (60–100 ms here, with 17–60 sliders), and
   * the next move waits behind it. So while a weight slider is dragged the page handles the
   * pointer itself: it works out the value exactly as the slider would (the root's width
   * spans min…max, snapped to the step), moves the thumb, repaints every view at once, and
   * hands the final value to Dash (one update) when the mouse is released.
   */
  const SLIDER_STEP = 0.001;
  let drag = null;

  function dragValue(event) {
    const rect = drag.root.getBoundingClientRect();
    const raw = drag.min + ((event.clientX - rect.left) / rect.width) * (drag.max - drag.min);
    const snapped = Math.round((raw - drag.min) / SLIDER_STEP) * SLIDER_STEP + drag.min;
    return round(Math.min(drag.max, Math.max(drag.min, snapped)));
  }

  /** Move a slider's thumb, range bar and value label as the slider itself would. */
  function moveThumb(root, value) {
    const thumb = root.querySelector("[role=slider]");
    const min = +thumb.getAttribute("aria-valuemin"), max = +thumb.getAttribute("aria-valuemax");
    const percent = ((Math.min(Math.max(value, min), max) - min) / (max - min)) * 100;
    const half = thumb.getBoundingClientRect().width / 2;
    thumb.parentElement.style.left = "calc(" + percent + "% + " + half * (1 - percent / 50) + "px)";
    thumb.setAttribute("aria-valuenow", value);
    const range = root.querySelector(".dash-slider-range");
    if (range) range.style.right = 100 - percent + "%";
    const label = thumb.querySelector(".dash-slider-tooltip div");
    if (label) label.textContent = value;
  }

  /** The parameter a slider id names, or undefined when the network has no such parameter. */
  function parameterAt(net, id) {
    if (id.type === "weight-slider") {
      const W = net.weights[id.layer - 1], row = W && W[id.row];
      return row && row[id.col];
    }
    const b = net.biases[id.layer - 1];
    return b && b[id.col];
  }

  /** While playing, the sliders follow the weights straight in the page (Dash catches up on pause). */
  function followSliders(net) {
    document.querySelectorAll("#sliders .dash-slider-container").forEach((container) => {
      const value = parameterAt(net, JSON.parse(container.id));
      const root = container.querySelector(".dash-slider-root");
      if (root && value !== undefined) moveThumb(root, round(value));
    });
    counters.sliders++;
  }

  function dragTo(event) {
    const shown = window.playground.shown;
    if (!drag || !shown) return;
    const value = dragValue(event);
    if (value === drag.value) return;
    drag.value = value;
    moveThumb(drag.root, value);
    const isWeight = drag.id.type === "weight-slider";
    const edit = withSliderValues(drag.start, isWeight ? [drag.id] : [], [value], isWeight ? [] : [drag.id], [value]);
    render(edit.net, shown.data, shown.view);
  }

  document.addEventListener("pointerdown", (event) => {
    const root = event.target.closest && event.target.closest("#sliders .dash-slider-root");
    const shown = window.playground.shown;
    if (!root || !shown || event.button !== 0 || session.playing) return;
    event.stopPropagation();
    event.preventDefault();
    root.setPointerCapture(event.pointerId);
    const thumb = root.querySelector("[role=slider]");
    drag = { root: root, thumb: thumb, id: JSON.parse(root.closest(".dash-slider-container").id), start: shown.net,
      min: +thumb.getAttribute("aria-valuemin"), max: +thumb.getAttribute("aria-valuemax"), value: null };
    dragTo(event);
  }, true);
  document.addEventListener("pointermove", (event) => {
    if (!drag) return;
    event.stopPropagation();
    dragTo(event);
  }, true);
  const endDrag = (event) => {
    if (!drag) return;
    event.stopPropagation();
    const finished = drag;
    drag = null;
    if (finished.value !== null) setProps(finished.id, { value: finished.value });
  };
  document.addEventListener("pointerup", endDrag, true);
  document.addEventListener("pointercancel", endDrag, true);

  function round(v) { return Math.round(v * 1000) / 1000; }

  function sliderBounds(value, low, high) {
    return [Math.min(low, Math.floor(value)), Math.max(high, Math.ceil(value))];
  }

  /** Download a canvas (optionally under a Plotly graph) as PNG. */
  function downloadPNG(name, canvas, graphDiv) {
    const save = (url) => {
      const link = document.createElement("a");
      link.href = url; link.download = name + ".png";
      document.body.appendChild(link); link.click(); link.remove();
    };
    if (!graphDiv) { save(canvas.toDataURL("image/png")); return; }
    const layout = graphDiv._fullLayout;
    const width = layout.width, height = layout.height;
    window.Plotly.toImage(graphDiv, { format: "png", width: width, height: height }).then((url) => {
      const out = document.createElement("canvas");
      out.width = width; out.height = height;
      const context = out.getContext("2d");
      context.fillStyle = "white"; context.fillRect(0, 0, width, height);
      context.imageSmoothingEnabled = false;
      context.drawImage(canvas, layout.xaxis._offset, layout.yaxis._offset, layout.xaxis._length, layout.yaxis._length);
      const image = new Image();
      image.onload = () => { context.drawImage(image, 0, 0); save(out.toDataURL("image/png")); };
      image.src = url;
    });
  }

  // ------------------------------------------------------------------ training (play loop)

  /*
   * Play runs as a loop in the browser: post the session's state to the engine, paint the
   * answer, post again. Each frame costs one small request (a few ms of training) and one
   * paint, with no Dash callback in between; the Dash stores (and through them the sliders,
   * the cost curve and the labels) are brought up to date 4 times a second.
   */
  const HISTORY_LENGTH = 2000;
  const session = {
    playing: false, busy: false, settings: {}, trainer: {},
    history: { epoch: [], train: [], test: [] }, lastFollow: 0, timing: null, epoch: 0,
  };

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) window.dash_clientside.set_props(id, props);
  }

  function writeLabels() {
    // Plain text no callback reads: written straight into the page on every frame.
    const epoch = document.getElementById("epoch-label");
    if (epoch) epoch.textContent = "epoch " + +session.epoch.toFixed(2);
    const timing = document.getElementById("timing");
    if (timing && session.timing) {
      const ms = (v) => (v === undefined ? "–" : +v.toPrecision(3) + " ms");
      timing.textContent = ms(session.timing.backprop) + "\n" + ms(session.timing.finite_differences);
    }
  }

  /** While playing: sliders and cost curve follow a few times a second, straight in the page. */
  function followTraining() {
    const now = performance.now();
    if (now - session.lastFollow < 250) return;
    session.lastFollow = now;
    const shown = window.playground.shown;
    if (shown) followSliders(shown.net);
    const graph = document.querySelector("#cost-graph .js-plotly-plot");
    if (graph && window.Plotly) {
      window.Plotly.react(graph, window.dash_clientside.playground.costFigure(session.history));
    }
  }

  /** Hand the session back to the Dash stores (one page-wide React pass each): after a step or a pause. */
  function syncToDash() {
    const shown = window.playground.shown;
    if (shown) setProps("network", { data: shown.net });
    // Fresh arrays, so Dash sees a new value (it compares by reference).
    const h = session.history;
    session.synced = { trainer: session.trainer,
      history: { epoch: h.epoch.slice(), train: h.train.slice(), test: h.test.slice() } };
    setProps("training", { data: session.synced });
  }

  function stopPlaying(message) {
    session.playing = false;
    setProps("playing", { data: false });
    setProps("play", { children: "play" });
    if (message) setProps("train-message", { children: message });
  }

  /** Post one training request: the network and trainer state to continue from. */
  async function postTraining(net, data, trainer, batches) {
    // Timing the other gradient method costs a little: once a second is plenty.
    const measure = performance.now() - (session.lastMeasured || 0) > 1000;
    if (measure) session.lastMeasured = performance.now();
    const response = await fetch("/_playground/train", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ network: net, data: data, trainer: trainer, settings: session.settings,
        batches: batches, time_both: measure }),
    });
    const result = await response.json();
    if (!response.ok) throw new Error(result.error || "training failed");
    return result;
  }

  /** Take a training result into the session and paint it. */
  function applyResult(result, shown) {
    session.trainer = result.trainer;
    session.timing = Object.assign({}, session.timing, result.timing);
    session.epoch = result.epoch;
    const h = session.history;
    h.epoch.push(result.epoch); h.train.push(result.train_cost); h.test.push(result.test_cost);
    if (h.epoch.length > HISTORY_LENGTH) { h.epoch.shift(); h.train.shift(); h.test.shift(); }
    render(result.network, shown.data, shown.view);
    writeLabels();
    counters.trainingFrames++;
    if (result.diverged) stopPlaying("Training " + result.diverged + ". Lower the learn rate and press play again.");
  }

  /**
   * What the page shows, once it is consistent: after a new data set with more classes the
   * page briefly holds the old network until its output layer is rebuilt (a server
   * callback), and training that pair would fail.
   */
  async function settledView() {
    for (let tries = 0; tries < 40; tries++) {
      const shown = window.playground.shown;
      const sizes = shown.net.layer_sizes;
      if (sizes[sizes.length - 1] >= shown.data.class_names.length) return shown;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return window.playground.shown;
  }

  /** Did anything but the play loop replace the network, the data or the training state? */
  function changedSince(view) {
    const shown = window.playground.shown;
    return session.restarted || shown.net !== view.net || shown.data !== view.data;
  }

  async function trainOnce(batches) {
    if (!window.playground.shown) return null;
    session.busy = true;
    session.restarted = false;
    try {
      const shown = await settledView();
      const result = await postTraining(shown.net, shown.data, session.trainer, batches);
      if (!changedSince(shown)) applyResult(result, shown);
      return result;
    } catch (error) {
      stopPlaying(String(error.message || error));
      return null;
    } finally {
      session.busy = false;
    }
  }

  /**
   * Play: the next request goes out as soon as an answer arrives, before that answer is
   * painted, so the server trains while the browser draws. A change made on the page
   * meanwhile (a new layer, another data set, reset, a loaded state) wins: the answer is
   * dropped and training carries on from what the page shows.
   */
  async function playLoop() {
    setProps("train-message", { children: "" });
    session.busy = true;
    session.restarted = false;
    try {
      let sentFrom = await settledView();
      let pending = postTraining(sentFrom.net, sentFrom.data, session.trainer, null);
      while (pending) {
        let result = null;
        try {
          result = await pending;
        } catch (error) {
          if (!changedSince(sentFrom)) throw error;  // else the request was moot anyway
        }
        if (!result || changedSince(sentFrom)) {
          session.restarted = false;
          sentFrom = await settledView();
          pending = session.playing ? postTraining(sentFrom.net, sentFrom.data, session.trainer, null) : null;
          continue;
        }
        const shown = window.playground.shown;
        pending = session.playing && !result.diverged
          ? postTraining(result.network, shown.data, result.trainer, null) : null;
        applyResult(result, shown);
        sentFrom = window.playground.shown;  // what the request just sent continues from
        followTraining();
      }
    } catch (error) {
      stopPlaying(String(error.message || error));
    } finally {
      session.busy = false;
      syncToDash();
    }
  }

  window.playground = {
    forward, evaluateGrid, evaluateCosts, edgeStyle, classColour, render, renderLog, downloadPNG,
    _drawDiagram: drawDiagram, _paint: paintImage, session, counters,
  };

  // ------------------------------------------------------------------ Dash callbacks

  const noUpdate = () => window.dash_clientside.no_update;

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    playground: {
      /** Repaint on a new network or data, and live while a slider is dragged (drag_value). */
      /** Repaint for a new network (a committed slider, a training step, a load) or new data. */
      render: function (net, data, view) {
        const shown = window.playground.shown;
        // The play loop's own sync hands back what is already on screen: nothing to redraw.
        const same = shown && shown.net === net && shown.data === data && shown.view === view;
        if (!drag && !same) render(net, data, view || {});
        return noUpdate();
      },

      /**
       * Keep sliders and the network store in step, both ways, in one callback (Dash
       * allows a callback's output to be its own input, not a cycle of two).
       */
      syncSliders: function (net, weightValues, biasValues, weightIds, biasIds, weightMins, weightMaxs, biasMins, biasMaxs) {
        const triggered = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id);
        const fromNetwork = triggered.some((p) => p.startsWith("network."));
        const none = noUpdate();
        if (!net) return [none, none, none, none, none, none, none];
        if (!fromNetwork) {
          const edit = withSliderValues(net, weightIds, weightValues, biasIds, biasValues);
          return [edit.changed ? edit.net : none, none, none, none, none, none, none];
        }
        const weights = weightIds.map((id) => parameterAt(net, id));
        const biases = biasIds.map((id) => parameterAt(net, id));
        // Sliders of the previous architecture, about to be replaced: leave them be.
        if (weights.concat(biases).some((v) => v === undefined)) return [none, none, none, none, none, none, none];
        const newWeights = weights.map(round), newBiases = biases.map(round);
        const same = newWeights.every((v, k) => v === weightValues[k]) && newBiases.every((v, k) => v === biasValues[k]);
        if (same) return [none, none, none, none, none, none, none];
        const wBounds = newWeights.map((v, k) => sliderBounds(v, weightMins[k], weightMaxs[k]));
        const bBounds = newBiases.map((v, k) => sliderBounds(v, biasMins[k], biasMaxs[k]));
        return [none, newWeights, wBounds.map((b) => b[0]), wBounds.map((b) => b[1]),
          newBiases, bBounds.map((b) => b[0]), bBounds.map((b) => b[1])];
      },

      togglePlay: function (clicks, playing) {
        session.playing = !session.playing;
        if (session.playing && !session.busy) playLoop();
        return [session.playing, session.playing ? "pause" : "play"];
      },

      step: function () {
        if (session.playing || session.busy) return noUpdate();
        setProps("train-message", { children: "" });
        trainOnce(1).then(() => syncToDash());
        return noUpdate();
      },

      settings: function (logLearnRate, batchSize, optimizer, momentum, l2, gradient, seed) {
        session.settings = { learn_rate: Math.pow(10, logLearnRate), batch_size: batchSize, optimizer: optimizer,
          momentum: momentum, l2: l2 || 0, gradient: gradient, seed: seed || 0 };
        return noUpdate();
      },

      /** The stores changed (a reset, a loaded state, or our own sync): continue from them. */
      adopt: function (training) {
        if (!training || training === session.synced) return noUpdate();
        if (session.playing) session.restarted = true;  // the play loop starts over from it
        const history = training.history;
        session.trainer = training.trainer || {};
        session.history = { epoch: history.epoch.slice(), train: history.train.slice(), test: history.test.slice() };
        session.epoch = history.epoch.length ? history.epoch[history.epoch.length - 1] : 0;
        writeLabels();
        return noUpdate();
      },

      costFigure: function (history) {
        history = history || {};
        counters.costCurve++;

        const trace = (part, colour) => ({ x: history.epoch || [], y: history[part] || [], mode: "lines",
          name: part + " cost", line: { color: colour }, type: "scatter" });
        return { data: [trace("train", "#1f77b4"), trace("test", "#e4572e")],
          layout: { margin: { l: 50, r: 10, t: 10, b: 40 }, height: 220, xaxis: { title: { text: "epoch" } },
            yaxis: { title: { text: "cost" }, automargin: true, exponentformat: "e" }, legend: { orientation: "h", y: 1.15 }, uirevision: "cost" } };
      },

      learnRateLabel: function (exponent, optimizer) {
        const value = Math.pow(10, exponent);
        const label = "learn rate " + (value >= 0.01 ? +value.toPrecision(3) : value.toExponential(2));
        // Adam and RMSProp step each weight by about the learn rate itself, whatever its slope:
        // the plain-SGD rates that suit the fruit throw them about, and they stall without diverging.
        const adaptive = { adam: "Adam", rmsprop: "RMSProp" }[optimizer];
        return adaptive && value > 1 ? label + " · large for " + adaptive + ": try 0.1" : label;
      },

      exportPNG: function (boundaryClicks, networkClicks) {
        const triggered = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id);
        if (triggered.some((p) => p.startsWith("export-boundary"))) {
          downloadPNG("decision-boundary", document.getElementById("boundary-canvas"),
            document.querySelector("#boundary-graph .js-plotly-plot"));
        } else if (triggered.some((p) => p.startsWith("export-network"))) {
          downloadPNG("network", document.getElementById("network-canvas"), null);
        }
        return noUpdate();
      },
    },
  });
  const syncSliders = window.dash_clientside.playground.syncSliders;

  // Lecture shortcuts: space plays or pauses, s steps (not while typing in a field).
  document.addEventListener("keydown", (event) => {
    const typing = event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const button = event.key === " " ? "play" : event.key === "s" ? "step" : null;
    if (button && document.getElementById(button)) {
      event.preventDefault();
      document.getElementById(button).click();
    }
  });
})();
