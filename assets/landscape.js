/*
 * The landscape page's browser module (page "/landscape"): the walk's play and step through the
 * app's run loop (runner.js) on the page's walk route, its shortcuts (keys.js: s one step, space
 * play or pause), and clicks on the contour (the walk starts where it was clicked). Each step's
 * answer carries only what is new of the walk (the page appends it to the path it holds) and says
 * what to paint (paint.js); the walk and the network go to the session when the run stops
 * (source "landscape-run"). Bound to the page's root element only; ids come from Python.
 */
(function (modules) {
  "use strict";

  const ID = () => window.playgroundContract.ids.landscape;
  const SOURCE = "landscape-run";
  const STEPS_PER_SECOND = 10;
  /** What a run changes of the walk: where it went and how (the rest are the controls'). */
  const RUN_KEYS = (walk) => ({ path: walk.path, vectors: walk.vectors, trainer: walk.trainer, steps: walk.steps,
    message: walk.message, lift: walk.lift, batch: walk.batch, centre: walk.centre, start: walk.start,
    first: walk.first, second: walk.second, span: walk.span });
  const state = { page: null, session: null, runner: null, revisions: null };

  function revisions() {
    if (!state.revisions) state.revisions = modules.session.tracker([SOURCE], ["network", "data", "view-landscape"]);
    return state.revisions;
  }

  function setProps(id, props) {
    if (state.page && state.page.isConnected) window.dash_clientside.set_props(id, props);
  }

  /** A click on the contour (its see-through path graph is on top): start the walk there. */
  function onContourClick(event) {
    const graph = event.target.closest && event.target.closest("#" + ID().path_graph + " .js-plotly-plot");
    const at = graph && modules.plotlyView.dataAt(graph, event);
    if (at) setProps(ID().click, { data: { x: at.x, y: at.y, time: Date.now() } });
  }

  // ------------------------------------------------------------------ the run loop's page

  /** The walk route's body: ``steps`` steps of the run's walk (on the network: with the session's points and settings). */
  function walkBody(run, session, steps, playing) {
    const walking = run.walk.source === "network";
    let walk = run.walk;
    const memory = walk.trainer.memory;
    if (memory && memory.optimizer !== walk.optimizer) {  // another optimizer's memory: a fresh start for this one
      walk = Object.assign({}, walk, { trainer: { epoch: walk.trainer.epoch, position: walk.trainer.position } });
    }
    return { walk: walk, network: walking ? run.network : null, data: walking ? session.data : null,
      settings: walking ? session.settings : null, steps: steps || 1, playing: !!playing };
  }

  /** The last ``kept`` items of ``items``, then ``added``. */
  const grown = (items, kept, added) => (kept ? items.slice(-kept) : []).concat(added);

  /** The run's walk after an answer: the answer carries only what the steps added to the path
   * and the parameter vectors (after the last ``kept`` of those the page holds), and the rest of the walk. */
  function walkAfter(held, answer) {
    return Object.assign({}, answer.walk, { path: grown(held.path, answer.kept.path, answer.walk.path),
      vectors: grown(held.vectors, answer.kept.vectors, answer.walk.vectors) });
  }

  function runner() {
    if (state.runner) return state.runner;
    state.runner = modules.runner.create({
      route: "walk",
      start: (previous) => {
        if (!state.session) return null;
        // New settings meanwhile (optimizer, learn rate, view): the run's walk goes on under them; a
        // new walk (other parameters, a grid, a reset, a click): from there. ``origin``: the
        // session's path the run started from.
        const session = state.session, origin = JSON.stringify(session.walk.path);
        if (!previous || previous.origin !== origin) return { walk: session.walk, network: session.network, origin: origin };
        return { walk: Object.assign({}, session.walk, RUN_KEYS(previous.walk)), network: previous.network, origin: origin };
      },
      body: (run, steps) => walkBody(run, state.session, steps, state.runner.playing),
      next: (run, answer) => ({ walk: walkAfter(run.walk, answer), network: answer.network || run.network, origin: run.origin }),
      apply: (answer) => modules.paint.apply(answer.paint),
      ends: (answer) => (answer.ended === "done" ? null : answer.message),
      commit: (run) => {
        // Only what the run changed: controls changed meanwhile keep their values.
        const parts = { "view-landscape": RUN_KEYS(run.walk) };
        if (run.walk.source === "network") parts.network = run.network;
        state.session = Object.assign({}, state.session, { walk: Object.assign({}, state.session.walk, RUN_KEYS(run.walk)),
          network: run.network });  // the next run starts from it, before the session's stores have it
        modules.session.change(SOURCE, parts, ["view-landscape"]);
      },
      changed: (since) => revisions().changed(since), mark: () => revisions().mark(),
      gapMs: () => 1000 / STEPS_PER_SECOND, held: () => false,
      showPlaying: (on) => setProps(ID().play, { children: on ? "pause" : "play" }),
      say: (text) => { if (text) setProps(ID().message, { children: text }); },
      onPage: () => !!(state.page && state.page.isConnected),
    });
    return state.runner;
  }

  function adopt(revision, network, data, settings, walk) {
    state.session = { network: network, data: data, settings: settings, walk: walk };
    revisions().adopt(revision);
  }

  modules.landscape = { walkBody: walkBody, walkAfter: walkAfter };
  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.landscape = Object.assign({}, window.dash_clientside.landscape, {
    /** Bind to the page's (new) root element. */
    mount: function (_mounted, network, data, settings, walk) {
      state.session = { network: network, data: data, settings: settings, walk: walk };
      const element = document.getElementById(ID().page);
      if (element && element !== state.page) {
        state.page = element;
        modules.keys.bind(element, { " ": ID().play, s: ID().step });
        element.addEventListener("click", onContourClick);
        element.focus({ preventScroll: true });
      }
      return window.dash_clientside.no_update;
    },
    adopt: function (revision, network, data, settings, walk) { adopt(revision, network, data, settings, walk); },
    play: function (clicks) { if (clicks) runner().toggle(); },
    step: function (clicks) { if (clicks) runner().step(1); },
  });
})(window.neuralModules = window.neuralModules || {});
