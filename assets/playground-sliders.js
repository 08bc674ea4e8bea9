/*
 * The playground's weight sliders (page "/"): the fast path of a drag, and keeping the sliders
 * and the session's network store in step. Part of the playground page module (playground.js),
 * which binds these handlers to the page's root element.
 */
(function () {
  "use strict";

  const ID = window.playgroundContract.ids.playground;
  const NETWORK = window.playgroundContract.stores.network;
  const page = () => window.playground;  // render, shown, session, counters, setProps

  function round(v) { return Math.round(v * 1000) / 1000; }

  /** A slider's range for a value: ±slider_range, widened to take it (as layout.slider_component). */
  function sliderBounds(value) {
    const range = window.playgroundContract.settings.playground.slider_range;
    return [Math.min(-range, Math.floor(value)), Math.max(range, Math.ceil(value))];
  }

  /** The parameter a slider id names, or undefined when the network has no such parameter. */
  function parameterAt(net, id) {
    if (id.type === ID.weight_slider) {
      const W = net.weights[id.layer - 1], row = W && W[id.row];
      return row && row[id.col];
    }
    const b = net.biases[id.layer - 1];
    return b && b[id.col];
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
    if (label) label.textContent = value;
  }

  /** While playing, the sliders follow the weights straight in the page (Dash catches up on pause). */
  function followSliders(net) {
    document.querySelectorAll("#" + ID.sliders + " .dash-slider-container").forEach((container) => {
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
    const isWeight = drag.id.type === ID.weight_slider;
    const edit = withSliderValues(drag.start, isWeight ? [drag.id] : [], [value], isWeight ? [] : [drag.id], [value]);
    // One parameter into node col of layer l moves: only what depends on it is computed again.
    if (!drag.grid) drag.grid = page().gridFor(drag.start, current.view);
    const grid = window.neuralMaths.evaluateGridEdited(drag.grid, edit.net, drag.id.layer, drag.id.col);
    page().render(edit.net, current.data, current.view, { grid: grid, diagramLater: true });
  }

  function onPointerDown(event) {
    const sliderRoot = event.target.closest && event.target.closest("#" + ID.sliders + " .dash-slider-root");
    const current = page().shown;
    // While playing too: play waits while a slider is held and then goes on from the dragged value.
    if (!sliderRoot || !current || event.button !== 0) return;
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
    if (finished.value !== null) page().setProps(finished.id, { value: finished.value });
  }

  const noUpdate = () => window.dash_clientside.no_update;

  window.playgroundSliders = {
    follow: followSliders, onPointerDown: onPointerDown, onPointerMove: onPointerMove, endDrag: endDrag,
    dragging: () => drag !== null,
  };

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.playground = Object.assign({}, window.dash_clientside.playground, {
    /**
     * Keep sliders and the network store in step, both ways, in one callback (Dash
     * allows a callback's output to be its own input, not a cycle of two).
     */
    syncSliders: function (net, weightValues, biasValues, weightIds, biasIds) {
      const triggered = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id);
      const fromNetwork = triggered.some((p) => p.startsWith(NETWORK + "."));
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
      // From the value alone, so a range that grew with a runaway weight shrinks back with it.
      const wBounds = newWeights.map(sliderBounds), bBounds = newBiases.map(sliderBounds);
      return [none, newWeights, wBounds.map((b) => b[0]), wBounds.map((b) => b[1]),
        newBiases, bBounds.map((b) => b[0]), bBounds.map((b) => b[1])];
    },
  });
})();
