/**
 * Uploads over their size limit (every page): the browser drops such a file without a word and
 * Dash never hears of it, so the page's own message line says so here. The limits and the
 * lines come from Python (window.playgroundContract.uploads; playground/app/main.py).
 */
(function () {
  "use strict";

  const megabytes = (bytes) => (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0) + " MB";

  /** What to say of a file chosen in an upload, or null when it is within its limit. */
  function overLimit(input) {
    if (!input || input.type !== "file" || !input.files || !input.files.length) return null;
    const file = input.files[0];
    for (const rule of window.playgroundContract.uploads || []) {
      if (input.closest("#" + rule.upload) && file.size > rule.limit) {
        return { message: rule.message, text: `${file.name} is ${megabytes(file.size)}: at most ` +
          `${megabytes(rule.limit)} can be loaded here. Nothing was changed.` };
      }
    }
    return null;
  }

  document.addEventListener("change", (event) => {
    const said = overLimit(event.target);
    if (said && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(said.message, { children: window.neuralModules.messages.said(said.text, "error") });
    }
  }, true);
})();
