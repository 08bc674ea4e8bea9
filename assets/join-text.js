/*
 * What a student's phone says (page /join, assets/join.js), worked out from the room and the
 * server's answers: the round's task, the score and rank, the notice (closed, offline, locked,
 * ended). Pure functions of what they are given; the page sets them as text, never as markup.
 */
(function (modules) {
  "use strict";

  const percent = (v) => (100 * v).toFixed(1) + "\u00a0%";  // the number and its % on one line
  const cost = (v) => modules.drawing.formatCost(v);
  const number = (v) => (typeof v === "number" ? +v.toPrecision(4) : "–");

  /** The round's task line: the teacher's own, or what this kind of round asks. */
  function task(room) {
    const round = room.round;
    if (typeof round.task === "string" && round.task) return round.task;
    const best = room.data.task === "regression" ? "the lowest test cost wins" : "the best test accuracy wins";
    if (round.kind === "predict") return "Vote for what the network will do; after the teacher's run, vote again.";
    if (round.kind === "train") return "Choose a network and train it on these points: " + best + ".";
    return "Tune the sliders until the colours fit the points, then submit: " + best + ".";
  }

  /**
   * What the server said of the last submission or training (``result``), the student's best of the
   * round when this was not it, and the rank now (``me``: the latest /me, which follows the others).
   */
  function score(result, me) {
    me = me || {};
    const rank = me.rank || (result && result.rank), best = me.best || (result && result.best), parts = [];
    const scores = (r) => (typeof r.test_accuracy === "number" ? "test accuracy " + percent(r.test_accuracy) + ", " : "") +
      "test cost " + cost(r.test_cost);
    if (result) parts.push((result.epochs !== undefined ? "trained " + number(result.epochs) + " epochs: " : "scored: ") + scores(result));
    // The board keeps each student's best of the round: said too when this try was not it.
    if (best && typeof best === "object" && (!result || best.test_cost !== result.test_cost)) {
      parts.push("· your best: " + (typeof best.test_accuracy === "number" ? percent(best.test_accuracy) : "cost " + cost(best.test_cost)));
    }
    if (rank) parts.push("· rank " + rank);
    return parts.join(" ");
  }

  /** Why the student cannot act just now, if they cannot (the most important reason). */
  function notice(room, offline) {
    if (room.closed) return "The room is closed: thank you for taking part.";
    if (offline) return "The connection is lost: trying again. Your network stays on this phone.";
    if (room.settings.locked) return "The teacher has locked the room: look, and wait to move, submit or vote.";
    if (room.round.state === "ended") return "This round has ended: wait for the teacher's next one.";
    return "";
  }

  /** The vote's line: the student's vote of this phase, or what to do (after the run: their first vote too). */
  function voted(round, votes, acting) {
    const phase = round.phase || "before", options = round.options || [], first = votes.before;
    if (votes[phase] !== undefined) return "Your vote: " + options[votes[phase]] + (acting ? " (tap another to change it)" : "");
    if (phase === "after") return "Now that you have seen the run: vote again." + (first !== undefined ? " (Before: " + options[first] + ")" : "");
    return "Tap the answer you expect.";
  }

  /** How much a train round allows. */
  function limits(round) {
    return "At most " + (round.max_hidden_layers || 0) + " hidden layers of at most " + (round.max_width || 1) +
      " nodes" + (round.epochs ? "; each press trains " + round.epochs + " epochs." : ".");
  }

  /** The network's accuracy and cost on the room's training points, as the page draws it. */
  function readout(net, data) {
    const measured = modules.maths.evaluateCosts(net, data.train_inputs, data.train_labels, 0, 0);
    if (!measured) return "";
    const value = net.cost === "cross_entropy" && measured.cross_entropy !== null ? measured.cross_entropy : measured.quadratic;
    return "on these points: " + (measured.accuracy !== null ? percent(measured.accuracy) + " right, " : "") + "cost " + cost(value);
  }

  modules.joinText = { task: task, score: score, notice: notice, voted: voted, limits: limits, readout: readout, number: number };
})(window.neuralModules = window.neuralModules || {});
