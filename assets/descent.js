/*
 * The 1-D gradient-descent page's browser module (page "/descent"): its shortcuts, bound to
 * the page's root element only (s: one step, space: run or pause). The stepping itself runs
 * on the server (playground/app/pages/descent); ids come from Python's contract.
 */
(function () {
  "use strict";

  const ID = window.playgroundContract.ids.descent;
  let page = null;

  function onKey(event) {
    const typing = event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const button = event.key === " " ? ID.run : event.key === "s" ? ID.learn : null;
    if (button && document.getElementById(button)) {
      event.preventDefault();
      document.getElementById(button).click();
    }
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    descent: {
      /** Bind to the page's (new) root element. */
      mount: function () {
        const element = document.getElementById(ID.page);
        if (element && element !== page) {
          page = element;
          page.addEventListener("keydown", onKey);
          page.focus({ preventScroll: true });
        }
        return window.dash_clientside.no_update;
      },
    },
  });
})();
