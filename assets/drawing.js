/*
 * Drawing on canvases: class maps, node heatmaps, the network diagram, readout tables, and their
 * exports (PNG and SVG, 1920 px wide).
 *
 * Colours come from Python's contract (playground/app/colours.py); the numbers to draw come
 * from maths.js. Nothing here knows a page: each page module passes in its own elements.
 */
(function (root) {
  "use strict";

  const modules = root.neuralModules = root.neuralModules || {};
  const EXPORT_WIDTH = 1920;  // presentation size: every export is this many pixels wide
  // The input nodes' names, left of them, in the diagram's own font size (lecture mode's is larger).
  const labelPixels = (canvas) => parseFloat(root.getComputedStyle(canvas).fontSize) || 13;
  const labelWidth = (fontPixels) => 3.6 * fontPixels;  // "sin x₁" at this size, and a gap
  const labelFont = (fontPixels) => fontPixels + "px sans-serif";
  const escapeText = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const mixWithWhite = (c, amount) => c.map((v) => Math.round(v + (255 - v) * amount));
  // The contract's colours as RGB triples, worked out once (they are used per pixel).
  const contract = root.playgroundContract;
  const POSITIVE = rgb(contract.positive_colour), NEGATIVE = rgb(contract.negative_colour);
  const CLASS_RGB = contract.class_colours.map(rgb);  // parsed once: the heatmaps colour thousands of cells
  // Class k at confidence c: its colour mixed with white, 90 % (a tie) down to 35 % (certain).
  // A discretized map ("discretize output") paints every cell of class k at confidence 1: one colour a class.
  const PALETTE = contract.class_colours.map((hex) => [mixWithWhite(rgb(hex), 0.9), mixWithWhite(rgb(hex), 0.35)]);

  function classColour(k, confidence, out) {
    const [light, dark] = PALETTE[k % PALETTE.length];
    const t = Math.min(confidence, 0.999);
    out = out || [0, 0, 0];
    for (let i = 0; i < 3; i++) out[i] = Math.round(light[i] + (dark[i] - light[i]) * t);
    return out;
  }

  /** Edge colour by sign (positive blue, negative orange) and width by |w| relative to the largest weight. */
  function edgeStyle(weight, largest) {
    const strength = largest > 0 ? Math.min(Math.abs(weight) / largest, 1) : 0;
    const [r, g, b] = weight >= 0 ? POSITIVE : NEGATIVE;
    return { colour: "rgba(" + r + "," + g + "," + b + "," + (0.25 + 0.75 * strength).toFixed(3) + ")",
      width: 0.5 + 5.5 * strength };
  }

  /** A node's activation mapped to −1…1 for its heatmap. */
  function nodeScale(name, values) {
    if (name === "sigmoid" || name === "softmax" || name === "step") return (v) => 2 * v - 1;
    if (name === "tanh") return (v) => v;
    let largest = 1e-12;
    for (const v of values) largest = Math.max(largest, Math.abs(v));
    return (v) => v / largest;
  }

  function nodeColour(v, out) {
    // −1 orange, 0 white, +1 blue, as the edges.
    const target = v >= 0 ? POSITIVE : NEGATIVE;
    const t = Math.min(Math.abs(v), 1);
    for (let i = 0; i < 3; i++) out[i] = Math.round(255 + (target[i] - 255) * t);
    return out;
  }

  /** An output node's value as its class's colour: white at 0, the class colour at 1 (below 0: as nodeColour). */
  function classShade(v, node, out) {
    if (v < 0) return nodeColour(v, out);
    const target = CLASS_RGB[node % CLASS_RGB.length];
    const t = Math.min(v, 1);
    for (let i = 0; i < 3; i++) out[i] = Math.round(255 + (target[i] - 255) * t);
    return out;
  }

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

  /**
   * Mark, on a painted class map, the cells where ``grid``'s predicted class changes: another
   * network's boundary (a step's "before") drawn over this one's colours. Returns the count.
   */
  function markBoundary(canvas, grid, colour) {
    const n = grid.resolution, predicted = grid.predicted, context = canvas.getContext("2d");
    const image = context.getImageData(0, 0, n, n);
    let marked = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const s = r * n + c, k = predicted[s];
        if (!((c + 1 < n && predicted[s + 1] !== k) || (r + 1 < n && predicted[s + n] !== k))) continue;
        const p = 4 * ((n - 1 - r) * n + c); // canvas rows run top-down
        image.data[p] = colour[0]; image.data[p + 1] = colour[1]; image.data[p + 2] = colour[2];
        marked++;
      }
    }
    context.putImageData(image, 0, 0);
    return marked;
  }

  /** Place a canvas exactly under a Plotly graph's plot area; false while the graph is not laid out. */
  function placeUnderPlot(graphDiv, canvas) {
    const area = modules.plotlyView.plotArea(graphDiv);
    if (!area) return false;
    const style = canvas.style;
    style.left = area.left + "px";
    style.top = area.top + "px";
    style.width = area.width + "px";
    style.height = area.height + "px";
    return true;
  }

  /**
   * The diagram's parts for a width × height box: edges by weight (colour: sign, width: size)
   * and, per node, a small heatmap of what it responds to over the plane (a canvas tile).
   * Drawn on a canvas by drawDiagram, written as SVG by diagramSVG.
   */
  const tiles = [];  // the nodes' heatmap canvases, by node: drawn into the diagram, or into an export at once

  function diagramParts(network, grid, width, height, fontPixels) {
    const net = modules.maths.dense(network), sizes = net.layer_sizes, tallest = Math.max(...sizes);
    const box = Math.max(10, Math.min(36, (height - 20) / tallest - 8));
    // Each input node is named (x₁, x₁², sin x₂, …) in a column left of it.
    const names = (network.input_names || ["x1", "x2"]).map((name) => (contract.feature_labels || {})[name] || name);
    const left = 20 + labelWidth(fontPixels);
    const x = (l) => left + box / 2 + (l * (width - left - 20 - box)) / Math.max(sizes.length - 1, 1);
    const y = (l, i) => height / 2 + (i - (sizes[l] - 1) / 2) * (box + 8);
    let largest = 0;
    net.weights.forEach((W) => W.forEach((row) => row.forEach((w) => { largest = Math.max(largest, Math.abs(w)); })));
    const edges = [];
    net.weights.forEach((W, l) => W.forEach((row, i) => row.forEach((w, j) => {
      const style = edgeStyle(w, largest);
      edges.push({ x1: x(l) + box / 2, y1: y(l, i), x2: x(l + 1) - box / 2, y2: y(l + 1, j),
        colour: style.colour, width: style.width });
    })));
    const activationNames = ["linear"].concat(net.activations, [net.output_activation]);
    const nodes = [];
    for (let l = 0; l < sizes.length; l++) {
      const values = grid.layers[l];
      for (let i = 0; i < sizes[l]; i++) {
        const n = grid.resolution * grid.resolution, stride = sizes[l];
        const column = new Float64Array(n);
        for (let s = 0; s < n; s++) column[s] = values[s * stride + i];
        const output = l === sizes.length - 1;
        // An output node stands for a class: its heatmap is drawn in that class's colour, from
        // white (probability 0) to the full colour (probability 1).
        // A regression's output is a value, drawn as the plane is (orange −, white 0, blue +).
        const regression = output && net.task === "regression";
        const probability = output && !regression && (activationNames[l] === "sigmoid" || activationNames[l] === "softmax");
        const scale = probability ? (v) => v : nodeScale(regression ? "linear" : activationNames[l], column);
        const colourOf = output && !regression ? (v, out) => classShade(v, i, out) : nodeColour;
        // The tiles are kept from one drawing to the next (a big network has hundreds of nodes).
        const tile = tiles[nodes.length] || (tiles[nodes.length] = document.createElement("canvas"));
        paintImage(tile, grid.resolution, (s, out) => colourOf(scale(column[s]), out));
        nodes.push({ left: x(l) - box / 2, top: y(l, i) - box / 2, size: box, tile: tile,
          label: l === 0 ? names[i] : null });
      }
    }
    return { edges: edges, nodes: nodes };
  }

  /** The network diagram on its canvas (or, with exportAs, an off-screen copy drawn larger). */
  function drawDiagram(canvas, net, grid, exportAs) {
    let width, height, ratio;
    if (exportAs) {  // an off-screen copy: the shown diagram's layout, drawn exportAs.scale times larger
      width = exportAs.width; height = exportAs.height; ratio = exportAs.scale;
    } else {
      // Tall enough for a readable heatmap per node (at least 18 px) in the widest layer.
      const wanted = Math.max(300, Math.max(...modules.maths.dense(net).layer_sizes) * 26 + 20) + "px";
      if (canvas.style.height !== wanted) canvas.style.height = wanted;  // a style change costs a layout
      width = canvas.clientWidth || 360; height = canvas.clientHeight || 300;
      ratio = root.devicePixelRatio || 1;
    }
    canvas.width = width * ratio; canvas.height = height * ratio;
    const context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const fontPixels = labelPixels(canvas);
    const parts = diagramParts(net, grid, width, height, fontPixels);
    for (const edge of parts.edges) {
      context.strokeStyle = edge.colour; context.lineWidth = edge.width;
      context.beginPath();
      context.moveTo(edge.x1, edge.y1); context.lineTo(edge.x2, edge.y2);
      context.stroke();
    }
    context.imageSmoothingEnabled = false;
    context.fillStyle = "#333"; context.textAlign = "right"; context.textBaseline = "middle";
    context.font = labelFont(fontPixels);
    for (const node of parts.nodes) {
      context.drawImage(node.tile, node.left, node.top, node.size, node.size);
      context.strokeStyle = "#555"; context.lineWidth = 1;
      context.strokeRect(node.left, node.top, node.size, node.size);
      if (node.label) context.fillText(node.label, node.left - 6, node.top + node.size / 2, labelWidth(fontPixels) - 6);
    }
  }

  /** The network diagram as SVG: the shown layout, 1920 px wide (edges as lines, heatmaps as images). */
  function diagramSVG(canvas, net, grid) {
    const width = canvas.clientWidth || 360, height = canvas.clientHeight || 300;
    const fontPixels = labelPixels(canvas);
    const parts = diagramParts(net, grid, width, height, fontPixels);
    const number = (v) => +v.toFixed(2);
    const lines = parts.edges.map((e) => `<line x1="${number(e.x1)}" y1="${number(e.y1)}" x2="${number(e.x2)}" ` +
      `y2="${number(e.y2)}" stroke="${e.colour}" stroke-width="${number(e.width)}"/>`);
    const images = parts.nodes.map((n) => `<image x="${number(n.left)}" y="${number(n.top)}" width="${number(n.size)}" ` +
      `height="${number(n.size)}" preserveAspectRatio="none" style="image-rendering: pixelated" ` +
      `href="${n.tile.toDataURL("image/png")}"/><rect x="${number(n.left)}" y="${number(n.top)}" ` +
      `width="${number(n.size)}" height="${number(n.size)}" fill="none" stroke="#555"/>` +
      (n.label ? `<text x="${number(n.left - 6)}" y="${number(n.top + n.size / 2)}" text-anchor="end" ` +
        `dominant-baseline="middle" style="font: ${labelFont(fontPixels)}" fill="#333">${escapeText(n.label)}</text>` : ""));
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${EXPORT_WIDTH}" ` +
      `height="${Math.round(EXPORT_WIDTH * height / width)}" viewBox="0 0 ${width} ${height}">` +
      `<rect width="${width}" height="${height}" fill="white"/>${lines.join("")}${images.join("")}</svg>`;
  }

  function formatCost(value) {
    if (value === null || value === undefined) return "–";
    return Math.abs(value) < 1e5 ? value.toFixed(4) : value.toExponential(3);
  }

  /**
   * The cost and accuracy table, written as text (never as markup). The table is made once per
   * element and its cells rewritten after that: a drag rewrites it on every move.
   */
  function writeReadouts(element, train, test) {
    if (!element || !train) return;
    // L1 and L2 share a column (the table stays five wide on a projector): their sum, named by which are on.
    const terms = [["L1", "l1"], ["L2", "l2"]].filter(([, key]) => train[key]);
    const penalty = (r) => (terms.length ? formatCost(terms.reduce((sum, [, key]) => sum + r[key], 0)) : "–");
    // A regression is scored by R² (1: every target hit) where a classification has its accuracy.
    const regression = train.r_squared !== undefined;
    const rSquared = (v) => (!isFinite(v) ? "–" : Math.abs(v) < 1e4 ? v.toFixed(3) : v.toExponential(2));
    const score = (r) => (regression ? rSquared(r.r_squared) : (100 * r.accuracy).toFixed(1) + " %");
    const rows = [["", "quadratic cost", "cross-entropy", (terms.map(([name]) => name).join(" + ") || "L2") + " term",
      regression ? "R²" : "accuracy"]];
    [["train", train], ["test", test]].filter((r) => r[1]).forEach(([name, r]) => rows.push([name,
      formatCost(r.quadratic), formatCost(r.cross_entropy), penalty(r), score(r)]));
    let table = element.firstChild;
    if (!table || table.rows.length !== rows.length) {
      table = document.createElement("table");
      table.className = "readouts";
      rows.forEach((cells, r) => {
        const tr = table.insertRow();
        cells.forEach((_, k) => tr.appendChild(document.createElement(r === 0 || k === 0 ? "th" : "td")));
      });
      element.replaceChildren(table);
    }
    rows.forEach((cells, r) => cells.forEach((text, k) => {
      const cell = table.rows[r].cells[k];
      if (cell.textContent !== text) cell.textContent = text;
    }));
  }

  function save(url, fileName) {
    const link = document.createElement("a");
    link.href = url; link.download = fileName;
    document.body.appendChild(link); link.click(); link.remove();
  }

  /** The network diagram as SVG, 1920 px wide. */
  function downloadDiagramSVG(name, canvas, net, grid) {
    save("data:image/svg+xml;charset=utf-8," + encodeURIComponent(diagramSVG(canvas, net, grid)), name + ".svg");
  }

  /** The network diagram as PNG, 1920 px wide: the shown layout, drawn larger. */
  function downloadDiagramPNG(name, canvas, net, grid) {
    const width = canvas.clientWidth || 360, height = canvas.clientHeight || 300;
    const copy = document.createElement("canvas");
    drawDiagram(copy, net, grid, { width: width, height: height, scale: EXPORT_WIDTH / width });
    const out = document.createElement("canvas");
    out.width = copy.width; out.height = copy.height;
    const context = out.getContext("2d");
    context.fillStyle = "white"; context.fillRect(0, 0, out.width, out.height);
    context.drawImage(copy, 0, 0);
    save(out.toDataURL("image/png"), name + ".png");
  }

  /**
   * The boundary (a class map on a canvas under a Plotly graph of the points) as one SVG:
   * Plotly's own SVG of the points and axes, as laid out on the screen and scaled to 1920 px
   * wide, with the class map laid in under its plot area. Resolves to the SVG's text and size.
   */
  function boundarySVG(canvas, graphDiv) {
    const layout = modules.plotlyView.size(graphDiv);
    const scale = EXPORT_WIDTH / layout.width;
    const options = { format: "svg", width: layout.width, height: layout.height, scale: scale };
    return root.Plotly.toImage(graphDiv, options).then((url) => {
      const text = decodeURIComponent(url.slice(url.indexOf(",") + 1));
      const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
      const area = svg.querySelector(".bglayer rect.bg") || svg.querySelector("rect.bg");
      const namespace = "http://www.w3.org/2000/svg";
      const paper = document.createElementNS(namespace, "rect");  // in the screen's units (the viewBox)
      paper.setAttribute("width", layout.width); paper.setAttribute("height", layout.height);
      paper.setAttribute("fill", "white");
      const map = document.createElementNS(namespace, "image");
      for (const name of ["x", "y", "width", "height"]) map.setAttribute(name, area.getAttribute(name));
      map.setAttribute("preserveAspectRatio", "none");
      map.setAttribute("style", "image-rendering: pixelated");
      map.setAttribute("href", canvas.toDataURL("image/png"));
      // Under everything Plotly drew: the white paper, then the map, then axes and points.
      svg.insertBefore(map, svg.firstChild);
      svg.insertBefore(paper, map);
      const height = Math.round(layout.height * scale);
      svg.setAttribute("width", EXPORT_WIDTH); svg.setAttribute("height", height);  // not 1919.9999…
      return { text: new XMLSerializer().serializeToString(svg), width: EXPORT_WIDTH, height: height };
    });
  }

  /** Download the boundary as SVG or PNG, 1920 px wide (the PNG is the SVG, drawn). */
  function downloadBoundary(name, canvas, graphDiv, format) {
    return boundarySVG(canvas, graphDiv).then((made) => {
      const url = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(made.text);
      if (format === "svg") { save(url, name + ".svg"); return; }
      return new Promise((resolve) => {
        const image = new Image();
        image.onload = () => {
          const out = document.createElement("canvas");
          out.width = made.width; out.height = made.height;
          const context = out.getContext("2d");
          context.imageSmoothingEnabled = false;
          context.drawImage(image, 0, 0, made.width, made.height);
          save(out.toDataURL("image/png"), name + ".png");
          resolve();
        };
        image.src = url;
      });
    });
  }

  modules.drawing = {
    classColour: classColour, edgeStyle: edgeStyle, nodeScale: nodeScale, nodeColour: nodeColour,
    paintImage: paintImage, markBoundary: markBoundary, placeUnderPlot: placeUnderPlot, drawDiagram: drawDiagram, formatCost: formatCost,
    writeReadouts: writeReadouts, downloadDiagramPNG: downloadDiagramPNG, downloadDiagramSVG: downloadDiagramSVG,
    diagramSVG: diagramSVG, boundarySVG: boundarySVG,
    downloadBoundary: downloadBoundary, save: save, EXPORT_WIDTH: EXPORT_WIDTH,
  };
})(window);
