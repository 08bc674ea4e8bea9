/*
 * The 1-D gradient-descent page's browser module (page "/descent"): learn (one step) and run go
 * through the app's run loop (runner.js) on the page's route; each answer says what to paint
 * (paint.js), and the ball goes to the session when the run stops (source "descent-ball"). Its
 * shortcuts (keys.js: s one step, space run or pause) are bound to the page's root element only.
 */
(function (modules) {
  "use strict";

  const ID = () => window.playgroundContract.ids.descent;
  const SOURCE = "descent-ball";
  /** What a run changes of the page's store: the ball, its path, its message. */
  const RUN_KEYS = (view) => ({ ball: view.ball, path: view.path, message: view.message });
  const state = { page: null, view: null, runner: null, revisions: null };

  function revisions() {
    if (!state.revisions) state.revisions = modules.session.tracker([SOURCE], ["view-descent"]);
    return state.revisions;
  }

  function setProps(id, props) {
    if (state.page && state.page.isConnected) window.dash_clientside.set_props(id, props);
  }

  /** The descent route's body: ``steps`` steps of the ball from the run's store. */
  function descentBody(run, steps) { return { descent: run.descent, steps: steps || 1 }; }

  function runner() {
    if (state.runner) return state.runner;
    state.runner = modules.runner.create({
      route: "descent",
      start: (previous) => {
        if (!state.view) return null;
        // New settings meanwhile: the run's ball goes on under them; a new ball (a new curve, a
        // reset, a click): from there. ``origin``: the session's ball the run started from.
        const origin = JSON.stringify(state.view.ball);
        if (!previous || previous.origin !== origin) return { descent: state.view, origin: origin };
        return { descent: Object.assign({}, state.view, RUN_KEYS(previous.descent)), origin: origin };
      },
      body: descentBody,
      next: (run, answer) => ({ descent: answer.descent, origin: run.origin }),
      apply: (answer) => modules.paint.apply(answer.paint),
      ends: (answer) => (answer.ended ? answer.message : null),
      commit: (run) => {
        // Only what the run changed: controls changed meanwhile keep their values.
        state.view = Object.assign({}, state.view, RUN_KEYS(run.descent));  // the next run starts from it
        modules.session.change(SOURCE, { "view-descent": RUN_KEYS(run.descent) }, ["view-descent"]);
      },
      changed: (since) => revisions().changed(since), mark: () => revisions().mark(),
      gapMs: () => 1000 / (state.view ? state.view.steps_per_second : 8), held: () => false,
      showPlaying: (on) => setProps(ID().run, { children: on ? "pause" : "run" }),
      say: (text) => { if (text) setProps(ID().message, { children: text }); },
      onPage: () => !!(state.page && state.page.isConnected),
    });
    return state.runner;
  }

  modules.descent = { descentBody: descentBody };
  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.descent = Object.assign({}, window.dash_clientside.descent, {
    /** Bind to the page's (new) root element. */
    mount: function (_mounted, view) {
      state.view = view;
      const element = document.getElementById(ID().page);
      if (element && element !== state.page) {
        state.page = element;
        modules.keys.bind(element, { " ": ID().run, s: ID().learn });
        element.focus({ preventScroll: true });
      }
      return window.dash_clientside.no_update;
    },
    adopt: function (revision, view) { state.view = view; revisions().adopt(revision); },
    play: function (clicks) { if (clicks) runner().toggle(); },
    step: function (clicks) { if (clicks) runner().step(1); },
  });
})(window.neuralModules = window.neuralModules || {});
