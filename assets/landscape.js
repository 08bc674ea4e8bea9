/*
 * The landscape page's browser module (page "/landscape"): the walk's play and step through the
 * app's run loop (runner.js) on the page's walk route, its shortcuts (keys.js: s one step, space
 * play or pause), and clicks on the contour (the walk starts where it was clicked). Each step's
 * answer says what to paint (paint.js); the walk and the network go to the session when the run
 * stops (source "landscape-run"). Bound to the page's root element only; ids come from Python.
 */
(function (modules) {
  "use strict";

  const ID = () => window.playgroundContract.ids.landscape;
  const SOURCE = "landscape-run";
  const STEPS_PER_SECOND = 10;
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
    return { walk: run.walk, network: walking ? run.network : null, data: walking ? session.data : null,
      settings: walking ? session.settings : null, steps: steps || 1, playing: !!playing };
  }

  function runner() {
    if (state.runner) return state.runner;
    state.runner = modules.runner.create({
      route: "walk",
      start: () => state.session && { walk: state.session.walk, network: state.session.network },
      body: (run, steps) => walkBody(run, state.session, steps, state.runner.playing),
      next: (run, answer) => ({ walk: answer.walk, network: answer.network || run.network }),
      apply: (answer) => modules.paint.apply(answer.paint),
      ends: (answer) => (answer.ended === "done" ? null : answer.message),
      commit: (run) => {
        const parts = { "view-landscape": run.walk };
        if (run.walk.source === "network") parts.network = run.network;
        state.session = Object.assign({}, state.session, { walk: run.walk, network: run.network });
        modules.session.change(SOURCE, parts);
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

  modules.landscape = { walkBody: walkBody };
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
