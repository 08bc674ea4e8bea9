/*
 * The app's one run loop in the browser: "take steps on the server, show progress", with one set
 * of rules for every page that runs something (the playground's play and step, the 1-D descent,
 * the landscape's walk). The server side of each step is the engine's one run loop
 * (playground/engine/loop.py), within the request's CPU budget.
 *
 * - One request at a time, paced by its answer, never by a timer: the next request goes out as
 *   soon as an answer arrives (before that answer is painted), no sooner than the page's speed
 *   allows, and not while the page holds it (a slider held while playing wins).
 * - A busy server (429) is asked again after a short wait; any other failure stops the run and
 *   says why.
 * - An answer can end the run (diverged, converged, out of range): the run stops and says so.
 * - A change of the session made meanwhile by anything but the run (a new network, new points, a
 *   loaded state) wins: the answer is dropped and the run goes on from the session as it is.
 * - Leaving the page pauses. After a step, a pause or an end, the run hands its state to the
 *   session (one change), so the rest of the page catches up once, not every frame.
 * - Bodies and answers are checked against the route's shapes (the contract) on the way.
 *
 * A page makes its runner with ``create(page)``; ``page`` supplies what differs (see below).
 */
(function (root) {
  "use strict";

  const modules = root.neuralModules = root.neuralModules || {};
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const BUSY_RETRIES = 20;

  /** POST a body to a contract route; resolves to the answer, rejects with a message a person can read. */
  async function post(routeName, body) {
    const contract = root.playgroundContract;
    const wrong = modules.contract.check(routeName + "_request", body);
    if (wrong) throw new Error("the page built a request the server does not take (" + wrong + ")");
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(contract.routes[routeName], {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const answer = await response.json().catch(() => ({ error: "the server's answer was not readable" }));
      if (response.status === 429 && attempt < BUSY_RETRIES) {
        // The server says when to ask again (Retry-After, seconds); else a wait that grows.
        const after = Number(response.headers.get("Retry-After"));
        await sleep(after > 0 ? Math.min(after, 10) * 1000 * (0.5 + Math.random()) : 100 + 50 * attempt);
        continue;
      }
      if (!response.ok) throw new Error(answer.error || "the server could not answer (" + response.status + ")");
      const odd = modules.contract.check(routeName + "_answer", answer);
      if (odd) throw new Error("the server's answer has the wrong shape (" + odd + ")");
      return answer;
    }
  }

  /**
   * A run loop for one page. ``page`` supplies:
   *   route                    the contract's name of the route a step posts to
   *   start(previous)          the state a run continues from: the session as it is now (``previous``,
   *                            the run's last state, when the session changed under the run); null: nothing to run
   *   body(state, steps)       the request (steps: a number, or null for one frame of play)
   *   next(state, answer)      the state the next request continues from
   *   apply(answer, state)     show the answer
   *   ends(answer)             a message when the answer ends the run, else null
   *   commit(state)            hand the run's state to the session (and take it as the session's at once:
 *                            the next run starts from it, before the session's stores have it)
   *   changed(since)           has something else changed the session since ``since`` (a mark from mark())?
   *   mark()                   the session's revision now
   *   gapMs()                  the least time between requests while playing (the page's speed)
   *   held()                   true while the run must wait (a control held by the hand)
   *   showPlaying(on)          the play button and its label
   *   say(text)                the run's message line ("" clears it)
   *   onPage()                 is the page still shown?
   */
  function create(page) {
    const run = { playing: false, busy: false, lastSent: 0 };

    async function paced(send) {
      const wait = run.lastSent + page.gapMs() - performance.now();
      if (wait > 0) await sleep(wait);
      while (page.held() && run.playing) await sleep(50);
      run.lastSent = performance.now();
      return send();
    }

    function stop(message) {
      run.playing = false;
      page.showPlaying(false);
      if (message) page.say(message);
    }

    async function loop(steps) {
      run.busy = true;
      let state = page.start(null), since = page.mark();
      try {
        if (!state) return;
        let pending = post(page.route, page.body(state, steps));
        while (pending) {
          let answer = null;
          try {
            answer = await pending;
          } catch (error) {
            if (!page.changed(since)) throw error;  // else the request was moot anyway
          }
          if (!page.onPage()) run.playing = false;
          if (!answer || page.changed(since)) {  // the session changed meanwhile: go on from it
            state = page.start(state);
            since = page.mark();
            pending = run.playing && state ? paced(() => post(page.route, page.body(state, null))) : null;
            continue;
          }
          const next = page.next(state, answer), ended = page.ends(answer);
          pending = run.playing && !ended ? paced(() => post(page.route, page.body(next, null))) : null;
          page.apply(answer, state);
          state = next;
          if (ended) stop(ended);
        }
      } catch (error) {
        stop(String(error.message || error));
      } finally {
        run.busy = false;
        if (state) page.commit(state);
        if (run.queued) {  // a step asked for while the last answer of a pause was on its way
          const steps = run.queued;
          run.queued = 0;
          loop(steps);
        }
      }
    }

    return {
      get playing() { return run.playing; },
      get busy() { return run.busy; },
      /** Play, or pause when playing. */
      toggle() {
        run.playing = !run.playing;
        page.showPlaying(run.playing);
        if (run.playing) {
          page.say("");
          if (!run.busy) loop(null);
        }
      },
      pause() { if (run.playing) stop(""); },
      /** ``steps`` steps (one request); right after a pause, once its last answer is in. */
      step(steps) {
        if (run.playing) return false;
        page.say("");
        if (run.busy) run.queued = steps || 1;
        else loop(steps || 1);
        return true;
      },
      stop: stop,
    };
  }

  modules.runner = { create: create, post: post };
})(window);
