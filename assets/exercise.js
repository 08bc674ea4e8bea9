/*
 * Exercise links on the playground (page "/"; playground/app/pages/playground/exercise*.py).
 *
 * - A student's page: the view's exercise (session-view-playground.exercise) hides or locks
 *   controls, weight-layers' sliders and single weights, and puts the task on top. Hidden: not
 *   displayed (data-exercise="hidden"); locked: shown but inert (no pointer, no focus, no keys;
 *   a locked button is disabled too, so its keyboard shortcut does nothing). What Dash draws
 *   anew (a new network's sliders, a loaded state) is hidden or locked again at once.
 * - The condition is checked on every repaint, from the numbers the readouts are written with
 *   (drawing.writeReadouts, called by playground.js after each paint), and the banner says
 *   "done ✓" when it holds.
 * - The teacher's panel ("make an exercise"): while it is open, a button beside each slider
 *   cycles that weight open → locked → hidden (the choice is kept in the panel's weights store).
 *
 * - With the data hidden or locked, a click on the plane adds or removes no point either.
 *
 * Ids come from Python in the contract, each control's elements in the panel's config store
 * (exercise.py CONTROLS).
 */
(function (modules) {
  "use strict";

  const MARK = "data-exercise";  // "hidden" or "locked", on an element the exercise hides or locks
  const WE_DISABLED = "data-exercise-disabled";  // a button this module disabled (and enables again)
  const state = { config: null, exercise: null, draft: { hidden: [], locked: [] }, readouts: null, metOnce: false,
    page: null, observer: null, scheduled: false, key: "", bannerElement: null, resizer: null, waiting: 0 };

  const byId = (id) => document.getElementById(id);
  const pageIds = () => window.playgroundContract.ids.playground;
  const ID = () => {
    const all = pageIds();
    return { banner: all.exercise_banner, task: all.exercise_task, goal: all.exercise_goal, now: all.exercise_now,
      done: all.exercise_done, panel: all.exercise_panel, weights: all.exercise_weights };
  };
  const noUpdate = () => window.dash_clientside.no_update;

  // ------------------------------------------------------------------ weights by address

  /** A slider's address as the exercise names it: ["W", layer, row, col] or ["b", layer, node]. */
  function addressOf(id) {
    return id.type === pageIds().weight_slider ? ["W", id.layer, id.row, id.col] : ["b", id.layer, id.col];
  }
  const key = (address) => address.join(",");
  const label = (a) => (a[0] === "W" ? `W[${a[1]}][${a[2]},${a[3]}]` : `b[${a[1]}][${a[2]}]`);

  function sliderContainers(root) {
    return (root || document).querySelectorAll("#" + pageIds().sliders + " .dash-slider-container");
  }

  /** "hidden", "locked" or null: what the exercise does to the parameter at ``address``. */
  function fate(exercise, address) {
    if (!exercise) return null;
    const has = (list) => (list || []).some((a) => key(a) === key(address));
    if ((exercise.hidden_layers || []).includes(address[1]) || has(exercise.hidden_weights)) return "hidden";
    if ((exercise.locked_layers || []).includes(address[1]) || has(exercise.locked_weights)) return "locked";
    return null;
  }

  /**
   * What training must hold still (playground-play.js adds it to each training request): the
   * weight-layers and single weights the exercise locks or hides; null without any.
   */
  function held() {
    const exercise = state.exercise;
    if (!exercise) return null;
    const layers = (exercise.locked_layers || []).concat(exercise.hidden_layers || []);
    const weights = (exercise.locked_weights || []).concat(exercise.hidden_weights || []);
    if (!layers.length && !weights.length) return null;
    return { held_layers: layers, held_weights: weights };
  }

  /** Does the exercise keep the slider with this id from changing its parameter? (playground-sliders.js) */
  function refuses(sliderId) { return fate(state.exercise, addressOf(sliderId)) !== null; }

  // ------------------------------------------------------------------ hiding and locking

  /** Every element the exercise hides or locks now → "hidden" | "locked". */
  function targets(page, exercise) {
    const marks = new Map();
    const put = (element, how) => { if (element && marks.get(element) !== "hidden") marks.set(element, how); };
    if (!exercise) return marks;
    for (const [names, how] of [[exercise.locked, "locked"], [exercise.hidden, "hidden"]]) {
      for (const name of names || []) {
        const control = state.config.controls[name];
        if (!control) continue;
        control.selectors.forEach((selector) => page.querySelectorAll(selector).forEach((element) =>
          put(control.wrapped ? element.closest(".control") || element : element, how)));
      }
    }
    sliderContainers(page).forEach((container) => {
      const how = fate(exercise, addressOf(JSON.parse(container.id)));
      if (how) put(container.closest(".slider-row"), how);
    });
    put(byId(ID().panel), "hidden");  // the teacher's panel is not the student's
    return marks;
  }

  function mark(element, how) {
    if (element.getAttribute(MARK) === how) return;
    element.setAttribute(MARK, how);
    element.inert = true;
    if (element.tagName === "BUTTON" && !element.disabled) {
      element.disabled = true;
      element.setAttribute(WE_DISABLED, "");
    }
  }

  function unmark(element) {
    element.removeAttribute(MARK);
    element.inert = false;
    if (element.hasAttribute(WE_DISABLED)) {
      element.disabled = false;
      element.removeAttribute(WE_DISABLED);
    }
  }

  /** Hide and lock what the exercise names, show its banner; and the panel's weight buttons. */
  function applyNow() {
    state.scheduled = false;
    bind();
    const page = state.page;
    if (!state.config) return;
    if (!page || !page.isConnected) {
      // Dash may call before the page it drew is in the document (a reload): once it is.
      if (state.waiting++ < 600) soon();
      return;
    }
    state.waiting = 0;
    const marks = targets(page, state.exercise);
    page.querySelectorAll("[" + MARK + "]").forEach((element) => { if (!marks.has(element)) unmark(element); });
    marks.forEach((how, element) => mark(element, how));
    page.toggleAttribute("data-exercise-active", !!state.exercise);
    const panel = byId(ID().panel);
    page.toggleAttribute("data-exercise-editing", !state.exercise && !!(panel && panel.open));
    followBannerHeight(page);
    decorateWeightButtons(page);
    banner();
  }

  function soon() {
    if (state.scheduled) return;
    state.scheduled = true;
    requestAnimationFrame(applyNow);
  }

  /** Dash drew something anew (sliders, a panel, the body): hide and lock it too. Text and
   * figure updates (every frame while playing) are left alone. */
  function onMutations(records) {
    if (state.scheduled) return;
    for (const record of records) {
      if (record.target.closest && record.target.closest(".js-plotly-plot")) continue;
      for (const node of record.addedNodes) if (node.nodeType === 1) { soon(); return; }
    }
  }

  /** Bind to the page's (new) root element: the observer, the weight buttons, the panel's toggle. */
  function bind() {
    const page = byId(pageIds().page);
    if (!page || page === state.page) return;
    state.page = page;
    if (state.observer) state.observer.disconnect();
    state.observer = new MutationObserver(onMutations);
    state.observer.observe(page, { childList: true, subtree: true });
    page.addEventListener("click", onWeightButton);
    page.addEventListener("toggle", onPanelToggle, true);  // "toggle" does not bubble: caught on its way down
    page.addEventListener("click", onPlaneClick, true);  // on its way down, before the plane's own handler
  }

  /** With the data hidden or locked, a click on the plane adds or removes no point either. */
  function onPlaneClick(event) {
    const exercise = state.exercise;
    if (!exercise || !event.target.closest || !event.target.closest("#" + pageIds().boundary_graph)) return;
    if ((exercise.hidden || []).includes("data") || (exercise.locked || []).includes("data")) {
      event.stopPropagation();
      event.preventDefault();
    }
  }

  /** The play line sticks under the banner (exercise.css), whatever the banner's height. */
  function followBannerHeight(page) {
    const element = byId(ID().banner);
    if (!window.ResizeObserver || !element || element === state.bannerElement) return;
    state.bannerElement = element;
    if (state.resizer) state.resizer.disconnect();
    state.resizer = new ResizeObserver(() => page.style.setProperty("--exercise-banner-height", element.offsetHeight + "px"));
    state.resizer.observe(element);
  }

  // ------------------------------------------------------------------ the banner and the condition

  const COMPARE = { "<": (v, t) => v < t, "<=": (v, t) => v <= t, ">": (v, t) => v > t, ">=": (v, t) => v >= t };

  /** The condition's measure from the readouts' numbers (a cost: the network's own, no L1/L2 term; an accuracy in %). */
  function measured(condition, train, test, cost) {
    const part = condition.measure.startsWith("train") ? train : test;
    if (!part) return null;
    const value = condition.measure.endsWith("accuracy") ? 100 * part.accuracy : part[cost];
    return typeof value === "number" && Number.isFinite(value) ? value : null;
  }

  function met(condition, value) { return value !== null && COMPARE[condition.comparison](value, condition.threshold); }

  function goalText(condition) {
    if (!condition) return "";
    const unit = condition.measure.endsWith("accuracy") ? " %" : "";
    return "done when " + state.config.measures[condition.measure] + " " + state.config.comparisons[condition.comparison] +
      " " + condition.threshold + unit;
  }

  function setText(id, text) {
    const element = byId(id);
    if (element && element.textContent !== text) element.textContent = text;
  }

  /** The banner's text, and the condition checked against the last readouts. */
  function banner() {
    const exercise = state.exercise;
    if (!state.config) return;
    if (!exercise) {  // React keeps these elements when the page is drawn anew: nothing of an old task stays
      [ID().task, ID().goal, ID().now, ID().done].forEach((id) => setText(id, ""));
      return;
    }
    setText(ID().task, exercise.task || "");
    setText(ID().goal, goalText(exercise.condition));
    const condition = exercise.condition, page = state.page;
    if (!condition || !state.readouts) {
      setText(ID().now, "");
      setText(ID().done, "");
      return;
    }
    const shown = modules.playground && modules.playground.shown;
    const cost = shown && shown.net ? shown.net.cost : "quadratic";
    const value = measured(condition, state.readouts.train, state.readouts.test, cost);
    const done = met(condition, value);
    if (done) state.metOnce = true;
    // With the readouts hidden, the banner does not give the number away either.
    const readoutsHidden = (exercise.hidden || []).includes("readouts");
    const now = value === null ? "no " + condition.measure.split("_")[0] + " data" :
      condition.measure.endsWith("accuracy") ? value.toFixed(1) + " %" : value.toPrecision(3);
    setText(ID().now, readoutsHidden ? "" : "now " + now);
    setText(ID().done, done ? "done ✓" : state.metOnce ? "was done ✓, not now" : "not yet");
    if (page) page.toggleAttribute("data-exercise-done", done);
  }

  /** The readouts were written (every repaint): check the condition with their numbers. */
  function readoutsWritten(train, test) {
    state.readouts = { train: train, test: test };
    if (state.exercise && state.exercise.condition) banner();
  }

  /**
   * The readouts' writer (drawing.js, called by playground.js after every paint) tells this module
   * too. Hooked when the page is first drawn, never at load time (the files' order must not matter).
   */
  function hookReadouts() {
    const drawing = modules.drawing;
    if (!drawing || !drawing.writeReadouts || drawing.writeReadouts.exercise) return;
    const write = drawing.writeReadouts;
    drawing.writeReadouts = function (element, train, test) {
      write(element, train, test);
      readoutsWritten(train, test);
    };
    drawing.writeReadouts.exercise = true;
  }

  // ------------------------------------------------------------------ the teacher's panel

  function onPanelToggle(event) {
    if (event.target && event.target.id === ID().panel) soon();
  }

  function weightFate(address) {
    const k = key(address);
    if (state.draft.hidden.some((a) => key(a) === k)) return "hidden";
    if (state.draft.locked.some((a) => key(a) === k)) return "locked";
    return "open";
  }

  /** A weight's button in the panel: open → locked → hidden → open. */
  function onWeightButton(event) {
    const button = event.target.closest && event.target.closest(".exercise-weight");
    const container = button && button.closest(".slider-row").querySelector(".dash-slider-container");
    if (!container || !state.config) return;
    const address = addressOf(JSON.parse(container.id)), k = key(address), was = weightFate(address);
    const hidden = state.draft.hidden.filter((a) => key(a) !== k), locked = state.draft.locked.filter((a) => key(a) !== k);
    if (was === "open") locked.push(address);
    else if (was === "locked") hidden.push(address);
    state.draft = { hidden: hidden, locked: locked };
    decorateWeightButtons(state.page);
    window.dash_clientside.set_props(ID().weights, { data: state.draft });
  }

  function decorateWeightButtons(page) {
    if (!page) return;
    sliderContainers(page).forEach((container) => {
      const button = container.closest(".slider-row").querySelector(".exercise-weight");
      if (!button) return;
      const address = addressOf(JSON.parse(container.id)), now = weightFate(address);
      if (button.getAttribute("data-state") === now) return;
      button.setAttribute("data-state", now);
      button.setAttribute("aria-label", `exercise: ${label(address)} ${now} (click: ` +
        { open: "lock it", locked: "hide it", hidden: "open it" }[now] + ")");
      button.title = button.getAttribute("aria-label");
    });
  }

  modules.exercise = { refuses: refuses, held: held, measured: measured, met: met, get exercise() { return state.exercise; } };

  // ------------------------------------------------------------------ Dash callbacks

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.exercise = Object.assign({}, window.dash_clientside.exercise, {
    /** The view (session-view-playground) changed, or the page was drawn: apply its exercise. */
    apply: function (look, config) {
      if (!config) return;
      state.config = config;
      const exercise = (look && look.exercise) || null;
      const made = JSON.stringify(exercise);
      if (made !== state.key) { state.key = made; state.metOnce = false; }
      state.exercise = exercise;
      hookReadouts();
      applyNow();
    },

    /** The page was drawn (a reload, another page left, a loaded state): apply the view's exercise to it. */
    drawn: function (config, look) {
      window.dash_clientside.exercise.apply(look, config);
      return noUpdate();
    },

    /** The panel's weight-layers: one per layer of the network. */
    layerOptions: function (net, options) {
      const n = net && net.layers ? net.layers.length : 0;
      if (options && options.length === n) return [noUpdate(), noUpdate()];
      const made = Array.from({ length: n }, (_, k) => ({ label: `W[${k + 1}], b[${k + 1}]`, value: k + 1 }));
      return [made, made.map((option) => Object.assign({}, option))];
    },

    /** The single weights chosen in the panel: the buttons beside the sliders say so, and a line lists them. */
    weightsChosen: function (draft) {
      state.draft = { hidden: (draft && draft.hidden) || [], locked: (draft && draft.locked) || [] };
      decorateWeightButtons(state.page);
      const part = (name, list) => (list.length ? name + ": " + list.map(label).join(", ") : "");
      return [part("locked", state.draft.locked), part("hidden", state.draft.hidden)].filter(Boolean).join(" · ") ||
        "none chosen";
    },

    /** The exercise's link: this page's address and the state; onto the clipboard where the browser allows. */
    showLink: function (fragment) {
      if (!fragment) return noUpdate();
      const link = window.location.origin + window.location.pathname + "#" + fragment;
      try {
        if (navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
      } catch (error) { /* the box shows it */ }
      return link;
    },
  });
})(window.neuralModules = window.neuralModules || {});
