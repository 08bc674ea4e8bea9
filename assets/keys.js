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
    page.shortcuts = shortcuts;  // for the list on "?"
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

  // ------------------------------------------------------------------ the list of shortcuts, on "?"

  const NAMES = { " ": "space" };
  const EVERY_PAGE = [["L", "lecture mode on or off"], ["?", "this list (Esc closes it)"],
    ["Esc", "leave a figure's full view"], ["Tab", "the next control (Shift+Tab: the one before)"]];

  /** The page's shortcuts as [key, what it does]: its buttons' own words (their title, or their text). */
  function listed(page) {
    const own = Object.entries((page && page.shortcuts) || {}).map(([key, id]) => {
      const button = document.getElementById(id);
      const does = button ? (button.getAttribute("title") || button.textContent || id).replace(/\s*\(key: [^)]*\)/, "") : id;
      return [NAMES[key] || key, does];
    });
    return own.concat(EVERY_PAGE);
  }

  function listBox() {
    let box = document.getElementById("shortcuts");
    if (box) return box;
    box = document.createElement("div");
    box.id = "shortcuts";
    box.className = "shortcuts";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "keyboard shortcuts");
    box.hidden = true;
    document.body.appendChild(box);
    return box;
  }

  let returnTo = null;  // where the focus was before the list opened

  function showList() {
    const box = listBox(), page = document.querySelector(".page");
    box.replaceChildren();  // text only, never markup
    const title = document.createElement("h2");
    title.textContent = "Keyboard shortcuts";
    const table = document.createElement("table");
    for (const [key, does] of listed(page)) {
      const row = table.insertRow();
      const kbd = document.createElement("kbd");
      kbd.textContent = key;
      row.insertCell().appendChild(kbd);
      row.insertCell().textContent = does;
    }
    const close = document.createElement("button");
    close.textContent = "close (Esc)";
    close.addEventListener("click", hideList);
    box.append(title, table, close);
    returnTo = document.activeElement;
    box.hidden = false;
    close.focus();
  }

  function hideList() {
    const box = document.getElementById("shortcuts");
    if (!box || box.hidden) return false;
    box.hidden = true;
    // Back to where the person was, or the page itself: its shortcuts work at once.
    const page = document.querySelector(".page");
    const back = returnTo && document.contains(returnTo) && returnTo !== document.body ? returnTo : page;
    if (back && back.focus) back.focus();
    return true;
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && hideList()) { event.preventDefault(); return; }
    if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    event.preventDefault();
    if (!hideList()) showList();
  });

  modules.keys = { bind: bind, typing: typing, listed: listed };
})(window.neuralModules = window.neuralModules || {});
