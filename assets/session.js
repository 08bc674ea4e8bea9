/*
 * The session's reducer: the one writer of the session's stores (playground/app/session/stores.py).
 *
 * A page hands the session a change, {id, set: {part: value, …}}, in a change store of its own;
 * the reducer takes every change that arrives, checks each part against its shape (the
 * contract's, the same Python checks), writes it into that part's store, and records which
 * change the stores hold (the revision: the play loop tells its own changes from others').
 * A part that breaks its shape is not written, and the alert line says so.
 *
 * ``change(source, parts)`` hands a change from browser code: into the change store named
 * ``source`` (each browser writer has its own); ``tracker`` tells a run loop which changes
 * were not its own.
 */
(function (root) {
  "use strict";

  const modules = root.neuralModules = root.neuralModules || {};
  const contract = () => root.playgroundContract.session;
  let counter = 0;

  function newId(source) { return source + "-" + Date.now().toString(36) + "-" + (++counter); }

  /**
   * A change of the session: new values for some of its parts (a clientside callback returns it).
   * ``merge``: the parts whose given keys are set, the rest kept as the store holds them.
   */
  function made(source, parts, merge) { return { id: newId(source), set: parts, merge: merge || [] }; }

  /** Hand the session a change from browser code (the change store ``source`` is its own). */
  function change(source, parts, merge) {
    const given = made(source, parts, merge);
    root.dash_clientside.set_props({ type: contract().change, source: source }, { data: given });
    return given.id;
  }

  function say(text) {
    if (root.dash_clientside && root.dash_clientside.set_props) root.dash_clientside.set_props("app-message", { children: text });
  }

  /** The clientside callback: every change store (and the stores as they are) → the session's stores and the revision. */
  function reduce(changes, ...current) {
    const noUpdate = root.dash_clientside.no_update;
    const parts = contract().parts;  // [[part, store id], …] in the callback's output order
    const outputs = parts.map(() => noUpdate);
    const triggered = (root.dash_clientside.callback_context.triggered || []).filter((t) => t.value);
    if (!triggered.length) return outputs.concat([noUpdate]);
    let last = null;
    for (const trigger of triggered) {
      const made = trigger.value, source = JSON.parse(trigger.prop_id.slice(0, trigger.prop_id.lastIndexOf("."))).source;
      const written = [];
      for (const [name, given] of Object.entries(made.set || {})) {
        const index = parts.findIndex((part) => part[0] === name);
        const before = index < 0 ? null : (outputs[index] === noUpdate ? current[index] : outputs[index]);
        const value = (made.merge || []).includes(name) ? Object.assign({}, before, given) : given;
        const wrong = index < 0 ? `the session has no part named ${name}` : modules.contract.check(name, value);
        if (wrong) {
          say(`That could not be kept: ${wrong}. Nothing was changed.`);
          console.error("session change refused", source, wrong);  // a page's bug, not a person's input
          continue;
        }
        outputs[index] = value;
        written.push(name);
      }
      last = { id: made.id, source: source, parts: written };
    }
    return outputs.concat([last && last.parts.length ? last : noUpdate]);
  }

  /**
   * What a page's run loop needs to know of the session's revisions: whether something other
   * than its own ``sources`` changed one of the ``watched`` parts since a mark (a change of
   * other parts, say the settings, goes into the next request as it is).
   */
  function tracker(sources, watched) {
    const seen = { revision: "", foreign: "", parts: [] };
    return {
      /** Take a revision in; true when it is a foreign change of a watched part. */
      adopt(revision) {
        if (!revision || revision.id === seen.revision) return false;
        seen.revision = revision.id;
        const parts = revision.parts || [];
        if (sources.includes(revision.source) || !parts.some((part) => watched.includes(part))) return false;
        seen.foreign = revision.id;
        seen.parts = parts;
        return true;
      },
      mark: () => seen.foreign,
      changed: (since) => seen.foreign !== since,
      parts: () => seen.parts,
    };
  }

  modules.session = { change: change, made: made, tracker: tracker };
  root.dash_clientside = Object.assign({}, root.dash_clientside);
  root.dash_clientside.session = Object.assign({}, root.dash_clientside.session, { reduce: reduce });
})(window);
