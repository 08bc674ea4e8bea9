/*
 * The controls a student's phone draws from the room's description (page /join, assets/join.js):
 * a slider for every weight and bias, a big button for every answer of a vote, and the train
 * race's network within the round's limits. All text is set as text, never as markup.
 *
 * Each control says what it does in a data-join attribute ("layers", "width", "activation",
 * "vote"), which join.js reads from one click handler on the page; a slider is a native range
 * input (its keys, its look: a thumb made big in join.css) whose row takes the finger (below).
 */
(function (modules) {
  "use strict";

  const SLIDER_STEP = 0.01;

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  // ------------------------------------------------------------------ weights and biases

  /** A parameter's address as the exercise links and the API name it: ["W", layer, row, col] or ["b", layer, node]. */
  const key = (address) => address.join(",");
  const label = (a) => (a[0] === "W" ? `W[${a[1]}][${a[2]},${a[3]}]` : `b[${a[1]}][${a[2]}]`);
  const shortValue = (v) => (Math.abs(v) >= 1e4 ? v.toExponential(1) : String(Math.round(v * 100) / 100));

  /** Every weight and bias of a dense network, layer by layer: its address and value. */
  function parameters(net) {
    const found = [];
    net.layers.forEach((layer, l) => {
      layer.weights.forEach((row, i) => row.forEach((w, j) => found.push({ address: ["W", l + 1, i, j], value: w })));
      layer.biases.forEach((b, j) => found.push({ address: ["b", l + 1, j], value: b }));
    });
    return found;
  }

  function valueAt(net, address) {
    const layer = net.layers[address[1] - 1];
    return address[0] === "W" ? layer.weights[address[2]][address[3]] : layer.biases[address[2]];
  }

  /** A copy of the network with one parameter set (the room's JSON, as sent and kept). */
  function withValue(net, address, value) {
    const layers = net.layers.map((layer, l) => (l !== address[1] - 1 ? layer : Object.assign({}, layer, {
      weights: layer.weights.map((row) => row.slice()), biases: layer.biases.slice() })));
    const layer = layers[address[1] - 1];
    if (address[0] === "W") layer.weights[address[2]][address[3]] = value; else layer.biases[address[2]] = value;
    return Object.assign({}, net, { layers: layers });
  }

  /** Is the parameter held by the teacher (its weight-layer, or itself)? */
  function isHeld(settings, address) {
    return (settings.held_layers || []).includes(address[1]) || (settings.held_weights || []).some((a) => key(a) === key(address));
  }

  const shapeOf = (net) => JSON.stringify(net.layers.map((layer) => [layer.inputs, layer.outputs]));

  /**
   * The network with every held parameter at the room's value (the server refuses a submission
   * that moved one); a network of other layers (a train round's own) holds nothing of the room's.
   */
  function keepHeld(net, room, settings) {
    if (shapeOf(net) !== shapeOf(room)) return net;
    let kept = net;
    for (const { address } of parameters(net)) {
      if (isHeld(settings, address) && valueAt(kept, address) !== valueAt(room, address)) kept = withValue(kept, address, valueAt(room, address));
    }
    return kept;
  }

  /** A slider's range: ±range, widened to take the value (as the playground's sliders). */
  function bounds(value, range) { return [Math.min(-range, Math.floor(value)), Math.max(range, Math.ceil(value))]; }

  /**
   * The sliders of ``net`` in ``container``, one row each (label, track, value), grouped by weight-layer;
   * held ones disabled and marked. Drawn anew only when the network's shape or what is held changed.
   */
  function drawSliders(container, net, settings, range) {
    const shape = JSON.stringify([shapeOf(net), settings.held_layers, settings.held_weights]);
    if (container.dataset.shape === shape) return setSliders(container, net, range);
    container.dataset.shape = shape;
    const rows = [];
    let layerShown = 0;
    for (const { address, value } of parameters(net)) {
      const layerHeld = (settings.held_layers || []).includes(address[1]);
      if (address[1] !== layerShown) {
        layerShown = address[1];
        rows.push(element("h3", "join-layer-name", `weight-layer ${layerShown}: into layer ${layerShown}'s nodes`));
        if (layerHeld) rows.push(element("div", "join-held", "all held by the teacher"));
      }
      const row = element("div", "join-slider"), held = isHeld(settings, address);
      row.dataset.address = JSON.stringify(address);
      const name = element("span", "join-slider-name", label(address));
      const input = element("input");
      input.type = "range";
      input.step = SLIDER_STEP;
      input.disabled = held;
      input.setAttribute("aria-label", label(address));
      const shown = element("span", "join-slider-value");
      row.append(name, input, shown);
      if (held) {
        row.classList.add("held");
        row.title = "held by the teacher: it keeps the room's value";
        if (!layerHeld) row.append(element("span", "join-held", "held by the teacher"));  // a whole layer's: said once
      }
      rows.push(row);
    }
    container.replaceChildren(...rows);
    setSliders(container, net, range);
  }

  /** Every slider to its parameter's value (a reset, a new network from the server). */
  function setSliders(container, net, range) {
    container.querySelectorAll(".join-slider").forEach((row) => {
      const value = valueAt(net, JSON.parse(row.dataset.address)), input = row.querySelector("input");
      const [low, high] = bounds(value, range);
      input.min = low; input.max = high;
      input.value = value;
      row.querySelector(".join-slider-value").textContent = shortValue(value);
    });
  }

  /** What a slider's input event changed: its address and value (its label follows). */
  function sliderMoved(input) {
    const row = input.closest(".join-slider"), value = Number(input.value);
    row.querySelector(".join-slider-value").textContent = shortValue(value);
    return { address: JSON.parse(row.dataset.address), value: value };
  }

  // ------------------------------------------------------------------ a thumb's drag

  /*
   * A phone's own range input jumps to wherever a finger lands on it, so a thumb scrolling the
   * list past the sliders would move them. Here the slider's row takes the finger instead (the
   * input takes no pointer, only keys): a finger that goes sideways drags the value by as much as
   * it moves (from the value it had, not from where it landed); one that goes up or down scrolls
   * the page (the row's touch-action: pan-y leaves that to the browser, which cancels the drag).
   */
  const SIDEWAYS = 6;  // CSS pixels a finger goes sideways before it drags
  let drag = null;

  function dragStart(event) {
    const row = event.target.closest && event.target.closest(".join-slider"), input = row && row.querySelector("input");
    drag = null;
    if (!input || input.disabled || (event.pointerType === "mouse" && event.button !== 0)) return;
    drag = { row: row, input: input, id: event.pointerId, x: event.clientX, y: event.clientY, from: Number(input.value), moving: false };
  }

  /** The input whose value a pointer's move changed (its label follows), or null. */
  function dragMove(event) {
    if (!drag || event.pointerId !== drag.id) return null;
    const dx = event.clientX - drag.x, input = drag.input;
    // The teacher's push arrived mid-drag: the sliders were drawn anew, or this one is held now.
    if (!drag.row.isConnected || input.disabled) { drag = null; return null; }
    if (!drag.moving) {
      if (Math.abs(dx) < SIDEWAYS || Math.abs(dx) < Math.abs(event.clientY - drag.y)) return null;
      drag.moving = true;
      drag.row.setPointerCapture(event.pointerId);
      drag.row.classList.add("dragged");
    }
    event.preventDefault();
    const min = Number(input.min), max = Number(input.max), width = input.getBoundingClientRect().width || 1;
    const raw = drag.from + (dx * (max - min)) / width;
    const value = Math.round(Math.min(max, Math.max(min, raw)) / SLIDER_STEP) * SLIDER_STEP;
    if (Math.abs(value - Number(input.value)) < SLIDER_STEP / 2) return null;
    input.value = value;
    return input;
  }

  /** The input a drag ended on (to be kept), or null when the pointer only tapped or scrolled. */
  function dragEnd(event) {
    const ended = drag && event.pointerId === drag.id ? drag : null;
    if (ended) { drag = null; ended.row.classList.remove("dragged"); }
    return ended && ended.moving ? ended.input : null;
  }

  // ------------------------------------------------------------------ a vote's answers

  /** One big button per answer; the student's vote of this phase marked. */
  function drawOptions(container, options, chosen) {
    const same = container.dataset.options === JSON.stringify(options);
    if (!same) {
      container.dataset.options = JSON.stringify(options);
      container.replaceChildren(...options.map((text, i) => {
        const button = element("button", "join-option join-big", text);
        button.dataset.join = "vote";
        button.dataset.choice = i;
        return button;
      }));
    }
    container.querySelectorAll(".join-option").forEach((button, i) => {
      button.classList.toggle("chosen", i === chosen);
      button.setAttribute("aria-pressed", i === chosen ? "true" : "false");
    });
  }

  // ------------------------------------------------------------------ the train race's network

  /** A stepper: − value +, its buttons saying what they change. */
  function stepper(name, value, low, high, what, index) {
    const row = element("div", "join-stepper");
    const minus = element("button", "join-step", "−"), plus = element("button", "join-step", "+");
    for (const [button, change, allowed] of [[minus, -1, value > low], [plus, 1, value < high]]) {
      button.dataset.join = what;
      button.dataset.change = change;
      if (index !== undefined) button.dataset.index = index;
      button.disabled = !allowed;
      button.setAttribute("aria-label", (change < 0 ? "fewer: " : "more: ") + name);
    }
    row.append(element("span", "join-stepper-name", name), minus, element("span", "join-stepper-value", String(value)), plus);
    return row;
  }

  /**
   * The choice of hidden layers (each its width) and activation, within the round's limits; drawn
   * anew only when it changed (a button replaced under a finger would lose its tap).
   */
  function drawTrainChoice(layersBox, activationsBox, choice, round, acting) {
    const drawn = JSON.stringify([choice, round.max_hidden_layers, round.max_width, round.activations, acting]);
    if (layersBox.dataset.drawn === drawn) return;
    layersBox.dataset.drawn = drawn;
    const maxLayers = round.max_hidden_layers || 0, maxWidth = round.max_width || 1;
    const rows = [stepper("hidden layers", choice.hidden.length, 0, maxLayers, "layers")];
    choice.hidden.forEach((width, k) => rows.push(stepper(`layer ${k + 1}: nodes`, width, 1, maxWidth, "width", k)));
    layersBox.replaceChildren(...rows);
    const names = round.activations || [];
    activationsBox.replaceChildren(element("span", "join-stepper-name", "activation"), ...names.map((name) => {
      const button = element("button", "join-choice", name);
      button.dataset.join = "activation";
      button.dataset.value = name;
      button.classList.toggle("chosen", name === choice.activation);
      button.setAttribute("aria-pressed", name === choice.activation ? "true" : "false");
      return button;
    }));
    activationsBox.hidden = !choice.hidden.length;  // no hidden layer: no hidden activation to choose
    if (!acting) [layersBox, activationsBox].forEach((box) => box.querySelectorAll("button").forEach((b) => { b.disabled = true; }));
  }

  /** The choice after a press of one of its buttons (kept within the round's limits). */
  function changeChoice(choice, button, round) {
    const change = Number(button.dataset.change), maxWidth = round.max_width || 1;
    const hidden = choice.hidden.slice();
    if (button.dataset.join === "layers") {
      if (change > 0 && hidden.length < (round.max_hidden_layers || 0)) hidden.push(hidden.length ? hidden[hidden.length - 1] : Math.min(3, maxWidth));
      if (change < 0) hidden.pop();
    } else if (button.dataset.join === "width") {
      const k = Number(button.dataset.index);
      hidden[k] = Math.min(maxWidth, Math.max(1, hidden[k] + change));
    } else if (button.dataset.join === "activation") {
      return Object.assign({}, choice, { activation: button.dataset.value });
    }
    return Object.assign({}, choice, { hidden: hidden });
  }

  /** A first choice for a train round: the room's network's hidden layers and activation, within the limits. */
  function firstChoice(net, round) {
    const names = round.activations || [];
    const hiddenLayers = net.layers.slice(0, -1).slice(0, round.max_hidden_layers || 0);
    const activation = hiddenLayers.length && names.includes(hiddenLayers[0].activation) ? hiddenLayers[0].activation : names[0];
    return { hidden: hiddenLayers.map((layer) => Math.min(layer.outputs, round.max_width || 1)), activation: activation };
  }

  modules.joinControls = {
    parameters: parameters, withValue: withValue, keepHeld: keepHeld, isHeld: isHeld, drawSliders: drawSliders,
    setSliders: setSliders, sliderMoved: sliderMoved, dragStart: dragStart, dragMove: dragMove, dragEnd: dragEnd, drawOptions: drawOptions, drawTrainChoice: drawTrainChoice,
    changeChoice: changeChoice, firstChoice: firstChoice,
  };
})(window.neuralModules = window.neuralModules || {});
