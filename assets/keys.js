/*
 * A page's keyboard shortcuts (space: play or pause, s: one step), bound to the page's root
 * element only, so they act on the page shown.
 *
 * They work wherever the focus is on the page except where a person types: a text or number
 * box, a text area, an editable element, or a menu's open list (its search box, its options). A menu
 * choice, a radio button or a checkbox keeps the focus on the page's controls: the shortcuts
 * still act there (the key does not also toggle the control), so a teacher never has to click
 * empty page first.
 */
(function (modules) {
  "use strict";

  const TYPED = /^(text|number|search|email|url|password|tel)$/;

  /** Does a keystroke on this element type into it, or choose in an open menu's list? */
  function typing(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable || target.tagName === "TEXTAREA") return true;
    if (target.closest(".dash-dropdown-content")) return true;  // a menu's open list (and its search box): its keys
    return target.tagName === "INPUT" && TYPED.test(target.type || "text");
  }

  /** Bind ``shortcuts`` (a key → the id of the button it presses) to ``page`` (its root element). */
  function bind(page, shortcuts) {
    let taken = null;  // the key a shortcut took on its way down: its way up is the shortcut's too
    page.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      const button = shortcuts[event.key] && document.getElementById(shortcuts[event.key]);
      if (!button || button.disabled) return;
      event.preventDefault();  // the key is the shortcut's, not the focused control's
      event.stopPropagation();
      taken = event.key;
      button.click();
    });
    // A focused button (a menu's, after a choice) acts on space when the key comes up: not this time.
    page.addEventListener("keyup", (event) => {
      if (event.key !== taken) return;
      taken = null;
      event.preventDefault();
      event.stopPropagation();
    }, true);
  }

  modules.keys = { bind: bind, typing: typing };
})(window.neuralModules = window.neuralModules || {});
