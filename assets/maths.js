/*
 * The browser's mirror of the engine (playground/engine): the only one.
 *
 * The playground evaluates its small network here, so a slider drag repaints without a
 * server round trip. A network is the engine's own description (``network_to_json``: an input
 * shape, a cost and a list of dense layers with their weights and biases); ``dense(net)`` reads
 * it as sizes, weights and activations once per network object:
 *
 *     z = a_prev @ W + b,   a = activation(z)
 *
 * in float64, and the costs exactly as the engine defines them (SPEC F5), cross-entropy from
 * the weighted inputs z (log-sum-exp), never from a clipped log(a). Training always happens
 * in the engine. The names it must implement (activations, costs), the leaky-ReLU slope and
 * the class colours come from Python (playground/app/contract.py) as window.playgroundContract;
 * tests/test_browser_maths.py loads this very file under Node with the same contract and
 * compares every activation × output × cost with the engine.
 *
 * A network may take feature inputs (SPEC F25: x1², x1·x2, sin x1, …, named by its
 * ``input_names``): the functions that take points (forward, evaluateGrid, evaluateCosts) take
 * 2-D points (x1, x2) and compute them; forwardPass takes what the input nodes take. A
 * regression network (``task: "regression"``) has one real output: its grid gives ``values``
 * and its readouts R² instead of accuracy.
 *
 * No DOM here: the file runs in the page and under Node alike.
 */
