/*
 * The playground's weight sliders (page "/"): the fast path of a drag, the sliders following the
 * session's network, and a slider's new value handed to the session (source "playground-sliders").
 * Part of the playground page module (playground.js), which binds these handlers to the page's
 * root element.
 */
(function (modules) {
  "use strict";

  const ID = () => window.playgroundContract.ids.playground;
  const page = () => modules.playground;  // render, paint, shown, counters, setProps
  const SOURCE = "playground-sliders";

  function round(v) { return Math.round(v * 1000) / 1000; }

  /**
   * A slider's value as its label shows it: to three decimals, or as 4.5e+5 from five digits on
   * (a diverged weight's 448886.125 would push its label out of the panel). Dash's own tooltips
   * call it too: layout.slider_component names it as their transform (window.dccFunctions).
   */
  function shortValue(value) {
    const v = Number(value);
    return Math.abs(v) >= 1e4 ? v.toExponential(1) : String(round(v));
  }
  window.dccFunctions = Object.assign(window.dccFunctions || {}, { sliderValue: shortValue });

  /** A slider's range for a value: ±slider_range, widened to take it (as layout.slider_component). */
  function sliderBounds(value) {
    const range = window.playgroundContract.settings.playground.slider_range;
    return [Math.min(-range, Math.floor(value)), Math.max(range, Math.ceil(value))];
  }

  /** The parameter a slider id names, or undefined when the network has no such parameter. */
  function parameterAt(net, id) {
    const layer = net.layers[id.layer - 1];
    if (!layer) return undefined;
    if (id.type === ID().weight_slider) return layer.weights[id.row] && layer.weights[id.row][id.col];
    return layer.biases[id.col];
  }

  /** A copy of the network with the sliders' current values written into it (the engine's JSON, as stored). */
  function withSliderValues(net, weightIds, weightValues, biasIds, biasValues) {
    const layers = net.layers.map((layer) => Object.assign({}, layer, {
      weights: layer.weights.map((row) => row.slice()), biases: layer.biases.slice() }));
    let changed = false;
    const write = (ids, values, kind) => ids.forEach((id, k) => {
      const v = values[k], layer = layers[id.layer - 1];
      // A weight an exercise hides or locks is never changed by the page (exercise.js).
      if (v === null || v === undefined || !layer || (modules.exercise && modules.exercise.refuses(id))) return;
      const row = kind === "weights" ? layer.weights[id.row] : layer.biases;
      // Sliders show 3 decimals: only a slider moved away from the parameter's rounded value changes it.
      if (row && id.col < row.length && round(row[id.col]) !== v) { row[id.col] = v; changed = true; }
    });
    write(weightIds, weightValues, "weights");
    write(biasIds, biasValues, "biases");
    return { net: Object.assign({}, net, { layers: layers }), changed: changed };
  }

  /** Move a slider's thumb, range bar and value label as the slider itself would. */
  function moveThumb(sliderRoot, value) {
    const thumb = sliderRoot.querySelector("[role=slider]");
    const min = +thumb.getAttribute("aria-valuemin"), max = +thumb.getAttribute("aria-valuemax");
    const percent = ((Math.min(Math.max(value, min), max) - min) / (max - min)) * 100;
    const half = thumb.getBoundingClientRect().width / 2;
    thumb.parentElement.style.left = "calc(" + percent + "% + " + half * (1 - percent / 50) + "px)";
    thumb.setAttribute("aria-valuenow", value);
    const range = sliderRoot.querySelector(".dash-slider-range");
    if (range) range.style.right = 100 - percent + "%";
    const label = thumb.querySelector(".dash-slider-tooltip div");
    if (label) label.textContent = shortValue(value);
  }

  /** While playing, the sliders follow the weights straight in the page (the session catches up on pause). */
  function followSliders(net) {
    document.querySelectorAll("#" + ID().sliders + " .dash-slider-container").forEach((container) => {
      const value = parameterAt(net, JSON.parse(container.id));
      const sliderRoot = container.querySelector(".dash-slider-root");
      if (sliderRoot && value !== undefined) moveThumb(sliderRoot, round(value));
    });
    page().counters.sliders++;
  }

  /*
   * The fast path of a drag. Letting the slider tell Dash about every mouse move costs a
   * React update of the whole page store per move (60–100 ms with 17–60 sliders), and the
   * next move waits behind it. So while a weight slider is dragged the page handles the
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

  function dragTo(event) {
    const current = page().shown;
    if (!drag || !current) return;
    const value = dragValue(event);
    if (value === drag.value) return;
    drag.value = value;
    moveThumb(drag.root, value);
    const isWeight = drag.id.type === ID().weight_slider;
    const edit = withSliderValues(drag.start, isWeight ? [drag.id] : [], [value], isWeight ? [] : [drag.id], [value]);
    // One parameter into node col of layer l moves: only what depends on it is computed again.
    if (!drag.grid) drag.grid = page().gridFor(drag.start, current.view);
    const grid = modules.maths.evaluateGridEdited(drag.grid, edit.net, drag.id.layer, drag.id.col);
    page().paint(edit.net, { grid: grid, diagramLater: true });
  }

  function onPointerDown(event) {
    const sliderRoot = event.target.closest && event.target.closest("#" + ID().sliders + " .dash-slider-root");
    const current = page().shown;
    // While playing too: play waits while a slider is held and then goes on from the dragged value.
    if (!sliderRoot || !current || event.button !== 0) return;
    if (sliderRoot.closest("[inert]")) return;  // locked by an exercise (inert takes no pointer anyway)
    event.stopPropagation();
    event.preventDefault();
    sliderRoot.setPointerCapture(event.pointerId);
    const thumb = sliderRoot.querySelector("[role=slider]");
    drag = { root: sliderRoot, thumb: thumb, id: JSON.parse(sliderRoot.closest(".dash-slider-container").id),
      start: current.net, min: +thumb.getAttribute("aria-valuemin"), max: +thumb.getAttribute("aria-valuemax"),
      value: null, grid: null };
    dragTo(event);
  }

  function onPointerMove(event) {
    if (!drag) return;
    event.stopPropagation();
    dragTo(event);
  }

  function endDrag(event) {
    if (!drag) return;
    event.stopPropagation();
    const finished = drag;
    drag = null;
    // The slider takes the value (Dash hears of it once), and the session the network with it.
    if (finished.value !== null) page().setProps(finished.id, { value: finished.value });
  }

  const noUpdate = () => window.dash_clientside.no_update;

  modules.playgroundSliders = {
    follow: followSliders, onPointerDown: onPointerDown, onPointerMove: onPointerMove, endDrag: endDrag,
    dragging: () => drag !== null, withSliderValues: withSliderValues,
  };

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.playground = Object.assign({}, window.dash_clientside.playground, {
    /** The sliders follow the session's network: their values, and ranges widened to take them. */
    followNetwork: function (net, weightIds, biasIds, weightValues, biasValues) {
      const none = [noUpdate(), noUpdate(), noUpdate(), noUpdate(), noUpdate(), noUpdate()];
      const weights = weightIds.map((id) => parameterAt(net, id));
      const biases = biasIds.map((id) => parameterAt(net, id));
      // Sliders of the previous architecture, about to be replaced: leave them be.
      if (weights.concat(biases).some((v) => v === undefined)) return none;
      const newWeights = weights.map(round), newBiases = biases.map(round);
      const same = newWeights.every((v, k) => v === weightValues[k]) && newBiases.every((v, k) => v === biasValues[k]);
      if (same) return none;
      // From the value alone, so a range that grew with a runaway weight shrinks back with it.
      const wBounds = newWeights.map(sliderBounds), bBounds = newBiases.map(sliderBounds);
      return [newWeights, wBounds.map((b) => b[0]), wBounds.map((b) => b[1]),
        newBiases, bBounds.map((b) => b[0]), bBounds.map((b) => b[1])];
    },

    /** A slider moved (let go after a drag, or by its keys): the session gets the network with its value. */
    sliderMoved: function (weightValues, biasValues, weightIds, biasIds, net) {
      if (!net) return;
      const edit = withSliderValues(net, weightIds, weightValues, biasIds, biasValues);
      if (edit.changed) modules.session.change(SOURCE, { network: edit.net });
    },
  });
})(window.neuralModules = window.neuralModules || {});