(function (root) {
  "use strict";

  let contract = null;
  const sigmoid = (z) => 0.5 * (1 + Math.tanh(0.5 * z));

  const ELEMENTWISE = {
    step: (z) => (z > 0 ? 1 : 0),
    sigmoid: sigmoid,
    tanh: Math.tanh,
    relu: (z) => (z > 0 ? z : 0),
    leaky_relu: (z) => (z > 0 ? z : contract.leaky_slope * z),
    elu: (z) => (z > 0 ? z : Math.expm1(z)),
    silu: (z) => z * sigmoid(z),
    linear: (z) => z,
  };

  // TensorFlow Playground's seven inputs, by the names Python gives them (playground/data/features.py).
  const FEATURES = {
    "x1": (x1, x2) => x1,
    "x2": (x1, x2) => x2,
    "x1^2": (x1, x2) => x1 * x1,
    "x2^2": (x1, x2) => x2 * x2,
    "x1*x2": (x1, x2) => x1 * x2,
    "sin(x1)": (x1, x2) => Math.sin(x1),
    "sin(x2)": (x1, x2) => Math.sin(x2),
  };

  /** log(1 + e^z) without overflow (the engine's np.logaddexp(0, z)). */
  function softplus(z) {
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }

  /** Row-wise softmax of n rows of width w (flat, row-major), in place into out. */
  function softmaxRows(z, n, w, out) {
    for (let s = 0; s < n; s++) {
      let max = -Infinity, total = 0;
      for (let j = 0; j < w; j++) max = Math.max(max, z[s * w + j]);
      for (let j = 0; j < w; j++) total += out[s * w + j] = Math.exp(z[s * w + j] - max);
      for (let j = 0; j < w; j++) out[s * w + j] /= total;
    }
    return out;
  }

  /** Take the contract from Python; refuse it if it names anything this file cannot compute. */
  function configure(given) {
    const missing = given.hidden_activations.concat(given.output_activations)
      .filter((name) => !(name in ELEMENTWISE) && name !== "softmax");
    const costs = given.costs.filter((name) => name !== "quadratic" && name !== "cross_entropy");
    missing.push(...(given.features || []).filter((name) => !(name in FEATURES)));
    if (missing.length || costs.length) {
      throw new Error("maths.js cannot compute " + missing.concat(costs).join(", ") + ": add them here");
    }
    contract = given;
    return api;
  }

  const denseViews = new WeakMap();

  /**
   * A dense network as the rest of this file reads it: layer_sizes, weights[l][i][j], biases[l][j],
   * the hidden activations and the output's; worked out once per network object.
   */
  function dense(net) {
    let view = denseViews.get(net);
    if (!view) {
      const layers = net.layers, last = layers[layers.length - 1];
      view = { layer_sizes: [layers[0].inputs].concat(layers.map((layer) => layer.outputs)),
        weights: layers.map((layer) => layer.weights), biases: layers.map((layer) => layer.biases),
        activations: layers.slice(0, -1).map((layer) => layer.activation), output_activation: last.activation,
        cost: net.cost, task: net.task || "classification",
        features: net.input_names ? net.input_names.map((name) => FEATURES[name]) : null };
      denseViews.set(net, view);
    }
    return view;
  }

  /** Layer l's weights as one flat row-major array: W[i * nOut + j]. */
  function flatWeights(net, l) {
    const rows = net.weights[l], nOut = net.biases[l].length, W = new Float64Array(rows.length * nOut);
    rows.forEach((row, i) => row.forEach((w, j) => { W[i * nOut + j] = w; }));
    return W;
  }

  /** a = activation(z) for n rows of width w, into out. */
  function activate(name, z, n, w, out) {
    if (name === "softmax") return softmaxRows(z, n, w, out);
    const f = ELEMENTWISE[name];
    for (let k = 0; k < out.length; k++) out[k] = f(z[k]);
    return out;
  }

  /**
   * One layer, z = a_prev @ W + b and a = activation(z), for n samples. The sums run row by row
   * of W (each input's weights to every node lie side by side), in the order a_prev @ W adds them.
   */
  function layerForward(net, l, name, aPrev, n) {
    const b = net.biases[l], nIn = net.weights[l].length, nOut = b.length, W = flatWeights(net, l);
    const z = new Float64Array(n * nOut);
    for (let s = 0; s < n; s++) {
      const row = s * nOut;
      for (let j = 0; j < nOut; j++) z[row + j] = b[j];
      for (let i = 0; i < nIn; i++) {
        const a = aPrev[s * nIn + i], w = i * nOut;
        for (let j = 0; j < nOut; j++) z[row + j] += a * W[w + j];
      }
    }
    return { z: z, a: activate(name, z, n, nOut, new Float64Array(n * nOut)) };
  }

  function activationNames(net) { return net.activations.concat([net.output_activation]); }

  /**
   * Weighted inputs and activations of every layer for n samples given flat (n × n_in).
   * Returns {activations: [a0, a1, …], weightedInputs: [z1, …]}, each a flat Float64Array.
   */
  function forwardPass(net, inputs, n) {
    return forwardFrom(dense(net), { activations: [inputs], weightedInputs: [] }, 0, n);
  }

  /** Continue a forward pass whose layers before weight-layer ``start`` (0-based) are done. */
  function forwardFrom(net, done, start, n) {
    const names = activationNames(net);
    const activations = done.activations.slice(0, start + 1), weightedInputs = done.weightedInputs.slice(0, start);
    for (let l = start; l < net.weights.length; l++) {
      const layer = layerForward(net, l, names[l], activations[l], n);
      weightedInputs.push(layer.z);
      activations.push(layer.a);
    }
    return { activations: activations, weightedInputs: weightedInputs };
  }

  /**
   * The forward pass again after one parameter into node j of weight-layer l (0-based) changed:
   * the layers before l are as they were, and in layer l only node j's weighted input moves,
   * so only it is computed there (a softmax layer is normalised anew); every later layer in
   * full. Equal to forwardPass on the edited network (tests/test_browser_maths.py).
   */
  function forwardEdited(net, before, l, j, n) {
    net = dense(net);
    const names = activationNames(net);
    const aPrev = before.activations[l], nIn = net.weights[l].length, nOut = net.biases[l].length;
    const z = before.weightedInputs[l].slice(), a = before.activations[l + 1].slice();
    const column = net.weights[l].map((row) => row[j]), bias = net.biases[l][j];
    for (let s = 0; s < n; s++) {
      let sum = bias;
      for (let i = 0; i < nIn; i++) sum += aPrev[s * nIn + i] * column[i];
      z[s * nOut + j] = sum;
    }
    if (names[l] === "softmax") softmaxRows(z, n, nOut, a);
    else {
      const f = ELEMENTWISE[names[l]];
      for (let s = 0; s < n; s++) a[s * nOut + j] = f(z[s * nOut + j]);
    }
    const done = { activations: before.activations.slice(0, l + 1).concat([a]),
      weightedInputs: before.weightedInputs.slice(0, l).concat([z]) };
    return forwardFrom(net, done, l + 1, n);
  }

  function flatten(pointList, width) {
    const flat = new Float64Array(pointList.length * width);
    pointList.forEach((p, s) => { for (let i = 0; i < width; i++) flat[s * width + i] = p[i]; });
    return flat;
  }

  /** What the input nodes take for n points (flat x1, x2 pairs): the points, or the network's features. */
  function networkInputs(net, points, n) {
    const features = dense(net).features;
    if (!features) return points;
    const k = features.length, inputs = new Float64Array(n * k);
    for (let s = 0; s < n; s++) {
      const x1 = points[2 * s], x2 = points[2 * s + 1];
      for (let i = 0; i < k; i++) inputs[s * k + i] = features[i](x1, x2);
    }
    return inputs;
  }

  /** Points [[x1, x2], …] as the input nodes take them. */
  function pointInputs(net, pointList) {
    const view = dense(net);
    return view.features ? networkInputs(net, flatten(pointList, 2), pointList.length) : flatten(pointList, view.layer_sizes[0]);
  }

  /** The outputs (one row per sample) of the network for points [[x1, x2], …] (or its own inputs). */
  function forward(net, pointList) {
    const sizes = dense(net).layer_sizes, n = pointList.length, width = sizes[sizes.length - 1];
    const out = forwardPass(net, pointInputs(net, pointList), n).activations.pop();
    const rows = [];
    for (let s = 0; s < n; s++) rows.push(Array.from(out.subarray(s * width, (s + 1) * width)));
    return rows;
  }

  /** Predicted class and confidence (the winner's lead over the runner-up, 0…1) of each output row. */
  function classify(outputs, width, n, outputActivation) {
    const predicted = new Uint8Array(n), confidence = new Float64Array(n);
    const span = outputActivation === "tanh" ? 2 : 1;
    for (let s = 0; s < n; s++) {
      let best = 0, bestValue = -Infinity, second = -Infinity;
      for (let j = 0; j < width; j++) {
        const v = outputs[s * width + j];
        if (v > bestValue) { second = bestValue; bestValue = v; best = j; } else if (v > second) second = v;
      }
      predicted[s] = best;
      confidence[s] = width === 1 ? 1 : Math.min(Math.max((bestValue - second) / span, 0), 1);
    }
    return { predicted: predicted, confidence: confidence };
  }

  /** The network over a resolution × resolution grid of cell centres (rows: x2 ascending). */
  function evaluateGrid(net, xRange, yRange, resolution) {
    const n = resolution * resolution, points = new Float64Array(2 * n);
    const dx = (xRange[1] - xRange[0]) / resolution, dy = (yRange[1] - yRange[0]) / resolution;
    for (let r = 0; r < resolution; r++) {
      for (let c = 0; c < resolution; c++) {
        const s = r * resolution + c;
        points[2 * s] = xRange[0] + dx * (c + 0.5);
        points[2 * s + 1] = yRange[0] + dy * (r + 0.5);
      }
    }
    return gridResult(net, forwardPass(net, networkInputs(net, points, n), n), resolution);
  }

  /**
   * The grid after one parameter into node ``node`` of weight-layer ``layer`` (1-based, as in
   * W[l] and b[l]) changed from the network ``before`` was computed for: what a slider drag
   * needs, at a fraction of evaluateGrid's cost.
   */
  function evaluateGridEdited(before, net, layer, node) {
    const n = before.resolution * before.resolution;
    return gridResult(net, forwardEdited(net, before.pass, layer - 1, node, n), before.resolution);
  }

  function gridResult(net, pass, resolution) {
    const view = dense(net), layers = pass.activations, n = resolution * resolution;
    const width = view.layer_sizes[view.layer_sizes.length - 1];
    const result = classify(layers[layers.length - 1], width, n, view.output_activation);
    if (view.task === "regression") result.values = layers[layers.length - 1];  // the one real output per cell
    result.layers = layers;
    result.pass = pass;
    result.resolution = resolution;
    return result;
  }

  /**
   * The average cost of n samples from the output layer's z and a and integer labels (or, with
   * ``regression``, one real target per sample), as the engine's costs.py: quadratic = mean Σ (a − y)²;
   * cross-entropy = mean (logsumexp(z) − z_y) for softmax, mean Σ (log(1 + e^z) − y·z) for sigmoid;
   * null where cross-entropy has no meaning.
   */
  function outputCost(costName, outputActivation, z, a, labels, width, regression) {
    const n = labels.length;
    let total = 0;
    if (costName === "quadratic") {
      for (let s = 0; s < n; s++) {
        for (let j = 0; j < width; j++) {
          const d = a[s * width + j] - (regression ? labels[s] : (j === labels[s] ? 1 : 0));
          total += d * d;
        }
      }
    } else if (outputActivation === "softmax") {
      for (let s = 0; s < n; s++) {
        let max = -Infinity, sum = 0;
        for (let j = 0; j < width; j++) max = Math.max(max, z[s * width + j]);
        for (let j = 0; j < width; j++) sum += Math.exp(z[s * width + j] - max);
        total += max + Math.log(sum) - z[s * width + labels[s]];
      }
    } else if (outputActivation === "sigmoid") {
      for (let s = 0; s < n; s++) {
        for (let j = 0; j < width; j++) total += softplus(z[s * width + j]) - (j === labels[s] ? z[s * width + j] : 0);
      }
    } else {
      return null;
    }
    return total / n;
  }

  /** The L2 term ½·λ·Σ W² (weights only). */
  function l2Term(net, l2) {
    let total = 0;
    if (l2) dense(net).weights.forEach((W) => W.forEach((row) => row.forEach((w) => { total += w * w; })));
    return 0.5 * (l2 || 0) * total;
  }

  /** The L1 term λ₁·Σ |W| (weights only, as L2). */
  function l1Term(net, l1) {
    let total = 0;
    if (l1) dense(net).weights.forEach((W) => W.forEach((row) => row.forEach((w) => { total += Math.abs(w); })));
    return (l1 || 0) * total;
  }

  /** R² of one output against its targets, as the engine's tasks.r_squared. */
  function rSquared(a, targets) {
    const n = targets.length;
    let mean = 0, residual = 0, spread = 0;
    for (let s = 0; s < n; s++) mean += targets[s] / n;
    for (let s = 0; s < n; s++) {
      residual += (targets[s] - a[s]) ** 2;
      spread += (targets[s] - mean) ** 2;
    }
    return spread > 0 ? 1 - residual / spread : (residual === 0 ? 1 : 0);
  }

  /**
   * Quadratic cost, cross-entropy (null without probability outputs), L2 and L1 terms and accuracy
   * of a data part: points [[x1, x2], …] and their labels (a regression: its targets, and R² for accuracy).
   */
  function evaluateCosts(net, inputs, labels, l2, l1) {
    const view = dense(net), n = labels.length, width = view.layer_sizes[view.layer_sizes.length - 1];
    if (n === 0) return null;
    const pass = forwardPass(net, pointInputs(net, inputs), n);
    const a = pass.activations[pass.activations.length - 1], z = pass.weightedInputs[pass.weightedInputs.length - 1];
    if (view.task === "regression") {
      return { quadratic: outputCost("quadratic", view.output_activation, z, a, labels, width, true),
        cross_entropy: null, l2: l2Term(net, l2), l1: l1Term(net, l1), accuracy: null, r_squared: rSquared(a, labels) };
    }
    const { predicted } = classify(a, width, n, view.output_activation);
    let correct = 0;
    for (let s = 0; s < n; s++) if (predicted[s] === labels[s]) correct++;
    const probabilities = contract.probability_outputs.indexOf(view.output_activation) >= 0;
    return {
      quadratic: outputCost("quadratic", view.output_activation, z, a, labels, width),
      cross_entropy: probabilities ? outputCost("cross_entropy", view.output_activation, z, a, labels, width) : null,
      l2: l2Term(net, l2),
      l1: l1Term(net, l1),
      accuracy: correct / n,
    };
  }

  const api = {
    configure: configure, dense: dense, forwardPass: forwardPass, networkInputs: networkInputs, forwardEdited: forwardEdited, forward: forward,
    classify: classify, evaluateGrid: evaluateGrid, evaluateGridEdited: evaluateGridEdited, outputCost: outputCost, evaluateCosts: evaluateCosts, l2Term: l2Term, l1Term: l1Term,
    activation: (name, z) => (name === "softmax" ? null : ELEMENTWISE[name](z)), softmaxRows: softmaxRows,
    get contract() { return contract; },
  };

  const modules = root.neuralModules = root.neuralModules || {};
  modules.maths = api;
  if (root.playgroundContract) configure(root.playgroundContract);
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
